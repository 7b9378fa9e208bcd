"""What runs inside the isolated child: build, check, export. Preloaded by the forkserver."""

from naturalcad.geometry.build import build_part
from naturalcad.geometry.export import export_files


def build_and_export(spec: dict) -> dict[str, bytes]:
    return export_files(build_part(spec))
