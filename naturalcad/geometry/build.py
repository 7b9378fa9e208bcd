"""Spec -> build123d shape. Each feature type maps to calls this module owns.

Takes a spec already checked by `naturalcad.spec.validate.validate_spec` (sizes in mm).
Bodies stand on the XY plane, centred on the Z axis; holes go through the whole part.
"""

import build123d as bd

from naturalcad.geometry.errors import GeometryError

_BOTTOM = (bd.Align.CENTER, bd.Align.CENTER, bd.Align.MIN)


def _box(f) -> bd.Part:
    return bd.Box(f["length"], f["width"], f["height"], align=_BOTTOM)


def _cylinder(f) -> bd.Part:
    return bd.Cylinder(f["diameter"] / 2, f["height"], align=_BOTTOM)


def _tube(f) -> bd.Part:
    outer, inner = f["outer_diameter"], f["inner_diameter"]
    if inner >= outer:
        raise GeometryError(
            "geometry_impossible", f"{f['name']}: inner diameter must be below outer"
        )
    return _cylinder({"diameter": outer, "height": f["height"]}) - bd.Cylinder(
        inner / 2, f["height"], align=_BOTTOM
    )


BODIES = {"box": _box, "cylinder": _cylinder, "tube": _tube}


def _cut_holes(part: bd.Part, f) -> bd.Part:
    box = part.bounding_box()
    depth = box.size.Z + 2
    for x, y in f["positions"]:
        tool = bd.Pos(x, y, box.min.Z - 1) * bd.Cylinder(f["diameter"] / 2, depth, align=_BOTTOM)
        before = part.volume
        part = part - tool
        if part.volume >= before - 1e-9:
            raise GeometryError(
                "hole_outside_body", f"{f['name']}: the hole at ({x:g}, {y:g}) misses the part"
            )
    return part


def build_part(spec: dict) -> bd.Part:
    part = None
    for feature in spec["geometry"]["features"]:
        kind = feature["feature_type"]
        if kind in BODIES:
            body = BODIES[kind](feature)
            part = body if part is None else part + body
        elif kind == "hole":
            part = _cut_holes(part, feature)
    _check_valid(part)
    return part


def _check_valid(part) -> None:
    if part is None or not part.is_valid or part.volume <= 0:
        raise GeometryError("geometry_invalid", "the features do not make a valid solid")
