"""`make run`'s supervisor: serves, stops cleanly on SIGINT/SIGTERM, and keeps data across runs."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest

from tests.conftest import ROOT, stl_size

pytestmark = pytest.mark.slow
DEADLINE = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, data_dir: Path):
        self.port = free_port()
        inherited = ("DATABASE_URL", "MEDIA_ROOT", "SECRET_KEY", "IP_HASH_KEY")
        env = {k: v for k, v in os.environ.items() if k not in inherited}
        env.update(
            NATURALCAD_DATA_DIR=str(data_dir),
            PORT=str(self.port),
            WEB_CONCURRENCY="1",
            SPACE_PORT=str(free_port()),
        )
        self.log = data_dir / f"stack-{self.port}.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "naturalcad.stack", "run"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self.postmaster = data_dir / "postgres" / "postmaster.pid"

    def until(self, check):
        """Wait for another process to reach a state; bounded, and fails loudly."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the stack exited early"
            try:
                result = check()
            except httpx.TransportError:
                result = None
            if result:
                return result
            time.sleep(0.2)
        raise AssertionError("the stack did not get there in time")

    def processes(self) -> list[psutil.Process]:
        family = psutil.Process(self.proc.pid).children(recursive=True)
        postgres = psutil.Process(int(self.postmaster.read_text().split()[0]))
        return [*family, postgres, *postgres.children(recursive=True)]

    def stop(self, signum) -> None:
        self.proc.send_signal(signum)
        assert self.proc.wait(60) == 0
        self.http.close()


def healthy(stack: Stack):
    return stack.http.get("/health").status_code == 200


def test_the_stack_serves_stops_cleanly_and_keeps_jobs(tmp_path):
    first = Stack(tmp_path)
    try:
        first.until(lambda: healthy(first))
        job_url = first.http.post("/jobs", json={"prompt": "a 40 mm cube"}).headers["Location"]
        job = first.until(
            lambda: (j := first.http.get(job_url).json())["status"] == "completed" and j
        )
        stl = next(a for a in job["artifacts"] if a["kind"] == "stl")
        assert stl_size(first.http.get(stl["url"]).content) == pytest.approx([40, 40, 40], abs=1e-3)
        # The local profile is not DEBUG: an unknown path is the API's JSON 404, no URL list.
        unknown = first.http.get("/no-such-page")
        assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
        running = first.processes()
        assert len(running) >= 4  # API master and worker, its forkserver, postgres
    finally:
        first.stop(signal.SIGINT)
    assert not [p for p in running if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    log = first.log.read_text()
    assert '"POST /jobs HTTP/1.1" 202' in log  # the access log is on...
    assert "127.0.0.1 - -" not in log  # ...and names no client address

    second = Stack(tmp_path)
    try:
        second.until(lambda: healthy(second))
        assert second.http.get(job_url).json()["status"] == "completed"
        # The signing key was generated once and kept: the first run's link still opens.
        link = urlsplit(stl["url"])  # the first run's link, on this run's port
        assert second.http.get(f"{link.path}?{link.query}").status_code == 200
    finally:
        second.stop(signal.SIGTERM)
    assert not second.postmaster.exists()
    secrets_file = tmp_path / "secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    assert set(json.loads(secrets_file.read_text())) == {"SECRET_KEY", "IP_HASH_KEY"}
