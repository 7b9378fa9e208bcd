"""Which storage holds the artifacts, chosen by the environment.

With a bucket configured (`BUCKET_NAME`, as `fly storage create` sets it for Tigris, or
`AWS_STORAGE_BUCKET_NAME`) artifacts go to a private S3 bucket and clients get presigned
SigV4 URLs; otherwise they stay under MEDIA_ROOT behind the API's own signed links.

Production refuses to start without a bucket unless ARTIFACT_STORAGE=local asks for the disk
explicitly (one machine with a volume at MEDIA_ROOT): a Fly machine's own disk is lost at
every deploy, and a read-only one would fail the first job instead of the start.
"""

import os
from pathlib import Path

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

from naturalcad.env import env_choice, env_int, env_str

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
STATIC = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}


def bucket_name() -> str | None:
    return env_str("BUCKET_NAME") or env_str("AWS_STORAGE_BUCKET_NAME") or None


def s3_options(bucket: str, url_ttl: int) -> dict:
    style = env_str("AWS_S3_ADDRESSING_STYLE", "auto")
    return {
        "bucket_name": bucket,
        "endpoint_url": env_str("AWS_ENDPOINT_URL_S3") or None,
        "region_name": env_str("AWS_REGION") or "us-east-1",
        "default_acl": None,  # private: objects are reachable only through presigned URLs
        "querystring_auth": True,
        "querystring_expire": url_ttl,
        "file_overwrite": True,  # keys are content hashes: same key, same bytes
        "client_config": Config(
            s3={"addressing_style": style},
            signature_version="s3v4",
            retries={"max_attempts": env_int("S3_MAX_ATTEMPTS", 5, minimum=1), "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        ),
    }


NO_BUCKET = (
    "No bucket for the artifacts: set BUCKET_NAME (or AWS_STORAGE_BUCKET_NAME) with "
    "AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
    "(`fly storage create` sets them all), or ARTIFACT_STORAGE=local with a writable MEDIA_ROOT."
)


def artifact_storage(*, local_profile: bool) -> str:
    """ "s3" or "local": a bucket when one is configured, the disk by default only locally."""
    default = "s3" if bucket_name() or not local_profile else "local"
    choice = env_choice("ARTIFACT_STORAGE", default, ["s3", "local"])
    if choice == "s3" and bucket_name() is None:
        raise ImproperlyConfigured(NO_BUCKET)
    return choice


def require_writable(media_root: Path) -> None:
    """Local artifacts in production: their folder must be writable now, not at the first job."""
    try:
        media_root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(f"MEDIA_ROOT={media_root} cannot be created: {error}") from None
    if not os.access(media_root, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(f"MEDIA_ROOT={media_root} is not writable by this user")


def build_storages(url_ttl: int, storage: str | None = None) -> dict:
    """The STORAGES setting; `storage` None: the bucket when one is configured."""
    bucket = bucket_name()
    if storage == "local" or bucket is None:
        return {"default": {"BACKEND": LOCAL_BACKEND}, "staticfiles": STATIC}
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(bucket, url_ttl)},
        "staticfiles": STATIC,
    }
