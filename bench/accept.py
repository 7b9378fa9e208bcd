"""The web's gunicorn worker (naturalcad/gunicorn_worker.py: a process whose threads are all
busy leaves a new connection to one with a thread free) against gunicorn's own threaded
worker, in one run.

    apt-get install -y wrk      (once)
    python -m naturalcad.stack exec -- python bench/accept.py

The API twice, under the same gunicorn settings (2 processes x 4 threads), once with `-k
gthread`: bench/api.py's POST with 1,000 clients and its GET of a completed job, runs of each
in turns (ACCEPT_PAIRS, 6: each run's 16 connections split anew), each ratio against the run
beside it. Printed for each run: how many of wrk's connections each process held halfway
through; and for each worker, how many runs had a process holding 12 or more.
"""

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.api as B  # sets Django up on this run's database

B.PAIRS = int(os.environ.get("ACCEPT_PAIRS", "6"))
UNEVEN = 12  # of wrk's 16 connections in one process: a run this uneven or more


def main() -> None:
    load = os.getloadavg()[0]
    space_key = B.prepare()
    command = [*B.API_COMMAND, "--access-logfile", "/dev/null"]
    stock = B.start([*command, "-k", "gthread"], "/health")
    ours = B.start(command, "/health")
    try:
        posts = B.measure(stock, "/jobs", ours, "/jobs", B.clients_post(space_key), False)
        path = f"/jobs/{B.completed_job().id}"  # the status poll, twice a second a visitor
        gets = B.measure(stock, path, ours, path, B.lua("GET", "", {}, False), None)
    finally:
        for server in (stock, ours):
            server.terminate()
            server.wait()
    print(
        f"wrk -t2 -c{B.CONNECTIONS} -d{B.SECONDS}s; gunicorn 2 processes x 4 threads for both;"
        f" {os.cpu_count()} cores; load average at start: {load:.1f}"
    )
    for title, pairs in ((f"POST, {B.CLIENTS} clients", posts), ("GET of a completed job", gets)):
        B.report(title, ("gthread", "ours   "), pairs)
        for name, runs in (("gthread", [s for _, s in pairs]), ("ours   ", [o for o, _ in pairs])):
            uneven = sum(max(run.split) >= UNEVEN for run in runs)
            print(
                f"  {name}: {uneven} of {len(runs)} runs with {UNEVEN} or more connections in a"
                f" process; throughput median {statistics.median(run.rps for run in runs):.0f}"
                f" req/s, lowest {min(run.rps for run in runs):.0f}; p99 median"
                f" {statistics.median(run.p99 for run in runs):.1f} ms,"
                f" highest {max(run.p99 for run in runs):.1f} ms"
            )


if __name__ == "__main__":
    main()
