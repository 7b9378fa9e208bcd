"""procrastinate tasks, discovered by procrastinate.contrib.django."""

import json

from asgiref.sync import sync_to_async
from procrastinate.contrib.django import app

from jobs import pipeline
from jobs.queue import BUILD_QUEUE, BUILD_TASK, MAINTENANCE_QUEUE, STALLED_AFTER_SECONDS
from jobs.ratelimit_cache import cull_expired


@app.task(name=BUILD_TASK, queue=BUILD_QUEUE)
def build_job(job_id: str) -> None:
    pipeline.run_job(job_id)


async def retry_stalled(job_manager) -> int:
    """Put back the builds of workers that stopped sending heartbeats (killed, OOM, lost).

    procrastinate leaves such a job in `doing` forever; the Job row goes back to `queued`
    first, so the retried build finds it runnable.
    """
    stalled = await job_manager.get_stalled_jobs(
        task_name=BUILD_TASK, seconds_since_heartbeat=STALLED_AFTER_SECONDS
    )
    for queue_job in stalled:
        await sync_to_async(pipeline.requeue_stalled)(_kwargs(queue_job)["job_id"])
        await job_manager.retry_job(queue_job)
    return len(stalled)


def _kwargs(queue_job) -> dict:
    # Through Django's connection JSONB arrives as text (Django decodes JSON itself).
    kwargs = queue_job.task_kwargs
    return json.loads(kwargs) if isinstance(kwargs, str) else kwargs


@app.periodic(cron="* * * * *")
@app.task(
    name="jobs.retry_stalled_builds",
    queue=MAINTENANCE_QUEUE,
    queueing_lock="jobs.retry_stalled_builds",
    pass_context=True,
)
async def retry_stalled_builds(context, timestamp: int) -> None:
    await retry_stalled(context.app.job_manager)


@app.periodic(cron="7 * * * *")
@app.task(
    name="jobs.cull_rate_limits", queue=MAINTENANCE_QUEUE, queueing_lock="jobs.cull_rate_limits"
)
def cull_rate_limits(timestamp: int) -> None:
    """Expired rate-limit counters are dead weight; drop them hourly."""
    cull_expired()
