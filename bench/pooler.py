"""The web behind a real transaction pooler, as production's web stands behind Supabase's:
connections kept between requests against a new one per request, in one run.

    apt-get install -y wrk pgbouncer      (once)
    python -m naturalcad.stack exec -- python bench/pooler.py

A PgBouncer in transaction mode, with TLS and SCRAM as Supabase's pooler asks (tests/pooler.py),
in front of this run's Postgres. The API runs under the same gunicorn settings (2 processes x 4
threads) three times: as it is (kept for up to 60 s, checked before reuse by a look at the
idle socket), with the settings of before (bench/pooled/per_request.py: a new connection for
every request), and with Django's own check before reuse (bench/pooled/select_one.py: a
SELECT 1 round trip). bench/api.py's pairing: three runs of each in turns, each ratio against
the run beside it, and the median. The pooler's CPU is printed apart: in production it is
Supabase's, not ours, and here it shares the two cores, so the CPU per request of the web and
of Postgres is the fairer reading of the throughput ratios.
"""

import os
import statistics
import subprocess
import sys
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.api as B  # sets Django up on this run's database
from tests.pooler import PgBouncer

VARIANTS = {  # name -> settings module
    "kept       ": "naturalcad.settings",
    "per request": "bench.pooled.per_request",
    "SELECT 1   ": "bench.pooled.select_one",
}


def main() -> None:
    load = os.getloadavg()[0]
    space_key = B.prepare()
    pooler = PgBouncer(os.environ["DATABASE_URL"])
    servers: dict[str, subprocess.Popen] = {}
    pooler_ms: dict[str, list[float]] = {name: [] for name in VARIANTS}  # ms a request
    try:
        command = [*B.API_COMMAND, "--access-logfile", "/dev/null"]
        for name, settings in VARIANTS.items():
            env = {"DATABASE_URL": pooler.url, "DATABASE_POOLER": "true"}
            servers[name] = B.start(command, "/health", env | {"DJANGO_SETTINGS_MODULE": settings})
        assert pooler.process is not None
        bouncer = psutil.Process(pooler.process.pid)
        names = {server: name for name, server in servers.items()}

        def wrk_and_pooler(url: str, script: str, server: subprocess.Popen) -> B.Run:
            """A wrk run, and the pooler's CPU per request during it."""
            cpu = sum(bouncer.cpu_times()[:2])
            run = B.wrk(url, script, server)
            used = 1000 * (sum(bouncer.cpu_times()[:2]) - cpu) / max(run.rps * B.SECONDS, 1)
            pooler_ms[names[server]].append(used)
            return run

        post = B.clients_post(space_key)
        kept, before, checked = servers.values()
        posts = B.measure(before, "/jobs", kept, "/jobs", post, False, wrk_and_pooler)
        rounds = B.measure(checked, "/jobs", kept, "/jobs", post, False, wrk_and_pooler)
        path = f"/jobs/{B.completed_job().id}"
        get = B.lua("GET", "", {}, False)
        gets = B.measure(before, path, kept, path, get, None, wrk_and_pooler)
    finally:
        for server in servers.values():
            server.terminate()
            server.wait()
        pooler.close()
    print(
        f"wrk -t2 -c{B.CONNECTIONS} -d{B.SECONDS}s; gunicorn 2 processes x 4 threads for each;"
        f" PgBouncer 1 process, transaction mode, TLS + SCRAM; {os.cpu_count()} cores;"
        f" load average at start: {load:.1f}"
    )
    kept_name, before_name, checked_name = VARIANTS
    B.report(f"POST, {B.CLIENTS} clients", (before_name, kept_name), posts)
    B.report(f"POST, {B.CLIENTS} clients", (checked_name, kept_name), rounds)
    B.report("GET of a completed job with 4 files", (before_name, kept_name), gets)
    spent = ", ".join(f"{n.strip()} {statistics.median(ms):.2f} ms" for n, ms in pooler_ms.items())
    print(f"the pooler's own CPU a request, median over each one's runs: {spent}")


if __name__ == "__main__":
    main()
