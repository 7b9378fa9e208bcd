"""Every kind of file a job can have, and the content type it is served with: the one list of
artifact kinds. Free of Django models, so that settings can name a retention per kind."""

CONTENT_TYPES: dict[str, str] = {
    "stl": "model/stl",
    "step": "model/step",
    "glb": "model/gltf-binary",
    "png": "image/png",
    "dxf": "image/vnd.dxf",
    "svg": "image/svg+xml",
    "log": "text/plain; charset=utf-8",  # the build log: path taken, assumptions, timings
    # the part's source: the spec it was built from, and a build123d script that rebuilds it
    "spec": "application/json",
    "py": "text/x-python; charset=utf-8",
    # the part's technical drawing: one sheet, written three ways
    "drawing_dxf": "image/vnd.dxf",
    "drawing_svg": "image/svg+xml",
    "drawing_pdf": "application/pdf",
}
_DRAWING = "drawing_"
# Kinds whose files are named otherwise than after the kind.
_EXTENSIONS = {"spec": "json"}
# Kinds that say how one job was made: never shared with a job completed from another's files.
OWN_KINDS = frozenset({"spec", "py", "log"})


def file_extension(kind: str) -> str:
    """The extension of a kind's files: a drawing's DXF is still a .dxf, a spec a .json."""
    return _EXTENSIONS.get(kind, kind.removeprefix(_DRAWING))


def file_suffix(kind: str) -> str:
    """What follows a job's name in a file name: `.stl`, `-spec.json`, or `-drawing.pdf`."""
    if kind.startswith(_DRAWING):
        return f"-drawing.{file_extension(kind)}"
    return f"-{kind}.{file_extension(kind)}" if kind in _EXTENSIONS else f".{kind}"
