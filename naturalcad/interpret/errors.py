"""Why the rules built nothing: one class per reason, each a CodedError with its code.

Each docstring is the default message. `PromptNotUnderstood` (and its partly-read kind) may
still be read by a model; the others are final: the prompt itself asks for what cannot be
built, and no model would change that.
"""

from typing import TypedDict

from naturalcad.errors import CodedError


class Account(TypedDict):
    """What a reading says of the words it was given, as the job answer's `reading` shows it:
    what it read (the part first), what it assumed because the words did not say it, and the
    phrases it could not place. Kept apart where each is decided, never sorted by wording."""

    read: list[str]
    assumed: list[str]
    not_read: list[str]


class ReadingError(CodedError):
    """The rules could not turn this prompt into a part."""

    code = "prompt_not_understood"
    # What the words were read as before the refusal, where the reader can say (partly read)
    reading: Account | None = None

    def __init__(self, message: str = "") -> None:
        super().__init__(message=message or None)


TRY = "Try e.g. 'a 40 mm cube' or 'a 120 x 70 x 5 mm plate with four 6 mm corner holes'."


class PromptNotUnderstood(ReadingError):
    """I could not read a part from that prompt. Try e.g. 'a 40 mm cube' or 'a 120 x 70 x 5 mm
    plate with four 6 mm corner holes'."""

    code = "prompt_not_understood"


class PromptPartlyUnderstood(PromptNotUnderstood):
    """I read only part of that prompt."""

    code = "prompt_partly_understood"

    def __init__(self, read: str, unread: list[str], assumed: list[str] | None = None) -> None:
        quoted = " and ".join(f"'{phrase}'" for phrase in unread)
        super().__init__(f"I read {read}; I could not place {quoted}.")
        self.read = read
        self.unread = unread
        self.reading = Account(read=[read], assumed=list(assumed or []), not_read=list(unread))


class SizeOutOfRange(ReadingError):
    """A size in the prompt is outside what can be built."""

    code = "size_out_of_range"


class TooManyFeatures(ReadingError):
    """The prompt asks for more copies of a feature than one part may have."""

    code = "too_many_instances"


class FeatureDoesNotFit(ReadingError):
    """A feature the prompt asks for does not fit the part."""

    code = "feature_does_not_fit"


class OutputTypeUnsupported(ReadingError):
    """The part cannot be made as the output type asked for."""

    code = "output_type_unsupported"
