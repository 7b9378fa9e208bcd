"""Every example spec builds, and its files say what a formula says they should.

Expected volumes and sizes are computed here by formula, never taken from the engine; the
files are read back with readers of our own (STL, GLB, STEP text) or independent libraries
(ezdxf for DXF, ElementTree for SVG, Pillow for PNG).
"""

import io
import json
import math
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import ezdxf
import numpy as np
import pytest
from PIL import Image

from naturalcad.geometry.worker_child import build_and_export
from naturalcad.spec.validate import validate_spec
from tests.conftest import stl_bounds
from tests.naturalcad.watertight import watertight_problems

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parents[2] / "naturalcad" / "spec" / "examples"
PI = math.pi


def hexagon_area(across_flats: float) -> float:
    return 2 * math.sqrt(3) * (across_flats / 2) ** 2


def arch_area(span: float, rise: float) -> float:
    """The circular segment through (-span/2, 0), (0, rise), (span/2, 0)."""
    radius = (span**2 / 4 + rise**2) / (2 * rise)
    return radius**2 * math.acos((radius - rise) / radius) - (radius - rise) * math.sqrt(
        2 * radius * rise - rise**2
    )


def frustum(r1: float, r2: float, h: float) -> float:
    return PI * h / 3 * (r1**2 + r1 * r2 + r2**2)


def spandrel(r: float) -> tuple[float, float]:
    """(area, centroid's distance from either wall) of what a fillet of radius r removes."""
    return r**2 * (1 - PI / 4), r * (10 - 3 * PI) / (3 * (4 - PI))


def chamfered_top(a: float, b: float, length: float, width: float) -> float:
    """What an a (across the top) by b (down the side) chamfer of a block's 4 top edges
    removes: four prisms along the edges, less their mitred corner overlaps."""
    return 2 * (length + width) * a * b / 2 - 4 * a * a * b / 3


def half_disc(r: float) -> tuple[float, float]:
    """(area, centroid's distance from the diameter) of a half disc."""
    return PI * r**2 / 2, 4 * r / (3 * PI)


BLOCK = 60 * 40 * 20
BORE = PI * 5**2 * 20  # a 10 mm hole through the 20 mm block
SLOT_AREA = 20 * 10 + PI * 5**2  # a 30 x 10 round-ended slot
RIM_A, RIM_D = spandrel(1)
DOME, DOME_R = half_disc(5)

