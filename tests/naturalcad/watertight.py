"""A watertight check of a binary STL, independent of the engine's own (`mesh.py`).

It reads only the file: vertices are welded where their float32 coordinates are equal (the
engine writes the nodes two faces share from one computation), then every edge must border
exactly two triangles and no triangle may have zero area. Another tool (a slicer, a mesh
repair) reads the STL the same way, so this is what "watertight" means to a user.
"""

import struct

import numpy as np

# A triangle smaller than this fraction of the part's size squared has no area.
ZERO_AREA = 1e-9
_RECORD = np.dtype([("normal", "<3f4"), ("corners", "<9f4"), ("attribute", "<u2")])


def stl_triangles(data: bytes) -> np.ndarray:
    """(n, 3, 3) corners of a binary STL, as written (float32)."""
    (count,) = struct.unpack_from("<I", data, 80)
    assert len(data) == 84 + 50 * count, "not a binary STL"
    return np.frombuffer(data[84:], dtype=_RECORD, count=count)["corners"].reshape(-1, 3, 3)


def watertight_problems(data: bytes) -> list[str]:
    """What keeps the STL from being closed; [] when it is."""
    corners = stl_triangles(data)
    if not len(corners):
        return ["no triangles"]
    _, welded = np.unique(corners.reshape(-1, 3), axis=0, return_inverse=True)
    triangles = welded.reshape(-1, 3)
    edges = np.sort(
        np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), axis=1
    )
    _, uses = np.unique(edges, axis=0, return_counts=True)
    wide = corners.astype(np.float64)
    areas = np.linalg.norm(np.cross(wide[:, 1] - wide[:, 0], wide[:, 2] - wide[:, 0]), axis=1) / 2
    size = float(np.ptp(wide.reshape(-1, 3), axis=0).max())
    problems = []
    if np.any(uses != 2):
        problems.append(f"{int(np.sum(uses != 2))} edges not used exactly twice")
    if np.any(areas <= ZERO_AREA * size**2):
        problems.append(f"{int(np.sum(areas <= ZERO_AREA * size**2))} zero-area triangles")
    return problems
