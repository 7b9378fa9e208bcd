"""The web behind a real transaction pooler, as production's web stands behind Supabase's:
connections kept between requests against a new one per request, in one run.

    apt-get install -y wrk pgbouncer      (once)
    python -m naturalcad.stack exec -- python bench/pooler.py

A PgBouncer in transaction mode, with TLS and SCRAM as Supabase's pooler asks (tests/pooler.py),
in front of this run's Postgres; both services run the API under the same gunicorn settings
(2 processes x 4 threads), one with the settings of before (bench/per_request: CONN_MAX_AGE 0),
one as it is. bench/api.py's load shapes and pairing: three runs of each in turns, each ratio
against the run beside it, and the median. Throughput of kept / per request, and CPU per
request of the web and Postgres (the pooler's own is printed apart: in production it is
Supabase's).
"""

import os
import statistics
import sys
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.api as B
from jobs.access import issue_api_key
from jobs.models import Tier
from tests.pooler import PgBouncer


def main() -> None:
    load = os.getloadavg()[0]
    B.migrate()
    B.DATABASE = B.database_server()
    _, space_key = issue_api_key("bench", Tier.SPACE)
    B.reset(big=False)
    pooler = PgBouncer(os.environ["DATABASE_URL"])
    behind = {"DATABASE_URL": pooler.url, "DATABASE_POOLER": "true"}
    servers: list = []
    pooler_ms: dict[bool, list[float]] = {False: [], True: []}  # kept? -> ms a request
    try:
        for settings in ("bench.per_request.settings", "naturalcad.settings"):
            env = behind | {"DJANGO_SETTINGS_MODULE": settings}
            servers.append(
                B.start([*B.API_COMMAND, "--access-logfile", "/dev/null"], "/health", env)
            )
        before, kept = servers
        bouncer = psutil.Process(pooler.process.pid)
        wrk = B.wrk

        def wrk_and_pooler(url: str, script: str, server) -> B.Run:
            """A wrk run, and the pooler's CPU per request during it."""
            cpu = sum(bouncer.cpu_times()[:2])
            run = wrk(url, script, server)
            used = 1000 * (sum(bouncer.cpu_times()[:2]) - cpu) / max(run.rps * B.SECONDS, 1)
            pooler_ms[server is kept].append(used)
            return run

        B.wrk = wrk_and_pooler  # measure's runs go through it
        script = B.lua(
            "POST",
            B.BODY.replace(', "session_id": "bench"', ""),
            {"Content-Type": "application/json", "Authorization": f"Bearer {space_key}"},
            True,
        )
        posts = B.measure(before, "/jobs", kept, "/jobs", script, big=False)
        job = B.completed_job()
        path = f"/jobs/{job.id}"
        gets = B.measure(before, path, kept, path, B.lua("GET", "", {}, False), None)
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        pooler.close()
    print(
        f"wrk -t2 -c{B.CONNECTIONS} -d{B.SECONDS}s; gunicorn 2 processes x 4 threads for both;"
        f" PgBouncer 1 process, transaction mode, TLS + SCRAM; {os.cpu_count()} cores;"
        f" load average at start: {load:.1f}"
    )
    names = ("per request", "kept       ")
    B.report(f"POST, {B.CLIENTS} clients, through the pooler", names, posts)
    B.report("GET of a completed job with 4 files, through the pooler", names, gets)
    print(
        "the pooler's own CPU a request, median over every run:"
        f" per request {statistics.median(pooler_ms[False]):.2f} ms,"
        f" kept {statistics.median(pooler_ms[True]):.2f} ms"
    )


if __name__ == "__main__":
    main()
