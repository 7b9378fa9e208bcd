import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from artifacts.kinds import CONTENT_TYPES, file_extension, file_suffix

if TYPE_CHECKING:
    from jobs.models import Job

# What the admin calls the kinds that are not one file format, named by its extension.
_LABELS = {"log": "Build log", "spec": "Spec (JSON)", "py": "Script (build123d)"}


def _label(kind: str) -> str:
    """A kind as an operator reads it in the admin's lists and filters: STL, Drawing (PDF)."""
    if kind.startswith("drawing_"):
        return f"Drawing ({file_extension(kind).upper()})"
    return _LABELS.get(kind, kind.upper())


KIND_CHOICES = [(kind, _label(kind)) for kind in CONTENT_TYPES]


@dataclass(frozen=True)
class StoredObject:
    """An object in the store: its content-addressed key, size and digest."""

    key: str
    size_bytes: int
    sha256: str


class ArtifactManager(models.Manager["Artifact"]):
    def attach(self, job: "Job", stored: Mapping[str, StoredObject]) -> list["Artifact"]:
        """A job's rows for its stored files, by kind: served with the kind's content type and
        kept for the kind's retention. Call with the objects' keys locked (`lock_keys`)."""
        now = timezone.now()
        retention = settings.ARTIFACT_RETENTION_DAYS_BY_KIND
        return self.bulk_create(
            Artifact(
                job=job,
                kind=kind,
                storage_key=obj.key,
                size_bytes=obj.size_bytes,
                sha256=obj.sha256,
                content_type=CONTENT_TYPES[kind],
                expires_at=now + timedelta(days=retention[kind]),
            )
            for kind, obj in stored.items()
        )


class Artifact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    storage_key = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField("size (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    objects = ArtifactManager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["job", "kind"], name="artifact_job_kind_uniq"),
        ]
        indexes = [
            # Retention asks "what has expired" and "is this object still referenced".
            models.Index(fields=["expires_at"], name="artifact_expires_idx"),
            models.Index(fields=["storage_key"], name="artifact_storage_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.job_id}"

    @property
    def stored(self) -> StoredObject:
        return StoredObject(self.storage_key, self.size_bytes, self.sha256)

    @property
    def download_name(self) -> str:
        return f"naturalcad-{str(self.job_id)[:8]}{file_suffix(self.kind)}"
