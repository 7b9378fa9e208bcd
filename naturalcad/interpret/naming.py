"""Names for the sizes a person would edit: a spec's numbers lifted into `dimensions`, with
the features referring to them, so that changing one name moves everything that depends on
it (corner holes follow the plate's length and their edge offset; a bolt circle's holes are
counted by `hole_count`).

Table-driven: which attribute of which feature gets which name. Only what is unambiguous is
named (the base body; a feature type that occurs once); the rest keeps its numbers. The
resolved part is the same part: naming changes how sizes are written, never what they are.
"""

import copy
import math
from typing import Any

Spec = dict[str, Any]
Feature = dict[str, Any]

# The base body's sizes, by feature type: attribute -> name.
BODY_NAMES: dict[str, dict[str, str]] = {
    "box": {"length": "length", "width": "width", "height": "height"},
    "cylinder": {"diameter": "diameter", "height": "height"},
    "tube": {
        "outer_diameter": "outer_diameter",
        "inner_diameter": "inner_diameter",
        "wall": "wall",
        "height": "height",
    },
    "sphere": {"diameter": "diameter"},
    "cone": {"bottom_diameter": "bottom_diameter", "top_diameter": "top_diameter",
             "height": "height"},
    "polygon_prism": {"across_flats": "across_flats", "height": "height"},
    "profile_extrude": {
        "width": "width",
        "height": "height",
        "thickness": "thickness",
        "length": "length",
    },
    "loft": {"bottom_size": "bottom_size", "top_size": "top_size", "height": "height"},
    "sweep": {"section_size": "section_size", "path_length": "length",
              "path_radius": "bend_radius"},
    "truss": {"span": "span", "height": "height", "member": "member"},
    "notched_tower": {"width": "width", "depth": "depth", "height": "height",
                      "notch_depth": "notch_depth"},
    "canopy": {"span": "span", "rise": "rise", "depth": "depth", "thickness": "thickness"},
    "profile": {
        "length": "length",
        "width": "width",
        "diameter": "diameter",
        "corner_radius": "corner_radius",
        "hole_diameter": "hole_diameter",
    },
}  # fmt: skip
# A box or cylinder no taller than this share of its smallest other side is a plate or a disc:
# its height is what people call its thickness.
_THIN = 0.25
# Features named when the spec has exactly one of their type: attribute -> name.
FEATURE_NAMES: dict[str, dict[str, str]] = {
    "hole": {
        "diameter": "hole_diameter",
        "depth": "hole_depth",
        "counterbore_diameter": "counterbore_diameter",
        "counterbore_depth": "counterbore_depth",
        "countersink_diameter": "countersink_diameter",
    },
    "slot": {"length": "slot_length", "width": "slot_width", "depth": "slot_depth"},
    "pocket": {"length": "pocket_length", "width": "pocket_width", "diameter": "pocket_diameter",
               "depth": "pocket_depth"},
    "boss": {"length": "boss_length", "width": "boss_width", "diameter": "boss_diameter",
             "height": "boss_height"},
    "cutout": {"length": "cutout_length", "width": "cutout_width", "diameter": "cutout_diameter"},
    "fillet": {"radius": "fillet_radius"},
    "chamfer": {"length": "chamfer"},
    "shell": {"thickness": "wall"},
    "polar_pattern": {"count": "hole_count"},
    "linear_pattern": {"count": "hole_count"},
    "grid_pattern": {"count_x": "holes_x", "count_y": "holes_y", "spacing_x": "pitch_x",
                     "spacing_y": "pitch_y"},
}  # fmt: skip
_EPSILON = 1e-9


def name_dimensions(spec: Spec) -> Spec:
    """`spec` with its editable sizes named; a spec that already names any is left as it is
    (its author chose its names)."""
    if spec.get("dimensions"):
        return spec
    named = copy.deepcopy(spec)
    features: list[Feature] = named["geometry"]["features"]
    dimensions: dict[str, float | int] = {}
    base = next((f for f in features if f["feature_type"] in BODY_NAMES), None)
    if base is not None:
        _name(base, _body_names(base), dimensions)
    counts: dict[str, int] = {}
    for feature in features:
        counts[feature["feature_type"]] = counts.get(feature["feature_type"], 0) + 1
    for feature in features:
        names = FEATURE_NAMES.get(feature["feature_type"])
        if names and counts[feature["feature_type"]] == 1 and feature is not base:
            _name(feature, names, dimensions)
    if counts.get("hole", 0) > 1:
        _name_holes(features, dimensions)
    if base is not None:
        _place_holes(features, base, dimensions)
    if dimensions:
        named["dimensions"] = dimensions
    return named


