"""A real stack (`python -m naturalcad.stack run`) to break on purpose, and the tools to break it.

Shared by the fault tests and bench/soak.py. Every wait is bounded and fails loudly.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil
import psycopg
from pgserver._commands import pg_ctl

from naturalcad.stack import API_COMMAND, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
FINAL = {"completed", "failed", "blocked", "expired", "canceled"}
# Short heartbeats and a sweep every 2 s, so that a test sees recovery in seconds.
FAST_RECOVERY = {
    "WORKER_HEARTBEAT_SECONDS": "1",
    "STALLED_AFTER_SECONDS": "3",
    "SWEEP_CRON": "* * * * * */2",
}
# Limits out of the way: fault tests post from one address.
GENEROUS = {
    "RATE_LIMIT_ANONYMOUS": "100000/m",
    "MAX_UNFINISHED_PER_CLIENT": "100000",
    "MAX_QUEUE_DEPTH": "100000",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def api_server(env: dict[str, str], log: Path) -> Iterator[int]:
    """The API alone under gunicorn (`make run`'s command) with `env`, on a free port, its
    output in `log`: yields the port once /health answers, and stops the server after."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            API_COMMAND, cwd=ROOT, env=env | {"PORT": str(port)}, stdout=out, stderr=out
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process=server)
        yield port
    finally:
        server.terminate()
        server.wait(30)


def until(check, timeout: float, what: str, alive=None):
    """Poll `check` until it returns something truthy; AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None:
            assert alive(), "the stack exited early"
        try:
            result = check()
        except httpx.TransportError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what}: not reached in {timeout:g} s")


class Stack:
    """`make run` in a fresh data directory, on free ports, with its own Postgres."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        inherited = ("DATABASE_URL", "MEDIA_ROOT", "SECRET_KEY", "IP_HASH_KEY")
        base = {k: v for k, v in os.environ.items() if k not in inherited}
        base.update(
            NATURALCAD_DATA_DIR=str(data_dir),
            PORT=str(self.port),
            WEB_CONCURRENCY="1",
            SPACE_PORT=str(free_port()),
            **(env or {}),
        )
        self.env = base  # what `make run` was started with: for commands alongside it
        self.log = data_dir / f"stack-{self.port}.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "naturalcad.stack", "run"],
                cwd=ROOT,
                env=base,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.statuses: Counter = Counter()
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}",
            timeout=30,
            event_hooks={"response": [lambda r: self.statuses.update([r.status_code])]},
        )
        self.pgdata = data_dir / "postgres"

    def until(self, check, timeout: float = 90, what: str = "the stack"):
        return until(check, timeout, what, alive=lambda: self.proc.poll() is None)

    def healthy(self) -> bool:
        return self.http.get("/health").status_code == 200

    def processes(self) -> list[psutil.Process]:
        family = psutil.Process(self.proc.pid).children(recursive=True)
        postgres = psutil.Process(self.postmaster()["pid"])
        return [*family, postgres, *postgres.children(recursive=True)]

    def child(self, marker: str) -> psutil.Process:
        """The supervisor's child whose command line contains `marker` (e.g. run_worker)."""
        for child in psutil.Process(self.proc.pid).children():
            if any(marker in part for part in child.cmdline()):
                return child
        raise LookupError(marker)

    def worker(self) -> psutil.Process:
        return self.until(lambda: _try(lambda: self.child("run_worker")), 30, "a worker")

    def post(self, prompt: str) -> str:
        response = self.http.post("/jobs", json={"prompt": prompt})
        assert response.status_code == 202, response.text
        return response.json()["id"]

    def status(self, job_id: str) -> str:
        return self.http.get(f"/jobs/{job_id}").json()["status"]

    def wait_final(self, job_ids, timeout: float) -> dict[str, dict]:
        def all_final():
            jobs = {i: self.http.get(f"/jobs/{i}").json() for i in job_ids}
            return jobs if all(j.get("status") in FINAL for j in jobs.values()) else None

        return self.until(all_final, timeout, "every job final")

    # Postgres, as the stack started it (pgserver: a Unix socket in a runtime directory).
    def postmaster(self) -> dict:
        lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        return {"pid": int(lines[0]), "port": int(lines[3]), "socket_dir": lines[4]}

    def database_url(self) -> str:
        info = self.postmaster()
        host = quote(info["socket_dir"], safe="")
        return f"postgresql://postgres@{host}:{info['port']}/naturalcad"

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url(), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def stop_postgres(self) -> dict:
        """Stop Postgres at once, as a crash would (no checkpoint, connections cut)."""
        info = self.postmaster()
        pg_ctl(
            ["-w", "-m", "immediate", "stop"], pgdata=self.pgdata, timeout=30, **self._as_owner()
        )
        return info

    def start_postgres(self, info: dict) -> None:
        """Start it again on the same socket, as pgserver did."""
        options = ["-o", '-h ""', "-o", f"-k {info['socket_dir']}", "-o", f"-p {info['port']}"]
        log = self.pgdata / "log"
        pg_ctl(
            ["-w", *options, "-l", str(log), "start"],
            pgdata=self.pgdata,
            timeout=60,
            **self._as_owner(),
        )

    def _as_owner(self) -> dict:
        """pg_ctl refuses to run as root; pgserver then runs Postgres as its own user."""
        return {"user": self.pgdata.owner()} if os.geteuid() == 0 else {}

    def stop(self, signum=signal.SIGINT) -> None:
        self.http.close()  # an open keep-alive connection would hold gunicorn's shutdown
        self.proc.send_signal(signum)
        assert self.proc.wait(90) == 0


