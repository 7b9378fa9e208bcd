import json
import unicodedata
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject, Now
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from artifacts.models import Artifact
from artifacts.storage import download_url
from jobs.models import AUTO, OUTPUT_TYPE_CHOICES, Job, JobStatus, Mode, Rating


class PromptField(serializers.CharField):
    """NFC-normalized before the length check, so a composed and a decomposed é count alike."""

    default_error_messages = {
        "not_a_string": "Must be a string.",
        "control_character": "Control characters are not allowed (tabs and newlines are).",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):  # DRF would turn 42 into "42"
            self.fail("not_a_string")
        if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in data):
            self.fail("control_character")
        return super().to_internal_value(unicodedata.normalize("NFC", data))


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare instead of silently dropping them."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return attrs


class JobCreateSerializer(StrictSerializer):
    prompt = PromptField(min_length=1, max_length=settings.PROMPT_MAX_CHARS)
    # Absent = "auto": the reading decides (a laser-cut plate is a 2d_vector) and says so in
    # the notes; a value sent is kept, never switched by the prompt.
    output_type = serializers.ChoiceField(
        OUTPUT_TYPE_CHOICES,
        default=AUTO,
        help_text="auto (or absent): the reading of the prompt decides and says so in notes; "
        "any other value is kept, never switched by the prompt, or the job fails "
        "output_type_unsupported when the part cannot be made so.",
    )
    mode = serializers.ChoiceField(
        Mode.choices,
        default=AUTO,
        help_text="auto (or absent): sketch for flat outputs, part otherwise.",
    )
    session_id = serializers.RegexField(r"^[A-Za-z0-9_-]{1,64}$", required=False)
    client = serializers.DictField(required=False)

    def validate_client(self, value):
        if _depth(value) > CLIENT_MAX_DEPTH:
            raise serializers.ValidationError(f"At most {CLIENT_MAX_DEPTH} levels of nesting.")
        size = len(json.dumps(value, separators=(",", ":")).encode())
        if size > settings.CLIENT_META_MAX_BYTES:
            raise serializers.ValidationError(
                f"At most {settings.CLIENT_META_MAX_BYTES} bytes as JSON; got {size}."
            )
        return value


CLIENT_MAX_DEPTH = 4


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


class FeedbackSerializer(StrictSerializer):
    rating = serializers.ChoiceField(Rating.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    session_id = serializers.RegexField(r"^[A-Za-z0-9_-]{1,64}$", required=False)


class ArtifactSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    expires_at = serializers.SerializerMethodField()
    retained_until = serializers.DateTimeField(source="expires_at")

    class Meta:
        model = Artifact
        fields = [
            "kind",
            "url",
            "expires_at",
            "retained_until",
            "size_bytes",
            "sha256",
            "content_type",
        ]

    def _link(self, artifact) -> tuple[str, int]:
        cache = self.context.setdefault("links", {})
        if artifact.id not in cache:
            cache[artifact.id] = download_url(artifact, self.context["request"])
        return cache[artifact.id]

    def get_url(self, artifact) -> str:
        url, _ = self._link(artifact)
        return url

    @extend_schema_field(serializers.DateTimeField())
    def get_expires_at(self, artifact) -> str:
        _, expires = self._link(artifact)
        return serializers.DateTimeField().to_representation(
            datetime.fromtimestamp(expires, tz=UTC)
        )


_ARTIFACT_COLUMNS = ["id", "kind", "storage_key", "size_bytes", "sha256", "content_type"]


def with_live_artifacts(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """Jobs with their unexpired artifacts read in the same query (`live_artifacts`): a
    client polling its job costs one statement."""
    live = Artifact.objects.filter(job=OuterRef("pk"), expires_at__gt=Now()).order_by("kind")
    columns = {name: name for name in [*_ARTIFACT_COLUMNS, "expires_at"]}
    return jobs.annotate(live_artifacts=ArraySubquery(live.values(row=JSONObject(**columns))))


def completed_artifacts(job: Job, context: dict) -> list:
    """Artifacts are shown only once the job is completed (and never after it expires)."""
    if job.status != JobStatus.COMPLETED:
        return []
    rows = getattr(job, "live_artifacts", None)
    if rows is None:
        live = list(job.artifacts.filter(expires_at__gt=timezone.now()))
    else:
        live = [
            Artifact(
                job_id=job.pk,
                expires_at=datetime.fromisoformat(row["expires_at"]),
                **{name: row[name] for name in _ARTIFACT_COLUMNS},
            )
            for row in rows
        ]
    return ArtifactSerializer(live, many=True, context=context).data


class JobErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class JobSerializer(serializers.ModelSerializer):
    spec = serializers.JSONField(source="spec_json", allow_null=True)
    error = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    artifacts = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "status",
            "reused_from",
            "prompt",
            "output_type",
            "mode",
            "created_at",
            "updated_at",
            "spec",
            "error",
            "notes",
            "artifacts",
        ]

    @extend_schema_field(JobErrorSerializer(allow_null=True))
    def get_error(self, job) -> dict | None:
        if not job.error_code:
            return None
        return {"code": job.error_code, "message": job.error_text}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_notes(self, job) -> list[str]:
        """What the interpreter read, assumed and chose (e.g. the output type when auto)."""
        return list((job.spec_json or {}).get("notes") or [])

    @extend_schema_field(ArtifactSerializer(many=True))
    def get_artifacts(self, job) -> list:
        return completed_artifacts(job, self.context)


class JobArtifactsSerializer(serializers.Serializer):
    job_id = serializers.UUIDField(source="id")
    status = serializers.CharField()
    artifacts = serializers.SerializerMethodField()

    @extend_schema_field(ArtifactSerializer(many=True))
    def get_artifacts(self, job) -> list:
        return completed_artifacts(job, self.context)