def _name_holes(features: list[Feature], dimensions: dict[str, float | int]) -> None:
    """Of several holes, the one in the centre is the bore and the one placed is the hole
    (a flange's bore and its bolt holes); any others keep their numbers."""
    holes = [f for f in features if f["feature_type"] == "hole"]
    centre = [h for h in holes if not h.get("positions") and "target" not in h]
    placed = [h for h in holes if h.get("positions")]
    if len(centre) == 1:
        _name(centre[0], {"diameter": "bore_diameter"}, dimensions)
    if len(placed) == 1:
        _name(placed[0], FEATURE_NAMES["hole"], dimensions)


def _body_names(base: Feature) -> dict[str, str]:
    names = dict(BODY_NAMES[base["feature_type"]])
    sides = [base.get(k) for k in ("length", "width", "diameter")]
    numbers = [s for s in sides if isinstance(s, int | float)]
    height = base.get("height")
    thin = numbers and isinstance(height, int | float) and height <= _THIN * min(numbers)
    if base["feature_type"] in ("box", "cylinder") and thin:
        names["height"] = "thickness"
    return names


def _name(feature: Feature, names: dict[str, str], dimensions: dict[str, float | int]) -> None:
    """Lift each numeric attribute of `names` into a dimension the first time it is named."""
    for attr, name in names.items():
        value = feature.get(attr)
        if isinstance(value, bool) or not isinstance(value, int | float) or name in dimensions:
            continue
        dimensions[name] = value
        feature[attr] = name


def _place_holes(
    features: list[Feature], base: Feature, dimensions: dict[str, float | int]
) -> None:
    """Write the holes' positions in terms of the base's names: at the corners of a box (an
    edge offset), or evenly on a circle (a bolt circle, counted by `hole_count`)."""
    holes = [f for f in features if f["feature_type"] == "hole" and f.get("positions")]
    if len(holes) != 1 or "target" in holes[0] or "at" in base or "rotate" in base:
        return
    hole = holes[0]
    if base["feature_type"] == "box" and _at_corners(hole, base, dimensions):
        return
    _on_bolt_circle(hole, features, dimensions)


def _at_corners(hole: Feature, base: Feature, dimensions: dict[str, float | int]) -> bool:
    length, width = dimensions.get("length"), dimensions.get("width")
    if base.get("length") != "length" or base.get("width") != "width" or not length or not width:
        return False
    points = hole["positions"]
    if len(points) != 4 or not all(isinstance(v, int | float) for p in points for v in p):
        return False
    offset = length / 2 - abs(points[0][0])
    corners = {(x > 0, y > 0) for x, y in points}
    fits = all(
        abs(length / 2 - abs(x) - offset) < _EPSILON and abs(width / 2 - abs(y) - offset) < _EPSILON
        for x, y in points
    )
    if len(corners) != 4 or not fits or offset <= 0:
        return False
    dimensions["edge_offset"] = offset
    hole["positions"] = [
        [
            "length / 2 - edge_offset" if x > 0 else "-length / 2 + edge_offset",
            "width / 2 - edge_offset" if y > 0 else "-width / 2 + edge_offset",
        ]
        for x, y in points
    ]
    return True


def _on_bolt_circle(
    hole: Feature, features: list[Feature], dimensions: dict[str, float | int]
) -> None:
    """Holes evenly spaced on a circle about the origin become one hole and a polar pattern,
    so that their count is a name too; a pattern already there keeps its count."""
    points = hole["positions"]
    if not all(isinstance(v, int | float) for p in points for v in p):
        return
    radius = math.hypot(*points[0])
    if radius <= 0 or "bolt_circle" in dimensions:
        return
    start = math.atan2(points[0][1], points[0][0])
    count = len(points)
    even = all(
        abs(x - radius * math.cos(start + 2 * math.pi * k / count)) < 1e-6
        and abs(y - radius * math.sin(start + 2 * math.pi * k / count)) < 1e-6
        for k, (x, y) in enumerate(points)
    )
    if not even or (count == 1 and not _patterned(hole, features)):
        return
    pattern = {"name": f"{hole['name'][:50]}_circle", "feature_type": "polar_pattern",
               "of": hole["name"], "count": "hole_count"}  # fmt: skip
    if count > 1 and (
        "hole_count" in dimensions or any(f["name"] == pattern["name"] for f in features)
    ):
        return
    dimensions["bolt_circle"] = 2 * radius
    cos, sin = math.cos(start), math.sin(start)
    hole["positions"] = [[_times("bolt_circle / 2", cos), _times("bolt_circle / 2", sin)]]
    if count > 1:
        dimensions["hole_count"] = count
        features.insert(features.index(hole) + 1, pattern)


def _patterned(hole: Feature, features: list[Feature]) -> bool:
    return any(
        f.get("of") == hole["name"] and f["feature_type"] == "polar_pattern" for f in features
    )


def _times(expression: str, factor: float) -> str | float:
    if abs(factor) < _EPSILON:
        return 0.0
    if abs(factor - 1) < _EPSILON:
        return expression
    return f"{expression} * {factor:.17f}"  # never in exponent form: 'e' is no number here
