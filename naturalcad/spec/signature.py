"""The canonical signature: one hash for every spec that builds the same part.

Only what the engine executes counts (resolved features in mm, output type, mode): intent,
notes, units and feature names do not change the part, so they do not change the hash.
"""

import hashlib
import json
from typing import Any

_DECIMALS = 6
# Attributes whose value is the name of an earlier feature.
REFERENCE_ATTRIBUTES = frozenset({"target"})


def _number(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return round(float(value), _DECIMALS)
    if isinstance(value, list):
        return [_number(item) for item in value]
    return value


def _canonical_feature(feature: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        key: names[value] if key in REFERENCE_ATTRIBUTES else _number(value)
        for key, value in feature.items()
        if key != "name"
    }


def canonical_signature(resolved_spec: dict[str, Any]) -> str:
    """Hash of a spec already resolved by `validate_spec` (sizes in mm, references checked)."""
    features = resolved_spec["geometry"]["features"]
    names = {f["name"]: f"#{i}" for i, f in enumerate(features)}
    body = {
        "features": [_canonical_feature(f, names) for f in features],
        "output_type": resolved_spec["output_type"],
        "mode": resolved_spec["mode"],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
