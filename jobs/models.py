import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from audit.models import insert_of_job_events, record
from naturalcad.errors import shorten
from naturalcad.rows import insert_together
from naturalcad.spec.vocabulary import OutputType


class JobStatus(models.TextChoices):
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    BLOCKED = "blocked"
    EXPIRED = "expired"
    CANCELED = "canceled"


S = JobStatus
# The one place that says which status may follow which. `running -> queued` is the
# stalled-worker retry; `failed/canceled -> queued` is a moderator's retry.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.VALIDATED, S.BLOCKED, S.FAILED}),
    S.VALIDATED: frozenset({S.QUEUED, S.BLOCKED, S.FAILED}),
    S.QUEUED: frozenset({S.RUNNING, S.COMPLETED, S.FAILED, S.CANCELED, S.BLOCKED}),
    S.RUNNING: frozenset({S.COMPLETED, S.FAILED, S.CANCELED, S.QUEUED}),
    S.COMPLETED: frozenset({S.EXPIRED}),
    S.FAILED: frozenset({S.QUEUED}),
    S.CANCELED: frozenset({S.QUEUED}),
    S.BLOCKED: frozenset(),
    S.EXPIRED: frozenset(),
}
# A stored error is a code, a JSON path and a short message: it is shown to users and
# returned with every read of the job, so it stays small whatever produced it.
ERROR_TEXT_MAX_CHARS = 500
FINAL_STATUSES = frozenset({S.COMPLETED, S.FAILED, S.BLOCKED, S.EXPIRED, S.CANCELED})
ACTIVE_STATUSES = frozenset({S.QUEUED, S.RUNNING})


# Not chosen by the client: the interpreter's reading decides (output type and mode alike).
AUTO = "auto"
# The spec vocabulary's output types, as choices (labels as the first migration has them).
OUTPUT_TYPE_CHOICES = [(AUTO, "Auto"), *((str(t), t.name.title()) for t in OutputType)]


class Mode(models.TextChoices):
    AUTO = "auto"  # not chosen by the client: the interpreter's reading decides
    PART = "part"
    ASSEMBLY = "assembly"
    SKETCH = "sketch"


class Origin(models.TextChoices):
    """What a job was asked with; the worker derives its spec accordingly."""

    PROMPT = "prompt"  # a description in words: rules, prompt cache or model
    SPEC = "spec"  # a spec sent by the client, validated at submission
    DIMENSIONS = "dimensions"  # a parent's spec with named sizes replaced: no model call
    WORDS = "words"  # an edit in words applied to the parent's spec


