import threading
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from artifacts.models import Artifact
from artifacts.retention import purge_expired
from audit.models import AuditEvent
from jobs.models import JobStatus
from naturalcad.storage_settings import build_storages

PAST = timedelta(days=-1)
FUTURE = timedelta(days=3)


@pytest.fixture
def completed_with(stored_artifact):
    """Factory: (completed job, its object key) with one STL artifact expiring after `ttl`."""

    def make(data: bytes, ttl: timedelta):
        artifact = stored_artifact(data, ttl)
        return artifact.job, artifact.storage_key

    return make


def status(job) -> str:
    job.refresh_from_db()
    return job.status


def test_expired_artifacts_go_and_their_job_expires(completed_with):
    job, key = completed_with(b"old", PAST)
    report = purge_expired()
    assert (report.rows, report.objects, report.expired_jobs) == (1, [key], 1)
    assert not default_storage.exists(key)
    assert status(job) == JobStatus.EXPIRED
    event = AuditEvent.objects.get(event_type="artifact.purged")
    assert event.details_json == {"kind": "stl", "storage_key": key, "object_deleted": True}
    assert AuditEvent.objects.filter(job=job, details_json__to="expired").exists()


def test_a_shared_object_survives_while_a_live_artifact_uses_it(completed_with):
    old, key = completed_with(b"shared", PAST)
    live, same_key = completed_with(b"shared", FUTURE)
    assert key == same_key
    purge_expired()
    assert default_storage.exists(key)
    assert (status(old), status(live)) == (JobStatus.EXPIRED, JobStatus.COMPLETED)
    Artifact.objects.filter(job=live).update(expires_at=timezone.now() + PAST)
    purge_expired()
    assert not default_storage.exists(key)
    assert status(live) == JobStatus.EXPIRED


def test_dry_run_deletes_nothing(completed_with):
    job, key = completed_with(b"old", PAST)
    completed_with(b"new", FUTURE)
    call_command("purge_expired", "--dry-run")
    assert Artifact.objects.count() == 2
    assert default_storage.exists(key)
    assert status(job) == JobStatus.COMPLETED
    assert not AuditEvent.objects.filter(event_type="artifact.purged").exists()


def test_purge_is_idempotent_and_reports(completed_with, capsys):
    completed_with(b"a", PAST)
    completed_with(b"b", PAST)
    call_command("purge_expired", "--batch-size", "1")
    assert "deleted 2 artifact rows and 2 objects; 2 jobs expired" in capsys.readouterr().out
    call_command("purge_expired")
    assert "deleted 0 artifact rows and 0 objects; 0 jobs expired" in capsys.readouterr().out


def test_a_storage_outage_keeps_the_rows_and_a_later_purge_finishes(
    s3, settings, monkeypatch, completed_with
):
    job, key = completed_with(b"in s3", PAST)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    monkeypatch.setenv("S3_MAX_ATTEMPTS", "1")
    working = settings.STORAGES
    settings.STORAGES = build_storages(60)
    with pytest.raises(CommandError, match="storage_unavailable"):
        call_command("purge_expired")
    assert Artifact.objects.filter(job=job).exists()
    assert status(job) == JobStatus.COMPLETED
    settings.STORAGES = working
    call_command("purge_expired")
    assert key not in s3.object_keys()
    assert status(job) == JobStatus.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_delete_everything_exactly_once(completed_with, media_root):
    jobs = [completed_with(f"part {i % 7}".encode(), PAST)[0] for i in range(40)]
    errors = []

    def purge():
        try:
            purge_expired(batch_size=3)
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert not Artifact.objects.exists()
    assert AuditEvent.objects.filter(event_type="artifact.purged").count() == 40
    assert {status(job) for job in jobs} == {JobStatus.EXPIRED}
    assert not [path for path in media_root.rglob("*") if path.is_file()]
