"""The Hugging Face client against a real HTTP server speaking the chat-completions format."""

import json

import pytest

from naturalcad.interpret import hf
from tests.fake_hf import error, ok, slow

CUBE = {
    "spec_version": "1.1",
    "mode": "part",
    "output_type": "3d_solid",
    "units": "mm",
    "geometry": {
        "features": [{"name": "c", "feature_type": "box", "length": 40, "width": 40, "height": 40}]
    },
}


@pytest.fixture
def waits():
    return []


@pytest.fixture
def provider(fake_hf, waits):
    return hf.Provider(
        base_url=fake_hf.url,
        model="Qwen/Qwen2.5-72B-Instruct",
        token="hf_test",
        timeout=0.5,
        max_retries=2,
        sleep=waits.append,
    )


def test_valid_structured_output_becomes_a_spec(fake_hf, provider):
    fake_hf.answer(ok(CUBE))
    answer = hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert answer.spec["geometry"]["features"][0]["length"] == 40
    assert answer.usage == {"prompt_tokens": 900, "completion_tokens": 300, "total_tokens": 1200}
    sent = fake_hf.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["authorization"] == "Bearer hf_test"
    assert sent["body"]["response_format"]["type"] == "json_schema"
    assert sent["body"]["response_format"]["json_schema"]["schema"]["title"] == (
        "NaturalCAD compositional spec"
    )
    assert "a 40 mm cube" in sent["body"]["messages"][1]["content"]
    assert "hf_test" not in str(sent["body"])  # the model never sees the token


def test_a_dedicated_tgi_endpoint_gets_its_grammar_format(fake_hf, provider):
    provider.tgi_grammar = True
    fake_hf.answer(ok(CUBE))
    hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert fake_hf.requests[0]["body"]["response_format"]["type"] == "json"


def test_invalid_json_is_repaired(fake_hf, provider):
    fake_hf.answer(ok("Sure! Here is your cube: {"), ok(CUBE))
    answer = hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert (answer.repairs, len(fake_hf.requests)) == (1, 2)
    repair = fake_hf.requests[1]["body"]["messages"][-1]["content"]
    assert repair.startswith("That answer is not a valid spec")
    assert answer.usage["total_tokens"] == 2400


def test_a_schema_invalid_answer_is_repaired_with_the_path(fake_hf, provider):
    bad = {**CUBE, "geometry": {"features": [{"name": "c", "feature_type": "teapot"}]}}
    fake_hf.answer(ok(bad), ok(CUBE))
    hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    repair = fake_hf.requests[1]["body"]["messages"][-1]["content"]
    assert "$.geometry.features[0].feature_type" in repair


def test_an_answer_still_invalid_after_two_repairs_is_refused(fake_hf, provider):
    fake_hf.answer(ok("nope"), ok("still nope"), ok('{"spec_version": "0"}'), ok(CUBE))
    with pytest.raises(hf.ModelAnswerInvalid):
        hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert len(fake_hf.requests) == 3


def test_429_waits_as_long_as_retry_after_says(fake_hf, provider, waits):
    fake_hf.answer(error(429, "Rate limit reached", retry_after="7"), ok(CUBE))
    hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert waits == [7.0]
    assert len(fake_hf.requests) == 2


def test_503_is_retried_with_backoff_then_gives_up(fake_hf, provider, waits):
    fake_hf.answer(*[error(503, "Model is overloaded")] * 3)
    with pytest.raises(hf.ProviderUnavailable):
        hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert waits == [0.5, 1.0]
    assert len(fake_hf.requests) == 3


def test_a_timeout_is_retried(fake_hf, provider, waits):
    fake_hf.answer(slow(1.5), ok(CUBE))
    answer = hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert answer.requests == 2 and waits == [0.5]


def test_a_client_error_is_not_retried(fake_hf, provider):
    fake_hf.answer(error(401, "Invalid credentials"))
    with pytest.raises(hf.ProviderUnavailable, match="401"):
        hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert len(fake_hf.requests) == 1


def test_the_system_prompt_is_the_versioned_guide(fake_hf, provider):
    fake_hf.answer(ok(CUBE))
    hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    system = fake_hf.requests[0]["body"]["messages"][0]
    assert system == {"role": "system", "content": hf.SYSTEM_PROMPT}
    assert "is ever executed" in " ".join(hf.SYSTEM_PROMPT.split())
    assert hf.PROMPT_VERSION.startswith("guide_v")


def test_strict_is_claimed_only_where_strict_rules_hold(fake_hf, provider):
    fake_hf.answer(ok(CUBE))
    hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    sent = fake_hf.requests[0]["body"]["response_format"]["json_schema"]
    assert sent["strict"] is False  # the spec has optional keys
    closed = {
        "type": "object",
        "additionalProperties": False,
        "required": ["a"],
        "properties": {"a": {"type": "array", "items": {"anyOf": [{"type": "number"}]}}},
    }
    assert hf.strict_mode_holds(closed)
    assert not hf.strict_mode_holds({**closed, "required": []})
    nested = {**closed, "properties": {"a": {"type": "object", "properties": {"b": {}}}}}
    assert not hf.strict_mode_holds(nested)


def test_a_feature_without_feature_type_is_repaired_with_one_message(fake_hf, provider):
    untyped = {"name": "c", "type": "box", "length": 40, "width": 40, "height": 40}
    fake_hf.answer(ok({**CUBE, "geometry": {"features": [untyped]}}), ok(CUBE))
    answer = hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    repair = fake_hf.requests[1]["body"]["messages"][-1]["content"]
    assert answer.repairs == 1
    assert "$.geometry.features[0].feature_type" in repair
    assert 'every feature needs "feature_type" (not "type"), one of: box,' in repair
    assert "op" not in repair.split()


def test_a_model_that_cannot_make_the_part_says_so_and_nothing_is_repaired(fake_hf, provider):
    fake_hf.answer(ok({**CUBE, "cannot_build": "a poem is not a part"}), ok(CUBE))
    with pytest.raises(hf.ModelAnswerInvalid, match="a poem is not a part") as caught:
        hf.ask_model(provider, "write me a poem", "3d_solid", "part")
    assert isinstance(caught.value, hf.ModelDeclined)
    assert len(fake_hf.requests) == 1


def test_content_that_is_not_text_is_repaired_not_a_crash(fake_hf, provider):
    from tests.fake_hf import completion

    fake_hf.answer((200, {}, completion(["not", "text"]), 0.0), ok(CUBE))
    answer = hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert answer.repairs == 1


def test_an_answer_in_a_code_fence_is_read_without_a_repair(fake_hf, provider):
    fake_hf.answer(ok(f"```json\n{json.dumps(CUBE)}\n```"))
    answer = hf.ask_model(provider, "a 40 mm cube", "3d_solid", "part")
    assert (answer.repairs, len(fake_hf.requests)) == (0, 1)
