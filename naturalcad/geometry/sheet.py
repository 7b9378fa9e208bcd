"""A drawing sheet as plain data, and its three writers: DXF (ezdxf), SVG and PDF (reportlab).

Everything on a `Sheet` is in paper millimetres, origin at the sheet's lower-left corner,
y up. The DXF is written at the part's true size (paper / scale) with the frame scaled up
around it, as drafters do in model space: a dimension read back measures the part itself,
and DIMSCALE and LTSCALE keep text, arrows and dashes their paper size. SVG and PDF draw the
same items at paper size; they explode each dimension into lines, arrowheads and text here,
so both show exactly what the DXF's dimension entities say.
"""

import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ezdxf import units
from ezdxf.enums import TextEntityAlignment
from ezdxf.filemanagement import new as new_dxf
from ezdxf.layouts.layout import Modelspace
from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

# Binary page streams: ASCII85 (reportlab's default) makes every PDF a quarter larger.
rl_config.useA85 = 0

Point = tuple[float, float]


@dataclass(frozen=True)
class Layer:
    name: str
    linetype: str
    width: float  # mm on paper (ISO 128: 0.5 thick, 0.25 thin)
    colour: int  # AutoCAD colour index
    rgb: tuple[int, int, int]
    dashes: tuple[float, ...] = ()  # mm on paper: dash, gap, dash, gap...


# Layers by drafting convention, with matching linetypes (ISO 128: thick continuous for
# visible outlines, thin dashed for hidden ones, thin long-dash-dot for centre lines).
OUTLINE = Layer("OUTLINE", "Continuous", 0.5, 7, (0, 0, 0))
HIDDEN = Layer("HIDDEN", "HIDDEN", 0.25, 8, (90, 90, 90), (3.0, 1.5))
CENTER = Layer("CENTER", "CENTER", 0.18, 1, (200, 40, 40), (12.0, 3.0, 1.5, 3.0))
DIMENSION = Layer("DIMENSION", "Continuous", 0.18, 3, (20, 110, 40))
TEXT = Layer("TEXT", "Continuous", 0.25, 7, (0, 0, 0))
FRAME = Layer("FRAME", "Continuous", 0.35, 7, (0, 0, 0))
LAYERS = (OUTLINE, HIDDEN, CENTER, DIMENSION, TEXT, FRAME)
_BY_NAME = {layer.name: layer for layer in LAYERS}

TEXT_HEIGHT = 3.5  # mm on paper: ISO 3098's usual height on A4 and A3
ARROW = 3.0  # arrowhead length, mm on paper
_EXTENSION_GAP, _EXTENSION_BEYOND = 1.0, 2.0  # ISO 129: gap at the part, overshoot past the line


@dataclass(frozen=True)
class Polyline:
    layer: str
    points: tuple[Point, ...]
    closed: bool = False


@dataclass(frozen=True)
class Circle:
    layer: str
    centre: Point
    radius: float


@dataclass(frozen=True)
class Text:
    layer: str
    at: Point  # the baseline's anchor
    text: str
    height: float = TEXT_HEIGHT
    align: str = "left"  # left, center, right
    angle: float = 0.0  # degrees, counter-clockwise


@dataclass(frozen=True)
class Dimension:
    """A linear dimension between two points, its line through `line_at`."""

    p1: Point
    p2: Point
    line_at: Point
    vertical: bool
    value: float  # the part's size in mm, which the text shows


@dataclass(frozen=True)
class Arrowhead:
    layer: str
    tip: Point
    direction: Point  # unit vector the arrow points along


Item = Polyline | Circle | Text | Arrowhead


@dataclass
class Sheet:
    name: str  # A4, A3, or "" for a flat part's 1:1 cut file
    width: float
    height: float
    scale: float  # paper mm per part mm
    items: list[Item] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)

    def add(self, *items: Item) -> None:
        self.items.extend(items)


def format_mm(value: float) -> str:
    return f"{round(value, 2):g}"


def scale_label(scale: float) -> str:
    return f"{scale:g}:1" if scale >= 1 else f"1:{1 / scale:g}"


# --- dimensions as lines, arrowheads and text --------------------------------------------


