"""A worker killed mid-build (SIGKILL, OOM) leaves its queue job in `doing`; a task that ended
without finishing its job leaves the job active with no live entry. Both must come back."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app

from audit.models import AuditEvent
from jobs.models import Job, JobStatus
from jobs.recovery import reap_orphans, retry_stalled
from jobs.tasks import build_job

pytestmark = pytest.mark.django_db(transaction=True)


def kill_worker_during(job: Job, heartbeat_age: str = "1 hour") -> None:
    """Leave the database as a worker killed mid-build leaves it."""
    job.refresh_from_db()
    job.transition(JobStatus.RUNNING)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (NOW() - %s::interval) "
            "RETURNING id",
            [heartbeat_age],
        )
        worker_id = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s "
            "WHERE args->>'job_id' = %s",
            [worker_id, str(job.id)],
        )


def queue_status(job: Job) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM procrastinate_jobs WHERE args->>'job_id' = %s", [str(job.id)]
        )
        return cursor.fetchone()[0]


def queued_job(make_job) -> Job:
    job = make_job(JobStatus.QUEUED)
    build_job.defer(job_id=str(job.id))
    return job


def test_a_build_whose_worker_died_is_queued_again(make_job):
    job = queued_job(make_job)
    kill_worker_during(job)
    assert async_to_sync(retry_stalled)(app.job_manager) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert queue_status(job) == "todo"
    assert AuditEvent.objects.filter(job=job, details_json__reason="worker_lost").count() == 1


def test_a_build_with_a_live_worker_is_left_alone(make_job):
    job = queued_job(make_job)
    kill_worker_during(job, heartbeat_age="1 second")
    assert async_to_sync(retry_stalled)(app.job_manager) == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert queue_status(job) == "doing"


def test_a_build_that_keeps_losing_its_worker_fails(make_job):
    job = queued_job(make_job)
    for _ in range(2):
        kill_worker_during(job)
        async_to_sync(retry_stalled)(app.job_manager)
    kill_worker_during(job)
    async_to_sync(retry_stalled)(app.job_manager)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "worker_lost")


def finish_entry(job: Job, status: str | None) -> None:
    """Leave the queue entry as a task that ended without finishing the job leaves it."""
    with connection.cursor() as cursor:
        if status is None:
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE args->>'job_id' = %s", [str(job.id)]
            )
        else:
            cursor.execute(
                "UPDATE procrastinate_jobs SET status = %s WHERE args->>'job_id' = %s",
                [status, str(job.id)],
            )


def entry(job: Job) -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status FROM procrastinate_jobs WHERE args->>'job_id' = %s ORDER BY id DESC",
            [str(job.id)],
        )
        return cursor.fetchone()


@pytest.mark.parametrize("status", ["running", "queued"])
def test_a_job_whose_failed_entry_left_it_active_is_requeued_in_place(make_job, status):
    job = queued_job(make_job)
    if status == "running":
        job.transition(JobStatus.RUNNING)
    entry_id = entry(job)[0]
    finish_entry(job, "failed")
    assert async_to_sync(reap_orphans)(app.job_manager) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert entry(job) == (entry_id, "todo")  # the same entry: the job keeps its place
    event = AuditEvent.objects.filter(job=job, details_json__reason="entry_lost").get()
    assert event.details_json["queue_entry"] == "failed"


def test_a_job_whose_entry_vanished_gets_a_new_one(make_job):
    job = queued_job(make_job)
    job.transition(JobStatus.RUNNING)
    finish_entry(job, None)
    assert async_to_sync(reap_orphans)(app.job_manager) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert entry(job)[1] == "todo"


def test_a_job_with_a_live_entry_is_left_alone(make_job):
    job = queued_job(make_job)
    assert async_to_sync(reap_orphans)(app.job_manager) == 0
    assert AuditEvent.objects.filter(job=job).count() == 2  # validated, queued


def test_a_job_that_keeps_losing_its_entry_fails(make_job):
    job = queued_job(make_job)
    for _ in range(3):
        finish_entry(job, "failed")
        async_to_sync(reap_orphans)(app.job_manager)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "worker_lost")


def test_a_job_past_its_deadline_fails(make_job, settings):
    job = queued_job(make_job)
    Job.objects.filter(id=job.id).update(created_at=timezone.now() - timedelta(hours=4))
    assert async_to_sync(reap_orphans)(app.job_manager) == 1
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "deadline_exceeded")
    assert "180 minutes" in job.error_text
