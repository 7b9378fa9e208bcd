"""The error sent back for repair names the decisive mistake first, over a table of the
mistakes models make. Attribute lists are derived from the vocabulary, never copied."""

import pytest

from naturalcad.errors import CodedError
from naturalcad.spec.validate import validate_spec
from naturalcad.spec.vocabulary import FEATURES
from tests.conftest import spec_document

PATH0 = "$.geometry.features[0]"
PATH1 = "$.geometry.features[1]"
BOX = {"name": "body", "feature_type": "box", "length": 40, "width": 30, "height": 10}


spec = spec_document


def f(name: str, feature_type: str, **attrs) -> dict:
    return {"name": name, "feature_type": feature_type, **attrs}


HOLE = f("h", "hole", diameter=5)


def refusal(document: dict) -> CodedError:
    with pytest.raises(CodedError) as caught:
        validate_spec(document)
    assert caught.value.code == "spec_invalid"
    assert len(caught.value.message) <= 400
    return caught.value


def without_type(feature: dict) -> dict:
    return {k: v for k, v in feature.items() if k != "feature_type"}


TYPE_MISTAKES = [
    ("type instead of feature_type", spec({**without_type(BOX), "type": "box"}), 0),
    ("no type at all", spec(without_type(BOX)), 0),
    (
        "every feature with type",
        spec(
            {**without_type(BOX), "type": "box"},
            {"name": "h", "type": "hole", "diameter": 5, "positions": [[0, 0]]},
            {"name": "r", "type": "fillet", "radius": 1},
        ),
        2,
    ),
    ("a shape word as the type", spec({**BOX, "feature_type": "cube"}), 0),
    ("the second feature untyped", spec(BOX, {"name": "h", "diameter": 5}), 0),
]


@pytest.mark.parametrize(("mistake", "document", "more"), TYPE_MISTAKES)
def test_a_missing_or_unknown_feature_type_is_one_message_listing_the_types(
    mistake, document, more
):
    error = refusal(document)
    index = next(
        i for i, f in enumerate(document["geometry"]["features"]) if f.get("feature_type") != "box"
    )
    assert error.path == f"$.geometry.features[{index}].feature_type", mistake
    assert '"feature_type"' in error.message
    for feature_type in FEATURES:
        assert feature_type in error.message, (mistake, feature_type)
    # nothing from the other branches: no guessed attributes, no contradictions about points
    for noise in ("too long", "too short", "not valid under", "'op'", "is a required property"):
        assert noise not in error.message, (mistake, noise)
    assert ("more error" in error.message) == bool(more)


def test_type_instead_of_feature_type_is_named():
    error = refusal(spec({**without_type(BOX), "type": "box"}))
    assert 'not "type"' in error.message


WRONG_ATTRIBUTES = [
    # (mistake, the feature, the wrong key or the missing one)
    ("size as a list", f("b", "box", size=[40, 40, 40]), "size"),
    ("radius for diameter", f("c", "cylinder", radius=5, height=9), "radius"),
    ("op guessed on a hole", {**HOLE, "op": "subtract"}, "op"),
    ("position for positions", {**HOLE, "position": [0, 0]}, "position"),
    ("through as a flag", {**HOLE, "through": True}, "through"),
    (
        "rows and columns",
        f("g", "grid_pattern", of="body", rows=2, columns=3, spacing_x=10, spacing_y=10),
        "rows",
    ),
    (
        "target on a pattern",
        f("p", "linear_pattern", of="body", count=3, spacing=[5, 0, 0], target="body"),
        "target",
    ),
    ("depth on a cutout", f("c", "cutout", shape="rect", length=5, width=5, depth=3), "depth"),
    ("missing name", {"feature_type": "fillet", "radius": 2}, "name"),
    ("missing a required size", f("s", "slot", length=20), "width"),
]


@pytest.mark.parametrize(("mistake", "feature", "culprit"), WRONG_ATTRIBUTES)
def test_a_wrong_attribute_gets_the_allowed_attributes_of_its_type(mistake, feature, culprit):
    error = refusal(spec(BOX, feature))
    kind = feature["feature_type"]
    assert error.path == f"{PATH1}.{culprit}", mistake
    assert error.message.startswith(f"{kind}: "), mistake
    assert culprit in error.message
    allowed = error.message.split(" takes: ")[1]
    for attribute, attr in FEATURES[kind].attrs.items():
        assert f"{attribute}{'*' if attr.required else ''}" in allowed, (mistake, attribute)
    others = {a for t, f in FEATURES.items() if t != kind for a in f.attrs} - set(
        FEATURES[kind].attrs
    )
    assert not others & set(allowed.replace(",", " ").replace("*", "").split()), mistake


PATH2 = "$.geometry.features[2]"
WRONG_VALUES = [
    # (mistake, features, path, what the message must say)
    (
        "3-D positions",
        [BOX, {**HOLE, "positions": [[10, 10, 0]]}],
        f"{PATH1}.positions[0]",
        "[x, y]",
    ),
    ("a bare point", [BOX, {**HOLE, "positions": [10, 10]}], f"{PATH1}.positions[0]", "[x, y]"),
    ("2-D at", [{**BOX, "at": [10, 0]}], f"{PATH0}.at", "[x, y, z]"),
    (
        "a number as spacing",
        [BOX, HOLE, f("p", "linear_pattern", of="h", count=3, spacing=20)],
        f"{PATH2}.spacing",
        "[x, y, z]",
    ),
    ("an unknown op", [{**BOX, "op": "cut"}], f"{PATH0}.op", "one of union, subtract, intersect"),
    (
        "a square pocket",
        [BOX, f("p", "pocket", shape="square", length=5, width=5, depth=2)],
        f"{PATH1}.shape",
        "one of rect, circle",
    ),
    (
        "edges in words",
        [BOX, f("r", "fillet", radius=2, edges="vertical edges")],
        f"{PATH1}.edges",
        "one of all, vertical",
    ),
    ("a size with its unit", [{**BOX, "height": "10mm"}], f"{PATH0}.height", "a length > 0"),
    (
        "a count in words",
        [BOX, HOLE, f("p", "polar_pattern", of="h", count="six")],
        f"{PATH2}.count",
        "an integer 1 to",
    ),
    ("a name with spaces", [{**BOX, "name": "base plate"}], f"{PATH0}.name", "starting with"),
]


@pytest.mark.parametrize(("mistake", "features", "path", "says"), WRONG_VALUES)
def test_a_wrong_value_says_what_the_attribute_takes(mistake, features, path, says):
    error = refusal(spec(*features))
    assert (error.path, says in error.message) == (path, True), (mistake, error.message)


def test_a_feature_that_is_not_an_object_is_said_so():
    error = refusal(spec(BOX, "a hole"))
    assert error.path == PATH1 and "object" in error.message


def test_errors_outside_the_features_come_first_and_list_the_allowed_keys():
    error = refusal({**spec({**BOX, "type": "box"}), "unit": "mm"})
    assert error.path == "$"
    assert "'unit' was unexpected" in error.message and "units" in error.message
    assert "more error" in error.message


def test_a_long_value_is_shortened():
    error = refusal(spec({**BOX, "at": list(range(500))}))
    assert error.path == f"{PATH0}.at" and "..." in error.message