def explode(dimension: Dimension) -> Iterator[Item]:
    """ISO 129 style: extension lines with a gap, arrows inside, the value above the line."""
    axis = 1 if dimension.vertical else 0
    across = 1 - axis
    level = dimension.line_at[across]
    ends = []
    for point in (dimension.p1, dimension.p2):
        foot = list(point)
        foot[across] = level
        ends.append((foot[0], foot[1]))
        sign = 1.0 if level >= point[across] else -1.0
        start, stop = list(point), list(foot)
        start[across] += sign * _EXTENSION_GAP
        stop[across] += sign * _EXTENSION_BEYOND
        yield Polyline(DIMENSION.name, ((start[0], start[1]), (stop[0], stop[1])))
    a, b = ends
    yield Polyline(DIMENSION.name, (a, b))
    length = math.dist(a, b) or 1.0
    unit = ((b[0] - a[0]) / length, (b[1] - a[1]) / length)
    yield Arrowhead(DIMENSION.name, a, (-unit[0], -unit[1]))
    yield Arrowhead(DIMENSION.name, b, unit)
    middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    text = format_mm(dimension.value)
    if dimension.vertical:
        yield Text(DIMENSION.name, (middle[0] - 1.0, middle[1]), text, align="center", angle=90)
    else:
        yield Text(DIMENSION.name, (middle[0], middle[1] + 1.0), text, align="center")


def arrow_outline(arrow: Arrowhead) -> tuple[Point, Point, Point]:
    (x, y), (dx, dy) = arrow.tip, arrow.direction
    bx, by = x - dx * ARROW, y - dy * ARROW
    half = ARROW / 6
    return (x, y), (bx - dy * half, by + dx * half), (bx + dy * half, by - dx * half)


def drawn_items(sheet: Sheet) -> Iterator[Item]:
    yield from sheet.items
    for dimension in sheet.dimensions:
        yield from explode(dimension)


# --- DXF ------------------------------------------------------------------------------------


def to_dxf(sheet: Sheet) -> bytes:
    doc = new_dxf("R2013", units=units.MM)
    doc.header["$MEASUREMENT"] = 1  # metric
    unit = 1 / sheet.scale  # paper mm -> part mm
    doc.header["$LTSCALE"] = unit
    for layer in LAYERS:
        if layer.dashes and layer.linetype not in doc.linetypes:
            pattern = [d if i % 2 == 0 else -d for i, d in enumerate(layer.dashes)]
            doc.linetypes.add(
                layer.linetype, [sum(layer.dashes), *pattern], description=layer.name.lower()
            )
        doc.layers.add(
            layer.name,
            color=layer.colour,
            linetype=layer.linetype,
            lineweight=round(layer.width * 100),
        )
    style = doc.dimstyles.new("NATURALCAD")
    style.dxf.dimscale = unit
    for key, value in {
        "dimtxt": TEXT_HEIGHT,
        "dimasz": ARROW,
        "dimexo": _EXTENSION_GAP,
        "dimexe": _EXTENSION_BEYOND,
        "dimgap": 1.0,
        "dimdec": 2,
        "dimzin": 8,  # no trailing zeros: 12, 6.6
        "dimtad": 1,  # the value above the line
        "dimtih": 0,
        "dimtoh": 0,
        "dimdsep": ord("."),
    }.items():
        style.dxf.set(key, value)
    msp = doc.modelspace()
    for item in sheet.items:
        _dxf_item(msp, item, unit)
    for dim in sheet.dimensions:
        msp.add_linear_dim(
            base=_scaled(dim.line_at, unit),
            p1=_scaled(dim.p1, unit),
            p2=_scaled(dim.p2, unit),
            angle=90 if dim.vertical else 0,
            dimstyle="NATURALCAD",
            dxfattribs={"layer": DIMENSION.name},
        ).render()
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8")


def _scaled(point: Point, unit: float) -> tuple[float, float]:
    return point[0] * unit, point[1] * unit


def _dxf_item(msp: Modelspace, item: Item, unit: float) -> None:
    attribs = {"layer": item.layer}
    if isinstance(item, Polyline):
        points = [_scaled(p, unit) for p in item.points]
        if len(points) == 2:
            msp.add_line(points[0], points[1], dxfattribs=attribs)
        else:
            msp.add_lwpolyline(points, close=item.closed, dxfattribs=attribs)
    elif isinstance(item, Circle):
        msp.add_circle(_scaled(item.centre, unit), item.radius * unit, dxfattribs=attribs)
    elif isinstance(item, Arrowhead):
        a, b, c = (_scaled(p, unit) for p in arrow_outline(item))
        msp.add_solid([a, b, c, c], dxfattribs=attribs)
    else:
        alignment = {
            "left": TextEntityAlignment.LEFT,
            "center": TextEntityAlignment.CENTER,
            "right": TextEntityAlignment.RIGHT,
        }[item.align]
        text = msp.add_text(
            item.text, height=item.height * unit, rotation=item.angle, dxfattribs=attribs
        )
        text.set_placement(_scaled(item.at, unit), align=alignment)


# --- SVG -----------------------------------------------------------------------------------

_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
# A font's size is its em; capitals are about 0.72 em tall in the usual sans fonts.
_CAP_HEIGHT = 0.72


