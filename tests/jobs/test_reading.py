"""The job answer's `reading`: what the interpreter read, assumed and could not read of the
words, in the lists it made them in (a client never sorts `notes` by their wording)."""

import pytest

from jobs import pipeline
from tests.conftest import spec_document

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
OUTPUT_CHOSEN = "output type 3d_solid: the prompt asks for no other"


def run(api, body: dict) -> dict:
    """The answer of GET /jobs/{id} once the worker has run the job `body` creates."""
    created = api.post("/jobs", body, format="json")
    assert created.status_code == 202, created.json()
    assert created.json()["reading"] is None  # nothing is read before the worker reads it
    pipeline.run_job(created.json()["id"])
    answer = api.get(f"/jobs/{created.json()['id']}")
    assert answer.status_code == 200
    return answer.json()


def test_a_fully_read_prompt_is_all_read_and_nothing_assumed(api):
    job = run(api, {"prompt": "a 40 mm cube"})
    assert job["status"] == "completed", job["error"]
    assert job["reading"] == {
        "read": ["a 40 x 40 x 40 mm cube", OUTPUT_CHOSEN],
        "assumed": [],
        "not_read": [],
    }


def test_what_the_prompt_left_open_is_assumed_and_each_note_is_in_one_list(api):
    job = run(api, {"prompt": "a 100 x 60 plate"})
    assert job["status"] == "completed", job["error"]
    assert job["reading"] == {
        "read": ["a 100 x 60 x 5 mm plate", OUTPUT_CHOSEN],
        "assumed": [
            "assumed a thickness of 5 mm",
            "no unit was given: lengths read as millimetres",  # a default, not worded "assumed"
        ],
        "not_read": [],
    }
    said = job["reading"]["read"][1:] + job["reading"]["assumed"]
    assert sorted(job["notes"]) == sorted(said)


def test_a_partly_read_prompt_says_what_was_read_and_what_was_not(api):
    job = run(api, {"prompt": "a 40 mm cube painted blue and shiny"})
    assert (job["status"], job["error"]["code"]) == ("failed", "prompt_partly_understood")
    assert job["reading"] == {
        "read": ["a 40 x 40 x 40 mm cube"],
        "assumed": [],
        "not_read": ["painted", "shiny"],
    }
    assert job["notes"] == []  # no spec: the reading is all the answer says of the words


def test_a_partly_read_prompt_keeps_what_it_assumed(api):
    job = run(api, {"prompt": "a cylnder 20 mm wide"})
    assert job["error"]["code"] == "prompt_partly_understood"
    assert job["reading"] == {
        "read": ["a 20 mm diameter cylinder 20 mm high"],
        "assumed": ["assumed 'cylnder' means 'cylinder'", "assumed a height of 20 mm"],
        "not_read": ["wide"],
    }


def test_a_job_made_from_a_spec_has_no_reading(api):
    box = {"name": "b", "feature_type": "box", "length": 10, "width": 10, "height": 10}
    job = run(api, {"spec": spec_document(box, notes=["a note of the client's"])})
    assert job["status"] == "completed", job["error"]
    assert job["reading"] is None  # no words were read: its notes are the client's
