"""Figures read from built B-reps: what the interpreter evaluation judges parts by."""

import math

import build123d as bd
import pytest

from naturalcad.geometry.measure import measure


def test_holes_are_found_by_size_kind_and_place():
    plate = bd.Box(100, 60, 10, align=(bd.Align.CENTER, bd.Align.CENTER, bd.Align.MIN))
    through = [bd.Pos(x, y, 0) * bd.Cylinder(3, 30) for x, y in ((-42, -22), (42, 22))]
    blind = bd.Pos(0, 0, 10) * bd.Cylinder(5, 8)  # 4 mm deep from the top face
    part = plate - through[0] - through[1] - blind
    figures = measure(part, "3d_solid")
    assert figures["bbox"] == [10, 60, 100]
    assert figures["volume"] == pytest.approx(60000 - 2 * 9 * math.pi * 10 - 25 * math.pi * 4)
    assert figures["holes"] == [
        {
            "diameter": 6.0,
            "through": True,
            "edge": [8.0, 8.0],
            "from_centre": pytest.approx(math.hypot(42, 22), abs=1e-3),
        },
        {
            "diameter": 6.0,
            "through": True,
            "edge": [8.0, 8.0],
            "from_centre": pytest.approx(math.hypot(42, 22), abs=1e-3),
        },
        {"diameter": 10.0, "through": False, "edge": [30.0, 50.0], "from_centre": 0.0},
    ]


def test_rounded_corners_slots_and_round_bodies_are_told_apart():
    plate = bd.extrude(bd.RectangleRounded(80, 50, 5), 4)
    slot = bd.extrude(bd.SlotOverall(30, 8), 4)
    figures = measure(plate - slot, "3d_solid")
    assert figures["rounds"] == [5.0] * 4
    assert figures["concave_arcs"] == [4.0, 4.0]
    assert figures["holes"] == []
    tube = bd.Cylinder(15, 50) - bd.Cylinder(12, 50)
    figures = measure(tube, "3d_solid")
    assert figures["round_bodies"] == [30.0]
    assert [h["diameter"] for h in figures["holes"]] == [24.0]


def test_a_flat_outline_measures_its_area_holes_and_corners():
    face = bd.RectangleRounded(100, 50, 5) - bd.Pos(30, 0) * bd.Circle(4) - bd.SlotOverall(20, 6)
    figures = measure(bd.Compound(children=[face]), "2d_vector")
    assert figures["bbox"] == [0, 50, 100]
    assert figures["holes"] == [
        {"diameter": 8.0, "through": True, "edge": [20.0, 25.0], "from_centre": 30.0}
    ]
    assert figures["cutouts"] == 1
    assert figures["rounds"] == [5.0] * 4


def test_a_circle_the_kernel_split_in_two_arcs_is_still_one_hole():
    halves = bd.Wire(
        [
            bd.CenterArc((0, 0), 5, 0, 180),
            bd.CenterArc((0, 0), 5, 180, 180),
        ]
    )
    face = bd.Face(bd.Rectangle(40, 40).face().outer_wire(), [halves])
    assert len(face.inner_wires()[0].edges()) == 2
    figures = measure(bd.Compound(children=[face]), "2d_vector")
    assert [hole["diameter"] for hole in figures["holes"]] == [10.0]
    assert figures["cutouts"] == 0
    assert figures["area"] == pytest.approx(1600 - 25 * math.pi)
