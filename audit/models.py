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
