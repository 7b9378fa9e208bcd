"""What a body reader hands to the modifiers: its features, footprint and how to draw it flat."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from naturalcad.interpret.reading import Feature, Reading


@dataclass
class Body:
    """A base body: its features and the box it stands in (X x Y footprint, Z height)."""

    intent: str
    summary: str  # what was read, in words: "a 200 x 100 x 3 mm plate"
    features: list[Feature]
    footprint: str  # rect, round, or other (modifiers on the top face need rect or round)
    length: float
    width: float
    height: float
    outline: Feature | None = None  # the closed profile of a flat drawing of it, if it has one
    output_type: str | None = None  # what it can only be: a route is a path, a canopy a surface
    bore: float | None = None  # a centre bore it already has
    # what the body implies when the prompt does not say it (a tray's walls, a flange's
    # bolt holes): given the modifiers read, the ones to add
    implies: Callable[["Body", list[Any], Reading], list[Any]] | None = None
    solid_note: str | None = None  # what a flat shape assumes when it is built as a solid
    wall: float | None = None  # a hollow body's wall, when its own sizes say it

    @property
    def smallest(self) -> float:
        return min(self.length, self.width, self.height)
