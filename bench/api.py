"""POST /jobs throughput and latency with the rate limiter on and off, in one run.

    python -m naturalcad.stack exec -- python bench/api.py     (or: make bench)

Each configuration runs twice, interleaved (on, off, on, off), against a real gunicorn with
two processes on the same Postgres; limits are set high enough that every request is
accepted, so both sides do the same work except for counting. Target: cost <= 1.2.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from naturalcad.stack import API_COMMAND, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CONCURRENCY = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_api(limiter: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = os.environ | {
        "DEBUG": "true",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "RATELIMIT_ENABLE": str(limiter).lower(),
        "RATE_LIMIT_ANONYMOUS": "100000000/d",
        "RATE_LIMIT_SESSION": "100000000/d",
        "MAX_UNFINISHED_PER_CLIENT": "100000000",
        "MAX_QUEUE_DEPTH": "100000000",
    }
    command = [*API_COMMAND, "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/health")
    return server, url


def load(url: str) -> dict:
    client = httpx.Client(timeout=30)
    body = {"prompt": "a 40 mm cube", "session_id": "bench"}

    def one(_):
        start = time.perf_counter()
        response = client.post(f"{url}/jobs", json=body)
        assert response.status_code == 202, response.text
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        latencies = sorted(pool.map(one, range(REQUESTS)))
    elapsed = time.perf_counter() - start
    return {
        "rps": REQUESTS / elapsed,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
    }


def run(limiter: bool) -> dict:
    server, url = start_api(limiter)
    try:
        load(url)  # warm-up: connections, imports
        return load(url)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        check=True,
        env=os.environ | {"DEBUG": "true"},
    )
    results = {True: [], False: []}
    for limiter in (True, False, True, False):
        results[limiter].append(run(limiter))
    on, off = (
        {k: statistics.median(r[k] for r in results[flag]) for k in ("rps", "p50", "p99")}
        for flag in (True, False)
    )
    print(f"POST /jobs, {REQUESTS} requests, {CONCURRENCY} concurrent, 2 gunicorn processes")
    for name, r in (("limiter on ", on), ("limiter off", off)):
        print(
            f"{name}: {r['rps']:7.1f} req/s  p50 {r['p50'] * 1000:6.1f} ms"
            f"  p99 {r['p99'] * 1000:6.1f} ms"
        )
    print(
        f"limiter cost (p50 on / off): {on['p50'] / off['p50']:.2f}  "
        f"(throughput off / on: {off['rps'] / on['rps']:.2f}; target <= 1.2)"
    )


if __name__ == "__main__":
    main()
