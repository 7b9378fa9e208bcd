"""The rules reader accounts for every word: what it reads is built to size, what it cannot read
is named, and nothing is built from a prompt it read only in part.

Volumes are computed here by formula from the sizes the prompts state.
"""

import math

import pytest

from naturalcad.geometry.build import build_part
from naturalcad.interpret.rules import ReadingError, interpret, read_prompt
from naturalcad.spec.validate import validate_spec

PI = math.pi


def cyl(d, h):
    return PI * d**2 / 4 * h


def build(prompt: str, output_type: str | None = None):
    spec = validate_spec(interpret(prompt, output_type))
    return spec, build_part(spec)


def extent(shape) -> list[float]:
    box = shape.bounding_box()
    return sorted(round(v, 3) for v in (box.size.X, box.size.Y, box.size.Z))


def refusal(prompt: str, output_type: str | None = None) -> ReadingError:
    with pytest.raises(ReadingError) as caught:
        interpret(prompt, output_type)
    return caught.value


# --- every example of the issue's "Why" ----------------------------------------------------

LASER = "a 3 mm laser-cut plate 200x100 with rounded corners and a 4x2 grid of 5 mm holes"
OPEN_BOX = (
    "1. Start with a block 50 mm long, 50 mm wide and 30 mm high.\n"
    "2. Hollow it out leaving walls and a floor 2 mm thick.\n"
    "3. Leave the top open."
)
EYE_BOLT = (
    "An eye bolt. The shank is M8 and 60 mm long. On top sits a round eye with a 20 mm "
    "opening, forged in one piece with the shank."
)
TURNED = (
    "A turned pin. 1) a head 20 mm in diameter and 8 mm long. 2) below it a shank 10 mm in "
    "diameter and 40 mm long, on the same axis."
)
CLAMP = "a clamp that holds two pieces of wood together while the glue dries"
PIPE_BRACKET = "a wall bracket for a 25 mm pipe with two screw holes"
L_BRACKET = "L-shaped bracket with legs 50 mm and 30 mm long (outside), 40 mm wide, 4 mm thick"
FLANGE = (
    "a flange 120 mm diameter, 12 mm thick, with a 40 mm bore and six 10 mm bolt holes on a "
    "90 mm bolt circle"
)
STANDOFF = "M4 hex standoff, 7 mm across flats, 20 mm long, with a through hole"
SLOT = "a 100 x 60 x 5 mm plate with a 30 x 8 mm rounded slot in the middle"

# (prompt, output type asked, code, words the message must name)
WHY_REFUSED = [
    ("a 10 km cube", None, "size_out_of_range", ["'10 km'"]),
    ("a 1e308 mm cube", None, "size_out_of_range", ["'1e308 mm'"]),
    ("400 by 400 holes of 0.1 mm", None, "too_many_instances", ["160000 holes"]),
    (
        "a 40 mm cube with 1000 fillets and 1000 chamfers",
        None,
        "prompt_partly_understood",
        ["40 x 40 x 40 mm cube", "'1000 fillets'", "'1000 chamfers'"],
    ),
    (EYE_BOLT, "3d_solid", "prompt_not_understood", ["'eye bolt'", "'60 mm long'"]),
    (TURNED, "3d_solid", "prompt_partly_understood", ["'head'", "shank 10 mm in diameter"]),
    (CLAMP, "3d_solid", "prompt_not_understood", ["'clamp that holds 2 pieces of wood"]),
    (PIPE_BRACKET, None, "prompt_partly_understood", ["'wall'", "'25 mm pipe'"]),
]


@pytest.mark.parametrize(("prompt", "asked", "code", "named"), WHY_REFUSED)
def test_the_issues_unreadable_examples_are_refused_naming_what_was_not_read(
    prompt, asked, code, named
):
    error = refusal(prompt, asked)
    assert error.code == code
    for words in named:
        assert words in error.message


