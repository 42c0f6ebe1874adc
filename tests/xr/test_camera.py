"""The camera maths against what OpenXR and OpenGL expect: clip space, poses, yaw, two eyes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from madang.xr.camera import (
    DEFAULT_IPD_M,
    eye_views,
    look_at,
    perspective,
    perspective_from_fov,
    pose_matrix,
    rotation_matrix,
    view_from_world_pose,
    view_matrix,
    yaw_quaternion,
)


def clip_to_ndc(projection: np.ndarray, point: tuple[float, float, float]) -> np.ndarray:
    clip = projection @ np.array([*point, 1.0])
    return clip[:3] / clip[3]


def eye_position(view: np.ndarray) -> np.ndarray:
    return view_from_world_pose(view)[:3, 3]


def test_the_near_and_far_planes_map_to_the_ends_of_the_depth_range():
    projection = perspective(math.radians(90), 1.5, 0.1, 100.0)
    assert clip_to_ndc(projection, (0, 0, -0.1))[2] == pytest.approx(-1, abs=1e-5)
    assert clip_to_ndc(projection, (0, 0, -100.0))[2] == pytest.approx(1, abs=1e-5)


def test_the_edges_of_the_field_of_view_map_to_the_edges_of_the_image():
    projection = perspective(math.radians(90), 2.0, 0.1, 100.0)
    top = clip_to_ndc(projection, (0, 1, -1))  # 45 degrees up: half of a 90 degree vertical field
    right = clip_to_ndc(projection, (2, 0, -1))  # twice as wide as high
    assert top[1] == pytest.approx(1, abs=1e-5)
    assert right[0] == pytest.approx(1, abs=1e-5)


def test_an_openxr_field_of_view_may_be_asymmetric():
    left, right, up, down = math.radians(-50), math.radians(40), math.radians(45), math.radians(-55)
    projection = perspective_from_fov(left, right, up, down, 0.05, 100.0)
    for angle, expected in ((left, -1), (right, 1)):
        assert clip_to_ndc(projection, (math.tan(angle), 0, -1))[0] == pytest.approx(expected, abs=1e-5)
    for angle, expected in ((up, 1), (down, -1)):
        assert clip_to_ndc(projection, (0, math.tan(angle), -1))[1] == pytest.approx(expected, abs=1e-5)
    symmetric = perspective_from_fov(-math.pi / 4, math.pi / 4, math.pi / 4, -math.pi / 4, 0.1, 10.0)
    np.testing.assert_allclose(symmetric, perspective(math.pi / 2, 1.0, 0.1, 10.0), atol=1e-6)


@pytest.mark.parametrize(("near", "far"), [(0.0, 10.0), (1.0, 1.0), (-1.0, 10.0)])
def test_an_impossible_depth_range_is_refused(near, far):
    with pytest.raises(ValueError, match="near"):
        perspective(1.0, 1.0, near, far)


def test_a_yaw_turns_left_from_north():
    forward = rotation_matrix(yaw_quaternion(math.pi / 2)) @ np.array([0, 0, -1.0])
    np.testing.assert_allclose(forward, [-1, 0, 0], atol=1e-9)  # north (-z) turned left is west (-x)


def test_a_pose_and_its_view_matrix_are_inverses():
    position, orientation = (1.0, 1.6, -2.0), np.array([0.1, 0.7, -0.05, 0.7])
    product = pose_matrix(position, orientation) @ view_matrix(position, orientation)
    np.testing.assert_allclose(product, np.eye(4), atol=1e-5)


def test_look_at_agrees_with_the_pose_of_a_turned_head():
    eye = (2.0, 1.6, 3.0)
    looking_west = look_at(eye, (-10.0, 1.6, 3.0))
    np.testing.assert_allclose(looking_west, view_matrix(eye, yaw_quaternion(math.pi / 2)), atol=1e-5)
    with pytest.raises(ValueError, match="own position"):
        look_at(eye, eye)


@pytest.mark.parametrize("yaw", [0.0, math.pi / 2, -2.5])
def test_the_two_eyes_sit_an_ipd_apart_across_the_head(yaw):
    head = np.array([1.0, 1.6, -4.0])
    left, right = eye_views(head, yaw)
    left_eye, right_eye = eye_position(left), eye_position(right)
    assert np.linalg.norm(right_eye - left_eye) == pytest.approx(DEFAULT_IPD_M, abs=1e-5)
    np.testing.assert_allclose((left_eye + right_eye) / 2, head, atol=1e-5)
    head_right = rotation_matrix(yaw_quaternion(yaw)) @ np.array([1.0, 0, 0])
    assert np.dot(right_eye - left_eye, head_right) > 0  # the right eye is on the head's right


def test_eye_views_take_a_quaternion_as_well_as_a_yaw():
    by_yaw = eye_views((0, 1.6, 0), 0.8, ipd_m=0.07)
    by_quaternion = eye_views((0, 1.6, 0), yaw_quaternion(0.8), ipd_m=0.07)
    for a, b in zip(by_yaw, by_quaternion, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_a_point_ahead_appears_further_right_to_the_left_eye():
    """The sign of stereo disparity that the render tests look for."""
    left, right = eye_views((0, 1.6, 0), 0.0)
    projection = perspective(math.radians(90), 1.0, 0.1, 100.0)
    point = (0.0, 1.6, -2.0)
    in_left = clip_to_ndc(projection @ left, point)
    in_right = clip_to_ndc(projection @ right, point)
    assert in_left[0] > 0 > in_right[0]
