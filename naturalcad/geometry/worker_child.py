"""What runs inside the isolated child: build, check, export. Preloaded by the forkserver."""

from typing import Any

from naturalcad.geometry.build import build_part
from naturalcad.geometry.export import export_flat, export_solid
from naturalcad.geometry.measure import measure
from naturalcad.spec.vocabulary import FLAT_OUTPUTS


def build_and_export(spec: dict) -> dict[str, bytes]:
    shape = build_part(spec)
    if spec["output_type"] in FLAT_OUTPUTS:
        return export_flat(shape)
    return export_solid(shape)


def build_and_measure(spec: dict) -> dict[str, Any]:
    """The built part's figures, for the interpreter evaluation (no files are written)."""
    return measure(build_part(spec), spec["output_type"])


# What a parent may ask a child to do with a spec, by name: plain data crosses the pipe.
TASKS = {"files": build_and_export, "measure": build_and_measure}
