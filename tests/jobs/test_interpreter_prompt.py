"""`manage.py interpreter_prompt`: the guide as sent, and the tokens one call sends."""

import io
import re

from django.core.management import call_command

from naturalcad.interpret import hf


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("interpreter_prompt", *args, stdout=out)
    return out.getvalue()


def sizes(prompt: str) -> dict[str, int]:
    printed = run("--size", "--prompt", prompt)
    assert hf.PROMPT_VERSION in printed
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+) tokens", printed, re.M)}


def test_it_prints_the_guide_the_model_is_sent():
    assert run().strip() == hf.SYSTEM_PROMPT


def test_size_prints_the_tokens_of_each_part_of_one_call():
    prompt = "a 200 x 100 x 3 mm plate with a 4x2 grid of 5 mm holes"
    figures = sizes(prompt)
    assert figures == hf.payload_tokens(prompt, "3d_solid", "part")
    assert figures["user"] > sizes("a cube")["user"]
