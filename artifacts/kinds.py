"""Every kind of file a job can have, and the content type it is served with: the one list of
artifact kinds. Free of Django models, so that settings can name a retention per kind."""

CONTENT_TYPES: dict[str, str] = {
    "stl": "model/stl",
    "step": "model/step",
    "glb": "model/gltf-binary",
    "png": "image/png",
    "dxf": "image/vnd.dxf",
    "svg": "image/svg+xml",
    "log": "text/plain; charset=utf-8",
    # the part's technical drawing: one sheet, written three ways
    "drawing_dxf": "image/vnd.dxf",
    "drawing_svg": "image/svg+xml",
    "drawing_pdf": "application/pdf",
}
_DRAWING = "drawing_"


def file_extension(kind: str) -> str:
    """The extension of a kind's files: a drawing's DXF is still a .dxf."""
    return kind.removeprefix(_DRAWING)


def file_suffix(kind: str) -> str:
    """What follows a job's name in a file name: `.stl`, or `-drawing.pdf` for a drawing."""
    return f"-drawing.{file_extension(kind)}" if kind.startswith(_DRAWING) else f".{kind}"
