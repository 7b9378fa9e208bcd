from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from jobs.models import JobStatus


def test_prune_audit_keeps_recent_events_and_records_itself(make_job):
    old = make_job(JobStatus.QUEUED)
    old_events = AuditEvent.objects.filter(job=old)
    old_count = old_events.count()
    old_events.update(created_at=timezone.now() - timedelta(days=100))
    make_job(JobStatus.QUEUED)
    recent = AuditEvent.objects.count() - old_count
    call_command("prune_audit", "--older-than-days", "90")
    assert not AuditEvent.objects.filter(job=old).exists()
    pruned = AuditEvent.objects.get(event_type="audit.pruned")
    assert pruned.details_json["deleted"] == old_count
    assert AuditEvent.objects.count() == recent + 1
