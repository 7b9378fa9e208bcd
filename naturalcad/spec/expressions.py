"""Sizes written in terms of named dimensions: `length`, `-length / 2 + edge_offset`,
`bolt_circle / 2`. Arithmetic only (numbers, names, + - * / and brackets), read by a small
parser that knows nothing else: a spec is data, and an expression is never run as code.

Self-contained (no imports beyond `re`): the build123d script emitted for a part carries this
module's source, so that the script resolves its sizes exactly as the engine does.
"""

import re

# What the schema lets through as a size: a dimension name, or arithmetic (at least one
# operator; nothing but numbers, names, operators, brackets and spaces). "10" and "10mm" are
# neither: a size is a number, not a string of one.
EXPRESSION_PATTERN = (
    r"^(?:[A-Za-z_][A-Za-z0-9_-]{0,63}|(?=[^+*/-]*[+*/-])[A-Za-z0-9_ .+*/()-]{1,200})$"
)
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\S))")
_NUMBER, _NAME, _SYMBOL = 1, 2, 3


class ExpressionError(ValueError):
    """Raised with a message a person can act on; the caller adds where it was."""


class UnknownName(ExpressionError):
    """A name that is not one of the dimensions."""


def evaluate(text: str, names: dict[str, float]) -> float:
    """The value of `text` with `names` (a dimension name, or arithmetic over them)."""
    if text in names:  # a plain name, which may contain a hyphen
        return float(names[text])
    if not re.match(EXPRESSION_PATTERN, text):
        raise ExpressionError(f"'{text[:40]}' is not a name or arithmetic of names")
    tokens = [(m.lastindex, m.group(m.lastindex)) for m in _TOKEN.finditer(text) if m.lastindex]
    parser = _Parser(tokens, names)
    value = parser.sum()
    if parser.at < len(tokens):
        raise ExpressionError(f"unexpected '{tokens[parser.at][1]}' in '{text[:40]}'")
    return value


def names_in(text: str) -> set[str]:
    """The dimension names an expression refers to."""
    return {m.group(_NAME) for m in _TOKEN.finditer(text) if m.lastindex == _NAME}


class _Parser:
    """sum := product (('+' | '-') product)*; product := unary (('*' | '/') unary)*;
    unary := ('-' | '+') unary | number | name | '(' sum ')'."""

    def __init__(self, tokens: list[tuple[int, str]], names: dict[str, float]) -> None:
        self.tokens, self.names, self.at = tokens, names, 0

    def _peek(self) -> str | None:
        if self.at < len(self.tokens) and self.tokens[self.at][0] == _SYMBOL:
            return self.tokens[self.at][1]
        return None

    def sum(self) -> float:
        value = self.product()
        while (symbol := self._peek()) in ("+", "-"):
            self.at += 1
            right = self.product()
            value = value + right if symbol == "+" else value - right
        return value

    def product(self) -> float:
        value = self.unary()
        while (symbol := self._peek()) in ("*", "/"):
            self.at += 1
            right = self.unary()
            if symbol == "/" and right == 0:
                raise ExpressionError("division by zero")
            value = value * right if symbol == "*" else value / right
        return value

    def unary(self) -> float:
        if self.at >= len(self.tokens):
            raise ExpressionError("the expression ends too early")
        kind, text = self.tokens[self.at]
        self.at += 1
        if kind == _NUMBER:
            return float(text)
        if kind == _NAME:
            if text not in self.names:
                raise UnknownName(f"no dimension named '{text}'")
            return float(self.names[text])
        if text in ("-", "+"):
            value = self.unary()
            return -value if text == "-" else value
        if text == "(":
            value = self.sum()
            if self._peek() != ")":
                raise ExpressionError("a bracket is not closed")
            self.at += 1
            return value
        raise ExpressionError(f"unexpected '{text}'")
