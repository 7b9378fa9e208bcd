"""The feature vocabulary: every feature type the engine executes, its typed attributes and
what each one means.

One table drives the JSON Schema and its descriptions (`schema.py`), the unit resolution and
range checks (`validate.py`), the repair messages (`explain.py`), the model's guide
(`interpret/guide.py`) and, by feature type, the build123d calls (`geometry/build.py`).
Placement facts written here are what `geometry/build.py` does; change both together.
"""

from dataclasses import dataclass, field
from enum import StrEnum

MAX_SIZE_MM = 10_000.0
MIN_SIZE_MM = 0.01
MAX_PATTERN = 400  # the count of one pattern axis
MAX_POINTS = 200  # points of one polygon, path or list of positions
MAX_INSTANCES = 1000  # copies one feature may make, patterns of patterns multiplied

# What a value of each kind may be; the guide and the repair messages quote these.
KINDS: dict[str, str] = {
    "size": "a length > 0",
    "size0": "a length >= 0 (0 = a point)",
    "length": "a signed length",
    "angle": "degrees, -360 to 360",
    "turn": "degrees, more than 0 up to 360",
    "count": f"an integer 1 to {MAX_PATTERN}",
    "sides": f"an integer 3 to {MAX_PATTERN}",
    "point3": "[x, y, z]",
    "angles3": "[x, y, z] in degrees",
    "points2": f"a list of 1 to {MAX_POINTS} [x, y] points",
    "polygon": f"a list of 3 to {MAX_POINTS} [x, y] points",
    "outline": f"a list of 3 to {MAX_POINTS} corners [x, y], or [x, y, r] to round that corner "
    "to radius r",
    "arcs": "a list of [i, x, y]: the side from corner i (0 = the first) to the next bends "
    "through [x, y]",
    "points3": f"a list of 2 to {MAX_POINTS} [x, y, z] points",
    "ref": "the name of an earlier feature",
    "enum": "one of the listed words",
}
# Kinds whose numbers are lengths in the spec's units (a `dimensions` name is accepted too).
LENGTH_KINDS = frozenset({"size", "size0", "length"})


@dataclass(frozen=True)
class Attr:
    kind: str
    doc: str  # what the value means, in a few words: the schema description and the guide line
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feature:
    group: str  # one of GROUPS
    doc: str
    attrs: dict[str, Attr] = field(default_factory=dict)


def size(doc: str, required: bool = True) -> Attr:  # a positive length, or a `dimensions` key
    return Attr("size", doc, required)


def enum(doc: str, *choices: str, required: bool = False) -> Attr:
    return Attr("enum", doc, required, choices)


PLACEMENT = {
    "at": Attr("point3", "moves the body's origin to this point", False),
    "rotate": Attr("angles3", "degrees about X, then Y, then Z, applied before `at`", False),
    "op": enum(
        "union adds to the part (default); subtract cuts it away; intersect keeps the overlap; "
        "keep builds it only for a later boolean or pattern",
        "union",
        "subtract",
        "intersect",
        "keep",
    ),
}
# The faces a feature can name: the part's (or a body's) extreme face on each side.
FACES = ("top", "bottom", "+X", "-X", "+Y", "-Y")
ON_FACE = {
    "positions": Attr(
        "points2",
        "centres on the face; default [[0, 0]]. top, bottom: [x, y] as seen from above; a side "
        "(+X, -X, +Y, -Y): [u, v] from the side's centre, u to the right seen from outside, "
        "v up",
        False,
    ),
    "target": Attr("ref", "the body whose face it is on; default the part so far", False),
    "face": enum("the face it is on, cutting inwards; default top", *FACES),
}
EDGES = enum(
    "default all; vertical: parallel to Z; top, bottom: at the highest, lowest z; "
    "outer: the top and bottom outlines",
    "all",
    "vertical",
    "top",
    "bottom",
    "outer",
)
# Narrow the edges of a fillet or chamfer: every selector given must hold. Another selection
# with another size is another fillet or chamfer feature.
EDGE_SELECTORS = {
    "of": Attr(
        "ref", "only edges made by this named feature (a hole's rims, a slot's edges)", False
    ),
    "face": enum("only edges of this face of the part", *FACES),
    "at_z": Attr("length", "only edges lying at this height", False),
    "axis": enum("only straight edges along this axis", "X", "Y", "Z"),
    "loop": enum(
        "outer: only the outlines of the faces; inner: only the rims of openings in them",
        "outer",
        "inner",
    ),
}
CORNER_RADIUS = Attr("size", "rect: rounds its 4 corners", False)


