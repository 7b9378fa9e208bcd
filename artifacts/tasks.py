"""Retention as procrastinate periodic tasks (daily by default, RETENTION_CRON)."""

from django.conf import settings
from procrastinate.contrib.django import app

from artifacts.retention import purge_expired
from audit.retention import prune_audit
from jobs.queue import MAINTENANCE_QUEUE


@app.periodic(cron=settings.RETENTION_CRON)
@app.task(name="artifacts.retention", queue=MAINTENANCE_QUEUE, queueing_lock="artifacts.retention")
def retention(timestamp: int) -> None:
    purge_expired()
    prune_audit(settings.AUDIT_RETENTION_DAYS)