def test_the_laser_plate_is_a_flat_outline_with_its_grid_and_rounded_corners():
    spec, shape = build(LASER)
    assert (spec["output_type"], spec["mode"]) == ("2d_vector", "sketch")
    assert "output type 2d_vector, read from the prompt" in spec["notes"]
    (outline,) = spec["geometry"]["features"]
    assert len(outline["holes"]) == 8 and outline["hole_diameter"] == 5
    assert outline["corner_radius"] == 2  # unsaid: assumed, and the notes say so
    assert "assumed fillets of 2 mm" in spec["notes"]
    area = 200 * 100 - (4 - PI) * 2**2 - 8 * PI * 2.5**2
    assert sum(face.area for face in shape.faces()) == pytest.approx(area, rel=1e-6)
    assert extent(shape)[1:] == [100, 200]
    arcs = [e for e in shape.edges() if e.geom_type.name == "CIRCLE" and e.radius == 2]
    assert len(arcs) == 4  # true arcs, not segments


def test_the_laser_plate_with_square_corners_is_a_flat_outline_with_its_grid():
    spec, shape = build("a 3 mm laser-cut plate 200x100 with a 4x2 grid of 5 mm holes")
    assert (spec["output_type"], spec["mode"]) == ("2d_vector", "sketch")
    assert "output type 2d_vector, read from the prompt" in spec["notes"]
    (outline,) = spec["geometry"]["features"]
    assert len(outline["holes"]) == 8 and outline["hole_diameter"] == 5
    area = 200 * 100 - 8 * PI * 2.5**2
    assert sum(face.area for face in shape.faces()) == pytest.approx(area, rel=1e-6)
    assert extent(shape)[1:] == [100, 200]


def test_the_laser_plate_asked_as_a_solid_is_the_3_mm_plate():
    spec, shape = build(LASER, "3d_solid")
    assert spec["output_type"] == "3d_solid"
    volume = 200 * 100 * 3 - (4 - PI) * 2**2 * 3 - 8 * cyl(5, 3)
    assert shape.volume == pytest.approx(volume, rel=1e-4)
    assert extent(shape) == [3, 100, 200]


# (prompt, volume mm³, sorted size mm)
WHY_BUILT = [
    (OPEN_BOX, 50 * 50 * 30 - 46 * 46 * 28, [30, 50, 50]),
    (L_BRACKET, (50 * 4 + 26 * 4) * 40, [30, 40, 50]),
    (FLANGE, cyl(120, 12) - cyl(40, 12) - 6 * cyl(10, 12), [12, 120, 120]),
    (
        STANDOFF,
        (2 * math.sqrt(3) * 3.5**2 - PI * 2**2) * 20,
        [7, round(7 / math.cos(PI / 6), 3), 20],
    ),
    (SLOT, 100 * 60 * 5 - ((30 - 8) * 8 + PI * 16) * 5, [5, 60, 100]),
]


@pytest.mark.parametrize(("prompt", "volume", "size"), WHY_BUILT)
def test_the_issues_readable_examples_build_the_part_asked_for(prompt, volume, size):
    _, shape = build(prompt, "3d_solid")
    assert shape.volume == pytest.approx(volume, rel=1e-4)
    assert extent(shape) == pytest.approx(size, abs=0.01)


# --- units and ranges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "side"),
    [
        ("a 4 cm cube", 40),
        ("a 0.05 m cube", 50),
        ("a 1 m cube", 1000),
        ("a 0.00002 km cube", 20),
        ("a 2 inch cube", 50.8),
        ("a 1 in cube", 25.4),
        ('a 1.5" cube', 38.1),
        ("a 0.1 ft cube", 30.48),
        ("a 0.1' cube", 30.48),
        ("a 4e1 mm cube", 40),
        ("a 2.5e1 mm cube", 25),
        ("cube 30", 30),
        ("a 3/4 inch cube", 19.05),
    ],
)
def test_units_and_scientific_notation_are_read(prompt, side):
    spec = validate_spec(interpret(prompt, "3d_solid"))  # sizes are named: read them resolved
    assert spec["geometry"]["features"][0]["length"] == pytest.approx(side)


