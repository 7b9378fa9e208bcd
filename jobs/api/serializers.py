import copy
import functools
import json
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from artifacts.models import KIND_CHOICES, Artifact
from artifacts.storage import download_url
from jobs.api.parsers import strings
from jobs.models import AUTO, OUTPUT_TYPE_CHOICES, Job, JobStatus, Mode, Origin, Rating


class StringOnly(serializers.Field):
    """DRF would turn 42 into "42"; a field with this refuses anything but a JSON string."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StringField(StringOnly, serializers.CharField):
    pass


class StringChoiceField(StringOnly, serializers.ChoiceField):
    pass


class SessionIdField(StringOnly, serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(r"^[A-Za-z0-9_-]{1,64}$", max_length=64, **kwargs)


# What PromptField accepts, for the OpenAPI document: no control characters but tab and
# newlines, and something besides whitespace.
_SPACE = "\\t\\n\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
PROMPT_PATTERN = f"^[{_SPACE}]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^{_CONTROL}]*$"


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": settings.PROMPT_MAX_CHARS,
        "pattern": PROMPT_PATTERN,
    }
)
class PromptField(StringField):
    """NFC-normalized before the length check, so a composed and a decomposed é count alike."""

    default_error_messages = {
        "control_character": "Control characters are not allowed (tabs and newlines are).",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in data):
            self.fail("control_character")
        normalized = unicodedata.normalize("NFC", data)
        # As sent, too: the document's maxLength counts the padding that trimming removes.
        if self.max_length is not None and len(normalized) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(normalized)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare instead of silently dropping them.

    Each request gets shallow copies of the declared fields: DRF deep-copies every argument of
    every field (choices, help texts, a DictField's child), which cost POST /jobs more than
    its validation. A shallow copy shares only what validating never changes (choices,
    validators, error messages, an unvalidated child); a field made with another field (a
    `child`, a nested serializer) is still deep-copied, so that no request binds a field that
    another holds."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _copy(field) for name, field in self._declared_fields.items()}

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return attrs


def _copy(field: serializers.Field) -> serializers.Field:
    if _made_with_a_field(field):
        return copy.deepcopy(field)
    # What copy.copy makes of a field, without the generic protocol that took most of its time.
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


@functools.cache  # of the declared fields only: a fixed set
def _made_with_a_field(field: serializers.Field) -> bool:
    arguments = [*field._args, *field._kwargs.values()]  # type: ignore[attr-defined]
    return any(isinstance(argument, serializers.Field) for argument in arguments)


# What a new job is made from: the sets of fields a request may combine (besides session_id
# and client). output_type and mode go with a description alone: a spec says its own, and an
# edit keeps its parent's.
MADE_FROM: dict[str, frozenset[str]] = {
    "a description": frozenset({"prompt", "output_type", "mode"}),
    "a spec": frozenset({"spec"}),
    "a parent's spec with named sizes changed": frozenset({"parent", "dimensions"}),
    "an edit in words of a parent's spec": frozenset({"parent", "prompt"}),
    "a spec recorded as a parent's next version": frozenset({"parent", "spec"}),
}
# In each set, what must be sent; the rest is optional.
REQUIRED = {"a description": frozenset({"prompt"})}
_CHOSEN = ("prompt", "spec", "parent", "dimensions", "output_type", "mode")
# Named sizes one edit may change: as many as a spec may name.
MAX_DIMENSION_CHANGES = 64


@extend_schema_field(
    {
        "type": "object",
        "description": "A compositional spec (GET /spec/schema); data, never executed.",
        "additionalProperties": True,
    }
)
class SpecField(serializers.DictField):
    """A JSON object, checked against the spec schema by the service (every guardrail)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if any("\x00" in text for text in strings(value)):  # Postgres's jsonb refuses it
            raise serializers.ValidationError("NUL characters are not allowed.")
        return value


