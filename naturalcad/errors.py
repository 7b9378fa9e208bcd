"""One base for every refusal the domain makes: a code, a message a person can act on, and the
JSON path of the offending value when there is one.

The code is the contract (a failed job's `error.code`, an API error's `code`). Nothing below the
API speaks HTTP: `jobs/api/errors.py` maps codes to statuses in one table. A subclass names a
refusal with a fixed code; its docstring is the default message.
"""

from collections.abc import Mapping
from typing import Any


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
        self.message = message or " ".join((type(self).__doc__ or "").split())
        self.path = path
        self.details: dict[str, Any] = dict(details or {})
        # The same arguments as the signature, so that the error survives a pickle.
        super().__init__(self.code, self.message, self.path)

    def __str__(self) -> str:
        """The message with the path of what it refers to: what a failed job shows."""
        return f"{self.message} (at {self.path})" if self.path else self.message
