"""Edit jobs through the worker's pipeline: by dimensions with no model call, in words by the
rules, by the model with the parent's spec in context, or refused naming what was not read."""

import json

import pytest
from django.core.files.storage import default_storage

from jobs import inference, pipeline
from jobs.models import Job, JobStatus
from naturalcad.spec import validate
from tests.conftest import ROOT, spec_document, stl_size
from tests.fake_hf import ok

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLE = "naturalcad/spec/examples/plate_corner_holes.json"


@pytest.fixture(autouse=True)
def model(settings, fake_hf, monkeypatch):
    """A model is configured for every test here: what is proved is that it is not asked."""
    monkeypatch.setattr(inference, "BREAKER", inference.CircuitBreaker())
    settings.HF_TOKEN = "hf_test"
    settings.HF_BASE_URL = fake_hf.url
    settings.HF_MAX_RETRIES = 0
    settings.HF_DAILY_CALLS = 100
    return fake_hf


@pytest.fixture
def built_plate(api):
    """The example plate, posted as a spec and built: its answer."""
    spec = json.loads((ROOT / EXAMPLE).read_text())
    created = api.post("/jobs", {"spec": spec}, format="json").json()
    pipeline.run_job(created["id"])
    assert Job.objects.get(id=created["id"]).status == JobStatus.COMPLETED
    return created


def edit(api, parent: dict, **body) -> Job:
    created = api.post(
        "/jobs", {"parent": parent["id"], **body}, format="json",
        HTTP_X_JOB_SECRET=parent["secret"],
    )  # fmt: skip
    assert created.status_code == 202, created.json()
    pipeline.run_job(created.json()["id"])
    return Job.objects.get(id=created.json()["id"])


def stl_of(job: Job) -> bytes:
    return default_storage.open(job.artifacts.get(kind="stl").storage_key).read()


def test_an_edit_by_dimensions_makes_no_model_call(api, model):
    parent = api.post("/jobs", {"spec": spec_document(
        {"name": "p", "feature_type": "box", "length": "length", "width": 40, "height": 5},
        dimensions={"length": 100})}, format="json").json()  # fmt: skip
    pipeline.run_job(parent["id"])
    job = edit(api, parent, dimensions={"length": 160})
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert stl_size(stl_of(job)) == pytest.approx([160, 40, 5], abs=1e-3)
    assert model.requests == []  # the fake server records every call it gets


def test_a_word_edit_the_rules_read_makes_no_model_call(api, built_plate, model):
    job = edit(api, built_plate, prompt="make it 150 mm long with 8 mm holes")
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert job.model_info_json["path"] == "rules_edit"
    assert job.spec_json["dimensions"]["length"] == 150
    reading = api.get(f"/jobs/{job.id}").json()["reading"]  # of the edit's words
    assert reading == {
        "read": ["length 120 -> 150", "hole_diameter 6 -> 8"],
        "assumed": [],
        "not_read": [],
    }
    assert stl_size(stl_of(job)) == pytest.approx([150, 70, 5], abs=1e-3)
    assert model.requests == []
    log = default_storage.open(job.artifacts.get(kind="log").storage_key).read().decode()
    assert "path: rules_edit" in log and "edited: length 120 -> 150" in log


def test_an_edit_the_rules_cannot_read_goes_to_the_model_with_the_parent_spec(
    api, built_plate, model
):
    answer = json.loads((ROOT / EXAMPLE).read_text())
    answer["geometry"]["features"][0]["height"] = 9
    model.answer(ok(answer))
    job = edit(api, built_plate, prompt="make it look sturdier")
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert job.model_info_json["path"] == "model"
    assert len(model.requests) == 1
    user = model.requests[0]["body"]["messages"][-1]["content"]
    assert '"length":120' in user and "make it look sturdier" in user  # the spec, then the edit
    assert stl_size(stl_of(job)) == pytest.approx([120, 70, 9], abs=1e-3)


def test_an_edit_nothing_can_read_is_refused_naming_what(api, built_plate, settings):
    settings.HF_TOKEN = ""  # the rules alone
    job = edit(api, built_plate, prompt="make the holes 8 mm and engrave my name")
    assert (job.status, job.error_code) == (JobStatus.FAILED, "edit_not_understood")
    assert "'engrave my name'" in job.error_text and "hole_diameter 6 -> 8" in job.error_text
    reading = api.get(f"/jobs/{job.id}").json()["reading"]
    assert reading == {
        "read": ["hole_diameter 6 -> 8"],
        "assumed": [],
        "not_read": ["engrave my name"],
    }
    assert not job.artifacts.exists()


def test_the_worker_validates_a_spec_once_whichever_way_it_came(
    api, built_plate, model, monkeypatch
):
    checked: list[dict] = []
    resolve = validate._resolve  # the last step of every validation, wherever it is called

    def counting(spec):
        checked.append(spec)
        return resolve(spec)

    monkeypatch.setattr(validate, "_resolve", counting)
    plate = json.loads((ROOT / EXAMPLE).read_text())
    model.answer(ok({**plate, "intent": "desk widget"}))
    sized = api.post("/jobs", {"spec": spec_document(
        {"name": "p", "feature_type": "box", "length": "length", "width": 40, "height": 5},
        dimensions={"length": 100})}, format="json").json()  # fmt: skip
    pipeline.run_job(sized["id"])
    ways = [
        ("rules", {"prompt": "a 40 mm cube"}, {}),
        ("model", {"prompt": "a small widget for my desk"}, {}),
        ("spec", {"spec": {**plate, "intent": "the plate again"}}, {}),
        ("dimensions", {"dimensions": {"length": 130}}, sized),
        ("rules_edit", {"prompt": "make it 140 mm long"}, built_plate),
    ]
    for way, body, parent in ways:
        if parent:
            body["parent"] = parent["id"]
        secret = {"HTTP_X_JOB_SECRET": parent["secret"]} if parent else {}
        created = api.post("/jobs", body, format="json", **secret).json()
        checked.clear()
        pipeline.run_job(created["id"])
        job = Job.objects.get(id=created["id"])
        assert job.status == JobStatus.COMPLETED, (way, job.error_text)
        assert (job.model_info_json["path"], len(checked)) == (way, 1)
