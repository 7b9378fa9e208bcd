"""Who is asking, and may they: API keys, client IPs, the blocklist, rate limits, shedding.

`admit` is the one gate of every write endpoint: identify -> blocked -> rate limits -> (to
create a job) shed; the unfinished-job cap, the last gate, is `within_cap`, checked by the
creating statement. Each refusal is a `Refusal` (a CodedError): the API maps its code to an
HTTP status, so nothing here speaks HTTP.

The trust boundary: only a `space` key may speak for the end user behind it (X-End-User-IP);
from anyone else that header is ignored. IPs leave this module only as keyed hashes.
"""

import hashlib
import hmac
import ipaddress
import math
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from audit.models import record
from jobs.models import (
    TIER_POLICY,
    ApiKey,
    Block,
    BlockKind,
    Job,
    JobStatus,
    Tier,
    TierPolicy,
)
from jobs.ratelimit_cache import Window, count_hits
from naturalcad.errors import CodedError
from naturalcad.rows import own_transaction

KEY_PREFIX = "nc_"


@dataclass(frozen=True)
class Quota:
    """The tightest rate limit after this request: what a client may still do, and when the
    window resets (the API reports it as RateLimit-* headers)."""

    limit: int
    remaining: int
    reset_seconds: int


class Refusal(CodedError):
    """This request was refused."""

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message=message, details=details)
        self.retry_after = retry_after  # seconds after which trying again may succeed


class ApiKeyRequired(Refusal):
    """This API needs an API key (Bearer)."""

    code = "api_key_required"


class InvalidApiKey(Refusal):
    """The API key is unknown or revoked."""

    code = "invalid_api_key"


class Blocked(Refusal):
    """This client is blocked from creating jobs."""

    code = "blocked"


class RateLimited(Refusal):
    """Too many requests; retry later."""

    code = "rate_limited"


class Overloaded(Refusal):
    """The service is busy; please retry shortly."""

    code = "overloaded"


class TooManyUnfinished(Refusal):
    """You already have jobs in progress; wait for one to finish."""

    code = "too_many_unfinished"


def hash_ip(ip: str | None) -> str:
    """HMAC-SHA256 under a secret: a plain hash of an IPv4 address is reversible by brute force."""
    if not ip:
        return ""
    return hmac.new(settings.IP_HASH_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def new_api_key() -> tuple[str, str]:
    """(raw key to show once, its hash to store)."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    return raw, hash_key(raw)


def issue_api_key(
    name: str, tier: str, rates: str = "", replace: bool = False
) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw secret, which is never stored.

    `replace` revokes the earlier live keys of that name (a local stack's fresh Space key)."""
    if replace:
        ApiKey.objects.filter(name=name, revoked_at__isnull=True).update(revoked_at=timezone.now())
        forget_api_keys()
    raw, key_hash = new_api_key()
    key = ApiKey.objects.create(
        name=name, prefix=raw[:10], key_hash=key_hash, tier=tier, rates=rates
    )
    record("moderation.api_key_saved", key=key.id, tier=tier, by="command")
    return key, raw


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Client:
    tier: str
    ip_hash: str
    session_id: str = ""
    api_key: ApiKey | None = None
    forwarded: bool = False
    limits: list[dict] = field(default_factory=list)

    @property
    def policy(self) -> TierPolicy:
        return TIER_POLICY[self.tier]

    @property
    def speaks_for_others(self) -> bool:
        """A key that many people reach us through proves nothing about which of them asks."""
        return self.policy.forwards

    @property
    def identity(self) -> str:
        """Who this is, for scoping what a client names (its Idempotency-Keys): the key, or
        the person's address hash (behind the Space: both)."""
        if self.api_key is None:
            return f"ip:{self.ip_hash}"
        if self.speaks_for_others:
            return f"key:{self.api_key.id}/ip:{self.ip_hash}"
        return f"key:{self.api_key.id}"

    @property
    def audit(self) -> dict:
        key_id = self.api_key.id if self.api_key else None
        return {
            "tier": self.tier,
            "ip_hash": self.ip_hash,
            "api_key": key_id,
            "forwarded_ip": self.forwarded,
        }


def identify(request, session_id: str = "") -> Client:
    api_key = _api_key(request)
    tier = api_key.tier if api_key else Tier.ANONYMOUS
    if not TIER_POLICY[tier].forwards:
        return Client(tier, hash_ip(client_ip(request)), session_id, api_key)
    return Client(tier, _end_user_hash(request, session_id), session_id, api_key, forwarded=True)


def _end_user_hash(request, session_id: str) -> str:
    """The person the Space speaks for: their address; without a valid one, their session,
    and without that, one shared "unknown visitor". Never no one: a visitor whose address
    is missing must not escape the per-person limits."""
    end_user = _valid_ip(request.headers.get("X-End-User-IP", ""))
    if end_user:
        return hash_ip(end_user)
    return hash_ip(f"session:{session_id}" if session_id else "unknown-visitor")


def new_job_secret() -> tuple[str, str]:
    """(raw secret for the creator of a job, shown once; its hash to store)."""
    raw = secrets.token_urlsafe(24)
    return raw, hash_key(raw)


def owns(client: Client, job: Job, secret: str) -> bool:
    """The creator of a job: its secret, or the same API key unless that key speaks for many."""
    by_secret = bool(secret and job.owner_secret_hash) and hmac.compare_digest(
        hash_key(secret), job.owner_secret_hash
    )
    by_key = (
        client.api_key is not None
        and not client.speaks_for_others
        and job.api_key_id == client.api_key.id
    )
    return by_secret or by_key


def _api_key(request) -> ApiKey | None:
    header = request.headers.get("Authorization", "")
    if not header:
        if settings.NATURALCAD_REQUIRE_API_KEY:
            raise ApiKeyRequired()
        return None
    scheme, _, raw = header.partition(" ")
    key = live_key(hash_key(raw.strip())) if scheme.lower() == "bearer" else None
    if key is None:
        raise InvalidApiKey()
    return key


# A live key is read from the database at most once this often (seconds) in each process:
# revoking a key, or changing its tier or rates, reaches every API process within this long
# (at once in the process that saved it). Reading it on every request cost more than the
# job's own insert. Only keys found are kept, so guessing keys grows nothing.
API_KEY_TTL_SECONDS = 5.0
_live_keys: dict[str, tuple[ApiKey, float]] = {}  # key hash -> (key, monotonic time read)


def live_key(key_hash: str) -> ApiKey | None:
    """The unrevoked key with this hash, as read from the database at most
    API_KEY_TTL_SECONDS ago; None if there is none."""
    kept = _live_keys.get(key_hash)
    if kept is not None and time.monotonic() - kept[1] < API_KEY_TTL_SECONDS:
        return kept[0]
    key = ApiKey.objects.filter(key_hash=key_hash, revoked_at__isnull=True).first()
    if key is None:
        _live_keys.pop(key_hash, None)
    else:
        _live_keys[key_hash] = (key, time.monotonic())
    return key


def forget_api_keys(**_: Any) -> None:
    """Read every key again on its next use (connected to the key's saves and deletes)."""
    _live_keys.clear()


def _valid_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request) -> str:
    """REMOTE_ADDR, unless a trusted proxy in front of us is configured to say who it was."""
    meta = request.META
    if settings.CLIENT_IP_SOURCE == "fly":
        return _valid_ip(meta.get("HTTP_FLY_CLIENT_IP", "")) or meta.get("REMOTE_ADDR", "")
    if settings.CLIENT_IP_SOURCE == "x-forwarded-for":
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        # Our own proxies appended the last TRUSTED_PROXY_COUNT hops; the one before is the client.
        index = len(hops) - settings.TRUSTED_PROXY_COUNT
        if 0 <= index < len(hops) and _valid_ip(hops[index]):
            return _valid_ip(hops[index])
    return meta.get("REMOTE_ADDR", "")


