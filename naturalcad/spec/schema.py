"""The compositional spec (v1.1): the only data that crosses from language to geometry.

This module owns the feature vocabulary. An interpreter writes a spec; `validate_spec`
decides whether the engine will accept it; nothing in a spec is ever executed.
"""

import jsonschema

SPEC_VERSION = "1.1"
MIN_SIZE_MM = 0.01
MAX_SIZE_MM = 10_000.0
MAX_FEATURES = 64
MAX_HOLES = 256
UNIT_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}

# A size is a number in the spec's units, or the name of an entry of `dimensions`.
_SIZE = {
    "oneOf": [{"type": "number"}, {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$"}]
}
_POINT = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


def _feature(feature_type: str, required: list[str], properties: dict) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "feature_type", *required],
        "properties": {
            "name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]{0,63}$"},
            "feature_type": {"const": feature_type},
            **properties,
        },
    }


FEATURE_SCHEMAS = {
    "box": _feature(
        "box", ["length", "width", "height"], {"length": _SIZE, "width": _SIZE, "height": _SIZE}
    ),
    "cylinder": _feature("cylinder", ["diameter", "height"], {"diameter": _SIZE, "height": _SIZE}),
    "tube": _feature(
        "tube",
        ["outer_diameter", "inner_diameter", "height"],
        {"outer_diameter": _SIZE, "inner_diameter": _SIZE, "height": _SIZE},
    ),
    "hole": _feature(
        "hole",
        ["diameter", "positions"],
        {
            "diameter": _SIZE,
            "positions": {"type": "array", "items": _POINT, "minItems": 1, "maxItems": MAX_HOLES},
            "target": {"type": "string"},
        },
    ),
}
BODY_TYPES = frozenset({"box", "cylinder", "tube"})

SPEC_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://naturalcad.app/spec/schema",
    "title": "NaturalCAD compositional spec",
    "type": "object",
    "additionalProperties": False,
    "required": ["spec_version", "mode", "output_type", "units", "geometry"],
    "properties": {
        "spec_version": {"const": SPEC_VERSION},
        "intent": {"type": "string", "maxLength": 500},
        "mode": {"enum": ["part", "assembly", "sketch"]},
        "output_type": {"enum": ["3d_solid", "surface", "2d_vector", "1d_path"]},
        "units": {"enum": list(UNIT_TO_MM)},
        "semantic_part": {"type": "object"},
        "family_hint": {"type": "object"},
        "dimensions": {
            "type": "object",
            "additionalProperties": {"type": "number"},
            "maxProperties": 64,
        },
        "geometry": {
            "type": "object",
            "additionalProperties": False,
            "required": ["features"],
            "properties": {
                "primitive_strategy": {"type": "array", "items": {"type": "string"}},
                "features": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_FEATURES,
                    "items": {
                        "type": "object",
                        "required": ["feature_type"],
                        "properties": {"feature_type": {"enum": sorted(FEATURE_SCHEMAS)}},
                        "allOf": [
                            {"if": {"properties": {"feature_type": {"const": t}}}, "then": s}
                            for t, s in FEATURE_SCHEMAS.items()
                        ],
                    },
                },
            },
        },
        "constraints": {"type": "array"},
        "style": {"type": "object"},
        "dedupe": {"type": "object"},
        "notes": {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": 32},
    },
}

VALIDATOR = jsonschema.Draft202012Validator(SPEC_SCHEMA)
