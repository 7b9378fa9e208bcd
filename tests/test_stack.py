"""`make run`'s supervisor: serves, stops cleanly on SIGINT/SIGTERM, and keeps data across runs."""

import json
import re
import signal
import subprocess
from urllib.parse import urlsplit

import psutil
import pytest

from tests.conftest import ROOT, stl_size
from tests.faults import Stack

pytestmark = pytest.mark.slow
ADMIN_PASSWORD = "an-operator's-long-password"


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
        operate(first)
    finally:
        first.stop(signal.SIGINT)
    assert not [p for p in running if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    log = first.log.read_text()
    assert '"POST /jobs HTTP/1.1" 202' in log  # the access log is on...
    assert "127.0.0.1 - -" not in log  # ...and names no client address
    assert not re.search(r'"GET /jobs/[0-9a-f-]{36} HTTP/1.1" 200', log)  # ...but not the polls
    assert log.count("NaturalCAD is running") == 1
    api, space = f"http://127.0.0.1:{first.port}", f"http://127.0.0.1:{first.env['SPACE_PORT']}"
    for url in (f"{api}/", f"{api}/api/docs", f"{api}/admin/", f"{space}/"):
        assert f" {url}\n" in log, url
    assert "make admin" in log and "make manage" in log
    assert "Starting job jobs.build_job" in log and "jobs.sweep" not in log  # upkeep is quiet

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


def make(stack: Stack, target: str, args: str, **env: str) -> subprocess.CompletedProcess:
    """`make TARGET ARGS=...` in the repository, beside the `make run` that `stack` is."""
    return subprocess.run(
        ["make", "--no-print-directory", target, f"ARGS={args}"],
        cwd=ROOT,
        env=stack.env | env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def operate(stack: Stack) -> None:
    """An operator's first minutes: an admin login and a key, made with the make targets
    against the database `make run` is serving (no DATABASE_URL set by hand)."""
    assert "DATABASE_URL" not in stack.env
    made = make(
        stack,
        "admin",
        "--no-input",
        DJANGO_SUPERUSER_USERNAME="ops",
        DJANGO_SUPERUSER_EMAIL="ops@example.org",
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    stack.http.get("/admin/login/")
    login = stack.http.post(
        "/admin/login/",
        data={
            "username": "ops",
            "password": ADMIN_PASSWORD,
            "csrfmiddlewaretoken": stack.http.cookies["csrftoken"],
            "next": "/admin/",
        },
    )
    assert (login.status_code, login.headers.get("Location")) == (302, "/admin/")
    assert 'id="dashboard"' in stack.http.get("/admin/").text
    issued = make(stack, "manage", "create_api_key --name from-make --tier trusted")
    assert issued.returncode == 0, issued.stdout + issued.stderr
    key = issued.stdout.strip().splitlines()[-1]
    answer = stack.http.post(
        "/jobs", json={"prompt": "a 30 mm cube"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 202, answer.text
