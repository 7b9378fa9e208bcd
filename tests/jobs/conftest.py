from datetime import timedelta

import pytest
from django.utils import timezone

from artifacts.models import Artifact


@pytest.fixture
def add_file():
    """Factory: an artifact row of `job` (no stored bytes: for answers that only link to it),
    expiring after `ttl` (negative: already expired)."""

    def make(job, kind: str, ttl: timedelta = timedelta(days=1)) -> Artifact:
        return Artifact.objects.create(
            job=job,
            kind=kind,
            storage_key=f"k/{kind}",
            size_bytes=3,
            sha256="0" * 64,
            content_type="x/y",
            expires_at=timezone.now() + ttl,
        )

    return make
