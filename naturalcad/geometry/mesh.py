"""One triangle mesh per part, shared by the STL, the GLB, the watertight check and the PNG.

OCCT meshes the shape once (to the STL's deflection); the triangles are read out face by face
into numpy arrays, and every file is written from those arrays: meshing again for each
exporter, or walking build123d's per-vertex objects, cost more than the build itself.
"""

import json
import struct
from dataclasses import dataclass

import numpy as np
from OCP.BRep import BRep_Tool
from OCP.BRepMesh import BRepMesh_IncrementalMesh
from OCP.TopAbs import TopAbs_FACE, TopAbs_REVERSED, TopAbs_SOLID
from OCP.TopExp import TopExp_Explorer
from OCP.TopLoc import TopLoc_Location
from OCP.TopoDS import TopoDS, TopoDS_Shape

from naturalcad.errors import CodedError

_ANGULAR_TOLERANCE = 0.2  # radians
_WELD_FRACTION = 0.001  # of the chord deviation: nodes closer than this are one node
FREE = -1  # `Mesh.solid` of a triangle on a face that belongs to no solid
_STL_RECORD = np.dtype([("normal", "<f4", 3), ("corners", "<f4", 9), ("attribute", "<u2")])
# glTF is Y-up and in metres; the part is Z-up in mm: a quarter turn about X at the node.
_Z_UP_TO_Y_UP = [-0.7071067811865476, 0.0, 0.0, 0.7071067811865476]


@dataclass(frozen=True)
class Mesh:
    """Triangles wound counter-clockwise seen from outside; each face has its own vertices,
    so normals stay sharp at the part's edges."""

    points: np.ndarray  # (n, 3) float64, mm
    triangles: np.ndarray  # (m, 3) int64, indices into points
    solid: np.ndarray  # (m,) int64: which solid each triangle belongs to, or FREE
    face: np.ndarray  # (m,) int64: which face each triangle belongs to

    @property
    def corners(self) -> np.ndarray:
        return np.asarray(self.points[self.triangles])

    @property
    def closed(self) -> bool:
        """Every face belongs to a solid: only the outside can ever be seen."""
        return bool(len(self.solid)) and not bool(np.any(self.solid == FREE))


def triangulate(shape: TopoDS_Shape, tolerance: float) -> Mesh:
    """Mesh `shape` to an absolute chord deviation in mm and read every face's triangles."""
    BRepMesh_IncrementalMesh(shape, tolerance, False, _ANGULAR_TOLERANCE, True).Perform()
    weld = tolerance * _WELD_FRACTION
    faces: list[tuple[np.ndarray, np.ndarray, int]] = []
    solids = TopExp_Explorer(shape, TopAbs_SOLID)
    index = 0
    while solids.More():
        explorer = TopExp_Explorer(solids.Current(), TopAbs_FACE)
        faces += [(p, t, index) for p, t in _faces(explorer, weld)]
        index += 1
        solids.Next()
    free = TopExp_Explorer(shape, TopAbs_FACE, TopAbs_SOLID)
    faces += [(p, t, FREE) for p, t in _faces(free, weld)]
    if not faces:
        raise CodedError("geometry_invalid", "the part could not be meshed")
    offsets = np.cumsum([0] + [len(points) for points, _, _ in faces[:-1]])
    return Mesh(
        points=np.concatenate([points for points, _, _ in faces]),
        triangles=np.concatenate([t + o for (_, t, _), o in zip(faces, offsets, strict=True)]),
        solid=np.concatenate([np.full(len(t), s, dtype=np.int64) for _, t, s in faces]),
        face=np.concatenate(
            [np.full(len(t), i, dtype=np.int64) for i, (_, t, _) in enumerate(faces)]
        ),
    )


def _faces(explorer: TopExp_Explorer, weld: float) -> list[tuple[np.ndarray, np.ndarray]]:
    found = []
    while explorer.More():
        face = TopoDS.Face(explorer.Current())
        location = TopLoc_Location()
        triangulation = BRep_Tool.Triangulation_s(face, location)
        if triangulation is not None and triangulation.NbTriangles():
            points = np.array(
                [triangulation.Node(i).Coord() for i in range(1, triangulation.NbNodes() + 1)]
            )
            triangles = np.array(
                [
                    triangulation.Triangle(i).Get()
                    for i in range(1, triangulation.NbTriangles() + 1)
                ],
                dtype=np.int64,
            )
            triangles -= 1
            if face.Orientation() == TopAbs_REVERSED:
                triangles = triangles[:, ::-1]
            points = _placed(points, location)
            found.append((points, _without_collapsed(points, triangles, weld)))
        explorer.Next()
    return found


def _without_collapsed(points: np.ndarray, triangles: np.ndarray, weld: float) -> np.ndarray:
    """Triangles with two corners at one place (OCCT meshes a sphere's pole or a revolve's
    point on the axis as a row of nodes at one spot) have no area: another tool welding the
    STL finds their edges used three times, so they are left out of every file."""
    corners = points[triangles]
    apart = [
        np.linalg.norm(corners[:, a] - corners[:, b], axis=1) > weld
        for a, b in ((0, 1), (1, 2), (2, 0))
    ]
    return np.asarray(triangles[apart[0] & apart[1] & apart[2]])


