"""One base for every refusal the domain makes: a code, a message a person can act on, and the
JSON path of the offending value when there is one.

The code is the contract (a failed job's `error.code`, an API error's `code`). Nothing below the
API speaks HTTP: `jobs/api/errors.py` maps codes to statuses in one table. A subclass names a
refusal with a fixed code; its docstring is the default message.
"""

from collections.abc import Mapping
from typing import Any

# A refusal says what is wrong in at most this many characters, next to its JSON path:
# jsonschema's messages quote the whole offending value, megabytes for a spec bomb, and a
# message travels to users, to the model's repair prompt and into every read of the job.
MESSAGE_MAX_CHARS = 400


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CodedError(Exception):
    """Something went wrong on our side; please retry."""

    code: str = "internal_error"

    def __init__(
        self,
        code: str | None = None,
        message: str | None = None,
        path: str = "",
        *,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code or type(self).code
        self.message = shorten(
            message or " ".join((type(self).__doc__ or "").split()), MESSAGE_MAX_CHARS
        )
        self.path = path
        self.details: dict[str, Any] = dict(details or {})
        # The same arguments as the signature, so that the error survives a pickle.
        super().__init__(self.code, self.message, self.path)

    def __str__(self) -> str:
        """The message with the path of what it refers to: what a failed job shows."""
        return f"{self.message} (at {self.path})" if self.path else self.message
