"""A spec as input, versions of a part (a parent edited by dimensions, in words or by a new
spec), who may name a parent, and the chain of versions."""

import json

import pytest
from django.core.files.storage import default_storage

from audit.models import AuditEvent
from jobs import pipeline
from jobs.models import Job, JobStatus, Origin
from tests.conftest import spec_document, stl_size

pytestmark = pytest.mark.django_db
ALICE, MALLORY = "198.51.100.10", "203.0.113.66"


def plate_spec(**dimensions) -> dict:
    """A plate whose sizes are named: editing one moves what refers to it."""
    return spec_document(
        {"name": "plate", "feature_type": "box", "length": "length", "width": "width",
         "height": "thickness"},
        {"name": "bore", "feature_type": "hole", "diameter": "hole_diameter"},
        dimensions={"length": 100, "width": 60, "thickness": 5, "hole_diameter": 8, **dimensions},
        intent="a plate with a centre bore",
    )  # fmt: skip


def post(api, body, ip=ALICE, secret=None, **headers):
    if secret:
        headers["HTTP_X_JOB_SECRET"] = secret
    return api.post("/jobs", body, format="json", REMOTE_ADDR=ip, **headers)


@pytest.fixture
def parent(api):
    """A plate posted as a spec by Alice: (its answer, its job)."""
    created = post(api, {"spec": plate_spec()})
    assert created.status_code == 202, created.json()
    return created.json(), Job.objects.get(id=created.json()["id"])


def test_a_spec_is_validated_and_queued_as_sent(parent):
    body, job = parent
    assert (body["status"], body["version"], body["parent"]) == ("queued", 1, None)
    assert (body["output_type"], body["mode"], body["prompt"]) == ("3d_solid", "part", "")
    assert body["spec"] == plate_spec()  # the spec as written: its names kept
    assert (job.origin, job.prompt_key) == (Origin.SPEC, "")
    events = AuditEvent.objects.filter(job=job).values_list("event_type", flat=True)
    assert sorted(events) == ["access.granted", *["job.status"] * 3]


@pytest.mark.parametrize(
    ("spec", "code", "path"),
    [
        ({"geometry": {}}, "spec_invalid", "$.spec"),
        (spec_document({"name": "a", "feature_type": "dragon"}), "spec_invalid", "$.spec"),
        (
            spec_document({"name": "a", "feature_type": "box", "length": 1e9, "width": 1,
                           "height": 1}),
            "size_out_of_range",
            "$.spec.geometry.features[0].length",
        ),
        (
            spec_document({"name": "a", "feature_type": "box", "length": "nope", "width": 1,
                           "height": 1}),
            "dangling_reference",
            "$.spec.geometry.features[0].length",
        ),
        (spec_document(cannot_build="a dragon"), "cannot_build", "$.spec.cannot_build"),
        ({**plate_spec(), "intent": "a\x00b"}, "validation_error", None),
        ({**plate_spec(), "run": "__import__('os').system('id')"}, "spec_invalid", "$.spec"),
    ],
)  # fmt: skip
def test_a_spec_the_validation_refuses_is_a_400_that_writes_nothing(api, spec, code, path):
    refused = post(api, {"spec": spec})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, code)
    if path:
        assert refused.json()["error"]["details"]["path"].startswith(path)
    assert not Job.objects.exists() and not AuditEvent.objects.filter(job__isnull=False).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "a 40 mm cube", "spec": plate_spec()},
        {"dimensions": {"length": 5}},
        {"prompt": "a cube", "dimensions": {"length": 5}},
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51"},
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51", "prompt": "x", "dimensions": {"a": 1}},
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51", "dimensions": {}},
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51", "dimensions": {"length": "5"}},
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51", "dimensions": {"length": True}},
        {"spec": plate_spec(), "output_type": "3d_solid"},  # a spec says its own
        {"parent": "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51", "prompt": "x", "mode": "part"},
        {"parent": "not-a-uuid", "dimensions": {"length": 5}},
        {"spec": "a plate"},
    ],
)
def test_what_a_job_is_made_from_is_one_of_the_allowed_sets(api, body):
    refused = post(api, body)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "validation_error")
    assert not Job.objects.exists()


def test_another_clients_parent_is_404_exactly_as_an_unknown_id(api, parent):
    body, _ = parent
    unknown_id = "8f4ddc1e-5c37-4b5c-9a36-5f6f2c1f7c51"
    unknown = post(api, {"parent": unknown_id, "dimensions": {"length": 150}})
    for secret in (None, "a-guess", body["secret"][:-1] + "x"):
        edit = {"parent": body["id"], "dimensions": {"length": 150}}
        refused = post(api, edit, ip=MALLORY, secret=secret)
        assert refused.status_code == unknown.status_code == 404
        assert refused.json()["error"]["code"] == unknown.json()["error"]["code"] == "not_found"
        as_unknown = unknown.json()["error"]["message"].replace(unknown_id, body["id"])
        assert refused.json()["error"]["message"] == as_unknown
    versions = api.get(f"/jobs/{body['id']}/versions", REMOTE_ADDR=MALLORY)
    assert versions.status_code == 404
    assert Job.objects.count() == 1