@pytest.mark.parametrize(
    ("prompt", "value"),
    [
        ("a 10 km cube", "'10 km'"),
        ("a 20 m cube", "'20 m'"),
        ("a 1e308 mm cube", "'1e308 mm'"),
        ("a 1e400 mm sphere", "'1e400 mm'"),
        ("a 0.001 mm cube", "'0.001 mm'"),
        ("a cube with side -40 mm", "'-40 mm'"),
        ("a plate 1e9 x 1e9 x 1 mm", "'1e9 mm'"),
        ("a 100 x 50 x 5 plate with a 1000 m hole", "'1000 m'"),
    ],
)
def test_a_size_out_of_range_is_refused_by_its_value_never_read_as_mm(prompt, value):
    error = refusal(prompt)
    assert error.code == "size_out_of_range"
    assert value in error.message


# --- the ledger --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "unread"),
    [
        ("a 40 mm cube with a 10 mm thread", ["10 mm thread"]),
        ("a 100 x 50 x 5 plate with 2 ribs", ["2 ribs"]),
        ("a 60 mm cylinder 20 mm tall with a lip", ["lip"]),
        ("a 100 x 60 x 5 plate with a knurled edge", ["knurled edge"]),
        ("a 40 mm cube, 12 mm", ["12 mm"]),
        ("a 50 x 50 x 10 block with a groove 3 mm deep", ["groove 3 mm deep"]),
        ("a 30 mm sphere with a hexagonal socket", ["hexagonal socket"]),
    ],
)
def test_a_word_or_number_no_reader_used_is_named_and_nothing_is_built(prompt, unread):
    error = refusal(prompt)
    assert error.code == "prompt_partly_understood"
    assert error.message.endswith(" and ".join(f"'{u}'" for u in unread) + ".")


def test_words_that_only_ask_are_not_counted_as_unread():
    spec = interpret("hi! could you please make me a simple 40 mm steel cube, thanks", "3d_solid")
    assert spec["notes"] == []


def test_an_m_size_clearance_bore_is_an_assumption_in_the_notes():
    spec = interpret("a 50 x 50 x 5 plate with an M3 hole in the centre", "3d_solid")
    assert "assumed M3 clearance holes of 3.4 mm (ISO 273)" in spec["notes"]


# --- output types ------------------------------------------------------------------------


def test_an_asked_output_type_is_never_switched_by_the_prompt():
    assert interpret("laser cut plate 100 x 50 with 4 corner holes", "3d_solid")["output_type"] == (
        "3d_solid"
    )
    assert interpret("a 40 mm cube", "surface")["output_type"] == "surface"
    assert interpret("a 100 x 50 x 5 plate", "2d_vector")["output_type"] == "2d_vector"


def test_without_an_asked_output_type_the_reading_chooses_and_says_so():
    spec = interpret("a route centreline 300 mm long with 3 jogs")
    assert (spec["output_type"], spec["mode"]) == ("1d_path", "sketch")
    assert "output type 1d_path, read from the prompt" in spec["notes"]
    spec = interpret("a 40 mm cube")
    assert (spec["output_type"], spec["mode"]) == ("3d_solid", "part")
    assert "output type 3d_solid: the prompt asks for no other" in spec["notes"]


@pytest.mark.parametrize(
    ("prompt", "asked"),
    [
        ("a cone 40 mm diameter 60 mm tall", "2d_vector"),
        ("a cable route 500 mm long", "3d_solid"),
        ("a 100 x 50 x 5 plate", "1d_path"),
        ("laser cut plate 100 x 50 with a 20 x 10 x 2 mm pocket", None),
    ],
)
def test_an_output_type_the_part_cannot_have_is_refused_with_a_code(prompt, asked):
    assert refusal(prompt, asked).code == "output_type_unsupported"


# --- compositions --------------------------------------------------------------------------