class IllegalTransition(Exception):
    def __init__(self, job_id, current: str, target: str):
        super().__init__(f"job {job_id}: {current} -> {target} is not allowed")
        self.current = current
        self.target = target


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=S.SUBMITTED)
    prompt = models.TextField()
    normalized_prompt = models.TextField()
    output_type = models.CharField(
        max_length=16, choices=OUTPUT_TYPE_CHOICES, default=OutputType.SOLID
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.PART)
    spec_json = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_text = models.TextField(blank=True, default="")
    client_session_id = models.CharField("session ID", max_length=64, blank=True, default="")
    client_meta_json = models.JSONField(default=dict, blank=True)
    ip_hash = models.CharField("IP hash", max_length=64, blank=True, default="")
    model_info_json = models.JSONField(default=dict, blank=True)
    # NULL, not "", for "no key": the unique constraint must ignore keyless jobs.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    canonical_signature = models.CharField(max_length=64, blank=True, default="")
    # sha256 of normalized prompt, output type and mode: the prompt cache's key
    prompt_key = models.CharField(max_length=64, blank=True, default="")
    api_key = models.ForeignKey(
        "jobs.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
        verbose_name="API key",
    )
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reused_by"
    )
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # sha256 of the secret handed to the creator once: it proves ownership (cancel, feedback)
    # where an API key cannot, e.g. for the visitors the Space speaks for.
    owner_secret_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Lineage: a version of a part points at the version it was made from (`parent`) and at
    # the first one (`root`, NULL for a first version); `version` counts from 1 along it.
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PROMPT)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        db_index=False,
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    version = models.PositiveIntegerField(default=1)
    # What an edit by dimensions changed ({name: value}); empty otherwise.
    edit_json = models.JSONField(default=dict, blank=True)
    secret: str  # the raw secret, set on the creating answer's instance only; never stored

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # /health counts and the per-client caps only ever look at unfinished jobs.
            models.Index(
                fields=["status"],
                name="job_active_status_idx",
                condition=models.Q(status__in=["queued", "running"]),
            ),
            models.Index(
                fields=["client_session_id", "-created_at"], name="job_session_recent_idx"
            ),
            models.Index(fields=["ip_hash", "-created_at"], name="job_ip_recent_idx"),
            # The per-client caps count one client's unfinished jobs on every POST /jobs.
            models.Index(
                fields=["ip_hash"],
                name="job_active_ip_idx",
                condition=models.Q(status__in=["queued", "running"]),
            ),
            models.Index(
                fields=["api_key"],
                name="job_active_key_idx",
                condition=models.Q(status__in=["queued", "running"]),
            ),
            models.Index(
                fields=["prompt_key", "-created_at"],
                name="job_prompt_cache_idx",
                condition=models.Q(spec_json__isnull=False),
            ),
            # Reuse looks for a completed job that built the same part.
            models.Index(
                fields=["canonical_signature", "-created_at"],
                name="job_completed_signature_idx",
                condition=models.Q(status="completed"),
            ),
            # The versions of a part are listed by their root.
            models.Index(
                fields=["root", "version"],
                name="job_root_version_idx",
                condition=models.Q(root__isnull=False),
            ),
            models.Index(
                fields=["parent"], name="job_parent_idx", condition=models.Q(parent__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="job_idempotency_key_uniq",
                condition=models.Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            # A first version has neither parent nor root; a later one has both.
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, root__isnull=True, version=1)
                | models.Q(parent__isnull=False, root__isnull=False, version__gt=1),
                name="job_lineage_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def can_become(self, target: str) -> bool:
        return target in TRANSITIONS[self.status]

    @classmethod
    def create_walked(
        cls,
        path: list[str],
        events: list[tuple[str, dict]],
        then: tuple[str, list[Any]] = ("NULL", []),
        alongside: Sequence[tuple[str, list[Any]]] = (),
        **fields,
    ) -> tuple["Job", tuple[Any, ...]]:
        """Create a job that has already taken the steps of `path` (from nothing to its last
        status; each step checked like `transition`) with `events` and a status event per
        step, in one statement: what a row per step would record, in one round trip. `then`,
        an SQL expression, is evaluated in that statement once the job row is written; the
        queries `alongside` (its queue entry) run in it too. Returns the job and what the
        queries alongside answered."""
        steps = list(zip([None, *path], path, strict=False))
        for current, target in pairwise(path):
            if target not in TRANSITIONS[current]:
                raise IllegalTransition(None, current, target)
        job = cls(status=path[-1], **fields)
        statuses = [("job.status", {"from": current, "to": target}) for current, target in steps]
        rows = insert_of_job_events(job.pk, [*events, *statuses], timezone.now())
        _, *answers = insert_together(job, rows, then, alongside)
        return job, tuple(answers)

    def transition(self, target: str, *, event: str = "job.status", **details) -> None:
        """Move to `target` and audit it in the same transaction; refuse an illegal move."""
        if not self.can_become(target):
            raise IllegalTransition(self.id, self.status, target)
        previous = self.status
        # No savepoint inside a caller's transaction (two round trips a change): any error
        # here fails that whole transaction anyway.
        with transaction.atomic(savepoint=False):
            self.status = target
            self.save()
            record(event, job=self, **{"from": previous, "to": target, **details})

    def fail(self, code: str, message: str) -> None:
        self.error_code = code
        self.error_text = shorten(message, ERROR_TEXT_MAX_CHARS)
        self.transition(S.FAILED, code=code)


class Tier(models.TextChoices):
    ANONYMOUS = "anonymous"  # no API key
    SPACE = "space"  # the Hugging Face Space's key
    TRUSTED = "trusted"  # a partner's key


@dataclass(frozen=True)
class TierPolicy:
    """What a tier may do. Rates name entries of settings.RATE_LIMITS, and the cap a setting,
    read when used: both come from the environment."""

    key_rates: str | None  # counted per API key; None: the tier has no key
    person_rates: str | None  # counted per end user (IP, and session when given)
    unfinished_cap: str  # the setting that caps the unfinished jobs counted below
    cap_per_key: bool  # the cap counts the key's jobs, not the end user's
    forwards: bool  # may speak for the end user behind it (X-End-User-IP)

    @property
    def keyed(self) -> bool:
        return self.key_rates is not None

    def cap(self) -> int:
        return int(getattr(settings, self.unfinished_cap))


# The one table of tier policies.
_PER_CLIENT, _PER_KEY = "MAX_UNFINISHED_PER_CLIENT", "MAX_UNFINISHED_PER_KEY"
TIER_POLICY: dict[str, TierPolicy] = {
    Tier.ANONYMOUS: TierPolicy(
        key_rates=None,
        person_rates="anonymous",
        unfinished_cap=_PER_CLIENT,
        cap_per_key=False,
        forwards=False,
    ),
    # The Space's users are limited each as anonymous ones are, on top of the Space's own rates.
    Tier.SPACE: TierPolicy(
        key_rates="space",
        person_rates="space_user",
        unfinished_cap=_PER_CLIENT,
        cap_per_key=False,
        forwards=True,
    ),
    Tier.TRUSTED: TierPolicy(
        key_rates="trusted",
        person_rates=None,
        unfinished_cap=_PER_KEY,
        cap_per_key=True,
        forwards=False,
    ),
}
KEY_TIERS = [(tier.value, tier.label) for tier in Tier if TIER_POLICY[tier].keyed]


class ApiKey(models.Model):
    """A client key; only its SHA-256 is stored (keys are 32 random bytes, not guessable)."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    tier = models.CharField(max_length=16, choices=KEY_TIERS, default=Tier.TRUSTED)
    rates = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="Overrides the tier's limits, e.g. '60/m,2000/d'. Empty: the tier's default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.tier})"


class BlockKind(models.TextChoices):
    IP_HASH = "ip_hash", "IP hash"
    SESSION = "session", "Session"
    API_KEY = "api_key", "API key"


class Block(models.Model):
    kind = models.CharField(max_length=16, choices=BlockKind.choices)
    value = models.CharField(max_length=64, help_text="An ip_hash, a session id or an API key id.")
    reason = models.CharField(max_length=200)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until removed.")
    created_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # a block stops one client: an address (hashed), a session or an API key
        verbose_name = "blocked client"
        indexes = [models.Index(fields=["kind", "value"], name="block_kind_value_idx")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value[:12]}: {self.reason}"


class RateLimitCounter(models.Model):
    """One fixed-window counter of django-ratelimit, kept by `jobs.ratelimit_cache`."""

    key = models.CharField(max_length=250, primary_key=True)
    count = models.BigIntegerField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "rate_limits"
        indexes = [models.Index(fields=["expires_at"], name="rate_limit_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.key}={self.count}"


class Rating(models.TextChoices):
    UP = "up"
    DOWN = "down"


class Feedback(models.Model):
    """Thumbs up or down on a job, one per job and client (session id, else ip_hash)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="feedback")
    client_key = models.CharField(max_length=64)
    rating = models.CharField(max_length=4, choices=Rating.choices)
    comment = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "feedback"  # a mass noun: never "feedbacks"
        constraints = [
            models.UniqueConstraint(fields=["job", "client_key"], name="feedback_job_client_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.rating} on {self.job_id}"


class InferenceBudget(models.Model):
    """Model calls and tokens spent per UTC day; past the daily budget, rules only."""

    day = models.DateField(primary_key=True)
    calls = models.IntegerField(default=0)
    tokens = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "inference_budget"

    def __str__(self) -> str:
        return f"{self.day}: {self.calls} calls, {self.tokens} tokens"