def _placed(points: np.ndarray, location: TopLoc_Location) -> np.ndarray:
    if location.IsIdentity():
        return points
    transform = location.Transformation()
    matrix = np.array([[transform.Value(r, c) for c in range(1, 5)] for r in range(1, 4)])
    return np.asarray(points @ matrix[:, :3].T + matrix[:, 3])


def _normals(corners: np.ndarray) -> np.ndarray:
    """Unit normals of (m, 3, 3) triangles; a degenerate triangle gets a zero normal."""
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    return normals / np.where(lengths == 0, 1, lengths)


def stl_bytes(mesh: Mesh) -> bytes:
    corners = mesh.corners
    records = np.zeros(len(corners), dtype=_STL_RECORD)
    records["normal"] = _normals(corners)
    records["corners"] = corners.reshape(-1, 9)
    header = b"naturalcad binary STL, mm".ljust(80, b" ")
    return header + struct.pack("<I", len(records)) + records.tobytes()


def glb_bytes(mesh: Mesh, colour: tuple[float, float, float]) -> bytes:
    """One indexed primitive in metres with smooth normals inside each face."""
    positions = (mesh.points / 1000).astype("<f4")
    normals = _vertex_normals(mesh).astype("<f4")
    indices = mesh.triangles.astype("<u4").reshape(-1)
    blob = positions.tobytes() + normals.tobytes() + indices.tobytes()
    vertex_bytes = positions.nbytes
    document = {
        "asset": {"version": "2.0", "generator": "naturalcad"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "rotation": _Z_UP_TO_Y_UP}],
        "meshes": [
            {
                "primitives": [
                    {"attributes": {"POSITION": 0, "NORMAL": 1}, "indices": 2, "material": 0}
                ]
            }
        ],
        "materials": [
            {
                "pbrMetallicRoughness": {
                    "baseColorFactor": [*colour, 1.0],
                    "metallicFactor": 0.0,
                    "roughnessFactor": 0.6,
                },
                "doubleSided": not mesh.closed,
            }
        ],
        "buffers": [{"byteLength": len(blob)}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": vertex_bytes, "target": 34962},
            {"buffer": 0, "byteOffset": vertex_bytes, "byteLength": vertex_bytes, "target": 34962},
            {
                "buffer": 0,
                "byteOffset": 2 * vertex_bytes,
                "byteLength": indices.nbytes,
                "target": 34963,
            },
        ],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": len(positions),
                "type": "VEC3",
                "min": positions.min(axis=0).tolist(),
                "max": positions.max(axis=0).tolist(),
            },
            {"bufferView": 1, "componentType": 5126, "count": len(normals), "type": "VEC3"},
            {"bufferView": 2, "componentType": 5125, "count": len(indices), "type": "SCALAR"},
        ],
    }
    return _glb(json.dumps(document, separators=(",", ":")).encode(), blob)


def _vertex_normals(mesh: Mesh) -> np.ndarray:
    """Area-weighted triangle normals summed at each vertex: a face is smooth within itself."""
    corners = mesh.corners
    weighted = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    sums = np.zeros_like(mesh.points)
    for corner in range(3):
        np.add.at(sums, mesh.triangles[:, corner], weighted)
    lengths = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.where(lengths == 0, [0.0, 0.0, 1.0], sums / np.where(lengths == 0, 1, lengths))


def _glb(document: bytes, blob: bytes) -> bytes:
    document += b" " * (-len(document) % 4)  # chunks are 4-byte aligned
    blob += b"\0" * (-len(blob) % 4)
    total = 12 + 8 + len(document) + 8 + len(blob)
    return b"".join(
        [
            struct.pack("<4sII", b"glTF", 2, total),
            struct.pack("<I4s", len(document), b"JSON"),
            document,
            struct.pack("<I4s", len(blob), b"BIN\0"),
            blob,
        ]
    )


def check_watertight(mesh: Mesh, tolerance: float) -> None:
    """Every edge of each solid's mesh must border exactly two triangles, or it has a gap."""
    inside = mesh.solid != FREE
    if not np.any(inside):
        return
    triangles = mesh.triangles[inside]
    # Faces are meshed separately, but the nodes of an edge they share are computed once, so
    # they meet to within rounding noise: weld by position far below the mesh's deflection
    # (welding at the deflection itself joins the slivers of a creased surface wrongly).
    # Welded solid by solid: two solids of an assembly may touch without either having a gap.
    solid = np.zeros(len(mesh.points), dtype=np.int64)
    solid[triangles] = mesh.solid[inside, None]
    cells = np.round(mesh.points / (tolerance * _WELD_FRACTION)).astype(np.int64)
    _, ids = np.unique(np.column_stack([solid, cells]), axis=0, return_inverse=True)
    welded = ids.reshape(-1)[triangles]
    # Triangles that collapse when welded (at a sphere's pole, a cone's tip) are no gap.
    welded = welded[
        (welded[:, 0] != welded[:, 1])
        & (welded[:, 1] != welded[:, 2])
        & (welded[:, 0] != welded[:, 2])
    ]
    edges = np.sort(
        np.concatenate([welded[:, [0, 1]], welded[:, [1, 2]], welded[:, [2, 0]]]), axis=1
    )
    _, counts = np.unique(edges[:, 0] * (len(ids) + 1) + edges[:, 1], return_counts=True)
    if not np.all(counts == 2):
        raise CodedError("geometry_invalid", "the part's surface is not closed")
