import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import models


class AuditEvent(models.Model):
    """An append-only record of something that happened: a status change, a decision, a deletion."""

    # No index of its own: audit_job_created_idx (job, created_at) serves every lookup by job,
    # and each event (four for every new job) would otherwise update both.
    job = models.ForeignKey(
        "jobs.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        db_index=False,
    )
    event_type = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    details_json = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["job", "created_at"], name="audit_job_created_idx"),
            models.Index(fields=["event_type", "created_at"], name="audit_type_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} job={self.job_id}"


def record(event_type: str, job=None, **details) -> AuditEvent:
    """Write one audit event; call it inside the transaction of the change it describes."""
    return AuditEvent.objects.create(event_type=event_type, job=job, details_json=details)


def insert_of_job_events(
    job_id: Any, events: Sequence[tuple[str, dict]], at: datetime
) -> tuple[str, list[Any]]:
    """The INSERT of a job's `events` (type, details), all recorded at `at`, as (SQL,
    parameters): what `record` writes for each, for a statement that writes other rows too.
    Written out: a model instance per row, each value prepared field by field, cost a new job
    more than the database took to insert them."""
    rows = ", ".join(["(%s, %s::jsonb)"] * len(events))
    params = [job_id, at]
    for event_type, details in events:
        params += [event_type, json.dumps(details)]
    return _INSERT_OF_JOB_EVENTS.format(rows=rows), params


# Only our own table's name, and the placeholders of the rows, are formatted in.
_INSERT_OF_JOB_EVENTS = f"""
INSERT INTO "{AuditEvent._meta.db_table}" (job_id, created_at, event_type, details_json)
SELECT %s::uuid, %s::timestamptz, event_type, details
FROM (VALUES {{rows}}) AS event (event_type, details)
"""  # noqa: S608
