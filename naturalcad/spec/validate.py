"""Validation beyond the JSON Schema: references, finite numbers and size limits."""

import math

from naturalcad.spec import schema


class SpecError(Exception):
    """A spec the engine refuses; `path` is the JSON path of the offending value."""

    def __init__(self, code: str, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.code = code
        self.path = path
        self.message = message


def _json_path(parts) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def validate_spec(spec) -> dict:
    """Return the spec with every size resolved to millimetres, or raise SpecError."""
    _check_finite(spec, ["$"])
    error = next(iter(sorted(schema.VALIDATOR.iter_errors(spec), key=lambda e: list(e.path))), None)
    if error is not None:
        raise SpecError("spec_invalid", _json_path(error.absolute_path), error.message)
    return _resolve(spec)


def _check_finite(value, path) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise SpecError("spec_invalid", "".join(path), "numbers must be finite")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, [*path, f".{key}"])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, [*path, f"[{index}]"])


def _resolve(spec: dict) -> dict:
    scale = schema.UNIT_TO_MM[spec["units"]]
    dimensions = spec.get("dimensions", {})
    seen: set[str] = set()
    features = []
    for index, feature in enumerate(spec["geometry"]["features"]):
        path = f"$.geometry.features[{index}]"
        if feature["name"] in seen:
            raise SpecError("duplicate_name", f"{path}.name", f"'{feature['name']}' is used twice")
        features.append(_resolve_feature(feature, dimensions, scale, seen, path))
        seen.add(feature["name"])
    if not any(f["feature_type"] in schema.BODY_TYPES for f in features):
        raise SpecError(
            "no_body", "$.geometry.features", "the part needs at least one body feature"
        )
    return {**spec, "units": "mm", "geometry": {**spec["geometry"], "features": features}}


def _resolve_feature(feature, dimensions, scale, seen, path) -> dict:
    resolved = {}
    for key, value in feature.items():
        if key in ("name", "feature_type"):
            resolved[key] = value
        elif key == "target":
            if value not in seen:
                raise SpecError(
                    "dangling_reference", f"{path}.target", f"no earlier feature '{value}'"
                )
            resolved[key] = value
        elif key == "positions":
            resolved[key] = [[x * scale, y * scale] for x, y in value]
        else:
            resolved[key] = _size(value, dimensions, scale, f"{path}.{key}")
    return resolved


def _size(value, dimensions, scale, path) -> float:
    if isinstance(value, str):
        if value not in dimensions:
            raise SpecError("dangling_reference", path, f"no dimension named '{value}'")
        value = dimensions[value]
    size = float(value) * scale
    if not schema.MIN_SIZE_MM <= size <= schema.MAX_SIZE_MM:
        raise SpecError(
            "size_out_of_range",
            path,
            f"{size:g} mm is outside [{schema.MIN_SIZE_MM}, {schema.MAX_SIZE_MM:g}] mm",
        )
    return size
