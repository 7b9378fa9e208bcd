import json
import struct

import build123d as bd
import numpy as np
import pytest

from naturalcad.errors import CodedError
from naturalcad.geometry.mesh import Mesh, check_watertight, glb_bytes, stl_bytes, triangulate


def box_mesh(corners: list[tuple[float, float, float]]) -> Mesh:
    """10 mm cubes at the given corners, as one compound of solids."""
    boxes = [bd.Pos(*c) * bd.Box(10, 10, 10, align=bd.Align.MIN) for c in corners]
    return triangulate(bd.Compound(children=boxes).wrapped, 0.01)


def test_a_box_is_twelve_triangles_with_outward_winding():
    mesh = box_mesh([(0, 0, 0)])
    assert len(mesh.triangles) == 12 and mesh.closed
    corners = mesh.corners
    volume = np.einsum("ij,ij->i", corners[:, 0], np.cross(corners[:, 1], corners[:, 2])).sum()
    assert volume / 6 == pytest.approx(1000)


def test_two_touching_solids_are_each_closed():
    check_watertight(box_mesh([(0, 0, 0), (10, 0, 0)]), 0.01)


def test_a_missing_triangle_is_a_gap():
    mesh = box_mesh([(0, 0, 0)])
    holed = Mesh(mesh.points, mesh.triangles[1:], mesh.solid[1:], mesh.face[1:])
    with pytest.raises(CodedError) as caught:
        check_watertight(holed, 0.01)
    assert caught.value.code == "geometry_invalid"


def test_stl_and_glb_carry_the_same_triangles():
    mesh = box_mesh([(0, 0, 0)])
    stl = stl_bytes(mesh)
    assert struct.unpack_from("<I", stl, 80) == (12,) and len(stl) == 84 + 12 * 50
    glb = glb_bytes(mesh, (0.5, 0.5, 0.5))
    (length,) = struct.unpack_from("<I", glb, 12)
    document = json.loads(glb[20 : 20 + length])
    position, _, indices = document["accessors"]
    assert indices["count"] == 36
    assert position["max"] == pytest.approx([0.01, 0.01, 0.01])  # metres
    assert len(glb) % 4 == 0 and struct.unpack_from("<I", glb, 8) == (len(glb),)
