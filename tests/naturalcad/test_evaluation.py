"""The evaluation corpus's references, checked by hand, and the harness's judgement of
figures measured from built parts."""

import json
import math

import pytest

from naturalcad.evaluation import corpus, harness
from naturalcad.evaluation.references import (
    box,
    cone,
    cylinder,
    expectation,
    filleted_box,
    l_profile,
    outline,
    plate,
    polygon_prism,
    tray,
)


def _entry(prompt: str) -> dict:
    return next(e for e in corpus.ENTRIES if e["prompt"] == prompt)


@pytest.mark.parametrize(
    ("prompt", "bbox", "key", "amount"),
    [
        ("a 40 mm cube", [40, 40, 40], "volume", 64000.0),
        # 120 * 70 * 5 less four 6 mm holes 5 deep: 42000 - 4 * 9 pi * 5
        (
            "a 120 x 70 x 5 mm plate with four 6 mm corner holes",
            [5, 70, 120],
            "volume",
            41434.513,
        ),
        # 50 * 50 * 30 outside less a 46 * 46 * 28 inside
        (
            "1. Start with a block 50 mm long, 50 mm wide and 30 mm high.\n"
            "2. Hollow it out leaving walls and a floor 2 mm thick.\n"
            "3. Leave the top open.",
            [30, 50, 50],
            "volume",
            15752.0,
        ),
        # pi * 12 * (60^2 - 20^2 - 6 * 5^2) = 36600 pi
        (
            "a flange 120 mm diameter, 12 mm thick, with a 40 mm bore and six 10 mm bolt "
            "holes on a 90 mm bolt circle",
            [12, 120, 120],
            "volume",
            114982.291,
        ),
        # (50 * 4 + 26 * 4) * 40
        (
            "L-shaped bracket with legs 50 mm and 30 mm long (outside), 40 mm wide, 4 mm thick",
            [30, 40, 50],
            "volume",
            12160.0,
        ),
        # a 25.4 mm cube
        ("a 1 inch cube", [25.4, 25.4, 25.4], "volume", 16387.064),
    ],
)
def test_references_agree_with_hand_computed_figures(prompt, bbox, key, amount):
    expect = _entry(prompt)["expect"]
    assert expect["bbox"] == pytest.approx(sorted(bbox))
    assert expect[key] == pytest.approx([amount, amount], abs=1e-3)


def test_a_laser_plate_with_rounded_corners_of_any_radius_gets_a_range():
    expect = _entry(
        "a 3 mm laser-cut plate 200x100 with rounded corners and a 4x2 grid of 5 mm holes"
    )["expect"]
    holes = 20000 - 8 * math.pi * 6.25
    assert expect["output_type"] == "2d_vector"
    assert expect["area"] == pytest.approx(
        [holes - (4 - math.pi) * 25**2, holes - (4 - math.pi) * 0.5**2]
    )
    assert expect["holes"] == [{"diameter": [5, 5], "count": 8, "through": True}]
    assert expect["rounds"] == {"count": 4, "radius": [0.5, 25.0]}


def test_formulas_of_the_harder_shapes():
    # A frustum: pi h / 3 (R^2 + R r + r^2)
    assert cone(50, 20, 30).amount[0] == pytest.approx(math.pi * 10 * (625 + 250 + 100))
    # A hexagon 20 across flats: 6 * 10^2 * tan 30; 23.09 across corners
    hexagon = polygon_prism(6, 20, 10)
    assert hexagon.amount[0] == pytest.approx(2 * math.sqrt(3) * 100 * 10)
    assert sorted(hexagon.size) == pytest.approx([10, 20, 40 / math.sqrt(3)])
    # Every edge of a cube rounded with r = its half side is a ball.
    assert filleted_box(10, 10, 10, 5).amount[0] == pytest.approx(math.pi * 1000 / 6)
    assert tray(10, 10, 10, 1).amount[0] == pytest.approx(1000 - 8 * 8 * 9)
    assert cylinder(10, 10).drill(4, depth=3, through=False).amount[0] == pytest.approx(
        250 * math.pi - 12 * math.pi
    )
    assert l_profile(20, 20, 2, 10).amount[0] == pytest.approx((40 + 36) * 10)
    assert outline(10, 10).drill(2).amount[0] == pytest.approx(100 - math.pi)
    assert expectation(plate(10, 10, 1))["holes"] == []
    assert box(1, 2, 3).size == (1, 2, 3)


def test_the_set_file_is_the_corpus_as_written():
    written = json.loads(corpus.SET_FILE.read_text())
    assert written == json.loads(json.dumps({"prompts": corpus.ENTRIES}))