def _frustum(d1, d2, h):
    return PI * h / 12 * (d1**2 + d1 * d2 + d2**2)


SINK = (11.2 - 5.5) / 2  # depth of a 90-degree countersink from 11.2 mm down to 5.5 mm
COMPOSED = [
    (
        "a 100 x 60 x 10 mm plate with four M6 counterbored holes 10 mm from the edges",
        100 * 60 * 10 - 4 * (cyl(11, 6.4) + cyl(6.6, 10 - 6.4)),
    ),
    (
        "a 80 x 80 x 8 plate with 4 countersunk M5 holes at the corners, 10 mm in",
        80 * 80 * 8 - 4 * (cyl(5.5, 8 - SINK) + _frustum(11.2, 5.5, SINK)),
    ),
    (
        "a 200 x 100 x 5 plate with a 4 x 3 grid of 6 mm holes at 40 mm pitch",
        200 * 100 * 5 - 12 * cyl(6, 5),
    ),
    (
        "a disc 100 mm diameter 10 mm thick with 6 holes of 8 mm on an 80 mm PCD and a 30 mm bore",
        cyl(100, 10) - cyl(30, 10) - 6 * cyl(8, 10),
    ),
    ("plate 100 x 100 x 5 with 5 mm holes at (20, 20) and (-20, -20)", 50000 - 2 * cyl(5, 5)),
    ("a 100 x 80 x 20 block with a 20 mm boss 10 mm tall", 100 * 80 * 20 + cyl(20, 10)),
    (
        "a 100 x 60 x 10 block with a 40 x 20 pocket 5 mm deep and 2 mm chamfers on the top edges",
        60000 - (160 * 4 - 4 * 8 / 3) - 40 * 20 * 5,
    ),
    (
        "a 120 x 70 x 5 plate with 5 mm rounded corners and four 6 mm holes 10 mm from the edges",
        120 * 70 * 5 - 4 * (25 - PI * 25 / 4) * 5 - 4 * cyl(6, 5),
    ),
    ("a 150 x 50 x 5 bar with 5 holes of 6 mm in a row 25 mm apart", 150 * 50 * 5 - 5 * cyl(6, 5)),
    (
        "a 100 x 100 x 20 block with a 30 mm hole 10 mm deep in the middle",
        200000 - cyl(30, 10),
    ),
]


@pytest.mark.parametrize(("prompt", "volume"), COMPOSED)
def test_a_body_takes_any_number_of_modifiers(prompt, volume):
    _, shape = build(prompt, "3d_solid")
    assert shape.volume == pytest.approx(volume, rel=1e-4)


def test_holes_go_where_the_prompt_puts_them():
    spec = validate_spec(
        interpret("a 200 x 100 x 5 plate with a 4 x 3 grid of 6 mm holes at 40 mm pitch")
    )
    positions = spec["geometry"]["features"][1]["positions"]
    assert sorted(x for x, _ in positions)[::3] == [-60, -20, 20, 60]
    assert sorted({y for _, y in positions}) == [-40, 0, 40]
    spec = validate_spec(interpret("plate 100 x 60 x 4 with four M5 holes 8 mm from the edges"))
    assert spec["geometry"]["features"][1]["positions"] == [
        [-42, -22],
        [42, -22],
        [42, 22],
        [-42, 22],
    ]


def test_the_account_keeps_each_note_where_the_reader_put_it():
    """Not by wording: the thread left out and the shape chosen say no "assumed", yet are."""
    read = read_prompt("an M8 standoff 20 mm long")
    assert read.reading["read"][0].startswith("a standoff")
    assert "the M8 thread is not modelled: a plain 8 mm bore" in read.reading["assumed"]
    assert "a standoff with no shape said is read as a hexagonal one" in read.reading["assumed"]
    assert read.reading["not_read"] == []
    said = read.reading["read"][1:] + read.reading["assumed"]
    assert sorted(read.spec["notes"]) == sorted(said)
