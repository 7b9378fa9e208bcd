import uuid

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from jobs.api.serializers import (
    ArtifactSerializer,
    JobArtifactsSerializer,
    JobCreatedSerializer,
    JobSerializer,
    job_with_live_artifacts,
)
from jobs.models import JobStatus
from tests.conftest import OWNER


@pytest.mark.django_db
def test_unknown_job_is_404_in_the_error_shape(api):
    for path in (f"/jobs/{uuid.uuid4()}", f"/jobs/{uuid.uuid4()}/artifacts"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_unknown_path_is_404_in_the_error_shape(api):
    response = api.get("/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No such resource.", "details": {}}
    }


def test_artifacts_are_empty_until_completed(api, make_job):
    job = make_job(JobStatus.RUNNING)
    body = api.get(f"/jobs/{job.id}/artifacts").json()
    assert body == {"job_id": str(job.id), "status": "running", "artifacts": []}


def test_cancel_a_queued_job_then_cancel_again_is_409(api, make_job):
    job = make_job(JobStatus.QUEUED)
    response = api.post(f"/jobs/{job.id}/cancel", **OWNER)
    assert response.status_code == 200
    assert response.json()["status"] == "canceled"
    again = api.post(f"/jobs/{job.id}/cancel", **OWNER)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_finished"


def test_wrong_method_is_405_in_the_error_shape(api, make_job):
    response = api.delete(f"/jobs/{make_job().id}")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_health_reports_database_and_queue_counts(api, make_job):
    make_job(JobStatus.QUEUED)
    make_job(JobStatus.QUEUED)
    make_job(JobStatus.RUNNING)
    make_job(JobStatus.COMPLETED)
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "queue": {"queued": 2, "running": 1},
    }


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_unreachable(api, monkeypatch):
    from jobs import services

    def unreachable():
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(services, "queue_counts", unreachable)
    response = api.get("/health")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_openapi_schema_lists_every_endpoint(api):
    response = api.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/jobs",
        "/jobs/{job_id}",
        "/jobs/{job_id}/artifacts",
        "/jobs/{job_id}/cancel",
        "/jobs/{job_id}/feedback",
        "/health",
        "/spec/schema",
    ):
        assert path in paths


@pytest.mark.django_db
def test_spec_schema_is_served(api):
    body = api.get("/spec/schema").json()
    assert body["properties"]["spec_version"]["enum"] == ["1.1", "1.2"]
    branches = body["properties"]["geometry"]["properties"]["features"]["items"]["oneOf"]
    assert {b["properties"]["feature_type"]["const"] for b in branches} >= {"box", "hole"}


@pytest.mark.parametrize(
    ("status", "fields"),
    [
        (JobStatus.QUEUED, {}),
        (JobStatus.FAILED, {"error_code": "spec_invalid", "error_text": "A hole is too big."}),
        (JobStatus.COMPLETED, {"spec_json": {"notes": ["read: plate"], "output_type": "3d_solid"}}),
    ],
)
def test_the_read_answers_are_what_drf_would_build_from_the_declared_fields(
    make_job, add_file, status, fields
):
    job = make_job(status, **fields)
    add_file(job, "stl")
    add_file(job, "png")
    job = job_with_live_artifacts(job.id)
    job.secret = "shown once"
    context = {"request": APIRequestFactory().get("/"), "links": {}}  # the same signed links
    for serializer in (JobSerializer, JobCreatedSerializer, JobArtifactsSerializer):
        ours = serializer(job, context=context).data
        drf = serializers.Serializer.to_representation(serializer(job, context=context), job)
        assert ours == drf and list(ours) == list(drf)
        if status == JobStatus.COMPLETED:
            assert [a["kind"] for a in ours["artifacts"]] == ["png", "stl"]
            child = ArtifactSerializer(context=context)
            for artifact in job.artifacts.all():
                mine = child.to_representation(artifact)
                assert mine == serializers.Serializer.to_representation(child, artifact)
