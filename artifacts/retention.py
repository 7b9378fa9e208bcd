"""Retention: expired artifacts go, shared objects stay while any live artifact uses them.

Safe to run twice at once: each purge takes its rows with SKIP LOCKED, and object deletes
are serialized per key with the same advisory lock the worker takes when attaching rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from artifacts.models import Artifact
from artifacts.storage import delete_unreferenced
from audit.models import record
from jobs.models import Job, JobStatus


@dataclass
class PurgeReport:
    rows: int = 0
    objects: list[str] = field(default_factory=list)
    expired_jobs: int = 0

    def add(self, other: "PurgeReport") -> None:
        self.rows += other.rows
        self.objects += other.objects
        self.expired_jobs += other.expired_jobs


def purge_expired(*, batch_size: int = 500, dry_run: bool = False, now: datetime | None = None):
    now = now or timezone.now()
    if dry_run:
        return plan_purge(now)
    total = PurgeReport()
    while True:
        report = _purge_batch(batch_size, now)
        total.add(report)
        if report.rows < batch_size:
            return total


def plan_purge(now: datetime) -> PurgeReport:
    expired = Artifact.objects.filter(expires_at__lte=now)
    keys = set(expired.values_list("storage_key", flat=True))
    live = set(
        Artifact.objects.filter(storage_key__in=keys, expires_at__gt=now).values_list(
            "storage_key", flat=True
        )
    )
    return PurgeReport(rows=expired.count(), objects=sorted(keys - live))


@transaction.atomic
def _purge_batch(batch_size: int, now: datetime) -> PurgeReport:
    batch = list(
        Artifact.objects.select_for_update(skip_locked=True)
        .filter(expires_at__lte=now)
        .order_by("expires_at")[:batch_size]
    )
    if not batch:
        return PurgeReport()
    keys = {artifact.storage_key for artifact in batch}
    Artifact.objects.filter(id__in=[a.id for a in batch]).delete()
    # A storage error raises here and rolls the whole batch back: rows stay, a later run ends it.
    deleted = set(delete_unreferenced(keys, unexpired_only=True))
    for artifact in batch:
        record(
            "artifact.purged",
            job=artifact.job,
            kind=artifact.kind,
            storage_key=artifact.storage_key,
            object_deleted=artifact.storage_key in deleted,
        )
    expired_jobs = _expire_emptied_jobs({artifact.job_id for artifact in batch})
    return PurgeReport(rows=len(batch), objects=sorted(deleted), expired_jobs=expired_jobs)


def _expire_emptied_jobs(job_ids) -> int:
    """Completed jobs with no artifact left become `expired`.

    Each purge locks the job after its own deletes; the second one to get the lock sees the
    first one's committed deletes, so a job emptied by two purges is still expired.
    """
    count = 0
    for job in Job.objects.select_for_update().filter(id__in=job_ids).order_by("id"):
        if job.status == JobStatus.COMPLETED and not job.artifacts.exists():
            job.transition(JobStatus.EXPIRED, reason="retention")
            count += 1
    return count
