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


def test_each_file_is_put_once_then_checked_once_under_the_locks(proxy, s3, make_job):
    job = make_job(JobStatus.QUEUED, prompt="a 41 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    # no question before a PUT (the key is the bytes' hash); a HEAD each once the keys are locked
    files = job.artifacts.count()
    assert proxy.methods == {"PUT": files, "HEAD": files}


def test_a_jobs_files_go_up_at_once_within_the_bound(proxy, s3, make_job):
    proxy.put_seconds = 0.2
    job = make_job(JobStatus.QUEUED, prompt="a 42 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert proxy.most_puts_at_once == storage._PARALLEL_REQUESTS < job.artifacts.count()


def test_one_refused_file_fails_the_job_and_leaves_no_object(
    proxy, s3, make_job, settings, monkeypatch
):
    proxy.refuse_suffix = ".png"
    proxy.put_seconds = 0.2  # the other files land after the refusal: none may stay behind
    monkeypatch.setenv("S3_MAX_ATTEMPTS", "1")
    settings.STORAGES = build_storages(60)
    settings.STORAGE_RETRY_WINDOW_SECONDS = 0
    job = make_job(JobStatus.QUEUED, prompt="a 44 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "storage_unavailable")
    assert proxy.methods["PUT"] > 1  # the others went up, and were removed again
    assert not Artifact.objects.exists()
    assert s3.object_keys() == set()


def test_an_object_deleted_before_the_rows_commit_is_put_back(proxy, s3, make_job, monkeypatch):
    attach = pipeline._attach_files

    def purged_meanwhile(job_id, objects):
        # a purge of an older job's same bytes, between this job's upload and its key locks
        s3.client.delete_object(Bucket=s3.name, Key=objects["stl"][0].key)
        return attach(job_id, objects)

    monkeypatch.setattr(pipeline, "_attach_files", purged_meanwhile)
    job = make_job(JobStatus.QUEUED, prompt="a 45 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert s3.object_keys() == {a.storage_key for a in job.artifacts.all()}
