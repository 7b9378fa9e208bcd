"""Engine defects found by writing real parts as specs, each held by the spec that showed it."""

import math

import pytest

from naturalcad.errors import CodedError
from naturalcad.geometry.build import build_part
from naturalcad.geometry.worker_child import build_and_export
from naturalcad.spec.validate import validate_spec
from tests.conftest import spec_document, stl_bounds
from tests.naturalcad.watertight import watertight_problems

pytestmark = pytest.mark.slow
PI = math.pi


def f(name, feature_type, **attrs) -> dict:
    return {"name": name, "feature_type": feature_type, **attrs}


def loft(bottom, bottom_size, top, top_size) -> dict:
    return f(
        "l", "loft", bottom=bottom, bottom_size=bottom_size, top=top, top_size=top_size, height=40
    )


@pytest.mark.parametrize(
    "section",
    [
        loft("rect", 30, "circle", 40),
        loft("circle", 30, "circle", 30),
        loft("rect", 40, "rect", 40),
        loft("circle", 20, "circle", 40),
        loft("circle", 40, "rect", 30),
    ],
    ids=["square30-circle40", "30-30", "40-40", "20-40", "circle-square"],
)
def test_b1_valid_lofts_are_built_and_their_stl_is_closed(section):
    files = build_and_export(validate_spec(spec_document(section)))
    assert watertight_problems(files["stl"]) == []


def test_b2_a_clockwise_outline_is_extruded_up_like_an_anticlockwise_one():
    clockwise = [[0, 0], [0, 20], [30, 20], [30, 0]]
    part = build_part(
        validate_spec(spec_document(f("p", "points_prism", points=clockwise, height=5)))
    )
    box = part.bounding_box()
    standing = [box.min.Z, box.max.Z]
    assert standing == pytest.approx([0, 5])
    # and as a cutter through a plate standing on z = 0, it cuts
    plate = f("plate", "box", length=100, width=100, height=5)
    cutter = f("p", "points_prism", points=clockwise, height=5, op="subtract")
    part = build_part(validate_spec(spec_document(plate, cutter)))
    assert part.volume == pytest.approx(100 * 100 * 5 - 30 * 20 * 5)


def test_b3_a_fillet_of_half_the_width_is_a_full_round():
    bar = f("bar", "box", length=40, width=10, height=10)
    part = build_part(
        validate_spec(spec_document(bar, f("r", "fillet", radius=5, edges="vertical")))
    )
    ends = 40 * 10 - (10 * 10 - PI * 5**2)  # two half discs replace the square ends
    assert part.volume == pytest.approx(ends * 10, rel=1e-4)


def test_b3_a_fillet_too_large_says_by_how_much():
    bar = f("bar", "box", length=40, width=10, height=10)
    with pytest.raises(CodedError) as caught:
        build_part(validate_spec(spec_document(bar, f("r", "fillet", radius=6, edges="vertical"))))
    message = caught.value.message
    assert "fillet 'r'" in message and "radius 6 mm" in message and "at most 4.9" in message


def test_b4_rotate_turns_about_x_then_y_then_z_as_the_vocabulary_says():
    # a 10 x 20 x 30 block: 90 about X stands its 20 up and lays its 30 along Y; then 90
    # about Z turns that 30 onto X. (Z first, then X would give 20 x 30 x 10.)
    block = f("b", "box", length=10, width=20, height=30, rotate=[90, 0, 90])
    size = build_part(validate_spec(spec_document(block))).bounding_box().size
    extent = [size.X, size.Y, size.Z]
    assert extent == pytest.approx([30, 10, 20])


@pytest.mark.parametrize(
    "body",
    [
        f("s", "sphere", diameter=25),
        f("c", "cone", bottom_diameter=40, top_diameter=0, height=30),
        f("r", "revolve", profile=[[0, 0], [10, 0], [10, 20], [0, 30]]),
    ],
    ids=["sphere", "cone", "revolve-on-axis"],
)
def test_b5_parts_touching_the_axis_export_a_closed_stl(body):
    files = build_and_export(validate_spec(spec_document(body)))
    assert watertight_problems(files["stl"]) == []
    assert stl_bounds(files["stl"])[0][2] == pytest.approx(0, abs=1e-4)
