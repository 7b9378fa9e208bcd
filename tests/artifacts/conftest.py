from datetime import timedelta

import pytest
from django.utils import timezone

from artifacts.models import Artifact
from artifacts.storage import put_object
from jobs.models import JobStatus


@pytest.fixture
def stored_artifact(make_job):
    """Factory: a completed job's STL artifact holding `data`, expiring after `ttl`."""

    def make(data: bytes, ttl: timedelta = timedelta(days=7)) -> Artifact:
        stored = put_object(data, "stl")
        return Artifact.objects.create(
            job=make_job(JobStatus.COMPLETED),
            kind="stl",
            storage_key=stored.key,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            content_type="model/stl",
            expires_at=timezone.now() + ttl,
        )

    return make
