"""What runs inside the isolated child: build, check, export; then, asked separately, the
drawing of the part it built last. Preloaded by the forkserver."""

from typing import Any

from naturalcad.geometry.build import build_part
from naturalcad.geometry.drawing import Title, cut_file, draw_part
from naturalcad.geometry.export import export_flat, export_solid
from naturalcad.geometry.measure import measure
from naturalcad.spec.vocabulary import FLAT_OUTPUTS

# The spec and shape of this child's latest build: its drawing is asked for next.
_last: dict[str, Any] = {}


def build_and_export(spec: dict[str, Any]) -> dict[str, bytes]:
    shape = build_part(spec)
    _last.update(spec=spec, shape=shape)
    if spec["output_type"] in FLAT_OUTPUTS:
        files = export_flat(shape)
        files["dxf"] = cut_file(shape, spec)  # the outline on its own layer, dimensions apart
        return files
    return export_solid(shape)


def build_and_measure(spec: dict[str, Any]) -> dict[str, Any]:
    """The built part's figures, for the interpreter evaluation (no files are written)."""
    return measure(build_part(spec), spec["output_type"])


def draw_last(title: dict[str, str]) -> dict[str, bytes]:
    """The drawing files of the latest build, and a log when the drawing has something to say."""
    drawing = draw_part(_last["shape"], _last["spec"], Title(**title))
    if drawing.notes:
        drawing.files["log"] = "".join(f"drawing: {note}\n" for note in drawing.notes).encode()
    return drawing.files


# What a parent may ask a child to do, by name: plain data crosses the pipe.
TASKS = {"files": build_and_export, "measure": build_and_measure, "draw": draw_last}
