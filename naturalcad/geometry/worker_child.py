"""What runs inside the isolated child: build, check, export. Preloaded by the forkserver."""

from naturalcad.geometry.build import build_part
from naturalcad.geometry.export import export_flat, export_solid

FLAT_OUTPUTS = ("2d_vector", "1d_path")


def build_and_export(spec: dict) -> dict[str, bytes]:
    shape = build_part(spec)
    if spec["output_type"] in FLAT_OUTPUTS:
        return export_flat(shape)
    return export_solid(shape)
