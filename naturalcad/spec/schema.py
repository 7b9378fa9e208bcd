"""The compositional spec (v1.2) as a JSON Schema, generated from the feature vocabulary.

Every spec from every interpreter is validated against it before anything is built; the
schema is served at GET /spec/schema so that a model can be asked for exactly this shape.
"""

from typing import Any

import jsonschema

from naturalcad.spec.expressions import EXPRESSION_PATTERN
from naturalcad.spec.vocabulary import (
    FEATURES,
    MAX_PATTERN,
    MAX_POINTS,
    SPEC_KEYS,
    Attr,
    OutputType,
)

Schema = dict[str, Any]

SPEC_VERSION = "1.2"
# Versions read: 1.2 only adds to 1.1, so a 1.1 spec validates and builds as it did.
SPEC_VERSIONS = ("1.1", SPEC_VERSION)
MAX_FEATURES = 64
MAX_REASON = 300  # characters of a `cannot_build` reason: a sentence or two
UNIT_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]{0,63}$"}
# A number, or the name of a `dimensions` entry or arithmetic of names (`expressions.py`;
# `pattern` applies to strings only).
_NUMBER_OR_DIMENSION = {"type": ["number", "string"], "pattern": EXPRESSION_PATTERN}
_COUNT_OR_DIMENSION = {"type": ["integer", "string"], "pattern": EXPRESSION_PATTERN}
_TEXT = {"type": "string", "maxLength": 200}
_TEXTS = {"type": "array", "items": _TEXT, "maxItems": 32}
_UNIT_INTERVAL = {"type": "number", "minimum": 0, "maximum": 1}


def _points(size: int, least: int) -> Schema:
    point = {"type": "array", "items": _NUMBER_OR_DIMENSION, "minItems": size, "maxItems": size}
    return {"type": "array", "items": point, "minItems": least, "maxItems": MAX_POINTS}


# Lengths are range-checked in millimetres by `validate.py`, after units are applied.
_KINDS: dict[str, Schema] = {
    "size": _NUMBER_OR_DIMENSION,
    "size0": _NUMBER_OR_DIMENSION,
    "length": _NUMBER_OR_DIMENSION,
    "angle": {"type": "number", "minimum": -360, "maximum": 360},
    "turn": {"type": "number", "exclusiveMinimum": 0, "maximum": 360},
    "count": {**_COUNT_OR_DIMENSION, "minimum": 1, "maximum": MAX_PATTERN},
    "sides": {**_COUNT_OR_DIMENSION, "minimum": 3, "maximum": MAX_PATTERN},
    "point3": _points(3, 1)["items"],
    "angles3": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3},
    "points2": _points(2, 1),
    "polygon": _points(2, 3),
    "outline": {**_points(2, 3), "items": {**_points(2, 3)["items"], "maxItems": 3}},
    "arcs": _points(3, 1),
    "points3": _points(3, 2),
    "ref": NAME,
}


def _attribute_schema(attr: Attr) -> Schema:
    shape = {"enum": list(attr.choices)} if attr.kind == "enum" else _KINDS[attr.kind]
    return {**shape, "description": attr.doc}


def feature_schema(feature_type: str) -> Schema:
    """The branch of one feature type: it names its `feature_type` and nothing but its own."""
    feature = FEATURES[feature_type]
    attrs = feature.attrs
    return {
        "title": feature_type,
        "description": feature.doc,
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "feature_type", *(k for k, a in attrs.items() if a.required)],
        "properties": {
            "name": {**NAME, "description": "unique; later features refer to it"},
            "feature_type": {"const": feature_type},
            **{key: _attribute_schema(attr) for key, attr in attrs.items()},
        },
    }


def _described(key: str, schema: Schema) -> Schema:
    return {**schema, "description": SPEC_KEYS[key]}


SPEC_SCHEMA: Schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://naturalcad.app/spec/schema",
    "title": "NaturalCAD compositional spec",
    "type": "object",
    "additionalProperties": False,
    "required": ["spec_version", "mode", "output_type", "units", "geometry"],
    "properties": {
        "spec_version": _described("spec_version", {"enum": list(SPEC_VERSIONS)}),
        "intent": _described("intent", {"type": "string", "maxLength": 500}),
        "mode": _described("mode", {"enum": ["part", "assembly", "sketch"]}),
        "output_type": _described("output_type", {"enum": [str(t) for t in OutputType]}),
        "units": _described("units", {"enum": list(UNIT_TO_MM)}),
        "semantic_part": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "category": _TEXT,
                "function": _TEXT,
                "topology": _TEXTS,
                "symmetry": _TEXT,
            },
        },
        "family_hint": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": _TEXT,
                "generation_mode": {"enum": ["reuse", "extend", "new"]},
                "parent_family": {"type": ["string", "null"], "maxLength": 200},
                "confidence": _UNIT_INTERVAL,
                "novelty_score": _UNIT_INTERVAL,
            },
        },
        "geometry": {
            "description": SPEC_KEYS["geometry"],
            "type": "object",
            "additionalProperties": False,
            "required": ["features"],
            "properties": {
                "primitive_strategy": _TEXTS,
                "features": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_FEATURES,
                    # One branch per feature type, told apart by its `feature_type` constant.
                    "items": {"oneOf": [feature_schema(t) for t in FEATURES]},
                },
            },
        },
        "dimensions": {
            "description": SPEC_KEYS["dimensions"],
            "type": "object",
            "propertyNames": NAME,
            "additionalProperties": {"type": "number"},
            "maxProperties": 64,
        },
        "constraints": {
            "type": "array",
            "maxItems": 32,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind"],
                "properties": {
                    "kind": _TEXT,
                    "target": _TEXT,
                    "value": {"type": ["number", "string", "boolean", "null"]},
                },
            },
        },
        "style": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"keywords": _TEXTS, "symmetry": _TEXT, "manufacturing_bias": _TEXT},
        },
        "dedupe": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "canonical_signature": {"type": ["string", "null"], "maxLength": 64},
                "similar_to_job_id": {"type": ["string", "null"], "maxLength": 64},
                "is_likely_duplicate": {"type": "boolean"},
            },
        },
        "notes": _described(
            "notes",
            {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": 32},
        ),
        "cannot_build": _described("cannot_build", {"type": "string", "maxLength": MAX_REASON}),
    },
}

VALIDATOR = jsonschema.Draft202012Validator(SPEC_SCHEMA)
