"""Edits in words of parts from the example specs: each read into its expected change of the
spec, and the rebuilt part measured (its B-rep, by `geometry/measure.py`) against sizes
computed here by formula."""

import json
import math
from pathlib import Path

import pytest

from naturalcad.errors import CodedError
from naturalcad.geometry import runner
from naturalcad.interpret.edits import EditNotUnderstood, apply_edit
from naturalcad.spec.validate import validate_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "naturalcad" / "spec" / "examples"
PI = math.pi


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def plate(length=120, width=70, thick=5, hole=6, holes=4):
    return length * width * thick - holes * PI * (hole / 2) ** 2 * thick


def flange(diameter=100, thick=10, bore=30, hole=8, holes=6):
    return PI / 4 * (diameter**2 - bore**2 - holes * hole**2) * thick


def tray(length=100, width=60, height=30, wall=3):
    return length * width * height - (length - 2 * wall) * (width - 2 * wall) * (height - wall)


def fillet_box(side=40, height=20, radius=5):
    return (side * side - (4 - PI) * radius**2) * height


def hex_nut(flats=17, height=8, hole=10):
    return (2 * math.sqrt(3) * (flats / 2) ** 2 - PI * (hole / 2) ** 2) * height


# (example, words, dimensions after the edit (a subset), figures: sorted bbox, volume (area
# for a flat part), hole diameters, and for corner holes their distance to the edges).
EDITS = [
    ("plate_corner_holes", "make the holes 8 mm", {"hole_diameter": 8},
     {"bbox": [5, 70, 120], "volume": plate(hole=8), "holes": [8] * 4, "edge": 7}),
    ("plate_corner_holes", "length 150", {"length": 150},
     {"bbox": [5, 70, 150], "volume": plate(length=150), "edge": 7}),
    ("plate_corner_holes", "make it 8 mm thick", {"thickness": 8},
     {"bbox": [8, 70, 120], "volume": plate(thick=8)}),
    ("plate_corner_holes", "twice as long", {"length": 240},
     {"bbox": [5, 70, 240], "volume": plate(length=240), "edge": 7}),
    ("plate_corner_holes", "edge offset 10", {"edge_offset": 10},
     {"bbox": [5, 70, 120], "volume": plate(), "edge": 10}),
    ("plate_corner_holes", "make it 10 mm wider", {"width": 80},
     {"bbox": [5, 80, 120], "volume": plate(width=80), "edge": 7}),
    ("plate_corner_holes", "scale by 2", {"length": 240, "hole_diameter": 12, "edge_offset": 14},
     {"bbox": [10, 140, 240], "volume": plate(240, 140, 10, 12), "edge": 14}),
    ("plate_corner_holes", "20 % bigger", {"length": 144},
     {"bbox": [6, 84, 144], "volume": plate(144, 84, 6, 7.2)}),
    ("plate_corner_holes", "remove the holes", {},
     {"bbox": [5, 70, 120], "volume": 120 * 70 * 5, "holes": []}),
    ("plate_corner_holes", "width 80 mm and 8 mm holes", {"width": 80, "hole_diameter": 8},
     {"bbox": [5, 80, 120], "volume": plate(width=80, hole=8), "holes": [8] * 4}),
    ("plate_corner_holes", "set the length to 6 in", {"length": 152.4},
     {"bbox": [5, 70, 152.4], "volume": plate(length=152.4)}),
    ("polar_flange", "8 holes", {"hole_count": 8},
     {"bbox": [10, 100, 100], "volume": flange(holes=8), "holes": [8] * 8 + [30]}),
    ("polar_flange", "bolt circle 80", {"bolt_circle": 80},
     {"volume": flange(), "from_centre": 40}),
    ("polar_flange", "make the bore 40 mm", {"bore_diameter": 40},
     {"volume": flange(bore=40), "holes": [8] * 6 + [40]}),
    ("polar_flange", "make the holes 10 mm", {"hole_diameter": 10},
     {"volume": flange(hole=10), "holes": [10] * 6 + [30]}),
    ("polar_flange", "12 mm thick", {"thickness": 12},
     {"bbox": [12, 100, 100], "volume": flange(thick=12)}),
    ("polar_flange", "4 holes on a 90 mm bolt circle", {"hole_count": 4, "bolt_circle": 90},
     {"volume": flange(holes=4), "holes": [8] * 4 + [30], "from_centre": 45}),
    ("fillet_vertical", "make the fillet 8 mm", {"fillet_radius": 8},
     {"bbox": [20, 40, 40], "volume": fillet_box(radius=8)}),
    ("fillet_vertical", "remove the fillet", {},
     {"bbox": [20, 40, 40], "volume": 40 * 40 * 20}),
    ("fillet_vertical", "sharp edges", {},
     {"volume": 40 * 40 * 20}),
    ("chamfer_top", "remove the chamfer", {},
     {"bbox": [20, 40, 40], "volume": 40 * 40 * 20}),
    ("shell_tray", "make the walls 2 mm", {"wall": 2},
     {"bbox": [30, 60, 100], "volume": tray(wall=2)}),
    ("shell_tray", "make it hollow with 4 mm walls", {"wall": 4},
     {"volume": tray(wall=4)}),
    ("shell_tray", "make it 50 mm tall", {"height": 50},
     {"bbox": [50, 60, 100], "volume": tray(height=50)}),
    ("box_plate", "make it 150 long", {"len": 150},
     {"bbox": [8, 60, 150], "volume": 150 * 60 * 8}),
    ("box_plate", "make it hollow", {"len": 100, "wall": 2},
     {"volume": tray(100, 60, 8, 2)}),
    ("cylinder_rod", "twice as long", {"height": 240},
     {"bbox": [10, 10, 240], "volume": PI * 25 * 240}),
    ("cylinder_rod", "make the diameter 12", {"diameter": 12},
     {"bbox": [12, 12, 120], "volume": PI * 36 * 120}),
    ("tube_od_id", "inner diameter 20", {"inner_diameter": 20},
     {"volume": PI / 4 * (30**2 - 20**2) * 50}),
    ("tube_od_id", "outer diameter 36", {"outer_diameter": 36},
     {"bbox": [36, 36, 50], "volume": PI / 4 * (36**2 - 24**2) * 50}),
    ("hex_nut", "make the hole 12 mm", {"hole_diameter": 12},
     {"volume": hex_nut(hole=12), "holes": [12]}),
    ("l_bracket", "make it 80 long", {"length": 80},
     {"bbox": [30, 40, 80], "volume": (40 * 5 + 25 * 5) * 80}),
    ("l_bracket", "6 mm thick", {"thickness": 6},
     {"volume": (40 * 6 + 24 * 6) * 50}),
    ("linear_pattern", "3 holes", {"hole_count": 3},
     {"volume": 100 * 20 * 10 - 3 * PI * 6.25 * 10, "holes": [5] * 3}),
    ("grid_pattern", "make the holes 5 mm", {"hole_diameter": 5},
     {"volume": 100 * 100 * 5 - 16 * PI * 6.25 * 5, "holes": [5] * 16}),
    ("blind_hole", "hole depth 12", {"hole_depth": 12},
     {"volume": 40 * 40 * 20 - PI * 25 * 12}),
    ("laser_plate", "make the holes 8 mm", {"hole_diameter": 8},
     {"area": 100 * 50 - 4 * PI * 16, "holes": [8] * 4}),
    ("fillet_vertical", "fillet all edges 3 mm", {"fillet_radius": 3},
     {"bbox": [20, 40, 40]}),
    ("plate_corner_holes", "add a 2 mm fillet on the vertical edges", {"fillet_radius": 2},
     {"bbox": [5, 70, 120], "volume": plate() - 4 * (4 - PI) * 5, "rounds": [2] * 4}),
    ("polar_flange", "add a 1 mm chamfer on the top edges", {"chamfer": 1},
     {"bbox": [10, 100, 100]}),
]  # fmt: skip