_COUNT = Attr("count", "copies, the original included")


def _shape(doc: str, *choices: str) -> Attr:
    return enum(doc, *choices, required=True)


def _rect_or_circle(verb: str, depth: dict[str, Attr]) -> dict[str, Attr]:
    return {
        "shape": _shape(verb, "rect", "circle"),
        "length": size("rect: along X", False),
        "width": size("rect: along Y", False),
        "corner_radius": CORNER_RADIUS,
        "diameter": size("circle: diameter", False),
        **depth,
        **ON_FACE,
    }


# The spec's top-level keys that the guide and the schema describe.
SPEC_KEYS = {
    "spec_version": "1.2 (1.1 specs are read the same)",
    "intent": "one line saying what the part is",
    "mode": "part = one solid; assembly = separate solids allowed; sketch = a flat output",
    "output_type": "3d_solid = a solid; surface = a thin body such as a canopy; "
    "2d_vector = a profile; 1d_path = a path",
    "units": "the unit of every length in the spec",
    "geometry": "the features, applied in order",
    "dimensions": "named lengths {name: number}; any length may be given as such a name",
    "notes": "every value you assumed, one short sentence each",
    "cannot_build": "only for a description these features cannot make: why; nothing is built",
}

GROUPS = {
    "body": "Bodies",
    "face": "Face features: on a face (default top) of `target` or of the part so far; cuts "
    "go into the material",
    "pattern": "Patterns: repeat the feature `of`, all its positions, with its operation",
    "part": "Whole-part operations",
    "flat": "Flat outputs, in the XY plane",
}

