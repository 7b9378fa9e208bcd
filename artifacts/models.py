import uuid

from django.db import models


class ArtifactKind(models.TextChoices):
    STL = "stl"
    STEP = "step"
    GLB = "glb"
    PNG = "png"
    DXF = "dxf"
    SVG = "svg"
    LOG = "log"


CONTENT_TYPES = {
    ArtifactKind.STL: "model/stl",
    ArtifactKind.STEP: "model/step",
    ArtifactKind.GLB: "model/gltf-binary",
    ArtifactKind.PNG: "image/png",
    ArtifactKind.DXF: "image/vnd.dxf",
    ArtifactKind.SVG: "image/svg+xml",
    ArtifactKind.LOG: "text/plain; charset=utf-8",
}


class Artifact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=8, choices=ArtifactKind.choices)
    storage_key = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

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
    def download_name(self) -> str:
        return f"naturalcad-{str(self.job_id)[:8]}.{self.kind}"
