"""The feature vocabulary: every feature type the engine executes, and its typed attributes.

One table drives the JSON Schema (`schema.py`), the unit resolution and range checks
(`validate.py`) and, by feature type, the build123d calls (`geometry/build.py`).
"""

from dataclasses import dataclass

MAX_SIZE_MM = 10_000.0
MIN_SIZE_MM = 0.01
MAX_PATTERN = 400  # the count of one pattern axis
MAX_POINTS = 200  # points of one polygon, path or list of positions
MAX_INSTANCES = 1000  # copies one feature may make, patterns of patterns multiplied


@dataclass(frozen=True)
class Attr:
    kind: str  # size length angle count point2 point3 points2 points3 ref enum
    required: bool = True
    choices: tuple[str, ...] = ()


def size(required=True):  # a positive length in the spec's units, or a `dimensions` key
    return Attr("size", required)


def length(required=True):  # a signed length (an offset), or a `dimensions` key
    return Attr("length", required)


def enum(*choices, required=False):
    return Attr("enum", required, choices)


PLACEMENT = {
    "at": Attr("point3", False),  # where the feature's origin goes
    "rotate": Attr("point3", False),  # degrees about X, Y, Z, applied in that order
    "op": enum("union", "subtract", "intersect", "keep"),  # bodies: union unless said
}
ON_FACE = {
    "positions": Attr("points2", False),  # XY centres on the target's top face; default (0, 0)
    "target": Attr("ref", False),
    "face": enum("top", "bottom"),
}
SHAPE_2D = enum("rect", "circle", "polygon", "points", required=True)

FEATURES: dict[str, dict[str, Attr]] = {
    # bodies: they stand on the XY plane, centred on Z, unless placed
    "box": {"length": size(), "width": size(), "height": size(), **PLACEMENT},
    "cylinder": {"diameter": size(), "height": size(), **PLACEMENT},
    "tube": {
        "outer_diameter": size(),
        "inner_diameter": size(False),
        "wall": size(False),
        "height": size(),
        **PLACEMENT,
    },
    "sphere": {"diameter": size(), **PLACEMENT},
    "cone": {
        "bottom_diameter": size(),
        "top_diameter": Attr("length"),
        "height": size(),
        **PLACEMENT,
    },
    "polygon_prism": {
        "sides": Attr("count"),
        "across_flats": size(),
        "height": size(),
        **PLACEMENT,
    },
    "points_prism": {"points": Attr("points2"), "height": size(), **PLACEMENT},
    "profile_extrude": {
        "profile": enum("L", "T", "U", "angle", required=True),
        "width": size(),
        "height": size(),
        "thickness": size(),
        "length": size(),
        **PLACEMENT,
    },
    "loft": {
        "bottom": SHAPE_2D,
        "bottom_size": size(),
        "top": SHAPE_2D,
        "top_size": size(),
        "height": size(),
        **PLACEMENT,
    },
    "revolve": {"profile": Attr("points2"), "angle": Attr("angle", False), **PLACEMENT},
    "sweep": {
        "section": enum("circle", "rect", required=True),
        "section_size": size(),
        "path": enum("line", "arc", required=True),
        "path_length": size(False),
        "path_radius": size(False),
        "path_angle": Attr("angle", False),
        **PLACEMENT,
    },
    # features on a face of an earlier body
    "hole": {
        "diameter": size(),
        "depth": size(False),
        "counterbore_diameter": size(False),
        "counterbore_depth": size(False),
        "countersink_diameter": size(False),
        **ON_FACE,
    },
    "pocket": {
        "shape": enum("rect", "circle", required=True),
        "length": size(False),
        "width": size(False),
        "diameter": size(False),
        "depth": size(),
        **ON_FACE,
    },
    "boss": {
        "shape": enum("rect", "circle", required=True),
        "length": size(False),
        "width": size(False),
        "diameter": size(False),
        "height": size(),
        **ON_FACE,
    },
    "slot": {
        "length": size(),
        "width": size(),
        "depth": size(False),
        "angle": Attr("angle", False),
        **ON_FACE,
    },
    "cutout": {
        "shape": enum("rect", "circle", required=True),
        "length": size(False),
        "width": size(False),
        "diameter": size(False),
        **ON_FACE,
    },
    # patterns repeat an earlier feature with its own operation
    "linear_pattern": {"of": Attr("ref"), "count": Attr("count"), "spacing": Attr("point3")},
    "grid_pattern": {
        "of": Attr("ref"),
        "count_x": Attr("count"),
        "count_y": Attr("count"),
        "spacing_x": size(),
        "spacing_y": size(),
    },
    "polar_pattern": {"of": Attr("ref"), "count": Attr("count"), "angle": Attr("angle", False)},
    "mirror": {"of": Attr("ref", False), "plane": enum("XZ", "YZ", "XY", required=True)},
    # edge treatments and shells act on the part so far
    "fillet": {"radius": size(), "edges": enum("all", "vertical", "top", "bottom", "outer")},
    "chamfer": {"length": size(), "edges": enum("all", "vertical", "top", "bottom", "outer")},
    "shell": {"thickness": size(), "open": enum("top", "bottom", "none")},
    "boolean": {
        "operation": enum("union", "subtract", "intersect", required=True),
        "a": Attr("ref"),
        "b": Attr("ref"),
    },
    # flat outputs: a closed profile (2d_vector) or an open path (1d_path)
    "profile": {
        "shape": SHAPE_2D,
        "length": size(False),
        "width": size(False),
        "diameter": size(False),
        "sides": Attr("count", False),
        "points": Attr("points2", False),
        "holes": Attr("points2", False),
        "hole_diameter": size(False),
    },
    "path": {"points": Attr("points3")},
    # concept-grade compositions
    "truss": {
        "span": size(),
        "height": size(),
        "panels": Attr("count"),
        "member": size(),
        **PLACEMENT,
    },
    "notched_tower": {
        "width": size(),
        "depth": size(),
        "height": size(),
        "notches": Attr("count"),
        "notch_depth": size(),
        **PLACEMENT,
    },
    "canopy": {"span": size(), "rise": size(), "depth": size(), "thickness": size(), **PLACEMENT},
}
BODIES = frozenset(
    {
        "box",
        "cylinder",
        "tube",
        "sphere",
        "cone",
        "polygon_prism",
        "points_prism",
        "profile_extrude",
        "loft",
        "revolve",
        "sweep",
        "truss",
        "notched_tower",
        "canopy",
    }
)
FLAT = frozenset({"profile", "path"})
