"""`manage.py eval_interpreter`: recorded model answers served over real HTTP by the fake
Hugging Face server, built by the real geometry engine, and judged by what was built."""

import json

import pytest
from django.core.management import CommandError, call_command

from naturalcad.evaluation.references import box, expectation, plate, sphere, tube
from tests.fake_hf import ok

pytestmark = pytest.mark.slow


def _spec(*features: dict) -> dict:
    return {
        "spec_version": "1.1",
        "mode": "part",
        "output_type": "3d_solid",
        "units": "mm",
        "geometry": {"features": list(features)},
        "notes": [],
    }


CUBE_40 = _spec({"name": "cube", "feature_type": "box", "length": 40, "width": 40, "height": 40})
# Valid and buildable, but 6 mm thick where the prompt says 5: the kind of answer that only
# measuring the built part can catch.
PLATE_TOO_THICK = _spec(
    {"name": "plate", "feature_type": "box", "length": 100, "width": 60, "height": 6},
    {
        "name": "holes",
        "feature_type": "hole",
        "diameter": 5,
        "positions": [[-42, -22], [42, -22], [42, 22], [-42, 22]],
    },
)
TUBE = _spec(
    {
        "name": "tube",
        "feature_type": "tube",
        "outer_diameter": 30,
        "inner_diameter": 24,
        "height": 100,
    }
)
GEAR_BLANK = _spec({"name": "gear", "feature_type": "cylinder", "diameter": 44, "height": 10})
# What models answered before the type key was named: "type" instead of "feature_type".
NO_FEATURE_TYPE = json.dumps(
    {**CUBE_40, "geometry": {"features": [{"name": "ball", "type": "sphere", "diameter": 30}]}}
)

SET = [
    {
        "id": "right",
        "prompt": "a 40 mm cube",
        "scope": "in",
        "expect": expectation(box(40, 40, 40)),
    },
    {
        "id": "wrong",
        "prompt": "a 100 x 60 x 5 mm plate with four 5 mm corner holes",
        "scope": "in",
        "expect": expectation(plate(100, 60, 5).drill(5, 4)),
    },
    {"id": "invalid", "prompt": "a 30 mm ball", "scope": "in", "expect": expectation(sphere(30))},
    {
        "id": "repaired",
        "prompt": "a tube 30 OD 24 ID 100 long",
        "scope": "in",
        "expect": expectation(tube(30, 24, 100)),
    },
    {"id": "gear", "prompt": "a spur gear with 20 involute teeth, module 2", "scope": "out"},
]


@pytest.fixture
def model(fake_hf, settings):
    settings.HF_TOKEN = "hf_test"
    settings.HF_BASE_URL = fake_hf.url
    return fake_hf


def _run(tmp_path, entries, *args) -> tuple[dict, str | None]:
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"prompts": entries}))
    out = tmp_path / "results.json"
    try:
        call_command("eval_interpreter", "--set", str(path), "--json", str(out), *args)
        failure = None
    except CommandError as error:
        failure = str(error)
    return json.loads(out.read_text()), failure


def test_recorded_answers_are_judged_right_wrong_and_invalid(model, tmp_path):
    model.answer(
        ok(CUBE_40),
        ok(PLATE_TOO_THICK),
        ok(NO_FEATURE_TYPE),
        ok(NO_FEATURE_TYPE),
        ok(NO_FEATURE_TYPE),
        ok("{not json"),
        ok(TUBE),
        ok(GEAR_BLANK),
    )
    results, failure = _run(tmp_path, SET, "--path", "model", "--usd-per-million-tokens", "2.0")
    outcomes = {r["id"]: r["outcome"] for r in results["results"]}
    assert outcomes == {
        "right": "built to size",
        "wrong": "silently wrong",
        "invalid": "invalid model answer",
        "repaired": "built to size",
        "gear": "silently wrong",
    }
    wrong = next(r for r in results["results"] if r["id"] == "wrong")
    assert wrong["problems"] == [
        "size 6 x 60 x 100 mm, expected 5 x 60 x 100 mm",
        ("volume 35528.8, expected 29607.3"),
    ]
    figures = results["summary"]
    assert figures["silently wrong"] == 2
    assert figures["in_scope_built_to_size"] == 2
    assert figures["repairs"] == 3  # one for the tube, two spent on the ball
    assert figures["answers_repaired"] == 2
    assert figures["total_tokens"] == 8 * 1200  # eight requests, as the usage blocks said
    assert figures["estimated_cost_usd"] == pytest.approx(8 * 1200 * 2.0 / 1e6)
    sent = figures["sent_tokens_per_first_request"]
    parts = sent["system"] + sent["response_format"] + sent["user"]
    assert sent["total"] == pytest.approx(parts, abs=2)  # means of each part, rounded
    assert sent["user"] > 0
    assert len(model.requests) == 8
    assert failure == "2 prompts were built silently wrong"  # the exit status gates


def test_a_model_that_declines_counts_as_a_refusal(model, tmp_path):
    model.answer(ok({**GEAR_BLANK, "cannot_build": "involute teeth are not in the vocabulary"}))
    results, failure = _run(tmp_path, SET[-1:], "--path", "model")
    assert failure is None
    (result,) = results["results"]
    assert (result["outcome"], result["code"]) == ("refused", "cannot_build")
    assert "involute" in result["message"]


def test_the_rules_path_gates_on_a_part_built_to_the_wrong_size(tmp_path):
    entries = [
        {
            "id": "cube",
            "prompt": "a 40 mm cube",
            "scope": "in",
            "expect": expectation(box(40, 40, 40)),
        },
        {"id": "nonsense", "prompt": "asdf qwerty zxcv", "scope": "out"},
    ]
    results, failure = _run(tmp_path, entries)
    assert failure is None
    assert [r["outcome"] for r in results["results"]] == ["built to size", "refused"]
    assert results["results"][1]["code"] == "prompt_not_understood"

    mistaken = [{**entries[0], "expect": expectation(box(30, 30, 30))}]
    results, failure = _run(tmp_path, mistaken)
    assert results["results"][0]["outcome"] == "silently wrong"
    assert failure == "1 prompts were built silently wrong"


def test_the_model_path_needs_a_token(settings, tmp_path):
    settings.HF_TOKEN = ""
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"prompts": SET}))
    with pytest.raises(CommandError, match="HF_TOKEN"):
        call_command("eval_interpreter", "--set", str(path), "--path", "model")