# name: (volume in mm³, bounding box in mm, solids)
SOLIDS = {
    "box_plate": (100 * 60 * 8, (100, 60, 8), 1),
    "cube_inch": (50.8**3, (50.8, 50.8, 50.8), 1),
    "cylinder_rod": (PI * 5**2 * 120, (10, 10, 120), 1),
    "disc_cm": (PI * 40**2 * 6, (80, 80, 6), 1),
    "tube_od_id": (PI / 4 * (30**2 - 24**2) * 50, (30, 30, 50), 1),
    "washer_wall": (PI / 4 * (20**2 - 14**2) * 2, (20, 20, 2), 1),
    "sphere_ball": (4 / 3 * PI * 12.5**3, (25, 25, 25), 1),
    "cone_point": (frustum(20, 0, 30), (40, 40, 30), 1),
    "frustum": (frustum(20, 10, 30), (40, 40, 30), 1),
    "hex_nut": ((hexagon_area(17) - PI * 5**2) * 8, (17 / math.cos(PI / 6), 17, 8), 1),
    "triangular_prism": (40 * 30 / 2 * 10, (40, 30, 10), 1),
    "l_bracket": ((40 * 5 + 25 * 5) * 50, (40, 50, 30), 1),
    "t_profile": ((40 * 4 + 4 * 26) * 100, (40, 100, 30), 1),
    "u_channel": ((40 * 3 + 2 * 3 * 17) * 60, (40, 60, 20), 1),
    "loft_square_to_square": (50 / 3 * (40**2 + 20**2 + 40 * 20), (40, 40, 50), 1),
    "loft_pyramid": (40 * 40 * 30 / 3, (40, 40, 30), 1),
    "revolve_full": (PI * 20**2 * 30, (40, 40, 30), 1),
    "revolve_half_ring": (PI * (20**2 - 10**2) * 10 / 2, (40, 20, 10), 1),
    "sweep_line": (PI * 5**2 * 80, (10, 10, 80), 1),
    "sweep_arc": (PI * 5**2 * (PI / 2 * 50), (55, 10, 55), 1),  # Pappus
    "plate_corner_holes": (120 * 70 * 5 - 4 * PI * 3**2 * 5, (120, 70, 5), 1),
    "blind_hole": (40 * 40 * 20 - PI * 5**2 * 8, (40, 40, 20), 1),
    "counterbore": (50 * 50 * 12 - PI * 3.3**2 * 5.2 - PI * 5.5**2 * 6.8, (50, 50, 12), 1),
    "countersink": (50 * 50 * 10 - PI * 3**2 * 7 - frustum(6, 3, 3), (50, 50, 10), 1),
    "rect_pocket": (80 * 60 * 20 - 40 * 30 * 10, (80, 60, 20), 1),
    "round_pocket": (80 * 80 * 20 - PI * 20**2 * 5, (80, 80, 20), 1),
    "boss": (60 * 60 * 10 + PI * 10**2 * 15, (60, 60, 25), 1),
    "slot": (100 * 40 * 10 - ((30 - 8) * 8 + PI * 4**2) * 10, (100, 40, 10), 1),
    "cutout": (100 * 100 * 5 - 40 * 20 * 5, (100, 100, 5), 1),
    "linear_pattern": (100 * 20 * 10 - 5 * PI * 2.5**2 * 10, (100, 20, 10), 1),
    "grid_pattern": (100 * 100 * 5 - 16 * PI * 2**2 * 5, (100, 100, 5), 1),
    "polar_flange": (PI * 10 * (50**2 - 15**2 - 6 * 4**2), (100, 100, 10), 1),
    "mirror": (2 * 40 * 20 * 10, (80, 20, 10), 1),
    "fillet_vertical": (40 * 40 * 20 - 4 * (5**2 - PI * 5**2 / 4) * 20, (40, 40, 20), 1),
    # four prisms of the chamfer's triangle along the top edges, less their corner overlaps
    "chamfer_top": (40 * 40 * 20 - 4 * (2**2 / 2 * 40) + 4 * 2**3 / 3, (40, 40, 20), 1),
    "shell_tray": (100 * 60 * 30 - 94 * 54 * 27, (100, 60, 30), 1),
    "boolean_half_cylinder": (PI * 20**2 * 20 / 2, (20, 40, 20), 1),
    "notched_tower": (30 * 30 * 90 - 2 * 10 * 30 * 18, (30, 30, 90), 1),
    "canopy_surface": ((arch_area(200, 50) - arch_area(192, 46)) * 100, (200, 100, 50), 1),
    "assembly_two_blocks": (2 * 20**3, (60, 20, 20), 2),
    # spec v1.2
    "box_rounded_corners": (BLOCK - 4 * (5**2 - PI * 5**2 / 4) * 20, (60, 40, 20), 1),
    "torus_ring": (2 * PI**2 * 16 * 4**2, (40, 40, 8), 1),  # R = (40 - 8) / 2, r = 4
    "wedge_ramp": ((40 + 10) / 2 * 10 * 20, (40, 20, 10), 1),
    "outline_arc_side": ((30 * 20 + PI * 10**2 / 2) * 5, (40, 20, 5), 1),
    "outline_corner_radii": ((30 * 20 - 2 * spandrel(3)[0]) * 5, (30, 20, 5), 1),
    "outline_offset": ((30 * 20 + 2 * 2 * (30 + 20) + PI * 2**2) * 5, (34, 24, 5), 1),
    # Pappus: a 10 x 10 square and a half disc on top, both centred at r = 5
    "revolve_dome": (2 * PI * 5 * (10 * 10 + DOME), (20, 20, 15), 1),
    # a 10 x 10 square at r = 15, a half disc bulging out from r = 20 and one in from r = 10
    "revolve_offset_ring": (
        2 * PI * (100 * 15 + DOME * (20 + DOME_R) + DOME * (10 - DOME_R)),
        (50, 50, 10),
        1,
    ),
    "pocket_side_rounded": (BLOCK - (20 * 10 - 4 * spandrel(2)[0]) * 5, (60, 40, 20), 1),
    "hole_in_side": (60 * 40 * 30 - PI * 2**2 * 60, (60, 40, 30), 1),
    # the rim's 1 x 1 triangle turned about the hole's axis at its centroid, 5 + 1/3
    "chamfer_hole_rim": (BLOCK - BORE - 2 * PI * (5 + 1 / 3) * 0.5, (60, 40, 20), 1),
    # each rim: a spandrel swept along the slot's outline pushed out to its centroid
    "fillet_slot_edges": (
        BLOCK - SLOT_AREA * 20 - 2 * RIM_A * (2 * 20 + PI * 10 + 2 * PI * RIM_D),
        (60, 40, 20),
        1,
    ),
    "chamfer_two_distances": (BLOCK - chamfered_top(2, 4, 60, 40), (60, 40, 20), 1),
    "chamfer_angle": (
        BLOCK - chamfered_top(2, 2 * math.tan(math.radians(30)), 60, 40),
        (60, 40, 20),
        1,
    ),
    # a 60-degree cone from 12 mm at the face to the 6 mm hole: 3 / tan(30) deep
    "countersink_angle": (
        BLOCK - PI * 3**2 * 20 - (frustum(6, 3, 3 * math.sqrt(3)) - PI * 3**2 * 3 * math.sqrt(3)),
        (60, 40, 20),
        1,
    ),
    "slot_rounded_corners": (BLOCK - (30 * 10 - 4 * spandrel(2)[0]) * 20, (60, 40, 20), 1),
    "fillet_at_height_along_x": (BLOCK - 2 * spandrel(2)[0] * 60, (60, 40, 20), 1),
    "fillet_inner_rims": (BLOCK - BORE - 2 * 2 * PI * (5 + RIM_D) * RIM_A, (60, 40, 20), 1),
    "cutout_rounded": (100 * 60 * 5 - (40 * 20 - 4 * spandrel(4)[0]) * 5, (100, 60, 5), 1),
}
# Shapes with no elementary formula: bounds that any right answer lies within.
BOUNDED = {
    "loft_square_to_circle": ((PI * 15**2 * 50, 40 * 40 * 50), (40, 40, 50)),
    "truss_beam": ((2 * 1000 * 20 * 20, 1000 * 20 * 150), (1000, 20, 150)),
}
# name: (area in mm², bounding box, DXF entity counts)
FLAT = {
    "laser_plate": (100 * 50 - 4 * PI * 3**2, (100, 50), {"LINE": 4, "CIRCLE": 4}),
    "hexagon_profile": (6 * 20**2 * math.sqrt(3) / 4, (40, 40 * math.sqrt(3) / 2), {"LINE": 6}),
    "route_path": (0.0, (100, 30), {"LINE": 3}),
    # a half disc of radius 10 on the +X side, one corner rounded R5 (arcs as bulges)
    "profile_arcs": (
        40 * 20 + PI * 10**2 / 2 - spandrel(5)[0],
        (50, 20),
        {"LINE": 3, "LWPOLYLINE": 2},
    ),
}


