import io

import numpy as np
from PIL import Image

from naturalcad.geometry.preview import BACKGROUND, PNG_SIZE, rasterize, render_solid
from tests.naturalcad.test_mesh import box_mesh

NEAR, FAR = 7, 9


def two_triangles(near_first: bool) -> np.ndarray:
    """A far triangle covering the centre, and a near one covering it only on the left."""
    far = [[100, 100], [400, 100], [250, 400]]
    near = [[50, 150], [260, 150], [150, 350]]
    triangles = [(near, 1.0, NEAR), (far, 5.0, FAR)]
    if not near_first:
        triangles.reverse()
    xy = np.array([t[0] for t in triangles], dtype=float)
    depth = np.array([[t[1]] * 3 for t in triangles])
    values = np.array([t[2] for t in triangles], dtype=np.uint8)
    return rasterize(xy, depth, values)


def test_a_near_face_hides_a_far_one_whatever_the_drawing_order():
    for near_first in (True, False):
        image = two_triangles(near_first)
        assert image[200, 200] == NEAR  # inside both: the near one wins
        assert image[150, 300] == FAR  # inside the far one only
        assert image[10, 10] == 0  # the background


def test_triangles_sharing_an_edge_leave_no_crack():
    square = np.array([[[100, 100], [400, 100], [400, 400]], [[100, 100], [400, 400], [100, 400]]])
    image = rasterize(square.astype(float), np.ones((2, 3)), np.full(2, 9, dtype=np.uint8))
    inside = image[101:399, 101:399]
    assert np.all(inside == 9)


def test_a_closed_box_is_drawn_with_its_three_visible_faces_shaded_apart():
    png = render_solid(box_mesh([(0, 0, 0)]))
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape == (PNG_SIZE, PNG_SIZE, 3)
    colours = {tuple(c) for c in image.reshape(-1, 3)} - {BACKGROUND}
    assert len(colours) == 3  # top, left and right; the hidden three were culled unseen
