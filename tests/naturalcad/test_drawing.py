"""Technical drawings, read back with independent readers: ezdxf for the DXF, ElementTree and
headless Chromium for the SVG, zlib for the PDF's page streams.

Expected sizes and hole counts are worked out here from the spec files by formula, never
taken from the drawing code.
"""

import io
import re
import xml.etree.ElementTree as ET
import zlib

import ezdxf
import numpy as np
import pytest
from ezdxf import bbox
from PIL import Image

from naturalcad.errors import CodedError
from naturalcad.geometry import drawing
from naturalcad.geometry.build import build_part
from tests.browser import needs_chromium
from tests.conftest import ROOT
from tests.naturalcad.test_examples import BOUNDED, EXAMPLES, FLAT, SOLIDS, example

SCREENSHOT = ROOT / ".data" / "screenshots" / "drawing-plate.png"

pytestmark = pytest.mark.slow
TITLE = drawing.Title("a test part", "0b7c1d2e-0000-4000-8000-000000000001", "2026-11-29")
LINETYPES = {
    "OUTLINE": "Continuous",
    "HIDDEN": "HIDDEN",
    "CENTER": "CENTER",
    "DIMENSION": "Continuous",
    "TEXT": "Continuous",
}
CALLOUT = re.compile(
    r"^(?:(\d+)× )?Ø([\d.]+) (THRU|DEPTH ([\d.]+))"
    r"(?:, CBORE Ø([\d.]+) DEPTH ([\d.]+))?(?:, CSK Ø([\d.]+) × 90°)?$"
)


def drawn(name: str, spec: dict | None = None) -> drawing.Drawing:
    spec = spec or example(name)
    return drawing.draw_part(build_part(spec), spec, TITLE)


def read_dxf(data: bytes):
    return ezdxf.read(io.StringIO(data.decode()))


def texts(doc) -> list[str]:
    return [e.dxf.text for e in doc.modelspace().query("TEXT")]


@pytest.fixture(scope="module")
def plate() -> drawing.Drawing:
    return drawn("plate_corner_holes")


def test_the_dxf_has_the_conventional_layers_with_matching_linetypes(plate):
    doc = read_dxf(plate.files["drawing_dxf"])
    assert {name: doc.layers.get(name).dxf.linetype for name in LINETYPES} == LINETYPES
    for name in ("HIDDEN", "CENTER"):
        pattern = doc.linetypes.get(name).pattern_tags.tags
        assert any(tag.value < 0 for tag in pattern if tag.code == 49)  # it has gaps: dashed
    used = {e.dxf.layer for e in doc.modelspace()}
    assert set(LINETYPES) <= used  # every layer carries something on a plate with holes
    assert doc.layers.get("OUTLINE").dxf.lineweight > doc.layers.get("HIDDEN").dxf.lineweight


@pytest.mark.parametrize("name", ["plate_corner_holes", "blind_hole", "l_bracket", "truss_beam"])
def test_each_dimension_measures_the_part(name):
    length, width, height = (SOLIDS.get(name) or BOUNDED[name])[1]
    result = drawn(name)
    doc = read_dxf(result.files["drawing_dxf"])
    dimensions = doc.modelspace().query("DIMENSION")
    measured = sorted(d.get_measurement() for d in dimensions)
    assert measured == pytest.approx(sorted([length, width, height]), abs=1e-6)
    for dimension in dimensions:  # the text a reader sees says the same
        block = dimension.get_geometry_block()
        shown = [e.plain_text() for e in block if e.dxftype() == "MTEXT"]
        assert shown == [f"{round(dimension.get_measurement(), 2):g}"]
    svg_texts = [t.text for t in ET.fromstring(result.files["drawing_svg"]).iter() if t.text]  # noqa: S314
    for value in (length, width, height):
        assert f"{round(value, 2):g}" in svg_texts