def example(name: str) -> dict:
    return validate_spec(json.loads((EXAMPLES / f"{name}.json").read_text()))


def stl_volume(data: bytes) -> float:
    (count,) = struct.unpack_from("<I", data, 80)
    records = np.frombuffer(
        data[84:], dtype=np.dtype([("n", "<3f4"), ("v", "<9f4"), ("a", "<u2")]), count=count
    )
    v = records["v"].astype(float).reshape(-1, 3, 3)
    return float(np.einsum("ij,ij->i", v[:, 0], np.cross(v[:, 1], v[:, 2])).sum() / 6)


def _rotate(points: np.ndarray, quaternion) -> np.ndarray:
    x, y, z, w = quaternion
    matrix = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    return points @ matrix.T


def glb_extent(data: bytes) -> list[float]:
    """The scene's extent along glTF's X, Y (up) and Z, in mm (glTF is in metres)."""
    magic, _, _ = struct.unpack_from("<4sII", data, 0)
    length, kind = struct.unpack_from("<I4s", data, 12)
    assert (magic, kind) == (b"glTF", b"JSON")
    gltf = json.loads(data[20 : 20 + length])
    corners = []
    for node in gltf["nodes"]:
        for primitive in gltf["meshes"][node["mesh"]]["primitives"]:
            accessor = gltf["accessors"][primitive["attributes"]["POSITION"]]
            low, high = accessor["min"], accessor["max"]
            box = np.array(
                [
                    [a, b, c]
                    for a in (low[0], high[0])
                    for b in (low[1], high[1])
                    for c in (low[2], high[2])
                ]
            )
            corners.append(_rotate(box, node.get("rotation", [0, 0, 0, 1])))
    points = np.concatenate(corners) * 1000
    return list(points.max(axis=0) - points.min(axis=0))


