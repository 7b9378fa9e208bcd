"""No job left unfinished: builds whose worker died, and jobs whose queue entry ended or
vanished while the job still says `queued` or `running`.

The sweep runs every few seconds in the worker's maintenance slot, never behind builds.
Every job it puts back is audited with a reason; one that keeps coming back fails with
`worker_lost`, one older than its deadline with `deadline_exceeded`. A queue entry is
retried in place (same id, so the job keeps its place in line) whenever it still exists.
"""

import json
import logging
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from audit.models import AuditEvent, record
from jobs.models import ACTIVE_STATUSES, Job, JobStatus
from jobs.queue import BUILD_TASK

logger = logging.getLogger(__name__)

WORKER_LOST = "worker_lost"  # its worker stopped sending heartbeats mid-build
ENTRY_LOST = "entry_lost"  # its queue entry ended (failed, aborted) or vanished
# A job put back this many times (for either reason) is failed instead: something about
# it, or about the workers, keeps going wrong.
MAX_REQUEUES = 2

# The latest queue entry of each given job; live entries are `todo` or `doing`.
_ENTRIES = """
SELECT DISTINCT ON (args->>'job_id') args->>'job_id' AS job_id, id, status
  FROM procrastinate_jobs
 WHERE task_name = %(task)s AND args->>'job_id' = ANY(%(job_ids)s)
 ORDER BY args->>'job_id', id DESC
"""
_LIVE = frozenset({"todo", "doing"})


async def sweep(job_manager) -> dict[str, int]:
    return {
        "stalled": await retry_stalled(job_manager),
        "orphaned": await reap_orphans(job_manager),
    }


async def retry_stalled(job_manager) -> int:
    """Put back the builds of workers that stopped sending heartbeats (killed, OOM, lost).

    procrastinate leaves such an entry in `doing` forever; the Job row goes back to
    `queued` first, so the retried entry finds it runnable.
    """
    stalled = await job_manager.get_stalled_jobs(
        task_name=BUILD_TASK, seconds_since_heartbeat=settings.STALLED_AFTER_SECONDS
    )
    for entry in stalled:
        await sync_to_async(requeue)(_job_id(entry.task_kwargs), WORKER_LOST)
        await job_manager.retry_job(entry)  # a job failed instead finds nothing to run
    return len(stalled)


async def reap_orphans(job_manager) -> int:
    """Requeue (or fail) every active job without a live queue entry, and fail every
    active job past its deadline."""
    active = await sync_to_async(_active_jobs)()
    if not active:
        return 0
    rows = await job_manager.connector.execute_query_all_async(
        _ENTRIES, task=BUILD_TASK, job_ids=list(active)
    )
    entries = {row["job_id"]: row for row in rows}
    deadline = timezone.now() - timedelta(seconds=settings.JOB_DEADLINE_SECONDS)
    reaped = 0
    for job_id, created_at in active.items():
        entry = entries.get(job_id)
        if created_at < deadline:
            reaped += await sync_to_async(expire)(job_id)
        elif entry is None or entry["status"] not in _LIVE:
            reaped += 1
            if await sync_to_async(requeue)(job_id, ENTRY_LOST, entry and entry["status"]):
                await _enqueue_again(job_manager, job_id, entry)
    return reaped


def _active_jobs() -> dict[str, Any]:
    active = Job.objects.filter(status__in=ACTIVE_STATUSES)
    return {str(job_id): created for job_id, created in active.values_list("id", "created_at")}


async def _enqueue_again(job_manager, job_id: str, entry: dict | None) -> None:
    if entry is not None and entry["status"] == "failed":  # keeps its id: its place in line
        await job_manager.retry_job_by_id_async(entry["id"], retry_at=timezone.now())
        return
    await app.configure_task(BUILD_TASK).defer_async(job_id=job_id)


@transaction.atomic
def requeue(job_id: str, reason: str, entry_status: str | None = None) -> bool:
    """Put a job that lost its build back in line (True), or fail it if that keeps
    happening; False as well when the job is no longer active."""
    job = Job.objects.select_for_update().filter(id=job_id).first()
    if job is None or job.status not in ACTIVE_STATUSES:
        return False
    lost = AuditEvent.objects.filter(job=job, details_json__reason__in=[WORKER_LOST, ENTRY_LOST])
    if lost.count() >= MAX_REQUEUES:
        job.fail(WORKER_LOST, "The build was interrupted repeatedly; please retry later.")
        return False
    if job.status == JobStatus.RUNNING:
        job.transition(JobStatus.QUEUED, reason=reason, queue_entry=entry_status)
    else:
        record("job.requeued", job=job, reason=reason, queue_entry=entry_status)
    return True


@transaction.atomic
def expire(job_id: str) -> int:
    job = Job.objects.select_for_update().filter(id=job_id).first()
    if job is None or job.status not in ACTIVE_STATUSES:
        return 0
    minutes = settings.JOB_DEADLINE_SECONDS // 60
    job.fail("deadline_exceeded", f"The job did not finish within {minutes} minutes.")
    return 1


def _job_id(task_kwargs) -> str:
    # Through Django's connection JSONB arrives as text (Django decodes JSON itself).
    kwargs = json.loads(task_kwargs) if isinstance(task_kwargs, str) else task_kwargs
    return kwargs["job_id"]
