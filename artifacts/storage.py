"""The storage layout and the signed links: the one place that knows where files live.

Objects are content-addressed (`objects/ab/abcdef….stl`), so the same bytes are
stored once however many jobs produce them, and a re-upload of the same key is harmless.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from artifacts.models import Artifact

_SALT = "naturalcad.artifact-link"


@dataclass(frozen=True)
class StoredObject:
    key: str
    size_bytes: int
    sha256: str


def object_key(sha256: str, extension: str) -> str:
    return f"objects/{sha256[:2]}/{sha256}.{extension}"


def put_object(data: bytes, extension: str) -> StoredObject:
    digest = hashlib.sha256(data).hexdigest()
    key = object_key(digest, extension)
    if not default_storage.exists(key):
        saved = default_storage.save(key, ContentFile(data))
        if saved != key:  # a concurrent writer won the race; the bytes are identical
            default_storage.delete(saved)
    return StoredObject(key=key, size_bytes=len(data), sha256=digest)


def delete_unreferenced(keys: list[str]) -> None:
    """Remove objects that no Artifact row points to (cleanup after a failed job)."""
    referenced = set(
        Artifact.objects.filter(storage_key__in=keys).values_list("storage_key", flat=True)
    )
    for key in set(keys) - referenced:
        default_storage.delete(key)


class LinkError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def sign_link(artifact: Artifact, now: float | None = None) -> tuple[str, int]:
    """Return a token for the download view and the epoch second at which it expires."""
    now = time.time() if now is None else now
    expires = int(min(now + settings.ARTIFACT_URL_TTL_SECONDS, artifact.expires_at.timestamp()))
    payload = {"a": str(artifact.id), "e": expires}
    return signing.dumps(payload, salt=_SALT, compress=True), expires


def read_link(token: str, now: float | None = None) -> Artifact:
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise LinkError("link_invalid", "This download link is not valid.") from None
    if payload["e"] < (time.time() if now is None else now):
        raise LinkError(
            "link_expired", "This download link has expired; ask the API for a new one."
        )
    artifact = Artifact.objects.filter(id=payload["a"]).first()
    if artifact is None:
        raise LinkError("link_expired", "This file is no longer stored.")
    return artifact
