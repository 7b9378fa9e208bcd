import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from artifacts.storage import put_object, sign_link


@pytest.fixture
def artifact(stored_artifact):
    return stored_artifact(b"solid part\n")


def download(api, token):
    return api.get(reverse("artifact-download", args=[token]))


def test_a_signed_link_downloads_the_file_with_a_readable_name(api, artifact):
    token, expires = sign_link(artifact)
    response = download(api, token)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"solid part\n"
    assert response["Content-Type"] == "model/stl"
    assert f"naturalcad-{str(artifact.job_id)[:8]}.stl" in response["Content-Disposition"]
    assert expires - time.time() == pytest.approx(3600, abs=5)


def test_an_expired_link_is_403(api, artifact):
    token, _ = sign_link(artifact, now=time.time() - 7200)
    response = download(api, token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "link_expired"


def test_a_tampered_link_is_403(api, artifact):
    token, _ = sign_link(artifact)
    response = download(api, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "link_invalid"


def test_a_link_never_outlives_its_artifact(artifact):
    artifact.expires_at = timezone.now() + timedelta(minutes=5)
    _, expires = sign_link(artifact)
    assert expires - time.time() == pytest.approx(300, abs=5)


def test_identical_bytes_are_stored_once(media_root):
    first = put_object(b"same bytes", "stl")
    second = put_object(b"same bytes", "stl")
    assert first == second
    assert default_storage.exists(first.key)
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 1
