"""The gate of the offline reader: on the evaluation corpus, at least 90 % of the prompts the
rules are meant to read are built to size, and not one prompt of the whole corpus is built
silently wrong. The corpus's references are computed by formula, independently of the rules.

The parts are built and measured in the warm geometry children, as the harness does."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.slow

IN_SCOPE_BUILT_TO_SIZE_PERCENT = 90.0  # the floor for the offline path


@pytest.mark.django_db
def test_the_rules_build_the_corpus_to_size_and_never_silently_wrong(tmp_path):
    out = tmp_path / "results.json"
    call_command("eval_interpreter", "--path", "rules", "--json", str(out))  # raises if wrong
    figures = json.loads(out.read_text())["summary"]
    assert figures["silently wrong"] == 0
    assert figures["in_scope_built_to_size_percent"] >= IN_SCOPE_BUILT_TO_SIZE_PERCENT
    assert figures["prompts"] >= 200