@extend_schema_field(
    {
        "type": "object",
        "description": "With parent: the named sizes to change, {name: number}, in the spec's "
        "units; rebuilt with no model call.",
        "minProperties": 1,
        "maxProperties": MAX_DIMENSION_CHANGES,
        "additionalProperties": {"type": "number"},
    }
)
class DimensionsField(serializers.DictField):
    default_error_messages = {
        "empty": "Name at least one dimension.",
        "too_many": f"At most {MAX_DIMENSION_CHANGES} dimensions.",
        "not_a_number": "Each dimension's value must be a number.",
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            self.fail("empty")
        if len(value) > MAX_DIMENSION_CHANGES:
            self.fail("too_many")
        if not all(_is_number(v) for v in value.values()):
            self.fail("not_a_number")
        return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class JobCreateSerializer(StrictSerializer):
    prompt = PromptField(
        min_length=1,
        max_length=settings.PROMPT_MAX_CHARS,
        required=False,
        help_text="A description; with parent, an edit in words of the parent's spec. "
        "Exactly one of prompt and spec, except with parent and dimensions.",
    )
    spec = SpecField(required=False)
    # The metaclass moves declared fields off the class: this `parent` is the API's field, not
    # DRF's Field.parent (what the type checker sees).
    parent = serializers.UUIDField(  # type: ignore[assignment]
        required=False,
        help_text="A job of yours (X-Job-Secret, or its API key): this job is its next version.",
    )
    dimensions = DimensionsField(required=False)
    # Absent = "auto": the reading decides (a laser-cut plate is a 2d_vector) and says so in
    # the notes; a value sent is kept, never switched by the prompt.
    output_type = StringChoiceField(
        OUTPUT_TYPE_CHOICES,
        default=AUTO,
        help_text="auto (or absent): the reading of the prompt decides and says so in notes; "
        "any other value is kept, never switched by the prompt, or the job fails "
        "output_type_unsupported when the part cannot be made so.",
    )
    mode = StringChoiceField(
        Mode.choices,
        default=AUTO,
        help_text="auto (or absent): sketch for flat outputs, part otherwise.",
    )
    session_id = SessionIdField(required=False)
    client = serializers.DictField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        sent = {name for name in _CHOSEN if name in self.initial_data}
        if not sent & {"prompt", "spec", "parent"}:
            raise serializers.ValidationError({"prompt": ["This field is required."]})
        if not any(
            REQUIRED.get(what, fields) <= sent <= fields for what, fields in MADE_FROM.items()
        ):
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        "Send a prompt (with output_type and mode if you like) or a spec; or a "
                        "parent with exactly one of dimensions, prompt (an edit in words) and "
                        "spec."
                    ]
                }
            )
        return attrs

    def validate_client(self, value):
        if _depth(value) > CLIENT_MAX_DEPTH:
            raise serializers.ValidationError(f"At most {CLIENT_MAX_DEPTH} levels of nesting.")
        if any("\x00" in text for text in strings(value)):  # Postgres's jsonb refuses it
            raise serializers.ValidationError("NUL characters are not allowed.")
        size = len(json.dumps(value, separators=(",", ":")).encode())
        if size > settings.CLIENT_META_MAX_BYTES:
            raise serializers.ValidationError(
                f"At most {settings.CLIENT_META_MAX_BYTES} bytes as JSON; got {size}."
            )
        return value


CLIENT_MAX_DEPTH = 4


def _depth(value) -> int:
    """Nesting depth of parsed JSON, without recursion (the parser bounds it too)."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


class FeedbackSerializer(StrictSerializer):
    rating = StringChoiceField(Rating.choices)
    comment = StringField(max_length=500, required=False, allow_blank=True, default="")
    session_id = SessionIdField(required=False)


_DATETIME = serializers.DateTimeField()


class ReadSerializer(serializers.Serializer):
    """An answer built from the declared fields as DRF would, without DRF's deep copy of every
    field into each serializer (which cost more than the query of GET /jobs/{id}): the class's
    own fields turn plain values into JSON alike for every request, and a method field calls
    this instance's method. Only plain attribute sources are used here."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for name, field in self._declared_fields.items():
            if isinstance(field, serializers.SerializerMethodField):
                answer[name] = getattr(self, field.method_name or f"get_{name}")(instance)
                continue
            value = getattr(instance, field.source or name)
            answer[name] = None if value is None else field.to_representation(value)
        return answer


# The read serializers declare their fields instead of deriving them from the models: a
# ModelSerializer rebuilds its fields from the model on every use, which cost more than the
# whole query of GET /jobs/{id}.
class ArtifactSerializer(ReadSerializer):
    kind = serializers.ChoiceField(KIND_CHOICES, read_only=True)
    url = serializers.SerializerMethodField()
    expires_at = serializers.SerializerMethodField()
    retained_until = serializers.DateTimeField(source="expires_at", read_only=True)
    size_bytes = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)

    def _link(self, artifact) -> tuple[str, int]:
        cache = self.context.setdefault("links", {})  # type: ignore[attr-defined]  # a dict
        if artifact.id not in cache:
            cache[artifact.id] = download_url(artifact, self.context["request"])
        return cache[artifact.id]

    def get_url(self, artifact) -> str:
        url, _ = self._link(artifact)
        return url

    @extend_schema_field(serializers.DateTimeField())
    def get_expires_at(self, artifact) -> str:
        _, expires = self._link(artifact)
        return _DATETIME.to_representation(datetime.fromtimestamp(expires, tz=UTC))


