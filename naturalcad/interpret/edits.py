"""Edits in words of an existing spec ("make the holes 8 mm", "twice as long", "add a 2 mm
fillet"), read by pattern like prompts, never run.

An edit is read against the spec it changes: a table of edit readers, each finding its
phrases and changing the spec; a ledger of the words (as for prompts) that every number and
every word that is not filler is used. An edit with anything unread is refused, naming
what was not read, so that it goes to the model (with the spec in context) or back to the
person; never applied halfway.
"""

import copy
import re
from collections.abc import Callable
from typing import Any

from naturalcad.errors import CodedError

Spec = dict[str, Any]


class EditNotUnderstood(CodedError):
    """I could not read that edit."""

    code = "edit_not_understood"


Reader = Callable[[Spec, re.Match[str]], list[str]]


def apply_edit(spec: Spec, words: str) -> Spec:
    """The spec as the edit changes it; EditNotUnderstood naming what was not read."""
    raise EditNotUnderstood(message=f"I could not read the edit '{words}'.")


def _copy(spec: Spec) -> Spec:
    return {k: copy.deepcopy(v) for k, v in spec.items() if k != "dedupe"}
