"""The pipeline against a real S3 API over HTTP: private bucket, presigned URLs, reuse."""

import hashlib
from urllib.parse import urlparse

import httpx
import pytest

from artifacts.kinds import OWN_KINDS
from artifacts.models import Artifact
from audit.models import AuditEvent
from jobs import pipeline
from jobs.models import JobStatus
from tests.conftest import stl_size

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_every_artifact_downloads_from_s3_through_its_presigned_url(s3, live_server, run_worker):
    with httpx.Client(base_url=live_server.url, timeout=30) as api:
        job_url = api.post("/jobs", json={"prompt": "a 30 x 20 x 10 mm block"}).headers["Location"]
        run_worker()
        job = api.get(job_url).json()
    assert job["status"] == "completed", job["error"]
    drawings = {"drawing_dxf", "drawing_svg", "drawing_pdf"}
    sources = {"spec", "py", "log"}
    assert {a["kind"] for a in job["artifacts"]} == {
        "stl",
        "step",
        "glb",
        "png",
        *drawings,
        *sources,
    }
    for artifact in job["artifacts"]:
        url = urlparse(artifact["url"])
        assert f"{url.scheme}://{url.netloc}" == s3.client.meta.endpoint_url
        assert "X-Amz-Signature=" in url.query and "X-Amz-Expires=" in url.query
        response = httpx.get(artifact["url"])  # a plain HTTP client, no credentials
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == artifact["sha256"]
        assert response.headers["content-type"] == artifact["content_type"]
        kind = artifact["kind"]
        suffix = f"-drawing.{kind[8:]}" if kind in drawings else f".{kind}"
        suffix = "-spec.json" if kind == "spec" else suffix
        name = f"naturalcad-{job['id'][:8]}{suffix}"
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    stl = next(a for a in job["artifacts"] if a["kind"] == "stl")
    assert stl_size(httpx.get(stl["url"]).content) == pytest.approx([30, 20, 10], abs=1e-3)
    assert s3.object_keys() == {a.storage_key for a in Artifact.objects.all()}


def test_a_repeated_part_completes_from_the_stored_files(s3, make_job, monkeypatch):
    first = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(first.id))
    stored = s3.object_keys()

    def no_build(spec, job_id=""):
        raise AssertionError("a repeated part must not be built again")

    monkeypatch.setattr(pipeline, "build_isolated", no_build)
    second = make_job(JobStatus.QUEUED, prompt="cube, 4 cm")  # other words, same part
    pipeline.run_job(str(second.id))
    second.refresh_from_db()
    assert second.status == JobStatus.COMPLETED
    assert second.reused_from_id == first.id
    # no new objects but the files that say how this job was made: its spec, script, log
    own = {a.storage_key for a in second.artifacts.filter(kind__in=OWN_KINDS)}
    assert s3.object_keys() == stored | own
    shared = {(a.kind, a.storage_key) for a in second.artifacts.exclude(kind__in=OWN_KINDS)}
    assert shared == {(a.kind, a.storage_key) for a in first.artifacts.exclude(kind__in=OWN_KINDS)}
    assert {a.kind for a in second.artifacts.filter(kind__in=OWN_KINDS)} == OWN_KINDS
    event = AuditEvent.objects.get(job=second, event_type="job.reused")
    assert event.details_json["source"] == str(first.id)


def test_a_part_whose_files_expire_soon_is_built_again(s3, make_job):
    first = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(first.id))
    Artifact.objects.filter(job=first).update(expires_at=first.created_at)
    second = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(second.id))
    second.refresh_from_db()
    assert (second.status, second.reused_from_id) == (JobStatus.COMPLETED, None)
    # what the refused reuse had put (its spec, script and log of then) went with it
    assert s3.object_keys() == {a.storage_key for a in Artifact.objects.all()}


def test_an_unreachable_store_fails_the_job_and_leaves_no_rows(s3, settings, monkeypatch, make_job):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("S3_MAX_ATTEMPTS", "2")
    settings.STORAGE_RETRY_WINDOW_SECONDS = 0  # give up after the first round of retries
    from naturalcad.storage_settings import build_storages

    settings.STORAGES = build_storages(60)
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "storage_unavailable")
    assert not Artifact.objects.exists()
