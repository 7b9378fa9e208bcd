import pytest

from naturalcad.interpret.rules import PromptNotUnderstood, interpret
from naturalcad.spec.validate import validate_spec


def features(prompt: str) -> list[dict]:
    return validate_spec(interpret(prompt))["geometry"]["features"]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("a 40 mm cube", {"feature_type": "box", "length": 40, "width": 40, "height": 40}),
        ("a 2 inch cube", {"feature_type": "box", "length": 50.8, "width": 50.8, "height": 50.8}),
        ("box 3 x 2 x 1 cm", {"feature_type": "box", "length": 30, "width": 20, "height": 10}),
        ("block 60 by 40 by 20", {"feature_type": "box", "length": 60, "width": 40, "height": 20}),
        (
            "cylinder 20 mm diameter 30 mm tall",
            {"feature_type": "cylinder", "diameter": 20, "height": 30},
        ),
        ("rod 10mm dia 200mm long", {"feature_type": "cylinder", "diameter": 10, "height": 200}),
        (
            "a cylinder with radius 5 and height 12",
            {"feature_type": "cylinder", "diameter": 10, "height": 12},
        ),
        (
            "a tube OD 20 ID 10 length 40",
            {"feature_type": "tube", "outer_diameter": 20, "inner_diameter": 10, "height": 40},
        ),
        (
            "a spacer 12 mm OD, 6.5 mm ID, 8 mm long",
            {"feature_type": "tube", "outer_diameter": 12, "inner_diameter": 6.5, "height": 8},
        ),
        (
            "a pipe 30mm diameter with 2 mm wall, 100 mm long",
            {"feature_type": "tube", "outer_diameter": 30, "inner_diameter": 26, "height": 100},
        ),
    ],
)
def test_everyday_bodies(prompt, expected):
    body = features(prompt)[0]
    assert body["feature_type"] == expected.pop("feature_type")
    assert {key: body[key] for key in expected} == pytest.approx(expected)


def test_plate_with_four_corner_holes():
    body, holes = features("a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes")
    assert (body["length"], body["width"], body["height"]) == (120, 70, 5)
    assert holes["diameter"] == 6
    assert len(holes["positions"]) == 4
    for x, y in holes["positions"]:
        assert abs(x) < 60 - 3 and abs(y) < 35 - 3  # every hole lies inside the plate


def test_assumptions_are_listed_in_notes():
    spec = interpret("a disc 50 mm diameter")
    assert spec["notes"] == ["assumed a height of 12.5 mm"]


@pytest.mark.parametrize("prompt", ["make me a sandwich", "import os; os.system('rm -rf /')"])
def test_unreadable_prompts_are_refused_never_guessed(prompt):
    with pytest.raises(PromptNotUnderstood):
        interpret(prompt)


def test_an_underspecified_part_gets_a_default_and_says_so():
    assert interpret("cube")["notes"] == ["assumed a 20 mm cube"]