def test_a_blind_hole_appears_as_hidden_lines_in_the_side_view():
    """Ø10 x 8 deep in a 40 x 40 x 20 block: two 8 mm walls 10 mm apart and the hole's floor."""
    doc = read_dxf(drawn("blind_hole").files["drawing_dxf"])
    label = next(e for e in doc.modelspace().query("TEXT") if e.dxf.text == "LEFT VIEW")
    x = label.dxf.align_point.x
    lines = [
        (e.dxf.start, e.dxf.end)
        for e in doc.modelspace().query('LINE[layer=="HIDDEN"]')
        if abs((e.dxf.start.x + e.dxf.end.x) / 2 - x) < 20
        and e.dxf.start.y > label.dxf.align_point.y
    ]
    walls = sorted((a.x, abs(b.y - a.y)) for a, b in lines if abs(a.x - b.x) < 1e-6)
    floors = [abs(b.x - a.x) for a, b in lines if abs(a.y - b.y) < 1e-6]
    assert [length for _, length in walls] == pytest.approx([8, 8])
    assert walls[1][0] - walls[0][0] == pytest.approx(10)
    assert floors == pytest.approx([10])
    top = max(max(a.y, b.y) for a, b in lines)
    floor_y = next(a.y for a, b in lines if abs(a.y - b.y) < 1e-6)
    assert top - floor_y == pytest.approx(8)


def expected_holes(spec: dict) -> set[tuple]:
    """(count, diameter, depth or None, counterbore, countersink) by formula from the spec."""
    features = spec["geometry"]["features"]
    result = set()
    for hole in (f for f in features if f["feature_type"] == "hole"):
        count = len(hole.get("positions") or [[0, 0]])
        for pattern in (f for f in features if f.get("of") == hole["name"]):
            times = pattern.get("count") or pattern["count_x"] * pattern["count_y"]
            count *= times
        bore = hole.get("counterbore_diameter")
        result.add(
            (
                count,
                hole["diameter"],
                hole.get("depth"),
                (bore, hole.get("counterbore_depth", hole["diameter"] / 2)) if bore else None,
                hole.get("countersink_diameter"),
            )
        )
    return result


def callouts(doc) -> set[tuple]:
    found = set()
    for text in texts(doc):
        match = CALLOUT.match(text)
        if match:
            count, diameter, _, depth, bore, bore_depth, sink = match.groups()
            found.add(
                (
                    int(count or 1),
                    float(diameter),
                    float(depth) if depth else None,
                    (float(bore), float(bore_depth)) if bore else None,
                    float(sink) if sink else None,
                )
            )
    return found


HOLED = [
    "plate_corner_holes",
    "blind_hole",
    "counterbore",
    "countersink",
    "polar_flange",
    "grid_pattern",
    "linear_pattern",
]


@pytest.mark.parametrize("name", HOLED)
def test_hole_callouts_match_the_spec(name):
    spec = example(name)
    assert callouts(read_dxf(drawn(name, spec).files["drawing_dxf"])) == expected_holes(spec)


def test_a_hole_the_part_lacks_is_not_counted_and_the_drawing_says_so():
    spec = example("plate_corner_holes")
    spec["geometry"]["features"][1]["positions"][0] = [500, 500]  # far off the plate
    result = drawn("", spec)
    doc = read_dxf(result.files["drawing_dxf"])
    assert callouts(doc) == {(3, 6.0, None, None, None)}
    assert any("1 of the 4 holes" in t for t in texts(doc))
    assert any("1 of the 4 holes" in note for note in result.notes)


def test_a_flat_part_keeps_its_outline_alone_on_its_layer_with_dimensions_apart():
    from naturalcad.geometry.worker_child import build_and_export

    doc = read_dxf(build_and_export(example("laser_plate"))["dxf"])
    by_layer: dict[str, list[str]] = {}
    for entity in doc.modelspace():
        by_layer.setdefault(entity.dxf.layer, []).append(entity.dxftype())
    assert sorted(by_layer["OUTLINE"]) == ["CIRCLE"] * 4 + ["LINE"] * 4
    assert set(by_layer) == {"OUTLINE", "DIMENSION"}
    outline = bbox.extents(doc.modelspace().query('*[layer=="OUTLINE"]'))
    assert (outline.size.x, outline.size.y) == pytest.approx((100, 50))  # 1:1, not a sheet
    measured = sorted(d.get_measurement() for d in doc.modelspace().query("DIMENSION"))
    assert measured == pytest.approx([50, 100])
    assert callouts(doc) == {(4, 6.0, None, None, None)}


