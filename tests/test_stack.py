"""`make run`'s supervisor: serves, stops cleanly on SIGINT/SIGTERM, and keeps data across runs."""

import json
import signal
from urllib.parse import urlsplit

import psutil
import pytest

from tests.conftest import stl_size
from tests.faults import Stack

pytestmark = pytest.mark.slow


def test_the_stack_serves_stops_cleanly_and_keeps_jobs(tmp_path):
    first = Stack(tmp_path)
    try:
        first.until(first.healthy)
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
        second.until(second.healthy)
        assert second.http.get(job_url).json()["status"] == "completed"
        # The signing key was generated once and kept: the first run's link still opens.
        link = urlsplit(stl["url"])  # the first run's link, on this run's port
        assert second.http.get(f"{link.path}?{link.query}").status_code == 200
    finally:
        second.stop(signal.SIGTERM)
    assert not (second.pgdata / "postmaster.pid").exists()
    secrets_file = tmp_path / "secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    assert set(json.loads(secrets_file.read_text())) == {"SECRET_KEY", "IP_HASH_KEY"}