@pytest.fixture(scope="module")
def measure():
    def built(spec: dict) -> dict:
        return runner.measure(validate_spec(spec), timeout=60, memory_mb=2048)

    return built


def close(measured: float, expected: float) -> bool:
    return abs(measured - expected) <= max(1e-3 * abs(expected), 0.02)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "words", "dimensions", "figures"), EDITS)
def test_a_word_edit_changes_the_spec_and_the_rebuilt_part(
    measure, name, words, dimensions, figures
):
    edited = apply_edit(example(name), words)
    assert {k: edited["dimensions"][k] for k in dimensions} == pytest.approx(dimensions)
    assert any(note.startswith("edited: ") for note in edited["notes"])
    got = measure(edited)
    if "bbox" in figures:
        assert got["bbox"] == pytest.approx(sorted(figures["bbox"]), abs=0.02), got["bbox"]
    for amount in ("volume", "area"):
        if amount in figures:
            assert close(got[amount], figures[amount]), (got[amount], figures[amount])
    holes = got.get("holes", [])
    if "holes" in figures:
        assert sorted(h["diameter"] for h in holes) == pytest.approx(sorted(figures["holes"]))
    if "edge" in figures:
        assert all(h["edge"] == pytest.approx([figures["edge"]] * 2) for h in holes), holes
    if "from_centre" in figures:
        placed = [h for h in holes if h["from_centre"] > 1]
        assert placed and all(
            h["from_centre"] == pytest.approx(figures["from_centre"]) for h in placed
        )
    if "rounds" in figures:
        assert got["rounds"] == pytest.approx(figures["rounds"])


def test_there_are_at_least_thirty_edits():
    assert len(EDITS) >= 30


@pytest.mark.parametrize(
    ("name", "words", "unread"),
    [
        ("plate_corner_holes", "engrave my name on it", "engrave my name"),
        ("plate_corner_holes", "make the holes 8 mm and add a thread", "thread"),
        ("plate_corner_holes", "6 holes", "not a pattern"),
        ("cylinder_rod", "make the holes 8 mm", "no hole diameter"),
        ("fillet_vertical", "remove the chamfer", "no chamfer"),
        ("plate_corner_holes", "make it nicer", "nicer"),
    ],
)
def test_an_edit_nothing_can_read_is_refused_naming_what(name, words, unread):
    with pytest.raises(CodedError) as refused:
        apply_edit(example(name), words)
    assert refused.value.code == "edit_not_understood"
    assert unread in refused.value.message


def test_names_are_given_once_and_kept_by_the_edit():
    """A spec without names gets them; one that has names keeps its author's."""
    edited = apply_edit(example("plate_corner_holes"), "length 150")
    assert edited["geometry"]["features"][1]["positions"][0] == [
        "-length / 2 + edge_offset",
        "-width / 2 + edge_offset",
    ]
    again = apply_edit(edited, "edge offset 12")
    assert again["dimensions"] == {**edited["dimensions"], "edge_offset": 12}
    assert isinstance(EditNotUnderstood("x"), CodedError)
