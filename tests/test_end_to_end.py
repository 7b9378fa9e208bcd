"""The whole path over real HTTP: POST -> Postgres queue -> a real worker process -> download."""

import hashlib

import httpx
import pytest

from audit.models import AuditEvent
from tests.conftest import stl_size

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_prompt_becomes_downloadable_step_and_stl(live_server, run_worker):
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        created = http.post("/jobs", json={"prompt": "a 40 mm cube"})
        assert created.status_code == 202
        job_url = created.headers["Location"]
        assert http.get(job_url).json()["status"] == "queued"

        run_worker()

        job = http.get(job_url).json()
        assert job["status"] == "completed", job["error"]
        artifacts = {a["kind"]: a for a in http.get(f"{job_url}/artifacts").json()["artifacts"]}
        assert {"stl", "step"} <= set(artifacts)
        # Each answer signs its links afresh, so only url and expires_at may differ.
        assert _unsigned(artifacts.values()) == _unsigned(job["artifacts"])
        files = {kind: http.get(a["url"]) for kind, a in artifacts.items()}

    for kind, response in files.items():
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == artifacts[kind]["sha256"]
        assert len(response.content) == artifacts[kind]["size_bytes"]
    assert stl_size(files["stl"].content) == pytest.approx([40, 40, 40], abs=1e-3)
    assert files["step"].content.startswith(b"ISO-10303-21")
    steps = [
        e.details_json["to"]
        for e in AuditEvent.objects.filter(job_id=job["id"], event_type="job.status")
    ]
    assert steps == ["submitted", "validated", "queued", "running", "completed"]


def _unsigned(artifacts) -> dict:
    return {
        a["kind"]: {k: v for k, v in a.items() if k not in ("url", "expires_at")} for a in artifacts
    }


def test_a_refused_prompt_ends_failed_with_a_message(live_server, run_worker):
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        job_url = http.post("/jobs", json={"prompt": "a poem about the sea"}).headers["Location"]
        run_worker()
        job = http.get(job_url).json()
    assert job["status"] == "failed"
    assert job["error"]["code"] == "prompt_not_understood"
    assert job["artifacts"] == []