def _rgb(layer: Layer) -> str:
    return "#{:02x}{:02x}{:02x}".format(*layer.rgb)


def to_svg(sheet: Sheet) -> bytes:
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=f"{sheet.width:g}mm",
        height=f"{sheet.height:g}mm",
        viewBox=f"0 0 {sheet.width:g} {sheet.height:g}",
    )
    ET.SubElement(svg, "rect", width="100%", height="100%", fill="white")
    groups = {}
    for layer in LAYERS:
        style = {"stroke-width": f"{layer.width:g}", "stroke-linecap": "round"}
        group = ET.SubElement(svg, "g", style, id=layer.name, stroke=_rgb(layer), fill="none")
        if layer.dashes:
            group.set("stroke-dasharray", " ".join(f"{d:g}" for d in layer.dashes))
        groups[layer.name] = group
    flip = sheet.height
    for item in drawn_items(sheet):
        group, layer = groups[item.layer], _BY_NAME[item.layer]
        if isinstance(item, Polyline):
            tag = "polygon" if item.closed else "polyline"
            points = " ".join(f"{x:.3f},{flip - y:.3f}" for x, y in item.points)
            ET.SubElement(group, tag, points=points)
        elif isinstance(item, Circle):
            x, y = item.centre
            ET.SubElement(
                group, "circle", cx=f"{x:.3f}", cy=f"{flip - y:.3f}", r=f"{item.radius:.3f}"
            )
        elif isinstance(item, Arrowhead):
            points = " ".join(f"{x:.3f},{flip - y:.3f}" for x, y in arrow_outline(item))
            ET.SubElement(group, "polygon", points=points, fill=_rgb(layer), stroke="none")
        else:
            x, y = item.at
            font = {
                "font-family": _FONT,
                "font-size": f"{item.height / _CAP_HEIGHT:.3f}",
                "text-anchor": {"left": "start", "center": "middle", "right": "end"}[item.align],
            }
            text = ET.SubElement(
                group, "text", font, x=f"{x:.3f}", y=f"{flip - y:.3f}", fill=_rgb(layer)
            )
            text.set("stroke", "none")
            if item.angle:
                text.set("transform", f"rotate({-item.angle:g} {x:.3f} {flip - y:.3f})")
            text.text = item.text
    return bytes(ET.tostring(svg, encoding="utf-8", xml_declaration=True))


# --- PDF -------------------------------------------------------------------------------------

_POINTS_PER_MM = 72 / 25.4


def to_pdf(sheet: Sheet, title: str) -> bytes:
    buffer = io.BytesIO()
    # invariant: no creation time or random id, so the same drawing gives the same bytes
    canvas = Canvas(
        buffer,
        pagesize=(sheet.width * _POINTS_PER_MM, sheet.height * _POINTS_PER_MM),
        invariant=1,
        pageCompression=1,
    )
    canvas.setTitle(title)
    canvas.setCreator("NaturalCAD")
    canvas.scale(_POINTS_PER_MM, _POINTS_PER_MM)  # draw in paper mm from here on
    canvas.setLineCap(1)
    for item in drawn_items(sheet):
        _pdf_item(canvas, item, _BY_NAME[item.layer])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pdf_item(canvas: Canvas, item: Item, layer: Layer) -> None:
    colour = Color(*(c / 255 for c in layer.rgb))
    canvas.setStrokeColor(colour)
    canvas.setFillColor(colour)
    canvas.setLineWidth(layer.width)
    canvas.setDash(list(layer.dashes) if layer.dashes else [])
    if isinstance(item, Polyline):
        _pdf_path(canvas, item.points, item.closed, fill=False)
    elif isinstance(item, Circle):
        canvas.circle(item.centre[0], item.centre[1], item.radius, stroke=1, fill=0)
    elif isinstance(item, Arrowhead):
        canvas.setDash([])
        _pdf_path(canvas, arrow_outline(item), True, fill=True)
    else:
        canvas.saveState()
        canvas.translate(*item.at)
        canvas.rotate(item.angle)
        # Helvetica is one of PDF's standard fonts: nothing to embed, nothing to install.
        canvas.setFont("Helvetica", item.height / _CAP_HEIGHT)
        draw = {
            "left": canvas.drawString,
            "center": canvas.drawCentredString,
            "right": canvas.drawRightString,
        }[item.align]
        draw(0, 0, item.text)
        canvas.restoreState()


def _pdf_path(canvas: Canvas, points: Sequence[Point], closed: bool, fill: bool) -> None:
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    if closed:
        path.close()
    canvas.drawPath(path, stroke=0 if fill else 1, fill=1 if fill else 0)
