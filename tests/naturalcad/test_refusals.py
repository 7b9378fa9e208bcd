"""Specs the engine must refuse, each with its error code and the JSON path of the culprit."""

import re

import pytest

from naturalcad.errors import CodedError
from naturalcad.geometry.build import build_part
from naturalcad.spec.validate import validate_spec
from tests.conftest import spec_document

spec = spec_document


def f(name, feature_type, **attrs) -> dict:
    return {"name": name, "feature_type": feature_type, **attrs}


BOX = f("body", "box", length=40, width=30, height=10)
PATH0 = "$.geometry.features[0]"
PATH1 = "$.geometry.features[1]"

SPEC_REFUSALS = [
    (spec(f("b", "teapot")), "spec_invalid", f"{PATH0}.feature_type"),
    (spec({**BOX, "length": float("nan")}), "spec_invalid", f"{PATH0}.length"),
    (spec({**BOX, "width": float("-inf")}), "spec_invalid", f"{PATH0}.width"),
    (spec({**BOX, "height": "10"}), "spec_invalid", f"{PATH0}.height"),
    (spec({**BOX, "height": "tall"}), "dangling_reference", f"{PATH0}.height"),
    (spec({**BOX, "height": [10]}), "spec_invalid", f"{PATH0}.height"),
    (spec({**BOX, "length": 0.005}), "size_out_of_range", f"{PATH0}.length"),
    (spec({**BOX, "length": 10001}), "size_out_of_range", f"{PATH0}.length"),
    (spec({**BOX, "length": -5}), "size_out_of_range", f"{PATH0}.length"),
    (spec(BOX, units="furlong"), "spec_invalid", "$.units"),
    (
        spec({**BOX, "length": 11, "width": 1, "height": 1}, units="m"),
        "size_out_of_range",
        f"{PATH0}.length",
    ),
    (spec({**BOX, "script": "__import__('os')"}), "spec_invalid", f"{PATH0}.script"),
    (
        spec(BOX, f("h", "hole", diameter=3, target="ghost")),
        "dangling_reference",
        f"{PATH1}.target",
    ),
    (
        spec(BOX, f("p", "linear_pattern", of="nothing", count=3, spacing=[5, 0, 0])),
        "dangling_reference",
        f"{PATH1}.of",
    ),
    (
        spec(
            BOX, f("p", "grid_pattern", of="body", count_x=401, count_y=1, spacing_x=1, spacing_y=1)
        ),
        "spec_invalid",
        f"{PATH1}.count_x",
    ),
    (spec(BOX, BOX), "duplicate_name", f"{PATH1}.name"),
    (
        spec(
            BOX, f("p", "grid_pattern", of="body", count_x=40, count_y=40, spacing_x=1, spacing_y=1)
        ),
        "too_many_instances",
        PATH1,
    ),
    (
        spec(
            BOX,
            f("h", "hole", diameter=1, positions=[[0, 0]] * 10),
            f("p", "linear_pattern", of="h", count=101, spacing=[0.1, 0, 0]),
        ),
        "too_many_instances",
        "$.geometry.features[2]",
    ),
    (spec(f("t", "tube", outer_diameter=10, height=5)), "spec_invalid", f"{PATH0}.inner_diameter"),
    (spec(BOX, f("p", "pocket", shape="rect", depth=2)), "spec_invalid", f"{PATH1}.length"),
    (spec(f("h", "hole", diameter=3)), "nothing_to_build", "$.geometry.features"),
    (spec(BOX, output_type="2d_vector"), "nothing_to_build", "$.geometry.features"),
    (spec(*[{**BOX, "name": f"b{i}"} for i in range(65)]), "spec_invalid", "$.geometry.features"),
    (
        spec(BOX, family_hint={"generation_mode": "guess"}),
        "spec_invalid",
        "$.family_hint.generation_mode",
    ),
    (spec(BOX, dimensions={"w": "wide"}), "spec_invalid", "$.dimensions.w"),
    # like limits for like attributes: no 2-sided polygon, no negative cone top, no hole of an
    # assumed size in a flat profile, no zero turn
    (
        spec(f("n", "polygon_prism", sides=2, across_flats=10, height=5)),
        "spec_invalid",
        f"{PATH0}.sides",
    ),
    (
        spec(f("p", "profile", shape="polygon", sides=2, diameter=9), output_type="2d_vector"),
        "spec_invalid",
        f"{PATH0}.sides",
    ),
    (
        spec(f("c", "cone", bottom_diameter=10, top_diameter=-1, height=5)),
        "size_out_of_range",
        f"{PATH0}.top_diameter",
    ),
    (
        spec(
            f("p", "profile", shape="circle", diameter=50, holes=[[0, 0]]),
            output_type="2d_vector",
        ),
        "spec_invalid",
        f"{PATH0}.hole_diameter",
    ),
    (
        spec(f("r", "revolve", profile=[[0, 0], [5, 0], [5, 5]], angle=0)),
        "spec_invalid",
        f"{PATH0}.angle",
    ),
    (
        spec(f("r", "points_prism", points=[[0, 0], [5, 0]], height=3)),
        "spec_invalid",
        f"{PATH0}.points",
    ),
    # v1.2: a corner is [x, y] or [x, y, r]; an arc names its side by a whole index
    (
        spec(f("p", "points_prism", points=[[0, 0], [5, 0], [5, 5, 1, 2]], height=3)),
        "spec_invalid",
        f"{PATH0}.points[2]",
    ),
    (
        spec(
            f("p", "points_prism", points=[[0, 0], [5, 0], [5, 5]], arcs=[[0.5, 2, -1]], height=3)
        ),
        "spec_invalid",
        f"{PATH0}.arcs[0][0]",
    ),
    (spec(BOX, f("r", "fillet", radius=1, face="left")), "spec_invalid", f"{PATH1}.face"),
]

