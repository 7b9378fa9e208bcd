import os
import struct
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import boto3
import pytest
from django.db import connection
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from jobs import access, ratelimit_cache
from jobs.access import hash_key
from jobs.models import Job, JobStatus
from naturalcad.storage_settings import build_storages

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.browser"]  # the shared headless browser of the page tests


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """What a process keeps between requests (live API keys, the last queue depth) starts
    empty in each test: the database under it is another one."""
    access._live_keys.clear()
    access._last_depth = (0, 0, float("-inf"))


@pytest.fixture(autouse=True)
def steady_rate_windows(monkeypatch):
    """Rate-limit windows align to the clock (a "1/h" window ends on the hour), so two
    requests of one test either side of a boundary would be counted in two windows, the
    second let through. The windows read a clock held in the middle of this hour and minute."""
    steady = time.time() // 3600 * 3600 + 1830
    monkeypatch.setattr(ratelimit_cache, "time", SimpleNamespace(time=lambda: steady))


@pytest.fixture(autouse=True)
def generous_limits(settings):
    """Limits out of the way; the tests of limits set their own."""
    settings.RATE_LIMITS = {tier: "10000/m" for tier in settings.RATE_LIMITS}
    settings.MAX_UNFINISHED_PER_CLIENT = settings.MAX_UNFINISHED_PER_KEY = 10000
    settings.MAX_QUEUE_DEPTH = 10000


@pytest.fixture
def api() -> APIClient:
    return APIClient()


# The secret of every job `make_job` makes: its creator sends it as X-Job-Secret.
JOB_SECRET = "the-secret-of-a-test-job"
OWNER = {"HTTP_X_JOB_SECRET": JOB_SECRET}


@pytest.fixture
def make_job(db):
    """Factory: a Job in the given status, its history written as the status machine would."""

    def make(status: str = JobStatus.QUEUED, prompt: str = "a 40 mm cube", **fields) -> Job:
        fields.setdefault("owner_secret_hash", hash_key(JOB_SECRET))
        job = Job.objects.create(prompt=prompt, normalized_prompt=prompt, **fields)
        path = {
            JobStatus.SUBMITTED: [],
            JobStatus.VALIDATED: [JobStatus.VALIDATED],
            JobStatus.QUEUED: [JobStatus.VALIDATED, JobStatus.QUEUED],
            JobStatus.RUNNING: [JobStatus.VALIDATED, JobStatus.QUEUED, JobStatus.RUNNING],
            JobStatus.COMPLETED: [
                JobStatus.VALIDATED,
                JobStatus.QUEUED,
                JobStatus.RUNNING,
                JobStatus.COMPLETED,
            ],
            JobStatus.FAILED: [JobStatus.VALIDATED, JobStatus.FAILED],
            JobStatus.CANCELED: [JobStatus.VALIDATED, JobStatus.QUEUED, JobStatus.CANCELED],
        }[status]
        for step in path:
            job.transition(step)
        return job

    return make


def database_url() -> str:
    """The URL of the database this test session uses (the test database), for subprocesses."""
    s = connection.settings_dict
    host = quote(s["HOST"] or "", safe="")
    auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def storage_env() -> dict[str, str]:
    """Environment that selects the artifact storage; the s3 fixture fills it."""
    return {}


@pytest.fixture
def subprocess_env(media_root, storage_env) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url(), MEDIA_ROOT=str(media_root), DEBUG="true")
    env.update(storage_env)
    return env


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto's server mode) over real HTTP on loopback."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}


@pytest.fixture
def s3(s3_server, settings, monkeypatch, storage_env):
    """Artifacts go to a fresh private bucket, configured as on Fly (Tigris's variable names)."""
    bucket = f"naturalcad-{uuid.uuid4().hex[:12]}"
    storage_env.update(
        BUCKET_NAME=bucket,
        AWS_ENDPOINT_URL_S3=s3_server,
        AWS_REGION="us-east-1",
        AWS_S3_ADDRESSING_STYLE="path",
        **S3_CREDENTIALS,
    )
    for name, value in storage_env.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = build_storages(settings.ARTIFACT_URL_TTL_SECONDS)
    return S3Bucket(client, bucket)


class S3Bucket:
    def __init__(self, client, name: str):
        self.client = client
        self.name = name

    def object_keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture
def run_worker(subprocess_env):
    """Runs a real procrastinate worker process until the queue is empty."""

    def run() -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot"]
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=subprocess_env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    return run


def stl_bounds(data: bytes) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Bounding box of a binary STL, read independently of build123d."""
    (count,) = struct.unpack_from("<I", data, 80)
    assert len(data) == 84 + 50 * count, "not a binary STL"
    points = [
        struct.unpack_from("<3f", data, 84 + 50 * i + 12 + 12 * v)
        for i in range(count)
        for v in range(3)
    ]
    return tuple(map(min, zip(*points, strict=True))), tuple(map(max, zip(*points, strict=True)))


def stl_size(data: bytes) -> list[float]:
    """Extent of a binary STL along X, Y and Z, in millimetres."""
    low, high = stl_bounds(data)
    return [h - lo for lo, h in zip(low, high, strict=True)]


@pytest.fixture
def fake_hf():
    from tests.fake_hf import FakeHuggingFace

    server = FakeHuggingFace()
    yield server
    server.stop()


def spec_document(*features, output_type="3d_solid", mode="part", **extra) -> dict:
    """A v1.1 spec document around `features`, as a client or a model would send it."""
    return {
        "spec_version": "1.1",
        "mode": mode,
        "output_type": output_type,
        "units": "mm",
        "geometry": {"features": list(features)},
        **extra,
    }
