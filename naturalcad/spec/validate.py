"""Validation beyond the JSON Schema: references, finite numbers, units and size limits.

`validate_spec` returns the spec resolved for the engine: every length in millimetres,
every `dimensions` reference replaced by its value, every reference checked.
"""

import math
from typing import Any

from naturalcad.errors import CodedError
from naturalcad.spec import schema
from naturalcad.spec.explain import decisive_error
from naturalcad.spec.expressions import ExpressionError, UnknownName, evaluate
from naturalcad.spec.vocabulary import (
    FEATURES,
    KINDS,
    LENGTH_KINDS,
    MAX_INSTANCES,
    MAX_PATTERN,
    MAX_SIZE_MM,
    MIN_SIZE_MM,
    OUTPUT_NEEDS,
)

# Attributes that become required by the value of another, or by the presence of another:
# (feature type, shape or path, or "with <attribute>") -> needed.
Spec = dict[str, Any]
_NEEDS: dict[tuple[str, str | None], list[tuple[str, ...]]] = {
    ("tube", None): [("inner_diameter", "wall")],
    ("sweep", "line"): [("path_length",)],
    ("sweep", "arc"): [("path_radius",)],
    ("profile", "rect"): [("length",), ("width",)],
    ("profile", "circle"): [("diameter",)],
    ("profile", "polygon"): [("sides",), ("diameter",)],
    ("profile", "points"): [("points",)],
    ("profile", "with holes"): [("hole_diameter",)],
    **{(t, "rect"): [("length",), ("width",)] for t in ("pocket", "boss", "cutout")},
    **{(t, "circle"): [("diameter",)] for t in ("pocket", "boss", "cutout")},
}
# The least value of each kind of length, in mm: sizes are positive, a size0 may be 0 (a
# pointed cone or loft), a signed length may be negative.
_LEAST = {"size": MIN_SIZE_MM, "size0": 0.0, "length": -MAX_SIZE_MM}
# Whole-number kinds, which may be named too (`hole_count`), with their least value.
COUNT_KINDS = {"count": 1, "sides": 3}


def validate_spec(spec: Any) -> Spec:
    """Return the spec resolved to millimetres, or raise a CodedError whose `path` is the
    JSON path of the offending value."""
    _check_finite(spec, "$")
    reason = spec.get("cannot_build") if isinstance(spec, dict) else None
    if isinstance(reason, str) and reason.strip():  # the reader's "I cannot make this"
        raise CodedError("cannot_build", reason.strip()[: schema.MAX_REASON], "$.cannot_build")
    errors = list(schema.VALIDATOR.iter_errors(spec))
    if errors:
        path, message = decisive_error(spec, errors)
        raise CodedError("spec_invalid", message, path)
    return _resolve(spec)


def _check_finite(value: Any, path: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise CodedError("spec_invalid", "numbers must be finite", path)
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, f"{path}[{index}]")