def test_the_corpus_is_big_and_varied_enough():
    scopes = [e["scope"] for e in corpus.ENTRIES]
    assert len(scopes) >= 200
    assert scopes.count("out") >= 50
    assert len({e["id"] for e in corpus.ENTRIES}) == len(scopes)
    assert all("expect" in e for e in corpus.ENTRIES if e["scope"] != "out")


# --- the judgement ----------------------------------------------------------------------

CUBE_ENTRY = {
    "id": "c",
    "prompt": "a 40 mm cube",
    "scope": "in",
    "expect": expectation(box(40, 40, 40)),
}
CUBE_FIGURES = {
    "output_type": "3d_solid",
    "bbox": [40.0, 40.0, 40.0],
    "volume": 64000.0,
    "holes": [],
    "rounds": [],
    "concave_arcs": [],
    "faces": {"plane": 6},
}


def test_a_right_part_passes_within_tolerance():
    figures = {**CUBE_FIGURES, "bbox": [39.95, 40.0, 40.1], "volume": 64500.0}
    assert harness.check(CUBE_ENTRY, figures, []) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"bbox": [30.0, 40.0, 40.0]}, "size 30 x 40 x 40 mm, expected 40 x 40 x 40 mm"),
        ({"volume": 63000.0}, "volume 63000, expected 64000"),
        ({"output_type": "2d_vector"}, "output type 2d_vector, expected 3d_solid"),
        (
            {"holes": [{"diameter": 5.0, "through": True}]},
            "1 holes not asked for (diameters present: [5.0])",
        ),
    ],
)
def test_a_wrong_part_is_named_wrong(change, problem):
    assert harness.check(CUBE_ENTRY, {**CUBE_FIGURES, **change}, []) == [problem]


def test_holes_are_counted_by_size_and_kind():
    entry = {**CUBE_ENTRY, "expect": expectation(plate(100, 60, 5).drill(5, 4))}
    through = {"diameter": 5.0, "through": True}
    figures = {**CUBE_FIGURES, "bbox": [5.0, 60.0, 100.0], "volume": 30000 - 4 * 6.25 * math.pi * 5}
    assert harness.check(entry, {**figures, "holes": [through] * 4}, []) == []
    assert harness.check(entry, {**figures, "holes": [through] * 3}, []) == [
        "3 holes of 5 mm through, expected 4"
    ]
    blind = {"diameter": 5.0, "through": False}
    assert harness.check(entry, {**figures, "holes": [blind] * 4}, [])[0] == (
        "0 holes of 5 mm through, expected 4"
    )


def test_out_of_scope_built_is_wrong_and_vague_needs_notes():
    out = {"id": "o", "prompt": "a spur gear", "scope": "out"}
    assert harness.check(out, CUBE_FIGURES, ["assumed"]) != []
    vague = {
        "id": "v",
        "prompt": "a bracket",
        "scope": "vague",
        "expect": {"output_type": "3d_solid", "holes": []},
    }
    assert harness.check(vague, CUBE_FIGURES, []) == [
        "sizes the prompt leaves open were assumed without a note"
    ]
    assert harness.check(vague, CUBE_FIGURES, ["assumed a 40 mm cube"]) == []


def test_holes_must_sit_where_the_prompt_put_them():
    entry = {**CUBE_ENTRY, "expect": expectation(plate(100, 60, 4).drill(5, 4, edge=8))}
    figures = {**CUBE_FIGURES, "bbox": [4.0, 60.0, 100.0], "volume": 24000 - 4 * 6.25 * math.pi * 4}
    at_8 = {"diameter": 5.0, "through": True, "edge": [8.0, 8.0], "from_centre": 45.0}
    assert harness.check(entry, {**figures, "holes": [at_8] * 4}, []) == []
    at_7 = {**at_8, "edge": [7.0, 7.0]}
    assert harness.check(entry, {**figures, "holes": [at_7] * 4}, []) == [
        "4 holes placed at {'edge': [7.0, 7.0]}, expected {'edge': [8, 8]}"
    ]
    circle = {**CUBE_ENTRY, "expect": expectation(plate(100, 100, 4).drill(5, 2, pcd=60))}
    on_circle = {**at_8, "from_centre": 30.0}
    figures = {**figures, "bbox": [4.0, 100.0, 100.0], "volume": 40000 - 2 * 6.25 * math.pi * 4}
    assert harness.check(circle, {**figures, "holes": [on_circle] * 2}, []) == []
    assert harness.check(circle, {**figures, "holes": [at_8] * 2}, []) != []
