"""The model's guide (its system prompt), generated from the feature vocabulary.

A grammar-constrained provider shows the model this text and nothing else (the schema only
constrains its tokens), so the guide alone must teach the spec: the skeleton, every feature
type with every attribute, placement and worked examples. The prose lives in
`prompts/guide.md`, the examples in `prompts/examples.json`; the feature lines come from
`naturalcad/spec/vocabulary.py`, so the two cannot drift.

The version names the prose's edition and a hash of the generated text: model_info records
exactly which guide a spec was made with, and any change to the vocabulary shows in it.
"""

import hashlib
import json
from pathlib import Path
from string import Template
from typing import Any

from naturalcad.spec.schema import SPEC_SCHEMA
from naturalcad.spec.vocabulary import (
    FEATURES,
    GROUPS,
    ON_FACE,
    PLACEMENT,
    SPEC_KEYS,
    Attr,
)

EDITION = 3  # bump when the prose or the examples change in meaning
_PROMPTS = Path(__file__).parent / "prompts"
# How a value of these kinds is written; lengths (the common case) go without a hint.
_SHAPES = {
    "point3": "[x, y, z]",
    "angles3": "[rx, ry, rz] degrees",
    "points2": "[[x, y], ...]",
    "polygon": "[[x, y], ...]",
    "outline": "[[x, y] or [x, y, r], ...]",
    "arcs": "[[i, x, y], ...]",
    "points3": "[[x, y, z], ...]",
    "count": "integer",
    "sides": "integer",
    "ref": "a feature name",
    "angle": "degrees",
    "turn": "degrees",
    "size0": ">= 0",
}
_SHARED = {**PLACEMENT, **ON_FACE}  # explained once, under "Placement"
_COMPACT = (",", ":")  # a quarter fewer tokens than json.dumps' spaced separators (Qwen2.5)


def _attribute(key: str, attr: Attr, first: str) -> str:
    """One attribute; one told the same way for an earlier type refers to that type."""
    star = "*" if attr.required else ""
    hint = "|".join(attr.choices) if attr.kind == "enum" else _SHAPES.get(attr.kind, "")
    told = f"{key}{star}{f' ({hint})' if hint else ''}: {attr.doc}"
    referred = f"{key}{star} (as {first})"
    return referred if first and len(referred) < len(told) else told


def _shared(group: str) -> list[str]:
    """Placement attributes every type of the group takes: named once, in its heading."""
    members = [f.attrs for f in FEATURES.values() if f.group == group]
    return [key for key in _SHARED if all(key in attrs for attrs in members)]


def feature_line(feature_type: str) -> str:
    feature = FEATURES[feature_type]
    shared = _shared(feature.group)
    attrs = "; ".join(
        _attribute(key, attr, _told_before(feature_type, key, attr))
        for key, attr in feature.attrs.items()
        if key not in shared
    )
    return f"- {feature_type}: {feature.doc}. {attrs}"


def _told_before(feature_type: str, key: str, attr: Attr) -> str:
    """The first earlier feature type with this very attribute, or ''."""
    for other, feature in FEATURES.items():
        if other == feature_type:
            return ""
        if feature.attrs.get(key) == attr:
            return other
    return ""


def group_heading(group: str) -> str:
    shared = _shared(group)
    also = f" Each also takes {', '.join(shared)}." if shared else ""
    return f"## {GROUPS[group]}.{also}"


def _features() -> str:
    return "\n\n".join(
        group_heading(group)
        + "\n"
        + "\n".join(feature_line(t) for t, f in FEATURES.items() if f.group == group)
        for group in GROUPS
    )


def _spec_keys() -> str:
    properties = SPEC_SCHEMA["properties"]
    lines = []
    for key, doc in SPEC_KEYS.items():
        choices = properties[key].get("enum")
        told = f" ({'|'.join(choices)})" if choices else ""
        lines.append(f"- {key}{told}: {doc}")
    return "\n".join(lines)


def worked_examples() -> list[dict[str, Any]]:
    examples: list[dict[str, Any]] = json.loads((_PROMPTS / "examples.json").read_text())
    return examples


def _examples() -> str:
    return "\n".join(
        f"Description: {e['description']}\n{json.dumps(e['spec'], separators=_COMPACT)}"
        for e in worked_examples()
    )


def system_prompt() -> str:
    template = Template((_PROMPTS / "guide.md").read_text())
    return template.substitute(
        spec_keys=_spec_keys(),
        features=_features(),
        examples=_examples(),
    ).strip()


SYSTEM_PROMPT = system_prompt()
PROMPT_VERSION = f"guide_v{EDITION}-{hashlib.sha256(SYSTEM_PROMPT.encode()).hexdigest()[:8]}"