def test_a_part_past_the_drawing_cap_is_refused_with_a_reason(monkeypatch):
    monkeypatch.setattr(drawing, "MAX_FACES", 5)
    with pytest.raises(CodedError) as caught:
        drawn("blind_hole")
    assert caught.value.code == "drawing_too_complex"
    assert "8 faces" in caught.value.message


def pdf_streams(data: bytes) -> bytes:
    """The page's drawing operators, inflated (each stream is /Length bytes after `stream`)."""
    streams = b""
    for match in re.finditer(rb"/Length (\d+)\s*>>\s*stream\r?\n", data):
        start = match.end()
        streams += zlib.decompress(data[start : start + int(match.group(1))])
    return streams


@pytest.mark.parametrize("name", sorted(SOLIDS) + sorted(BOUNDED) + sorted(FLAT))
def test_every_example_gets_a_drawing_inside_its_frame(name):
    """Every sheet: a DXF whose drawing stays inside its frame, an SVG and a one-page PDF of
    the same size, saying the same things."""
    result = drawn(name)
    doc = read_dxf(result.files["drawing_dxf"])
    frame = bbox.extents(doc.modelspace().query('LWPOLYLINE[layer=="FRAME"]'))
    everything = bbox.extents(doc.modelspace(), fast=True)
    assert frame.inside(everything.extmin) and frame.inside(everything.extmax)
    width, height = {"A4": (297, 210), "A3": (420, 297)}[result.sheet.name]
    scale = result.sheet.scale
    assert (frame.size.x * scale, frame.size.y * scale) == pytest.approx((width - 20, height - 20))
    svg = ET.fromstring(result.files["drawing_svg"])  # noqa: S314 - our own output, in a test
    assert (svg.get("width"), svg.get("height")) == (f"{width}mm", f"{height}mm")
    pdf = result.files["drawing_pdf"]
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 1
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert [float(v) * 25.4 / 72 for v in box.groups()] == pytest.approx([width, height], abs=0.01)
    streams = pdf_streams(pdf)
    for text in ("TRUE SHAPE" if name in FLAT else "FRONT VIEW", f"JOB {TITLE.job_id}"):
        assert f"({text})".encode() in streams


def test_the_drawings_cover_every_example_spec():
    assert {p.stem for p in EXAMPLES.glob("*.json")} == set(SOLIDS) | set(BOUNDED) | set(FLAT)


@needs_chromium
def test_the_svg_renders_in_a_browser(plate, tmp_path, browser):
    svg = tmp_path / "drawing.svg"
    svg.write_bytes(plate.files["drawing_svg"])
    page = browser.new_page(viewport={"width": 1123, "height": 794})  # A4 at 96 dpi
    page.goto(svg.as_uri())
    shown = set(page.locator("text").all_text_contents())
    outline = page.locator("#OUTLINE").bounding_box()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    page.close()
    assert {"120", "70", "5", "4× Ø6 THRU", "FRONT VIEW", "SCALE 1:1"} <= shown
    # 120 mm drawn at 1:1 on a sheet 297 mm wide: the outlines span at least that
    assert outline["width"] >= 1123 * 120 / 297
    pixels = np.asarray(Image.open(SCREENSHOT).convert("RGB")).astype(int)
    dark = (pixels.max(axis=2) < 90).mean()
    red = ((pixels[:, :, 0] > 150) & (pixels[:, :, 1] < 120) & (pixels[:, :, 2] < 120)).sum()
    assert 0.005 < dark < 0.2  # lines drawn, not a blank or a black page
    assert red > 100  # the centre lines' colour
    print(f"screenshot: {SCREENSHOT}")


def test_a_bolt_circle_is_drawn_through_a_polar_pattern_of_holes():
    """The flange's six Ø8 holes at 35 mm from the axis: a centre-line circle of radius 35."""
    doc = read_dxf(drawn("polar_flange").files["drawing_dxf"])
    radii = [round(c.dxf.radius, 6) for c in doc.modelspace().query('CIRCLE[layer=="CENTER"]')]
    assert radii == [35]
