"""Cameras for one screen or two eyes, in numpy.

Conventions, the same as OpenXR's and used by every module here:

- World axes: right-handed, +Y up, -Z ahead ("north"), +X to the right ("east"); metres.
- Yaw: radians about +Y; 0 faces north (-Z) and a positive yaw turns left (counter-clockwise seen from above).
- Quaternions are (x, y, z, w), the order of ``XrQuaternionf``.
- Matrices are (4, 4) float32 in the mathematical layout: they multiply column vectors (``p' = M @ p``) and
  the translation is ``M[:3, 3]``. OpenGL reads matrices column-major, so upload ``M.T`` (or pass
  ``transpose=GL_TRUE``).
- Projections map view space (camera looking down -Z) to OpenGL clip space (depth -1..1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

DEFAULT_IPD_M = 0.064
STANDING_EYE_HEIGHT_M = 1.6

Vector = Sequence[float] | np.ndarray
Quaternion = Sequence[float] | np.ndarray


def perspective(fov_y: float, aspect: float, near: float, far: float) -> np.ndarray:
    """A symmetric projection: ``fov_y`` the vertical field of view in radians, ``aspect`` width / height."""
    tan_up = math.tan(fov_y / 2)
    tan_right = tan_up * aspect
    return _frustum((-tan_right, tan_right, tan_up, -tan_up), near, far)


def perspective_from_fov(  # noqa: PLR0917 - the four angles of an XrFovf, in its order
    angle_left: float, angle_right: float, angle_up: float, angle_down: float, near: float, far: float
) -> np.ndarray:
    """An asymmetric projection from an OpenXR view's ``XrFovf``: angles in radians from the view axis, left
    and down usually negative."""
    tangents = (math.tan(angle_left), math.tan(angle_right), math.tan(angle_up), math.tan(angle_down))
    return _frustum(tangents, near, far)


def _frustum(tangents: tuple[float, float, float, float], near: float, far: float) -> np.ndarray:
    tan_left, tan_right, tan_up, tan_down = tangents
    if not 0 < near < far:
        raise ValueError(f"need 0 < near < far, got near={near}, far={far}")
    if tan_right <= tan_left or tan_up <= tan_down:
        raise ValueError("the field of view is empty: right must exceed left and up must exceed down")
    width, height = tan_right - tan_left, tan_up - tan_down
    matrix = np.zeros((4, 4), dtype=np.float32)
    matrix[0, 0] = 2 / width
    matrix[0, 2] = (tan_right + tan_left) / width
    matrix[1, 1] = 2 / height
    matrix[1, 2] = (tan_up + tan_down) / height
    matrix[2, 2] = -(far + near) / (far - near)
    matrix[2, 3] = -2 * far * near / (far - near)
    matrix[3, 2] = -1
    return matrix


def look_at(eye: Vector, target: Vector, up: Vector = (0.0, 1.0, 0.0)) -> np.ndarray:
    """The view matrix of a camera at ``eye`` looking at ``target``."""
    eye = np.asarray(eye, dtype=np.float64)
    forward = np.asarray(target, dtype=np.float64) - eye
    if not np.linalg.norm(forward):
        raise ValueError("the camera cannot look at its own position")
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, np.asarray(up, dtype=np.float64))
    if not np.linalg.norm(right):
        raise ValueError("'up' is parallel to the viewing direction")
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    world_from_camera = np.eye(4)
    world_from_camera[:3, 0], world_from_camera[:3, 1], world_from_camera[:3, 2] = right, true_up, -forward
    world_from_camera[:3, 3] = eye
    return view_from_world_pose(world_from_camera)


def yaw_quaternion(yaw: float) -> np.ndarray:
    """The orientation of a head turned by ``yaw`` radians (0 faces north, positive turns left)."""
    return np.array([0.0, math.sin(yaw / 2), 0.0, math.cos(yaw / 2)])


def rotation_matrix(orientation: Quaternion) -> np.ndarray:
    """The (3, 3) rotation of a unit quaternion (x, y, z, w)."""
    x, y, z, w = np.asarray(orientation, dtype=np.float64) / np.linalg.norm(orientation)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def pose_matrix(position: Vector, orientation: Quaternion) -> np.ndarray:
    """World-from-pose: where a pose (an ``XrPosef``'s position and orientation) puts its local axes."""
    matrix = np.eye(4)
    matrix[:3, :3] = rotation_matrix(orientation)
    matrix[:3, 3] = position
    return matrix.astype(np.float32)


def view_from_world_pose(world_from_camera: np.ndarray) -> np.ndarray:
    """The inverse of a rigid transform: a camera's pose matrix becomes its view matrix."""
    rotation = np.asarray(world_from_camera, dtype=np.float64)[:3, :3]
    view = np.eye(4)
    view[:3, :3] = rotation.T
    view[:3, 3] = -rotation.T @ np.asarray(world_from_camera, dtype=np.float64)[:3, 3]
    return view.astype(np.float32)


def view_matrix(position: Vector, orientation: Quaternion) -> np.ndarray:
    """The view matrix of an eye whose pose OpenXR reports (``XrView.pose``)."""
    return view_from_world_pose(pose_matrix(position, orientation))


def eye_views(
    head_position: Vector, head_orientation: float | Quaternion, ipd_m: float = DEFAULT_IPD_M
) -> tuple[np.ndarray, np.ndarray]:
    """The (left, right) view matrices of two eyes ``ipd_m`` apart on the head's left-right axis.

    ``head_orientation`` is a yaw in radians or a quaternion (x, y, z, w)."""
    if isinstance(head_orientation, int | float):
        head_orientation = yaw_quaternion(float(head_orientation))
    rotation = rotation_matrix(head_orientation)
    head_right = rotation[:, 0]
    centre = np.asarray(head_position, dtype=np.float64)
    left = view_matrix(centre - head_right * ipd_m / 2, head_orientation)
    right = view_matrix(centre + head_right * ipd_m / 2, head_orientation)
    return left, right