def _try(get):
    try:
        return get()
    except (LookupError, psutil.Error):
        return None


def audit(stack: Stack, job_id: str) -> list[dict]:
    rows = stack.query(
        "SELECT event_type, details_json FROM audit_auditevent WHERE job_id = %s ORDER BY id",
        job_id,
    )
    return [{"event": event, **details} for event, details in rows]


def runs(events: list[dict]) -> int:
    """How many times the job went to `running` according to its audit trail."""
    return sum(1 for e in events if e["event"] == "job.status" and e.get("to") == "running")


class StoreProxy:
    """A real HTTP proxy in front of an S3 server that refuses (503) on demand: for a while
    (`refuse_for`), the first PUT of each object (`fail_first_put`), or every PUT of the keys
    ending with `refuse_suffix`; it can make each PUT take `put_seconds`, as a store some way
    off would, and counts requests by method and the most PUTs it held at once."""

    def __init__(self, upstream: str, *, fail_first_put: bool = False):
        self.upstream = upstream
        self.fail_first_put = fail_first_put
        self.refuse_until = 0.0  # monotonic time until which every request gets a 503
        self.refuse_suffix: str | None = None
        self.put_seconds = 0.0
        self.puts: Counter = Counter()
        self.methods: Counter = Counter()
        self.most_puts_at_once = 0
        self._puts_now = 0
        self._count = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _ProxyHandler)
        self.server.proxy = self  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def refuse_for(self, seconds: float) -> None:
        self.refuse_until = time.monotonic() + seconds

    def refuses(self, method: str, path: str) -> bool:
        if time.monotonic() < self.refuse_until:
            return True
        if method == "PUT":
            self.puts[path] += 1
            refused = self.refuse_suffix is not None and path.endswith(self.refuse_suffix)
            return refused or (self.fail_first_put and self.puts[path] == 1)
        return False

    @contextmanager
    def in_flight(self, method: str) -> Iterator[None]:
        """A request counted; a PUT held `put_seconds` and counted while it lasts."""
        put = method == "PUT"
        with self._count:
            self.methods[method] += 1
            self._puts_now += put
            self.most_puts_at_once = max(self.most_puts_at_once, self._puts_now)
        try:
            if put:
                time.sleep(self.put_seconds)  # the store's distance, not a wait for an event
            yield
        finally:
            with self._count:
                self._puts_now -= put

    def close(self) -> None:
        self.server.shutdown()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # answers boto's `Expect: 100-continue` at once

    def _forward(self):
        proxy: StoreProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        with proxy.in_flight(self.command):
            self._answer(proxy, body)

    def _answer(self, proxy: "StoreProxy", body: bytes) -> None:
        if proxy.refuses(self.command, self.path):
            self.send_response(503)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        reply = httpx.request(
            self.command, proxy.upstream + self.path, headers=headers, content=body
        )
        self.send_response(reply.status_code)
        for name, value in reply.headers.items():
            if name.lower() not in ("transfer-encoding", "connection", "content-encoding"):
                self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.content)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _forward

    def log_message(self, *args):
        pass