FEATURES: dict[str, Feature] = {
    "box": Feature(
        "body",
        "a rectangular block",
        {
            "length": size("along X"),
            "width": size("along Y"),
            "height": size("along Z"),
            "corner_radius": Attr("size", "rounds its 4 vertical edges", False),
            **PLACEMENT,
        },
    ),
    "cylinder": Feature(
        "body",
        "a round bar, rod or disc",
        {"diameter": size("diameter"), "height": size("along Z"), **PLACEMENT},
    ),
    "tube": Feature(
        "body",
        "a pipe, ring, washer or spacer",
        {
            "outer_diameter": size("outer diameter"),
            "inner_diameter": size("or give wall", False),
            "wall": size("or give inner_diameter", False),
            "height": size("along Z"),
            **PLACEMENT,
        },
    ),
    "sphere": Feature("body", "a ball", {"diameter": size("diameter"), **PLACEMENT}),
    "torus": Feature(
        "body",
        "a ring of round section (an O-ring) lying on z = 0",
        {
            "outer_diameter": size("overall, across the ring"),
            "tube_diameter": size("of the round section"),
            **PLACEMENT,
        },
    ),
    "wedge": Feature(
        "body",
        "a ramp: full length at the bottom, its top shorter, flush with the -X end",
        {
            "length": size("along X, at the bottom"),
            "width": size("along Y"),
            "height": size("along Z"),
            "top_length": Attr("size0", "along X, at the top; 0 = a sharp edge"),
            **PLACEMENT,
        },
    ),
    "cone": Feature(
        "body",
        "a cone or frustum",
        {
            "bottom_diameter": size("diameter at z = 0"),
            "top_diameter": Attr("size0", "diameter at the top; 0 = pointed"),
            "height": size("along Z"),
            **PLACEMENT,
        },
    ),
    "polygon_prism": Feature(
        "body",
        "a regular polygon prism: hex nut, hex bar",
        {
            "sides": Attr("sides", "number of sides"),
            "across_flats": size("distance across flats (twice the inradius)"),
            "height": size("along Z"),
            **PLACEMENT,
        },
    ),
    "points_prism": Feature(
        "body",
        "any outline extruded up",
        {
            "points": Attr("outline", "the outline's corners, used as given"),
            "arcs": Attr("arcs", "sides that are arcs", False),
            "offset": Attr("length", "grows (+) or shrinks (-) the outline by this much", False),
            "height": size("along Z"),
            **PLACEMENT,
        },
    ),
    "profile_extrude": Feature(
        "body",
        "a section in the XZ plane extruded along Y",
        {
            "profile": _shape(
                "L and angle: legs along the bottom and up the -X side; T: flange on top; "
                "U: open upwards",
                "L",
                "T",
                "U",
                "angle",
            ),
            "width": size("along X, centred"),
            "height": size("along Z"),
            "thickness": size("wall thickness"),
            "length": size("along Y, centred"),
            **PLACEMENT,
        },
    ),
    "loft": Feature(
        "body",
        "a blend from a bottom section at z = 0 to a top one at z = height",
        {
            "bottom": _shape("a square, circle or hexagon", "rect", "circle", "polygon"),
            "bottom_size": size("side, diameter, or hexagon across corners"),
            "top": _shape("as bottom", "rect", "circle", "polygon"),
            "top_size": Attr("size0", "as bottom_size; 0 = pointed"),
            "height": size("along Z"),
            **PLACEMENT,
        },
    ),
    "revolve": Feature(
        "body",
        "a turned part: a closed profile revolved about the Z axis, touching it or not",
        {
            "profile": Attr("outline", "corners [r, z] (or [r, z, corner radius]), r >= 0"),
            "arcs": Attr("arcs", "sides that are arcs, through [r, z]", False),
            "angle": Attr("turn", "default 360", False),
            **PLACEMENT,
        },
    ),
    "sweep": Feature(
        "body",
        "a section swept up Z along a line, or an arc in the XZ plane bending to +X",
        {
            "section": _shape("section", "circle", "rect"),
            "section_size": size("diameter or side"),
            "path": _shape("path", "line", "arc"),
            "path_length": size("line: length", False),
            "path_radius": size("arc: radius", False),
            "path_angle": Attr("turn", "arc: bend; default 90", False),
            **PLACEMENT,
        },
    ),
    "truss": Feature(
        "body",
        "a flat truss beam: span along X, height up Z",
        {
            "span": size("along X"),
            "height": size("along Z"),
            "panels": Attr("count", "panels between verticals"),
            "member": size("member thickness"),
            **PLACEMENT,
        },
    ),
    "notched_tower": Feature(
        "body",
        "a block notched alternately from its two X sides",
        {
            "width": size("along X"),
            "depth": size("along Y"),
            "height": size("along Z"),
            "notches": Attr("count", "number of notches"),
            "notch_depth": size("cut along X"),
            **PLACEMENT,
        },
    ),
    "canopy": Feature(
        "body",
        "an arched shell: arch in XZ, extruded along Y",
        {
            "span": size("along X"),
            "rise": size("along Z"),
            "depth": size("along Y, centred"),
            "thickness": size("shell thickness"),
            **PLACEMENT,
        },
    ),
    "hole": Feature(
        "face",
        "round holes",
        {
            "diameter": size("hole diameter"),
            "depth": size("blind depth; omit to go through", False),
            "counterbore_diameter": size("counterbore", False),
            "counterbore_depth": size("default half the diameter", False),
            "countersink_diameter": size("countersink, at the face", False),
            "countersink_angle": Attr(
                "turn", "the countersink's included angle; default 90", False
            ),
            **ON_FACE,
        },
    ),
    "pocket": Feature(
        "face",
        "a blind recess",
        _rect_or_circle("recess", {"depth": size("depth into the face")}),
    ),
    "boss": Feature(
        "face",
        "a raised pad or peg",
        _rect_or_circle("pad", {"height": size("height above the face")}),
    ),
    "slot": Feature(
        "face",
        "a slot, round-ended unless corner_radius is given",
        {
            "length": size("overall, ends included; along X unless turned"),
            "width": size("less than length"),
            "depth": size("blind depth; omit to go through", False),
            "angle": Attr("angle", "turn from the X axis", False),
            "corner_radius": size("square ends with corners this round; default round ends", False),
            **ON_FACE,
        },
    ),
    "cutout": Feature(
        "face",
        "a through opening",
        _rect_or_circle("opening", {}),
    ),
    "linear_pattern": Feature(
        "pattern",
        "copies in a row",
        {
            "of": Attr("ref", "the feature to repeat"),
            "count": _COUNT,
            "spacing": Attr("point3", "offset from one copy to the next"),
        },
    ),
    "grid_pattern": Feature(
        "pattern",
        "copies in a grid; the original is the corner with the lowest x and y",
        {
            "of": Attr("ref", "the feature to repeat"),
            "count_x": Attr("count", "columns"),
            "count_y": Attr("count", "rows"),
            "spacing_x": size("pitch along +X"),
            "spacing_y": size("pitch along +Y"),
        },
    ),
    "polar_pattern": Feature(
        "pattern",
        "copies around the Z axis through the origin",
        {
            "of": Attr("ref", "the feature to repeat"),
            "count": _COUNT,
            "angle": Attr("turn", "spread, in steps of angle / count; default 360", False),
        },
    ),
    "mirror": Feature(
        "pattern",
        "adds a mirror copy across a plane through the origin",
        {
            "of": Attr("ref", "omit to mirror the part so far", False),
            "plane": _shape("YZ flips x, XZ flips y, XY flips z", "XZ", "YZ", "XY"),
        },
    ),
    "fillet": Feature(
        "part",
        "rounds edges",
        {"radius": size("fillet radius"), "edges": EDGES, **EDGE_SELECTORS},
    ),
    "chamfer": Feature(
        "part",
        "bevels edges",
        {
            "length": size("chamfer size (along `face`, when given)"),
            "length2": size("the other side's size, for an unequal chamfer", False),
            "angle": Attr("turn", "or its angle from `face` (default top), below 90", False),
            "edges": EDGES,
            **EDGE_SELECTORS,
        },
    ),
    "shell": Feature(
        "part",
        "hollows the part: a tray, box or enclosure",
        {
            "thickness": size("wall thickness"),
            "open": enum("the open face; default top", "top", "bottom", "none"),
        },
    ),
    "boolean": Feature(
        "part",
        "combines two earlier bodies made with op keep; adds the result",
        {
            "operation": _shape("a with b", "union", "subtract", "intersect"),
            "a": Attr("ref", "the first body"),
            "b": Attr("ref", "the second body"),
        },
    ),
    "profile": Feature(
        "flat",
        "a closed outline for output_type 2d_vector; rect, circle and polygon are centred on "
        "the origin",
        {
            "shape": _shape("outline", "rect", "circle", "polygon", "points"),
            "length": size("rect: along X", False),
            "width": size("rect: along Y", False),
            "corner_radius": size("rect: rounds its 4 corners", False),
            "diameter": size("circle; polygon: across corners", False),
            "sides": Attr("sides", "polygon", False),
            "points": Attr("outline", "points: the corners", False),
            "arcs": Attr("arcs", "points: sides that are arcs", False),
            "offset": Attr("length", "grows (+) or shrinks (-) the outline", False),
            "holes": Attr("points2", "hole centres", False),
            "hole_diameter": size("needed with holes", False),
        },
    ),
    "path": Feature(
        "flat",
        "an open polyline for output_type 1d_path",
        {"points": Attr("points3", "in order")},
    ),
}
BODIES = frozenset(t for t, f in FEATURES.items() if f.group == "body")
FLAT = frozenset(t for t, f in FEATURES.items() if f.group == "flat")


class OutputType(StrEnum):
    """What a spec makes; the one list of output types."""

    SOLID = "3d_solid"
    SURFACE = "surface"  # a thin body, such as a canopy
    VECTOR = "2d_vector"  # a closed profile, drawn as DXF and SVG
    PATH = "1d_path"  # an open path, drawn as DXF and SVG


# The features an output type needs at least one of, and what a refusal calls them.
OUTPUT_NEEDS: dict[OutputType, tuple[frozenset[str], str]] = {
    OutputType.SOLID: (BODIES, "a body feature"),
    OutputType.SURFACE: (BODIES, "a body feature"),
    OutputType.VECTOR: (frozenset({"profile"}), "a profile feature"),
    OutputType.PATH: (frozenset({"path"}), "a path feature"),
}
# Outputs made of flat features: drawn, not built as solids.
FLAT_OUTPUTS = frozenset(t for t, (features, _) in OUTPUT_NEEDS.items() if features <= FLAT)