_ARTIFACT_COLUMNS = ["id", "kind", "storage_key", "size_bytes", "sha256", "content_type"]
_ROW = ", ".join(f"'{name}', a.{name}" for name in [*_ARTIFACT_COLUMNS, "expires_at"])
# A job and its unexpired artifacts in one statement (a client polling its job costs one),
# written out: compiling the ORM's version of it cost more than running it. Only names of our
# own tables and columns are formatted in; the id is a parameter.
_JOB_WITH_LIVE_ARTIFACTS = f"""
SELECT job.*, (
    SELECT coalesce(json_agg(json_build_object({_ROW}) ORDER BY a.kind), '[]')
    FROM {Artifact._meta.db_table} a WHERE a.job_id = job.id AND a.expires_at > now()
) AS live_artifacts
FROM {Job._meta.db_table} job WHERE job.id = %s
"""  # noqa: S608


def job_with_live_artifacts(job_id) -> Job | None:
    """The job, its unexpired artifacts as `live_artifacts`; None if there is no such job."""
    return next(iter(Job.objects.raw(_JOB_WITH_LIVE_ARTIFACTS, [job_id])), None)


def completed_artifacts(job: Job, context: Mapping[str, Any]) -> list[Any]:
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
    return list(ArtifactSerializer(live, many=True, context=dict(context)).data)


class JobErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ReadingSerializer(serializers.Serializer):
    """What the interpreter made of the words (the prompt, or an edit's words), as it decided
    it: a client shows these lists as they are, with no need to sort `notes` by wording."""

    read = serializers.ListField(
        child=serializers.CharField(), help_text="What was read: the part first, then the rest."
    )
    assumed = serializers.ListField(
        child=serializers.CharField(), help_text="What the words did not say, and was assumed."
    )
    not_read = serializers.ListField(
        child=serializers.CharField(),
        help_text="Phrases that could not be placed: why nothing "
        "was built (error prompt_partly_understood or edit_not_understood).",
    )


class JobSerializer(ReadSerializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(JobStatus.choices, read_only=True)
    # Whether the files came from an identical earlier part; never whose (another client's).
    reused = serializers.SerializerMethodField()
    prompt = serializers.CharField(read_only=True)
    output_type = serializers.ChoiceField(OUTPUT_TYPE_CHOICES, read_only=True)
    mode = serializers.ChoiceField(Mode.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    spec = serializers.JSONField(source="spec_json", allow_null=True, read_only=True)
    error = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    reading = serializers.SerializerMethodField()
    artifacts = serializers.SerializerMethodField()
    parent = serializers.UUIDField(  # type: ignore[assignment]  # a field: see above
        source="parent_id", allow_null=True, read_only=True
    )
    version = serializers.IntegerField(read_only=True)

    @extend_schema_field(JobErrorSerializer(allow_null=True))
    def get_error(self, job) -> dict | None:
        if not job.error_code:
            return None
        return {"code": job.error_code, "message": job.error_text}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_notes(self, job) -> list[str]:
        """What the interpreter read, assumed and chose (e.g. the output type when auto)."""
        return list((job.spec_json or {}).get("notes") or [])

    @extend_schema_field(ReadingSerializer(allow_null=True))
    def get_reading(self, job) -> dict | None:
        """null until the words are read, and for a job made from a spec or named sizes."""
        reading: dict | None = (job.model_info_json or {}).get("reading")
        return reading

    @extend_schema_field(ArtifactSerializer(many=True))
    def get_artifacts(self, job) -> list:
        return completed_artifacts(job, self.context)

    def get_reused(self, job) -> bool:
        return job.reused_from_id is not None


class JobCreatedSerializer(JobSerializer):
    """The answer that creates a job: the only one that carries its secret."""

    secret = serializers.CharField(
        read_only=True,
        help_text="Proves you created this job (X-Job-Secret: cancel, feedback). Shown once; "
        "not needed with the API key that created it, unless a space key.",
    )


class JobArtifactsSerializer(ReadSerializer):
    job_id = serializers.UUIDField(source="id")
    status = serializers.CharField()
    artifacts = serializers.SerializerMethodField()

    @extend_schema_field(ArtifactSerializer(many=True))
    def get_artifacts(self, job) -> list:
        return completed_artifacts(job, self.context)


class VersionSerializer(serializers.Serializer):
    """One version of a part, as the list of versions shows it."""

    id = serializers.UUIDField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    parent = serializers.UUIDField(  # type: ignore[assignment]  # a field: see above
        source="parent_id", allow_null=True, read_only=True
    )
    status = serializers.ChoiceField(JobStatus.choices, read_only=True)
    origin = serializers.ChoiceField(
        Origin.choices,
        read_only=True,
        help_text="prompt, spec, dimensions (named sizes changed) or words (an edit in words)",
    )
    prompt = serializers.CharField(read_only=True)
    dimensions = serializers.DictField(
        source="edit_json",
        child=serializers.FloatField(),
        read_only=True,
        help_text="The sizes an edit by dimensions changed.",
    )
    created_at = serializers.DateTimeField(read_only=True)


class JobVersionsSerializer(serializers.Serializer):
    job_id = serializers.UUIDField(source="id")
    versions = serializers.SerializerMethodField()

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, job) -> list:
        return list(VersionSerializer(self.context["chain"], many=True).data)