# The blocks in force against a client: its address, session or key (NULL: none given).
# Written out: building the ORM's version on every request cost more than running it.
_ACTIVE_BLOCKS = f"""
SELECT id FROM {Block._meta.db_table}
WHERE (kind = '{BlockKind.IP_HASH}' AND value = %s OR kind = '{BlockKind.SESSION}' AND value = %s
       OR kind = '{BlockKind.API_KEY}' AND value = %s)
  AND (expires_at IS NULL OR expires_at > now())
"""  # noqa: S608  (only our own names and choices are formatted in)


def active_blocks(client: Client) -> tuple[str, list[Any]]:
    """The query of the ids of the blocks in force against this client, and its parameters."""
    key = str(client.api_key.id) if client.api_key else None
    return _ACTIVE_BLOCKS, [client.ip_hash, client.session_id or None, key]


def _limits(client: Client, group: str) -> list[Window]:
    """Every window this client's request to `group` counts against."""
    rates, policy = settings.RATE_LIMITS, client.policy
    limits: list[tuple[str, str, str]] = []  # (scope, identity, rates)
    if client.api_key is not None and policy.key_rates is not None:
        key_rates = client.api_key.rates or rates[policy.key_rates]
        limits.append(("key", str(client.api_key.id), key_rates))
    if policy.person_rates is not None and (client.api_key is None or client.forwarded):
        limits.append(("ip", client.ip_hash, rates[policy.person_rates]))
        if client.session_id:
            limits.append(("session", client.session_id, rates["session"]))
    return [
        Window(f"{group}:{scope}:{identity}", rate, *_parse(rate))
        for scope, identity, joined in limits
        for rate in _split(joined)
    ]


def _split(rates: str) -> list[str]:
    return [rate.strip() for rate in rates.split(",") if rate.strip()]


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse(rate: str) -> tuple[int, int]:
    """ "5/m" -> (5, 60); "100/10m" -> (100, 600)."""
    count, _, period = rate.partition("/")
    return int(count), int(period[:-1] or 1) * _UNIT_SECONDS[period[-1]]


