"""Flat drawings of a read part: the outline of its body with its through holes and corners.

A laser, waterjet or plasma cutter cuts an outline with holes; a reading that asks for a
pocket, a boss or a counterbore in a flat drawing is refused rather than drawn without it.
"""

import math
from typing import Any

from naturalcad.interpret.body import Body
from naturalcad.interpret.errors import OutputTypeUnsupported, PromptPartlyUnderstood
from naturalcad.interpret.modifiers import EdgeTreatment, HoleSet
from naturalcad.interpret.reading import Feature, Reading


def flat_features(body: Body, modifiers: list[Any], reading: Reading) -> list[Feature]:
    """The body's outline as one profile, with what a cutter can cut through it."""
    if body.outline is None:
        raise OutputTypeUnsupported(f"a {body.intent} has no flat outline to draw")
    outline = dict(body.outline)
    for modifier in modifiers:
        if isinstance(modifier, HoleSet):
            _add_holes(outline, modifier, body, reading)
        elif isinstance(modifier, EdgeTreatment) and outline.get("shape") != "rect":
            raise PromptPartlyUnderstood(
                f"{body.summary} as a flat outline", [modifier.phrase], reading.account()["assumed"]
            )
        elif isinstance(modifier, EdgeTreatment) and modifier.kind == "fillet":
            _round_corners(outline, modifier)
        elif isinstance(modifier, EdgeTreatment) and modifier.edges in ("vertical", "all"):
            _chamfer_corners(outline, modifier)
        else:
            raise OutputTypeUnsupported(
                f"{modifier.summary()} cannot be drawn in a flat 2d_vector outline"
            )
    return [outline]


def _add_holes(outline: Feature, holes: HoleSet, body: Body, reading: Reading) -> None:
    if holes.depth is not None or holes.counterbore or holes.countersink:
        raise OutputTypeUnsupported(
            f"{holes.summary()} (blind, counterbored or countersunk) cannot be cut from a "
            "flat outline"
        )
    (feature,) = holes.features(body, reading, "holes")
    if outline.get("hole_diameter", feature["diameter"]) != feature["diameter"]:
        raise OutputTypeUnsupported("a flat outline here holds holes of one diameter only")
    outline["holes"] = outline.get("holes", []) + feature["positions"]
    outline["hole_diameter"] = feature["diameter"]


def _round_corners(outline: Feature, edge: EdgeTreatment) -> None:
    if edge.size * 2 >= min(outline["length"], outline["width"]):
        raise OutputTypeUnsupported(f"{edge.size:g} mm corners do not fit this outline")
    outline["corner_radius"] = edge.size


def _chamfer_corners(outline: Feature, edge: EdgeTreatment) -> None:
    if outline.get("shape") != "rect":
        raise OutputTypeUnsupported(f"{edge.summary()} can be drawn on a rectangle only")
    length, width, size = outline["length"], outline["width"], edge.size
    if size * 2 >= min(length, width):
        raise OutputTypeUnsupported(f"{size:g} mm corners do not fit a {length:g} x {width:g}")
    points: list[list[float]] = []
    for sx, sy, start in ((1, 1, 0), (-1, 1, 90), (-1, -1, 180), (1, -1, 270)):
        cx, cy = sx * (length / 2 - size), sy * (width / 2 - size)
        for angle in (math.radians(start), math.radians(start + 90)):
            points.append(
                [round(cx + size * math.cos(angle), 4), round(cy + size * math.sin(angle), 4)]
            )
    outline.update(shape="points", points=points)
    del outline["length"], outline["width"]