class _Resolver:
    def __init__(self, spec: Spec):
        self.scale = schema.UNIT_TO_MM[spec["units"]]
        self.dimensions = spec.get("dimensions", {})
        self.seen: set[str] = set()
        self.instances: dict[str, int] = {}

    def feature(self, feature: Spec, path: str) -> Spec:
        if feature["name"] in self.seen:
            raise CodedError("duplicate_name", f"'{feature['name']}' is used twice", f"{path}.name")
        _check_needs(feature, path)
        attrs = FEATURES[feature["feature_type"]].attrs
        resolved = {
            key: value
            if key in ("name", "feature_type")
            else self.value(attrs[key].kind, value, f"{path}.{key}")
            for key, value in feature.items()
        }
        self._count_instances(resolved, path)
        self.seen.add(feature["name"])
        return resolved

    def _count_instances(self, f: Spec, path: str) -> None:
        """Copies this feature makes; a pattern multiplies the copies of what it repeats."""
        kind = f["feature_type"]
        copies = len(f.get("positions") or [0]) if kind != "profile" else 1
        if kind in ("linear_pattern", "polar_pattern"):
            copies = f["count"] * self.instances[f["of"]]
        elif kind == "grid_pattern":
            copies = f["count_x"] * f["count_y"] * self.instances[f["of"]]
        if copies > MAX_INSTANCES:
            raise CodedError(
                "too_many_instances", f"{copies} copies; at most {MAX_INSTANCES} per feature", path
            )
        self.instances[f["name"]] = copies

    def value(self, kind: str, value: Any, path: str) -> Any:
        if kind in COUNT_KINDS:
            return self.count(kind, value, path)
        if kind in LENGTH_KINDS:
            return self.length(value, path, least=_LEAST[kind])
        if kind in ("point2", "point3"):
            return [self.length(v, f"{path}[{i}]", least=-MAX_SIZE_MM) for i, v in enumerate(value)]
        if kind in ("points2", "points3", "polygon"):
            return [self.value("point2", p, f"{path}[{i}]") for i, p in enumerate(value)]
        if kind == "outline":  # [x, y] or [x, y, corner radius]
            return [self._corner(p, f"{path}[{i}]") for i, p in enumerate(value)]
        if kind == "arcs":  # [side index, x, y]: the index is a count, not a length
            return [
                [
                    self._index(self.named(a[0], f"{path}[{i}][0]"), f"{path}[{i}][0]"),
                    *self.value("point2", a[1:], f"{path}[{i}]"),
                ]
                for i, a in enumerate(value)
            ]
        if kind == "ref" and value not in self.seen:
            raise CodedError("dangling_reference", f"no earlier feature named '{value}'", path)
        return value

    def _corner(self, point: list[Any], path: str) -> list[float]:
        corner: list[float] = self.value("point2", point[:2], path)
        if len(point) == 3:
            corner.append(self.length(point[2], f"{path}[2]", least=0.0))
        return corner

    @staticmethod
    def _index(value: float, path: str) -> int:
        if value != int(value) or value < 0:
            raise CodedError(
                "spec_invalid", f"{value:g} is not a side: give the index of its first corner", path
            )
        return int(value)

    def named(self, value: Any, path: str) -> float:
        """A number, or the value of a dimension name or of arithmetic over names."""
        if not isinstance(value, str):
            return float(value)
        try:
            return evaluate(value, self.dimensions)
        except ExpressionError as error:
            code = "dangling_reference" if isinstance(error, UnknownName) else "spec_invalid"
            raise CodedError(code, str(error), path) from None

    def count(self, kind: str, value: Any, path: str) -> int:
        """A count written as a number or a name stays a whole number in range."""
        least = COUNT_KINDS[kind]
        try:
            number = self.named(value, path)
        except CodedError as error:  # "six" is no dimension: say what a count is
            raise CodedError(
                "spec_invalid", f"{KINDS[kind]}, or a dimension name; {error.message}", path
            ) from None
        if number != int(number) or not least <= number <= MAX_PATTERN:
            raise CodedError(
                "spec_invalid", f"{number:g} is not a whole number {least} to {MAX_PATTERN}", path
            )
        return int(number)

    def length(self, value: Any, path: str, least: float) -> float:
        mm = self.named(value, path) * self.scale
        if not least <= mm <= MAX_SIZE_MM:
            raise CodedError(
                "size_out_of_range", f"{mm:g} mm is outside [{least:g}, {MAX_SIZE_MM:g}] mm", path
            )
        return mm


def _check_needs(feature: Spec, path: str) -> None:
    kind, shape = feature["feature_type"], feature.get("shape") or feature.get("path")
    conditions = [None, shape, *(f"with {key}" for key in feature)]
    for options in [need for c in conditions for need in _NEEDS.get((kind, c), [])]:
        if not any(option in feature for option in options):
            raise CodedError(
                "spec_invalid",
                f"'{options[0]}' is required here"
                if len(options) == 1
                else f"one of {', '.join(options)} is required here",
                f"{path}.{options[0]}",
            )


def _resolve(spec: Spec) -> Spec:
    resolver = _Resolver(spec)
    features = [
        resolver.feature(feature, f"$.geometry.features[{index}]")
        for index, feature in enumerate(spec["geometry"]["features"])
    ]
    kinds, wanted = OUTPUT_NEEDS[spec["output_type"]]
    if not any(f["feature_type"] in kinds for f in features):
        raise CodedError(
            "nothing_to_build",
            f"a {spec['output_type']} part needs {wanted}",
            "$.geometry.features",
        )
    return {**spec, "units": "mm", "geometry": {**spec["geometry"], "features": features}}
