import json

import pytest
from django.db import connection
from rest_framework import serializers

from audit.models import AuditEvent
from jobs.api.serializers import JobCreateSerializer
from jobs.models import Job


def queue_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'jobs.build_job'")
        return cursor.fetchone()[0]


def assert_nothing_written():
    assert Job.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert queue_entries() == 0


def post(api, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return api.generic("POST", "/jobs", data, content_type="application/json", **headers)


@pytest.mark.django_db
def test_post_creates_a_queued_job_with_its_queue_entry_and_history(api):
    response = post(api, {"prompt": "a 40 mm cube", "session_id": "abc_123", "client": {"v": 1}})
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == f"/jobs/{body['id']}"
    assert body["status"] == "queued"
    # neither asked for: "auto" until the reading decides
    assert (body["output_type"], body["mode"], body["spec"], body["error"]) == (
        "auto",
        "auto",
        None,
        None,
    )
    assert body["notes"] == []
    assert body["artifacts"] == []
    assert queue_entries() == 1
    steps = [
        e.details_json["to"]
        for e in AuditEvent.objects.filter(job_id=body["id"], event_type="job.status")
    ]
    assert steps == ["submitted", "validated", "queued"]
    job = Job.objects.get(id=body["id"])
    assert job.client_session_id == "abc_123"
    assert job.ip_hash and "127.0.0.1" not in job.ip_hash


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "prompt"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": "   \n\t "}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"prompt": 42}, "prompt"),
        ({"prompt": ["a cube"]}, "prompt"),
        ({"prompt": None}, "prompt"),
        ({"prompt": "a cube", "output_type": "hologram"}, "output_type"),
        ({"prompt": "a cube", "mode": 3}, "mode"),
        ({"prompt": "a cube", "session_id": "has spaces"}, "session_id"),
        ({"prompt": "a cube", "session_id": "s" * 65}, "session_id"),
        ({"prompt": "a cube", "client": "web"}, "client"),
        ({"prompt": "a cube", "client": {"pad": "x" * 2100}}, "client"),
        ({"prompt": "a cube", "colour": "red"}, "colour"),
        ({"prompt": "nul\x00byte"}, "prompt"),
        ({"prompt": "a cube", "client": {"k": ["nul\x00byte"]}}, "client"),
        ({"prompt": "bell\x07 and escape\x1b[31m"}, "prompt"),
        ({"prompt": "a cube", "client": {"a": {"b": {"c": {"d": {"e": 1}}}}}}, "client"),
    ],
)
def test_invalid_bodies_are_refused_with_400_and_write_nothing(api, body, field):
    response = post(api, body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]
    assert_nothing_written()


@pytest.mark.django_db
def test_a_2000_character_prompt_is_accepted(api):
    assert post(api, {"prompt": "é" * 2000}).status_code == 202


@pytest.mark.django_db
def test_length_is_counted_after_nfc_normalization(api):
    decomposed = "e\u0301" * 2000  # 4000 code points, 2000 characters once composed
    response = post(api, {"prompt": decomposed})
    assert response.status_code == 202
    assert response.json()["prompt"] == "\u00e9" * 2000


@pytest.mark.django_db
def test_tabs_and_newlines_are_allowed(api):
    assert post(api, {"prompt": "a 40 mm cube\n\twith a note"}).status_code == 202


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "invalid_json"),
        ('{"prompt": NaN}', "application/json", 400, "invalid_json"),
        ("[1, 2]", "application/json", 400, "validation_error"),
        ("prompt=a+cube", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ("a cube", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_non_json_bodies_are_refused(api, raw, content_type, status, code):
    response = api.generic("POST", "/jobs", raw, content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert_nothing_written()


@pytest.mark.django_db
def test_a_body_over_16_kb_is_refused_with_413(api):
    body = json.dumps({"prompt": "a cube", "client": {"pad": "x" * 17000}})
    response = post(api, body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert_nothing_written()


@pytest.mark.django_db
def test_idempotency_key_replays_the_first_job(api):
    first = post(api, {"prompt": "a 40 mm cube"}, HTTP_IDEMPOTENCY_KEY="key-1")
    again = post(api, {"prompt": "a 40 mm cube"}, HTTP_IDEMPOTENCY_KEY="key-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Job.objects.count() == 1
    assert queue_entries() == 1


@pytest.mark.django_db
def test_idempotency_key_with_another_body_is_a_conflict(api):
    post(api, {"prompt": "a 40 mm cube"}, HTTP_IDEMPOTENCY_KEY="key-2")
    response = post(api, {"prompt": "a 50 mm cube"}, HTTP_IDEMPOTENCY_KEY="key-2")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_queue_entry_leaves_no_job(api):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(
            "ALTER TABLE procrastinate_jobs ADD CONSTRAINT queue_down CHECK (false) NOT VALID"
        )
    response = post(api, {"prompt": "a 40 mm cube"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert_nothing_written()


@pytest.mark.django_db
def test_an_output_type_and_mode_sent_are_kept(api):
    response = post(api, {"prompt": "laser cut plate", "output_type": "3d_solid", "mode": "part"})
    assert response.status_code == 202
    assert (response.json()["output_type"], response.json()["mode"]) == ("3d_solid", "part")


@pytest.mark.django_db
def test_the_openapi_document_says_output_type_and_mode_default_to_auto(api):
    schema = api.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    create = components["JobCreateRequest"]["properties"]  # the request half of the split
    for field in ("output_type", "mode"):
        assert create[field]["default"] == "auto"
        assert field not in components["JobCreateRequest"].get("required", [])
    assert "the reading of the prompt decides" in create["output_type"]["description"]
    assert components["Job"]["properties"]["notes"]["type"] == "array"


class _DeepCopiedFields(JobCreateSerializer):
    """The same serializer with DRF's own copies of its fields."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "a 40 mm cube", "session_id": "s1", "client": {"app": "x"}},
        {"prompt": "laser cut plate", "output_type": "2d_vector", "mode": "sketch"},
        {"prompt": "", "output_type": "nope", "session_id": "bad id!"},
        {"prompt": 42, "mode": ["part"], "client": "x", "spec": []},
        {"parent": "not-a-uuid", "dimensions": {"length": "long"}},
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51", "dimensions": {"length": 150}},
        {"spec": {"spec_version": "1.2"}, "extra": 1},
        {},
    ],
)
def test_validating_with_shallow_copies_of_the_fields_answers_as_drfs_deep_copies(body):
    ours, drfs = JobCreateSerializer(data=body), _DeepCopiedFields(data=body)
    assert ours.is_valid() == drfs.is_valid()
    assert ours.errors == drfs.errors
    if not ours.errors:
        assert ours.validated_data == drfs.validated_data


def test_each_request_binds_fields_of_its_own():
    first, second = JobCreateSerializer(data={"prompt": "a"}), JobCreateSerializer(data={})
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert JobCreateSerializer._declared_fields[name].parent is None  # never bound
    assert first.is_valid() and not second.is_valid()
