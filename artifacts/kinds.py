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
}
