"""The storage layout, the object lifecycle and the download links: the one place that knows
where files live.

Objects are content-addressed (`objects/ab/abcdef….stl`): the same bytes are stored once
however many jobs produce them, and a re-upload of a key is harmless. Whoever attaches rows
to a key, or deletes a key, first takes that key's advisory lock in the same transaction, so
a purge never deletes an object that a job is about to point to.
"""

import hashlib
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from artifacts.models import Artifact, StoredObject
from naturalcad.errors import CodedError
from naturalcad.storage_settings import LOCAL_BACKEND

_SALT = "naturalcad.artifact-link"


class StorageUnavailable(CodedError):
    """The file store is unavailable; please retry."""

    code = "storage_unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__()
        # The object store failed even after the client's retries: which object and how, for
        # operators; a job and an API answer show only the message.
        self.reason = reason


def object_key(sha256: str, extension: str) -> str:
    return f"objects/{sha256[:2]}/{sha256}.{extension}"


def describe(data: bytes, extension: str) -> StoredObject:
    digest = hashlib.sha256(data).hexdigest()
    return StoredObject(key=object_key(digest, extension), size_bytes=len(data), sha256=digest)


def put_object(data: bytes, extension: str) -> StoredObject:
    """Store bytes under their hash unless they are there already; idempotent."""
    stored = describe(data, extension)
    put_objects([(stored, data)])
    return stored


# At most this many requests to a remote store at once, per worker process (shared by its
# jobs): a job's eleven files go up in three rounds of round trips instead of eleven, and an
# ailing store is not hit by more than this. Threads are kept, with their connections.
_PARALLEL_REQUESTS = 4
_requests = ThreadPoolExecutor(_PARALLEL_REQUESTS, thread_name_prefix="store")


def put_objects(objects: Iterable[tuple[StoredObject, bytes]], *, uploaded: bool = False) -> None:
    """Make sure each object is in the store. `uploaded`: the caller put them there a moment
    ago and now holds their keys' locks; only what a purge deleted in between goes up again.

    On a remote store the requests run concurrently, and this returns only once every one
    has ended, so a caller that cleans up after a failure leaves no upload behind.
    """
    objects = list(objects)
    if is_local():  # a local write is a system call or two: threads would only cost
        for stored, data in objects:
            _put(stored, data, check=True)
        return
    # Bytes under their own hash: a remote PUT is harmless to repeat, so one request (PUT)
    # instead of asking first (HEAD, then PUT); a recheck is a HEAD, with a PUT if gone.
    futures = [_requests.submit(_put, stored, data, uploaded) for stored, data in objects]
    wait(futures)
    for future in futures:
        future.result()  # raises the first failure, once none is still uploading


def _put(stored: StoredObject, data: bytes, check: bool) -> None:
    try:
        if not (check and default_storage.exists(stored.key)):
            saved = default_storage.save(stored.key, ContentFile(data))
            if saved != stored.key:  # local storage renames on a race; the bytes are equal
                default_storage.delete(saved)
    except Exception as exc:  # botocore and OS errors alike, after boto's own retries
        raise StorageUnavailable(f"could not store {stored.key}: {exc}") from exc


def lock_keys(keys) -> None:
    """Serialize attach and delete per object key until the end of the transaction."""
    keys = sorted(set(keys))  # one fixed order cannot deadlock
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n",
            [keys],
        )


def referenced_keys(keys, *, unexpired_only: bool = False) -> set[str]:
    rows = Artifact.objects.filter(storage_key__in=list(keys))
    if unexpired_only:
        rows = rows.filter(expires_at__gt=timezone.now())
    return set(rows.values_list("storage_key", flat=True))


def delete_unreferenced(keys, *, unexpired_only: bool = False) -> list[str]:
    """Delete the objects no row points to; call inside a transaction. Returns what went."""
    keys = set(keys)
    lock_keys(keys)
    doomed = sorted(keys - referenced_keys(keys, unexpired_only=unexpired_only))
    for key in doomed:
        try:
            default_storage.delete(key)
        except Exception as exc:
            raise StorageUnavailable(f"could not delete {key}: {exc}") from exc
    return doomed


# The key /health asks the store about; it need not exist, any answer means "reachable".
_PROBE_KEY = "health/probe"
_last_probe: tuple[float, str] = (float("-inf"), "ok")


def storage_health() -> str:
    """ "ok" or "degraded": one quick request to the store, remembered for a while so that
    health checks cost the store almost nothing."""
    global _last_probe
    checked_at, result = _last_probe
    if time.monotonic() - checked_at < settings.STORAGE_PROBE_SECONDS:
        return result
    try:
        _probe_storage().exists(_PROBE_KEY)
        result = "ok"
    except Exception:  # any failure to get an answer, whatever the backend raises
        result = "degraded"
    _last_probe = (time.monotonic(), result)
    return result


def _probe_storage():
    """The default storage, or for S3 a copy that tries once with short timeouts."""
    if is_local():
        return default_storage
    from botocore.config import Config
    from storages.backends.s3 import S3Storage

    options = dict(settings.STORAGES["default"]["OPTIONS"])
    quick = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=2)
    options["client_config"] = options["client_config"].merge(quick)
    return S3Storage(**options)


def is_local() -> bool:
    return settings.STORAGES["default"]["BACKEND"] == LOCAL_BACKEND


def download_url(artifact: Artifact, request) -> tuple[str, int]:
    """A URL that expires, and the epoch second at which it does."""
    if is_local():
        token, expires = sign_link(artifact)
        return request.build_absolute_uri(reverse("artifact-download", args=[token])), expires
    seconds = _link_seconds(artifact, time.time())
    url = default_storage.url(  # type: ignore[call-arg]  # S3Storage's url takes these
        artifact.storage_key,
        expire=seconds,
        parameters={
            "ResponseContentDisposition": f'attachment; filename="{artifact.download_name}"',
            "ResponseContentType": artifact.content_type,
        },
    )
    return url, int(time.time()) + seconds


def _link_seconds(artifact: Artifact, now: float) -> int:
    """The link lifetime, never past the file's own retention."""
    remaining = artifact.expires_at.timestamp() - now
    return max(1, int(min(settings.ARTIFACT_URL_TTL_SECONDS, remaining)))


def sign_link(artifact: Artifact, now: float | None = None) -> tuple[str, int]:
    """A token for the local download view, and the epoch second at which it expires."""
    now = time.time() if now is None else now
    expires = int(now) + _link_seconds(artifact, now)
    return signing.dumps({"a": str(artifact.id), "e": expires}, salt=_SALT, compress=True), expires


class LinkInvalid(CodedError):
    """This download link is not valid."""

    code = "link_invalid"


class LinkExpired(CodedError):
    """This download link has expired; ask the API for a new one."""

    code = "link_expired"


def read_link(token: str, now: float | None = None) -> Artifact:
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise LinkInvalid() from None
    if payload["e"] < (time.time() if now is None else now):
        raise LinkExpired()
    artifact = Artifact.objects.filter(id=payload["a"], expires_at__gt=timezone.now()).first()
    if artifact is None:
        raise LinkExpired(message="This file is no longer stored.")
    return artifact
