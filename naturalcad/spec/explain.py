"""The one schema error to fix first, said so that a model (or a person) can fix it.

jsonschema reports a feature that fails the features' `oneOf` as a failure of every branch at
once: a feature without `feature_type` gets dozens of contradictory messages. Here a feature is
judged by the type it declares: a missing or unknown `feature_type` is the whole message (with
the types to choose from); otherwise the errors of that type's branch, with its attributes.
"""

import json
from collections.abc import Sequence
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from naturalcad.spec.schema import feature_schema
from naturalcad.spec.vocabulary import FEATURES, KINDS, LENGTH_KINDS, Attr

MAX_MESSAGE = 400  # failed jobs store about 500 characters, path included
_BRANCHES = {t: jsonschema.Draft202012Validator(feature_schema(t)) for t in FEATURES}
_FEATURE_TYPES = ", ".join(FEATURES)
_NAME_RULE = "letters, digits, _ or -, starting with a letter or _"


def json_path(parts: Sequence[str | int]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def decisive_error(spec: Any, errors: Sequence[ValidationError]) -> tuple[str, str]:
    """(JSON path, message) of the error to fix first among the schema's `errors` of `spec`."""
    features = [e for e in errors if _feature_index(e) is not None]
    others = [e for e in errors if _feature_index(e) is None]
    if others:
        first = min(others, key=lambda e: len(e.absolute_path))
        path, message = json_path(list(first.absolute_path)), _plain(first)
    else:
        index = min(i for e in features if (i := _feature_index(e)) is not None)
        feature = spec["geometry"]["features"][index]
        path, message = feature_problem(feature, f"$.geometry.features[{index}]")
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more error{'s' if len(errors) > 2 else ''} after this)"
    return path, _cap(message)


def _feature_index(error: ValidationError) -> int | None:
    """The index of the feature whose `oneOf` failed, when that is what `error` says."""
    parts = list(error.absolute_path)
    if error.validator == "oneOf" and parts[:2] == ["geometry", "features"] and len(parts) == 3:
        return int(parts[2])
    return None


def feature_problem(feature: Any, path: str) -> tuple[str, str]:
    if not isinstance(feature, dict):
        return path, 'a feature is an object: {"name": ..., "feature_type": ..., attributes}'
    kind = feature.get("feature_type")
    if kind is None:
        hint = ' (not "type")' if "type" in feature else ""
        return (
            f"{path}.feature_type",
            f'every feature needs "feature_type"{hint}, one of: {_FEATURE_TYPES}',
        )
    if not isinstance(kind, str) or kind not in FEATURES:
        return (
            f"{path}.feature_type",
            f'{_short(kind)} is not a feature type; "feature_type" is one of: {_FEATURE_TYPES}',
        )
    attrs = FEATURES[kind].attrs
    unknown = [key for key in feature if key not in attrs and key not in ("name", "feature_type")]
    missing = [key for key in ("name", *_required(attrs)) if key not in feature]
    if unknown or missing:
        said = "; ".join(
            f"{label} {', '.join(keys)}"
            for label, keys in (("unknown", unknown), ("missing", missing))
            if keys
        )
        return f"{path}.{(unknown + missing)[0]}", f"{kind}: {said}. {allowed(kind)}"
    error = min(_BRANCHES[kind].iter_errors(feature), key=lambda e: _order(attrs, e))
    key = str(error.absolute_path[0])
    where = f"{path}{json_path(list(error.absolute_path))[1:]}"
    return where, f"{kind}.{key} must be {_expected(key, attrs)}; got {_short(error.instance)}"


def allowed(kind: str) -> str:
    """`box takes: name*, length*, ... at, rotate, op (* = required)`."""
    attrs = FEATURES[kind].attrs
    listed = ", ".join(f"{key}{'*' if a.required else ''}" for key, a in attrs.items())
    return f"{kind} takes: name*, {listed} (* = required)"


def _required(attrs: dict[str, Attr]) -> list[str]:
    return [key for key, attr in attrs.items() if attr.required]


def _order(attrs: dict[str, Attr], error: ValidationError) -> int:
    keys = ["name", "feature_type", *attrs]
    return keys.index(str(error.absolute_path[0])) if error.absolute_path else -1


def _expected(key: str, attrs: dict[str, Attr]) -> str:
    if key == "name":
        return _NAME_RULE
    attr = attrs[key]
    if attr.kind == "enum":
        return f"one of {', '.join(attr.choices)}"
    if attr.kind in LENGTH_KINDS:
        return f"{KINDS[attr.kind]} (a number in `units`, or a `dimensions` name)"
    return KINDS[attr.kind]


def _plain(error: ValidationError) -> str:
    if error.validator == "additionalProperties" and isinstance(error.schema, dict):
        allowed_keys = ", ".join(error.schema.get("properties", {}))
        return f"{error.message}; allowed: {allowed_keys}"
    return error.message


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _cap(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else f"{message[: MAX_MESSAGE - 3]}..."
