from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent, record


@transaction.atomic
def prune_audit(older_than_days: int) -> int:
    """Delete audit events older than the window; the pruning itself is audited."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    record("audit.pruned", deleted=deleted, before=cutoff.isoformat())
    return deleted
