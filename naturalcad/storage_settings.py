"""Which storage holds the artifacts, chosen by the environment.

With a bucket configured (`BUCKET_NAME`, as `fly storage create` sets it for Tigris, or
`AWS_STORAGE_BUCKET_NAME`) artifacts go to a private S3 bucket and clients get presigned
SigV4 URLs; otherwise they stay under MEDIA_ROOT behind the API's own signed links.
"""

from botocore.config import Config

from naturalcad.env import env_int, env_str

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


def build_storages(url_ttl: int) -> dict:
    bucket = bucket_name()
    if bucket is None:
        return {"default": {"BACKEND": LOCAL_BACKEND}, "staticfiles": STATIC}
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(bucket, url_ttl)},
        "staticfiles": STATIC,
    }
