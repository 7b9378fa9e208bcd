"""procrastinate tasks, discovered by procrastinate.contrib.django."""

from typing import Any

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from psycopg.types.json import Jsonb

from jobs import pipeline, recovery
from jobs.outage import DATABASE_DOWN, wait_for_database
from jobs.queue import BUILD_QUEUE, BUILD_TASK, MAINTENANCE_QUEUE
from jobs.ratelimit_cache import cull_expired
from naturalcad.rows import cells

# A build that met a database outage is run again (backoff 2, 4, 8, 16, 32 s), so that its
# outcome is written once the database is back; the job resumes where it stood.
_DATABASE_RETRY = RetryStrategy(
    max_attempts=5, exponential_wait=2, retry_exceptions=set(DATABASE_DOWN)
)


@app.task(name=BUILD_TASK, queue=BUILD_QUEUE, pass_context=True, retry=_DATABASE_RETRY)
def build_job(context, job_id: str) -> None:
    try:
        pipeline.run_job(job_id, resumed=context.job.attempts > 0)
    except DATABASE_DOWN:
        # Raise only once the database answers again: the retry is written there.
        wait_for_database()
        raise


# procrastinate's own insert function, as `defer` calls it, for a caller that queues in its
# own statement; it answers the entry's id. The setting, local to the transaction, tells
# procrastinate's insert trigger that the caller announces the entry itself once committed
# (migration 0011). Only placeholders are formatted in.
_DEFER = (
    "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW({})::procrastinate_job_to_defer_v1]))[1]"
    " FROM (SELECT set_config('naturalcad.announce_after_commit', 'on', true)) AS announced"
)


def build_entry(job_id: str) -> tuple[str, list[Any]]:
    """The queue entry `build_job.defer(job_id=...)` would write, as a query (SQL, parameters)
    for the statement that writes the job: one round trip, and no job without its entry.
    Announce it with `jobs.announcer.announce` once committed."""
    job = build_job.configure().make_new_job(job_id=job_id)
    placeholders, params = cells(
        [
            job.queue,
            job.task_name,
            job.priority,
            job.lock,
            job.queueing_lock,
            Jsonb(job.task_kwargs),
            job.scheduled_at,
        ]
    )
    return _DEFER.format(placeholders), params


@app.periodic(cron=settings.SWEEP_CRON)
@app.task(name="jobs.sweep", queue=MAINTENANCE_QUEUE, queueing_lock="jobs.sweep", pass_context=True)
async def sweep(context, timestamp: int) -> None:
    await recovery.sweep(context.app.job_manager)


@app.periodic(cron="7 * * * *")
@app.task(
    name="jobs.cull_rate_limits", queue=MAINTENANCE_QUEUE, queueing_lock="jobs.cull_rate_limits"
)
def cull_rate_limits(timestamp: int) -> None:
    """Expired rate-limit counters are dead weight; drop them hourly."""
    cull_expired()