# Every engine refusal says what to change, in one of these words.
WHAT_TO_CHANGE = r"\b(use|make|move|give|put|choose|select|keep|shrink|loosen|reorder|remove)\b"
TRIANGLE = [[0, 0], [10, 0], [0, 10]]
GEOMETRY_REFUSALS = [
    (spec(BOX, f("r", "fillet", radius=1, at_z=7)), "geometry_impossible", PATH1),
    (spec(BOX, f("c", "chamfer", length=1, angle=95)), "geometry_impossible", PATH1),
    (spec(f("t", "torus", outer_diameter=20, tube_diameter=10)), "geometry_impossible", PATH0),
    (
        spec(f("w", "wedge", length=10, width=5, height=5, top_length=12)),
        "geometry_impossible",
        PATH0,
    ),
    (spec(BOX, f("s", "slot", length=20, width=6, corner_radius=4)), "geometry_impossible", PATH1),
    (
        spec(f("p", "points_prism", points=TRIANGLE, arcs=[[3, 5, 5]], height=2)),
        "geometry_impossible",
        PATH0,
    ),
    (
        spec(f("p", "points_prism", points=TRIANGLE, arcs=[[0, 5, 0]], height=2)),
        "geometry_impossible",
        PATH0,
    ),
    (
        spec(f("r", "revolve", profile=[[0, 0], [10, 0], [10, 10], [0, 10]], arcs=[[3, -5, 5]])),
        "geometry_impossible",
        PATH0,
    ),
    (
        spec(f("p", "points_prism", points=TRIANGLE, arcs=[[0, 5, -1], [0, 5, -2]], height=2)),
        "geometry_impossible",
        PATH0,
    ),
    (
        spec(
            f("p", "profile", shape="rect", length=9, width=5, arcs=[[0, 0, -4]]),
            output_type="2d_vector",
        ),
        "geometry_impossible",
        PATH0,
    ),
    (
        spec(f("p", "points_prism", points=TRIANGLE, offset=-5, height=2)),
        "geometry_impossible",
        PATH0,
    ),
    (
        spec(BOX, f("h", "hole", diameter=5, face="+X", positions=[[0, 40]])),
        "hole_outside_body",
        PATH1,
    ),
    (spec(BOX, f("h", "hole", diameter=5, positions=[[500, 0]])), "hole_outside_body", PATH1),
    (spec(BOX, f("r", "fillet", radius=8, edges="all")), "geometry_impossible", PATH1),
    (spec(BOX, f("c", "chamfer", length=12, edges="top")), "geometry_impossible", PATH1),
    (spec(BOX, f("s", "shell", thickness=20)), "geometry_impossible", PATH1),
    (
        spec(f("t", "tube", outer_diameter=10, inner_diameter=12, height=5)),
        "geometry_impossible",
        PATH0,
    ),
    (spec(BOX, f("s", "slot", length=4, width=10)), "geometry_impossible", PATH1),
    (
        spec(BOX, f("far", "box", length=5, width=5, height=5, at=[100, 0, 0])),
        "geometry_invalid",
        "",
    ),
    (
        spec(
            f("p", "profile", shape="rect", length=20, width=10, holes=[[30, 0]], hole_diameter=2),
            output_type="2d_vector",
            mode="sketch",
        ),
        "hole_outside_body",
        PATH0,
    ),
]


@pytest.mark.parametrize(("document", "code", "path"), SPEC_REFUSALS)
def test_the_validator_refuses(document, code, path):
    with pytest.raises(CodedError) as caught:
        validate_spec(document)
    assert (caught.value.code, caught.value.path) == (code, path), caught.value.message


@pytest.mark.parametrize(("document", "code", "path"), GEOMETRY_REFUSALS)
def test_the_engine_refuses_impossible_parts_with_a_clear_error(document, code, path):
    with pytest.raises(CodedError) as caught:
        build_part(validate_spec(document))
    assert (caught.value.code, caught.value.path) == (code, path), caught.value.message
    if code != "geometry_invalid":  # a whole-part check names no single feature
        feature = document["geometry"]["features"][int(path[-2])]
        assert f"{feature['feature_type']} '{feature['name']}': " in caught.value.message
        assert re.search(r"\d", caught.value.message), "the value"
        assert re.search(WHAT_TO_CHANGE, caught.value.message), "what to change"
