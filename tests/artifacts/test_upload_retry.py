"""Uploads survive a flaky store: a real HTTP proxy in front of the S3 server answers 503 once
per object, or to everything for longer than the retry window. (A 30 s outage on a running
stack, with /health saying `degraded`, is in tests/test_faults.py.)"""

import pytest

from artifacts import storage
from artifacts.models import Artifact
from jobs import pipeline
from jobs.models import JobStatus
from naturalcad.storage_settings import build_storages
from tests.faults import StoreProxy

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
OUTAGE_SECONDS = 5


@pytest.fixture
def proxy(s3, s3_server, settings, monkeypatch):
    proxy = StoreProxy(s3_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
    settings.STORAGES = build_storages(60)
    settings.STORAGE_PROBE_SECONDS = 1
    monkeypatch.setattr(storage, "_last_probe", (float("-inf"), "ok"))  # nothing cached
    yield proxy
    proxy.close()


def test_a_503_on_upload_is_retried_and_the_job_completes(proxy, s3, make_job):
    proxy.fail_first_put = True
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    # each object (the part's four files, the drawing's three, spec, script, log): 503, then OK
    assert len(proxy.puts) == job.artifacts.count() == 10
    assert set(proxy.puts.values()) == {2}
    assert s3.object_keys() == {a.storage_key for a in Artifact.objects.filter(job=job)}


def test_a_storage_outage_longer_than_the_window_fails_with_a_code(proxy, make_job, settings):
    proxy.refuse_for(OUTAGE_SECONDS)
    settings.STORAGE_RETRY_WINDOW_SECONDS = 2
    job = make_job(JobStatus.QUEUED, prompt="a 43 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "storage_unavailable")
