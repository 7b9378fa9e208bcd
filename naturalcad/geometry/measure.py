"""What a built shape measures, read from its B-rep and never from the spec that made it.

The interpreter evaluation compares these figures with references computed elsewhere, so
that a spec which validates and builds but describes the wrong part is caught: the sorted
bounding box, the volume (area for a flat outline, length for a path), the holes (full
concave cylinders, or circles cut out of an outline) and the faces that fillets, rounded
corners, chamfers and countersinks leave behind.
"""

import math
from collections import defaultdict
from typing import Any

import build123d as bd
from OCP.BRepAdaptor import BRepAdaptor_Surface
from OCP.BRepIntCurveSurface import BRepIntCurveSurface_Inter
from OCP.BRepTools import BRepTools
from OCP.gp import gp_Dir, gp_Lin, gp_Pnt

from naturalcad.spec.vocabulary import FLAT_OUTPUTS

# Two faces belong to one hole when their axes and radii agree to this many decimals (mm).
_DECIMALS = 3
# A face is a full hole when its angular spans add up to a full turn, give or take this.
_FULL_TURN = 2 * math.pi - 1e-3


def measure(shape: Any, output_type: str) -> dict[str, Any]:
    box = shape.bounding_box()
    figures: dict[str, Any] = {
        "output_type": output_type,
        "bbox": sorted(round(v, 4) for v in (box.size.X, box.size.Y, box.size.Z)),
    }
    if output_type in FLAT_OUTPUTS:
        figures.update(_flat(shape))
    else:
        figures.update(_solid(shape))
    return figures


def _solid(shape: Any) -> dict[str, Any]:
    kinds: dict[str, int] = defaultdict(int)
    for face in shape.faces():
        kinds[face.geom_type.name.lower()] += 1
    return {
        "volume": round(shape.volume, 3),
        "solids": len(shape.solids()),
        **_cylinders(shape),
        "faces": dict(kinds),
    }


def _cylinders(shape: Any) -> dict[str, Any]:
    """Cylindrical faces grouped by axis, radius and side: a full concave one is a hole, a
    partial concave one a slot end or pocket corner, a partial convex one a fillet or a
    rounded corner, a full convex one the outside of a round body."""
    groups: dict[tuple[Any, ...], list[tuple[float, bd.Vector, bd.Vector]]] = defaultdict(list)
    for face in shape.faces():
        if face.geom_type != bd.GeomType.CYLINDER:
            continue
        surface = BRepAdaptor_Surface(face.wrapped).Cylinder()
        axis, radius = surface.Axis(), surface.Radius()
        umin, umax, _, _ = BRepTools.UVBounds_s(face.wrapped)
        point = face.position_at(0.5, 0.5)
        origin = bd.Vector(axis.Location())
        direction = bd.Vector(axis.Direction()).normalized()
        radial = (point - origin) - direction * (point - origin).dot(direction)
        concave = face.normal_at(point).dot(radial) < 0
        key = (concave, *_axis_key(origin, direction, radius))
        groups[key].append((umax - umin, origin, direction))
    found: dict[str, list[Any]] = {
        "holes": [],
        "concave_arcs": [],
        "rounds": [],
        "round_bodies": [],
    }
    for (concave, *_, radius), parts in groups.items():
        full = sum(span for span, _, _ in parts) >= _FULL_TURN
        if concave and full:
            _, origin, direction = parts[0]
            hole = {
                "diameter": round(2 * radius, _DECIMALS),
                "through": _through(shape, origin, direction),
                **_placement(shape.bounding_box(), origin, direction),
            }
            found["holes"].append(hole)
        elif full:
            found["round_bodies"].append(round(2 * radius, _DECIMALS))
        else:
            found["concave_arcs" if concave else "rounds"].extend(radius for _ in parts)
    found["holes"].sort(key=lambda hole: (hole["diameter"], hole["through"]))
    for name in ("concave_arcs", "rounds", "round_bodies"):
        found[name] = sorted(round(r, _DECIMALS) for r in found[name])
    return found


def _axis_key(origin: bd.Vector, direction: bd.Vector, radius: float) -> tuple[float, ...]:
    # One line has many origins: key it by its point nearest the world origin, and by a
    # direction whose sign is fixed.
    if max(_xyz(direction), key=abs) < 0:
        direction = -direction
    foot = origin - direction * origin.dot(direction)
    values = (*_xyz(direction), *_xyz(foot), radius)
    return tuple(round(v, _DECIMALS) + 0.0 for v in values)


def _xyz(vector: bd.Vector) -> tuple[float, float, float]:
    return (vector.X, vector.Y, vector.Z)


def _placement(box: Any, origin: bd.Vector, direction: bd.Vector) -> dict[str, Any]:
    """Where a hole square to the part's bounding box sits: its distance to the nearest side
    across each of the two other axes ("8 mm in from each edge"), and to the box's centre
    line (half a bolt circle). Nothing for a hole at a slant."""
    along = max(range(3), key=lambda i: abs(_xyz(direction)[i]))
    if abs(_xyz(direction)[along]) < 1 - 1e-6:
        return {}
    low, high, centre = _xyz(box.min), _xyz(box.max), _xyz(box.center())
    across = [i for i in range(3) if i != along]
    at = _xyz(origin)
    edges = sorted(min(at[i] - low[i], high[i] - at[i]) for i in across)
    from_centre = math.hypot(*(at[i] - centre[i] for i in across))
    return {
        "edge": [round(e, _DECIMALS) for e in edges],
        "from_centre": round(from_centre, _DECIMALS),
    }


def _through(shape: Any, origin: bd.Vector, direction: bd.Vector) -> bool:
    """A hole is through when the line along its axis meets no face of the part."""
    line = gp_Lin(gp_Pnt(*_xyz(origin)), gp_Dir(*_xyz(direction)))
    crossing = BRepIntCurveSurface_Inter()
    crossing.Init(shape.wrapped, line, 1e-6)
    return not crossing.More()


def _circle_of(wire: Any) -> Any:
    """The wire's first edge when the wire is one circle (the kernel may split a circle into
    arcs of the same centre and radius), else None."""
    edges = wire.edges()
    if not all(edge.geom_type == bd.GeomType.CIRCLE for edge in edges):
        return None
    first = edges[0]
    same = all(
        abs(edge.radius - first.radius) < 1e-6
        and (edge.arc_center - first.arc_center).length < 1e-6
        for edge in edges
    )
    return first if same else None


def _flat(shape: Any) -> dict[str, Any]:
    faces = shape.faces()
    holes, cutouts, arcs = [], 0, []
    for face in faces:
        for wire in face.inner_wires():
            circle = _circle_of(wire)
            if circle is None:
                cutouts += 1
                continue
            holes.append(
                {
                    "diameter": round(2 * circle.radius, _DECIMALS),
                    "through": True,
                    **_placement(shape.bounding_box(), circle.arc_center, bd.Vector(0, 0, 1)),
                }
            )
        for edge in face.outer_wire().edges():
            if edge.geom_type == bd.GeomType.CIRCLE and not edge.is_closed:
                arcs.append(round(edge.radius, _DECIMALS))
    loose = [w for w in shape.wires() if not faces]
    return {
        "area": round(sum(f.area for f in faces), 3),
        "length": round(sum(e.length for e in shape.edges()), 3) if loose else 0.0,
        "holes": sorted(holes, key=lambda h: h["diameter"]),
        "cutouts": cutouts,
        "rounds": sorted(arcs),
    }