def check_blocked_and_count(request, client: Client, group: str) -> Quota | None:
    """Refuse a blocked client (Blocked), else count this request against every limit of
    `group` (RateLimited past any), in one statement; a blocked request is not counted.
    Returns the tightest limit."""
    windows = _limits(client, group) if settings.RATELIMIT_ENABLE else []
    block, hits = count_hits(windows, unless=active_blocks(client))
    if block is not None:
        record("access.blocked", block=block, **client.audit)
        raise Blocked()
    if not hits:
        return None
    tightest = min(hits, key=lambda h: (h.window.limit - h.count, -h.seconds_left))
    quota = Quota(
        tightest.window.limit, max(0, tightest.window.limit - tightest.count), tightest.seconds_left
    )
    exceeded = [h for h in hits if h.exceeded]
    if exceeded:
        wait = max(h.seconds_left for h in exceeded)
        scopes = [h.window.name.split(":")[1] for h in exceeded]
        record("access.limited", scope=scopes, group=group, **client.audit)
        request.rate_quota = replace(quota, reset_seconds=wait)
        raise RateLimited(
            f"Too many requests; retry in {wait} s.",
            details={"limits": [h.window.rate for h in exceeded]},
            retry_after=wait,
        )
    return quota


# While the queue is under half its cap, its depth is recounted at most this often (seconds):
# shedding is a coarse valve, and counting the queue on every request cost more than the
# insert itself. Near the cap it is counted on every request.
QUEUE_DEPTH_RECOUNT_SECONDS = 1.0
_last_depth: tuple[int, int, float] = (0, 0, -math.inf)  # (cap, depth, monotonic time)


def queue_depth(cap: int) -> int:
    """Queued jobs, counted up to `cap` (past it, the exact number does not matter)."""
    global _last_depth
    counted_cap, depth, when = _last_depth
    fresh = time.monotonic() - when < QUEUE_DEPTH_RECOUNT_SECONDS
    if counted_cap == cap and depth < cap / 2 and fresh:
        return depth
    depth = Job.objects.filter(status=JobStatus.QUEUED).order_by().values("pk")[:cap].count()
    _last_depth = (cap, depth, time.monotonic())
    return depth


def shed_load(client: Client) -> None:
    depth = queue_depth(settings.MAX_QUEUE_DEPTH)
    if depth >= settings.MAX_QUEUE_DEPTH:
        record("access.shed", queue_depth=depth, **client.audit)
        raise Overloaded(retry_after=settings.SHED_RETRY_AFTER_SECONDS)


def admit(request, group: str, session_id: str = "", *, creating: bool = False) -> Client:
    """Identify the client, then refuse it if blocked, past a rate limit of `group` or, when
    it wants to create a job, while the queue is too deep.

    The request keeps the tightest limit as `rate_quota` (like django-ratelimit's `limited`):
    every later answer to it reports that limit, refusals included."""
    client = identify(request, session_id)
    request.rate_quota = check_blocked_and_count(request, client, group)
    if creating:
        shed_load(client)
    return client


# What the creating statement evaluates once the job row is written (migration 0012): the
# client's lock, then its unfinished jobs counted on a fresh snapshot; past the cap it raises
# SQLSTATE OVER_CAP, its detail the client's other unfinished jobs, aborting the statement.
_UNFINISHED_AFTER_LOCK = "naturalcad_unfinished_after_lock(%s, %s, %s, %s)"
OVER_CAP = "NCCAP"


@contextmanager
def within_cap(client: Client) -> Iterator[tuple[str, list[Any]]]:
    """The creation of a job, kept only if the client is then within its cap of unfinished
    jobs. The body writes the job in one statement that evaluates the SQL expression yielded
    after writing the row: it takes the client's advisory lock (after the row: a second
    request with the same Idempotency-Key waits on that row, never on the lock while holding
    the row), counts on a snapshot taken after the lock, when every other creation of this
    client has committed (or waits), so the cap is exact, and past the cap aborts the
    statement, so nothing is written. The statement is its own transaction: the lock is held
    for the count and the commit, with no round trip between them."""
    policy = client.policy
    key = client.api_key if policy.cap_per_key else None
    column, value = ("api_key_id", str(key.id)) if key else ("ip_hash", client.ip_hash)
    check = (_UNFINISHED_AFTER_LOCK, [f"{column}={value}", key is not None, value, policy.cap()])
    try:
        with own_transaction():
            yield check
    except DatabaseError as error:
        others = _over_cap(error)
        if others is None:
            raise
        # Refused once the statement rolled back, so that the audit event is kept.
        record("access.unfinished_cap", unfinished=others, **client.audit)
        raise TooManyUnfinished(
            f"You already have {others} jobs in progress; wait for one to finish.",
            retry_after=settings.SHED_RETRY_AFTER_SECONDS,
        ) from None


def _over_cap(error: DatabaseError) -> int | None:
    """The client's other unfinished jobs, if `error` is the cap's refusal; else None."""
    diagnosis = getattr(error.__cause__, "diag", None)
    if diagnosis is None or diagnosis.sqlstate != OVER_CAP:
        return None
    return int(diagnosis.message_detail)