def check_png(data: bytes) -> None:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert Image.open(io.BytesIO(data)).format == "PNG" and image.size == (512, 512)
    pixels = np.asarray(image).reshape(-1, 3)
    drawn = np.any(pixels != pixels[0], axis=1).sum()
    assert drawn > 512 * 512 * 0.002  # something was drawn


def test_the_library_covers_every_feature_type():
    from naturalcad.spec.vocabulary import FEATURES

    used = {
        f["feature_type"]
        for p in EXAMPLES.glob("*.json")
        for f in json.loads(p.read_text())["geometry"]["features"]
    }
    assert used == set(FEATURES)
    assert len(list(EXAMPLES.glob("*.json"))) >= 30
    assert set(SOLIDS) | set(BOUNDED) | set(FLAT) == {p.stem for p in EXAMPLES.glob("*.json")}


@pytest.mark.parametrize("name", sorted(SOLIDS))
def test_solid_examples_match_their_formulas(name):
    volume, size, solids = SOLIDS[name]
    files = build_and_export(example(name))
    low, high = stl_bounds(files["stl"])
    assert [h - lo for lo, h in zip(low, high, strict=True)] == pytest.approx(size, abs=0.15)
    assert stl_volume(files["stl"]) == pytest.approx(volume, rel=0.01)
    assert watertight_problems(files["stl"]) == []
    assert len(re.findall(rb"MANIFOLD_SOLID_BREP", files["step"])) == solids
    x, y, z = glb_extent(files["glb"])  # Y-up: the part's height is glTF's Y
    assert [x, z, y] == pytest.approx([size[0], size[1], size[2]], abs=0.2)
    check_png(files["png"])


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_studies_stay_within_their_bounds(name):
    (least, most), size = BOUNDED[name]
    files = build_and_export(example(name))
    low, high = stl_bounds(files["stl"])
    assert [h - lo for lo, h in zip(low, high, strict=True)] == pytest.approx(size, abs=0.15)
    assert least < stl_volume(files["stl"]) < most
    assert watertight_problems(files["stl"]) == []


@pytest.mark.parametrize("name", sorted(FLAT))
def test_flat_examples_export_dxf_svg_and_png(name):
    area, (width, depth), entities = FLAT[name]
    files = build_and_export(example(name))
    assert set(files) == {"dxf", "svg", "png"}
    drawing = ezdxf.read(io.StringIO(files["dxf"].decode()))
    outline = drawing.modelspace().query('*[layer=="OUTLINE"]')  # dimensions are apart
    kinds = [entity.dxftype() for entity in outline]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == entities
    box = ezdxf.bbox.extents(outline)
    assert (box.size.x, box.size.y) == pytest.approx((width, depth), abs=1e-3)
    svg = ET.fromstring(files["svg"])  # noqa: S314 - our own output, in a test
    assert svg.tag.endswith("svg") and svg.get("width", "").endswith("mm")
    check_png(files["png"])
    circles = sum(PI * e.dxf.radius**2 for e in outline if e.dxftype() == "CIRCLE")
    if area:
        outline = width * depth if name == "laser_plate" else area
        assert outline - circles == pytest.approx(area, rel=1e-6)


def test_a_100_mm_part_deviates_at_most_0_05_mm_and_no_finer_than_needed():
    """The rim of a 100 mm disc: the sagitta between neighbouring STL vertices."""
    disc = {
        "spec_version": "1.1",
        "mode": "part",
        "output_type": "3d_solid",
        "units": "mm",
        "geometry": {
            "features": [{"name": "d", "feature_type": "cylinder", "diameter": 100, "height": 10}]
        },
    }
    data = build_and_export(validate_spec(disc))["stl"]
    (count,) = struct.unpack_from("<I", data, 80)
    vertices = np.frombuffer(
        data[84:], dtype=np.dtype([("n", "<3f4"), ("v", "<9f4"), ("a", "<u2")]), count=count
    )["v"]
    points = vertices.astype(float).reshape(-1, 3)
    rim = points[np.isclose(points[:, 2], 10, atol=1e-4)]
    angles = np.unique(np.round(np.arctan2(rim[:, 1], rim[:, 0]), 6))
    step = np.max(np.diff(np.concatenate([angles, [angles[0] + 2 * PI]])))
    sagitta = 50 * (1 - math.cos(step / 2))
    assert 0.0125 < sagitta <= 0.05 + 1e-6