def test_a_dimension_the_part_does_not_have_is_named(api, parent):
    body, _ = parent
    refused = post(
        api, {"parent": body["id"], "dimensions": {"lenght": 150}}, secret=body["secret"]
    )
    error = refused.json()["error"]
    assert (refused.status_code, error["code"]) == (400, "unknown_dimension")
    assert "lenght" in error["message"] and "length" in error["message"]
    assert error["details"]["known"] == ["hole_diameter", "length", "thickness", "width"]


def test_a_dimension_edit_is_validated_with_every_guardrail(api, parent):
    body, _ = parent
    edit = {"parent": body["id"], "dimensions": {"hole_diameter": -3}}
    refused = post(api, edit, secret=body["secret"])
    assert refused.json()["error"]["code"] == "size_out_of_range"
    assert Job.objects.count() == 1


def test_a_parent_without_a_spec_yet_is_a_409(api):
    created = post(api, {"prompt": "a 40 mm cube"}).json()
    edit = {"parent": created["id"], "dimensions": {"length": 150}}
    refused = post(api, edit, secret=created["secret"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "parent_not_ready")


def test_versions_chain_with_lineage_and_their_own_secrets(api, parent):
    body, job = parent
    Job.objects.filter(id=job.id).update(status=JobStatus.COMPLETED)
    second = post(api, {"parent": body["id"], "dimensions": {"length": 150}}, secret=body["secret"])
    assert second.status_code == 202, second.json()
    second = second.json()
    assert (second["version"], second["parent"]) == (2, body["id"])
    assert second["spec"]["dimensions"]["length"] == 150
    third = post(api, {"parent": second["id"], "prompt": "make it 8 mm thick"},
                 secret=second["secret"]).json()  # fmt: skip
    assert (third["version"], third["parent"], third["spec"]) == (3, second["id"], None)
    fourth = post(api, {"parent": third["id"], "spec": plate_spec(width=40)},
                  secret=third["secret"]).json()  # fmt: skip
    assert (fourth["version"], fourth["spec"]["dimensions"]["width"]) == (4, 40)
    rows = {j.version: j for j in Job.objects.all()}
    assert [rows[v].origin for v in (1, 2, 3, 4)] == ["spec", "dimensions", "words", "spec"]
    assert {rows[v].root_id for v in (2, 3, 4)} == {job.id} and rows[1].root_id is None
    assert rows[2].edit_json == {"length": 150}
    shown = api.get(f"/jobs/{second['id']}", REMOTE_ADDR=MALLORY).json()
    assert (shown["version"], shown["parent"]) == (2, body["id"])
    for member in (body, second, fourth):  # any version's owner sees the whole chain
        chain = api.get(f"/jobs/{member['id']}/versions", HTTP_X_JOB_SECRET=member["secret"])
        assert chain.status_code == 200
        listed = chain.json()["versions"]
        assert [v["version"] for v in listed] == [1, 2, 3, 4]
        assert [v["origin"] for v in listed] == ["spec", "dimensions", "words", "spec"]
        assert listed[1]["dimensions"] == {"length": 150.0}
        assert listed[2]["prompt"] == "make it 8 mm thick"


def test_an_edit_is_rate_limited_like_a_prompt(api, parent, settings):
    body, _ = parent
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "anonymous": "1/m"}
    edit = {"parent": body["id"], "dimensions": {"length": 150}}
    assert post(api, edit, secret=body["secret"]).status_code == 202
    limited = post(api, edit, secret=body["secret"])
    assert (limited.status_code, limited.json()["error"]["code"]) == (429, "rate_limited")
    assert "Retry-After" in limited


def test_an_idempotent_edit_answers_the_first_version(api, parent):
    body, _ = parent
    edit = {"parent": body["id"], "dimensions": {"length": 150}}
    first = post(api, edit, secret=body["secret"], HTTP_IDEMPOTENCY_KEY="e1")
    again = post(api, edit, secret=body["secret"], HTTP_IDEMPOTENCY_KEY="e1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]


def files_of(job: Job) -> dict[str, bytes]:
    return {a.kind: default_storage.open(a.storage_key).read() for a in job.artifacts.all()}


@pytest.mark.slow
def test_an_edit_by_dimensions_rebuilds_what_depends_on_the_name(api, parent):
    body, job = parent
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    first = files_of(job)
    assert {"spec", "py", "log", "stl"} <= set(first)
    assert json.loads(first["spec"])["dimensions"] == plate_spec()["dimensions"]
    assert "made from: spec" in first["log"].decode()
    edit = {"parent": body["id"], "dimensions": {"length": 150, "thickness": 8}}
    created = post(api, edit, secret=body["secret"]).json()
    pipeline.run_job(created["id"])
    edited = Job.objects.get(id=created["id"])
    assert edited.status == JobStatus.COMPLETED, edited.error_text
    files = files_of(edited)
    assert stl_size(files["stl"]) == pytest.approx([150, 60, 8], abs=1e-3)
    assert stl_size(first["stl"]) == pytest.approx([100, 60, 5], abs=1e-3)
    assert edited.model_info_json["path"] == "dimensions"
    log = files["log"].decode()
    assert "dimensions changed: length = 150, thickness = 8" in log
    assert f"edited from {job.id}" in log and "timings:" in log
    shown = api.get(f"/jobs/{edited.id}/artifacts").json()["artifacts"]
    spec_link = next(a for a in shown if a["kind"] == "spec")
    assert spec_link["content_type"] == "application/json"
