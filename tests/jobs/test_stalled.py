"""A worker killed mid-build (SIGKILL, OOM) leaves its queue job in `doing`; it must come back."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from procrastinate.contrib.django import app

from audit.models import AuditEvent
from jobs.models import Job, JobStatus
from jobs.tasks import build_job, retry_stalled

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
