import json
import math
from collections.abc import Iterator

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from naturalcad.errors import CodedError

# The deepest nesting a body may have. Our deepest (a spec's polygon points) needs 6; past
# about 1000 the standard parser itself recurses out of stack, so this is checked first.
JSON_MAX_DEPTH = 32


class LimitedJSONParser(JSONParser):
    """JSON parser that refuses bodies over REQUEST_MAX_BYTES with 413 before parsing them,
    bodies nested deeper than JSON_MAX_DEPTH, and numbers that are not finite (1e999, NaN).

    DRF reads the request stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never applies.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.REQUEST_MAX_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise CodedError("payload_too_large", f"The request body is over {limit} bytes.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("The body is not UTF-8.") from None
        if nesting_depth(text) > JSON_MAX_DEPTH:
            raise ParseError(f"The body is nested more than {JSON_MAX_DEPTH} levels deep.")
        try:
            data = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if not all(map(_encodable, strings(data))):
            # Postgres cannot store it: refused here, not as a 500 later.
            raise ParseError("A string contains an unpaired surrogate (\\ud800-\\udfff).")
        return data


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, read in one pass without recursion
    (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def strings(data: object) -> Iterator[str]:
    """Every string in parsed JSON, keys included, without recursion."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal[:20]} is out of range for a number")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")
