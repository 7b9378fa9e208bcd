"""Sizes written as names or arithmetic of names: read, never run; refused with a path."""

import pytest

from naturalcad.errors import CodedError
from naturalcad.spec.expressions import ExpressionError, evaluate
from naturalcad.spec.validate import validate_spec
from tests.conftest import spec_document

NAMES = {"length": 100.0, "edge_offset": 8.0, "hole-dia": 6.0}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("length", 100),
        ("hole-dia", 6),  # a name may hold a hyphen when it is the whole text
        ("-length / 2 + edge_offset", -42),
        ("(length - 2 * edge_offset) / 3", 28),
        ("-(2 + 3) * -2", 10),
        ("length / 2 * 0.50000000000000000", 25),
    ],
)
def test_arithmetic_of_names_has_its_value(text, value):
    assert evaluate(text, NAMES) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "length +", "width", "1 / 0", "(1", "1 2", "length ** 2", "a.b", "1e3"],
)
def test_anything_else_is_refused_without_running_it(text):
    with pytest.raises(ExpressionError):
        evaluate(text, NAMES)


def plate(**overrides):
    features = [
        {"name": "plate", "feature_type": "box", "length": "length", "width": 60, "height": 5},
        {"name": "h", "feature_type": "hole", "diameter": 5,
         "positions": [["length / 2 - edge_offset", 0]]},
        {"name": "row", "feature_type": "linear_pattern", "of": "h", "count": "hole_count",
         "spacing": [0, 10, 0]},
    ]  # fmt: skip
    dimensions = {"length": 100, "edge_offset": 8, "hole_count": 3, **overrides}
    return spec_document(*features, dimensions=dimensions, units="cm")


def test_names_resolve_in_sizes_points_and_counts_with_the_units():
    resolved = validate_spec(plate())["geometry"]["features"]
    assert resolved[0]["length"] == 1000.0
    assert resolved[1]["positions"] == [[420.0, 0.0]]
    assert resolved[2]["count"] == 3 and isinstance(resolved[2]["count"], int)


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"hole_count": 2.5}, "$.geometry.features[2].count"),
        ({"hole_count": 0}, "$.geometry.features[2].count"),
        ({"edge_offset": 2000}, "$.geometry.features[1].positions[0][0]"),
    ],
)
def test_a_name_with_a_value_its_place_cannot_take_is_refused_there(overrides, path):
    with pytest.raises(CodedError) as refused:
        validate_spec(plate(**overrides))
    assert refused.value.path == path


def test_a_string_of_a_number_is_not_a_size():
    document = plate()
    document["geometry"]["features"][0]["width"] = "60"
    with pytest.raises(CodedError) as refused:
        validate_spec(document)
    assert refused.value.code == "spec_invalid"
