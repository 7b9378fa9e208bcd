"""The model's guide and the schema it goes with: derived from the vocabulary, so they cannot
drift from it; small enough to send; its worked examples build the parts they describe."""

import json
import math
import re
from pathlib import Path

import jsonschema
import pytest

from naturalcad.interpret import guide, hf
from naturalcad.spec.schema import SPEC_SCHEMA, UNIT_TO_MM
from naturalcad.spec.vocabulary import FEATURES, GROUPS, PLACEMENT, SPEC_KEYS

MAX_GUIDE_TOKENS = 5000
PI = math.pi


def named(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def test_the_guide_names_every_feature_type_with_each_of_its_attributes():
    lines = hf.SYSTEM_PROMPT.splitlines()
    for feature_type, feature in FEATURES.items():
        line = next((x for x in lines if x.startswith(f"- {feature_type}: ")), None)
        assert line is not None, feature_type
        heading = next(x for x in lines if x.startswith(f"## {GROUPS[feature.group]}"))
        for attribute, attr in feature.attrs.items():
            star = r"\*" if attr.required else ""
            listed = re.search(rf"(?:\. |; ){attribute}{star}(?=[ :;]|$)", line)
            assert listed or named(attribute, heading), (feature_type, attribute)
            for choice in attr.choices:
                assert named(choice, line) or named(choice, hf.SYSTEM_PROMPT), choice


def test_the_guide_names_the_skeleton_the_type_key_and_every_value_of_the_top_level():
    text = hf.SYSTEM_PROMPT
    for word in ('"feature_type"', '"name"', *SPEC_KEYS, *UNIT_TO_MM):
        assert word in text, word
    for key in ("mode", "output_type"):
        for value in SPEC_SCHEMA["properties"][key]["enum"]:
            assert named(value, text), value
    for fact in ("through", "positions", "at", "rotate", "op", "keep", "notes"):
        assert named(fact, text), fact


def test_the_guide_is_at_most_5k_tokens():
    assert hf.estimate_tokens(hf.SYSTEM_PROMPT) <= MAX_GUIDE_TOKENS


def test_the_token_estimate_counts_digits_one_by_one_and_grows_with_text():
    assert hf.estimate_tokens("1234") == 4
    assert hf.estimate_tokens("") == 0
    assert hf.estimate_tokens("a" * 28) == 10
    sizes = hf.payload_tokens("a 40 mm cube", "3d_solid", "part")
    longer = hf.payload_tokens("a 40 mm cube " * 20, "3d_solid", "part")
    assert longer["user"] > sizes["user"] and longer["system"] == sizes["system"]
    assert sizes["total"] == sizes["system"] + sizes["response_format"] + sizes["user"]


def test_the_version_names_the_text():
    assert hf.PROMPT_VERSION.startswith(f"guide_v{guide.EDITION}-")
    assert guide.system_prompt() == hf.SYSTEM_PROMPT  # one text, regenerated the same


def test_every_attribute_in_the_schema_is_described_and_each_branch_names_its_type():
    branches = SPEC_SCHEMA["properties"]["geometry"]["properties"]["features"]["items"]["oneOf"]
    assert [b["properties"]["feature_type"]["const"] for b in branches] == list(FEATURES)
    for branch in branches:
        kind = branch["properties"]["feature_type"]["const"]
        assert {"name", "feature_type"} <= set(branch["required"])
        assert branch["description"] == FEATURES[kind].doc
        for key, prop in branch["properties"].items():
            if key != "feature_type":
                assert prop.get("description"), (kind, key)
    for key in SPEC_KEYS:
        assert SPEC_SCHEMA["properties"][key]["description"] == SPEC_KEYS[key]
    text = json.dumps(SPEC_SCHEMA)
    assert '"if"' not in text and '"allOf"' not in text
    jsonschema.Draft202012Validator.check_schema(SPEC_SCHEMA)


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_row(feature_type: str) -> str:
    """The README's table row of a feature type: its group, its attributes, their choices."""
    feature = FEATURES[feature_type]
    attrs = ", ".join(
        f"`{key}`{'*' if attr.required else ''}"
        + (f" ({'/'.join(attr.choices)})" if attr.choices and key not in PLACEMENT else "")
        for key, attr in feature.attrs.items()
    )
    return f"| `{feature_type}` | {feature.group} | {attrs} |"


def test_the_readme_lists_the_vocabulary_as_it_is():
    text = README.read_text()
    rows = [line for line in text.splitlines() if re.match(r"\| `[a-z_]+` \| [a-z]+ \| ", line)]
    assert rows == [readme_row(t) for t in FEATURES]


def test_the_schema_accepts_the_versions_it_reads_and_writes_the_newest():
    assert SPEC_SCHEMA["properties"]["spec_version"]["enum"] == ["1.1", "1.2"]
    assert '"spec_version":"1.2"' in hf.SYSTEM_PROMPT.replace(" ", "")


# Volumes by formula, keyed by the start of each worked example's description.
EXPECTED = {
    "120 x 80 x 6 mm plate": 120 * 80 * 6 - 4 * (8**2 - PI * 8**2 / 4) * 6 - 4 * PI * 3.25**2 * 6,
    "a 3 mm plate 200x100": 200 * 100 * 3 - 8 * PI * 2.5**2 * 3,
    "flange 100 mm": PI * 12 * (50**2 - 15**2 - 6 * 4.5**2),
    "60 x 40 x 30 block": 60 * 40 * 30 - PI * 6**2 * 60,
    "turned pin": PI * (5**2 * 40 + 10**2 * 8) - 2 * PI * (10 - 1 / 3) * 1**2 / 2,
    # the rim's 1 x 1 triangle turned about the bore at its centroid; the cross hole misses it
    "60 x 40 x 30 mm block": 60 * 40 * 30
    - PI * 5**2 * 30
    - 2 * PI * (5 + 1 / 3) * 0.5
    - PI * 2**2 * 60,
    "laser-cut outline": 100 * 50 - 4 * PI * 3**2,  # an area
}


@pytest.mark.slow
def test_the_worked_examples_validate_and_build_what_they_describe():
    from naturalcad.geometry.build import build_part
    from naturalcad.spec.validate import validate_spec

    examples = guide.worked_examples()
    assert 6 <= len(examples) <= 10
    assert {next(k for k in EXPECTED if e["description"].startswith(k)) for e in examples} == set(
        EXPECTED
    )
    for example in examples:
        expected = next(v for k, v in EXPECTED.items() if example["description"].startswith(k))
        part = build_part(validate_spec(example["spec"]))
        measured = part.volume if example["spec"]["output_type"] == "3d_solid" else part.area
        assert measured == pytest.approx(expected, rel=1e-3), example["description"]
