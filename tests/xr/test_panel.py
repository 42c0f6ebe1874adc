"""The kiosk panel: large enough text, rays to display millimetres; the captions panel's lazy follow."""

from __future__ import annotations

import math

import numpy as np
import pytest

from madang.kiosk.display import Display
from madang.kiosk.layout import BODY_CAP_MM
from madang.xr.panel import (
    FOLLOW_AFTER_DEGREES,
    MIN_CAP_DEGREES,
    PANEL_DISTANCE_M,
    SETTLED_DEGREES,
    TOP_EDGE_UP_DEGREES,
    CaptionFollower,
    kiosk_panel,
)

PORTRAIT = Display()  # 398 x 708 mm, 1080 x 1920 px
LANDSCAPE = Display(width_mm=527, height_mm=296, width_px=1920, height_px=1080)
EYE = np.zeros(3)


def angle_subtended(size_m: float, distance_m: float) -> float:
    return math.degrees(2 * math.atan(size_m / 2 / distance_m))


@pytest.mark.parametrize("display", [PORTRAIT, LANDSCAPE])
def test_body_text_at_100_percent_subtends_at_least_0_7_degrees(display):
    panel = kiosk_panel(display)
    cap_m = BODY_CAP_MM / display.height_mm * panel.quad.height_m  # the cap, scaled with the panel
    distance = float(np.linalg.norm(panel.quad.centre - EYE))
    assert distance == pytest.approx(PANEL_DISTANCE_M)
    assert angle_subtended(cap_m, distance) >= MIN_CAP_DEGREES
    assert panel.cap_degrees() == pytest.approx(angle_subtended(cap_m, distance))
    assert panel.cap_degrees() < MIN_CAP_DEGREES * 1.2  # large enough, not needlessly larger


@pytest.mark.parametrize("display", [PORTRAIT, LANDSCAPE])
def test_the_panel_keeps_the_display_s_proportions(display):
    panel = kiosk_panel(display)
    assert panel.quad.width_m / panel.quad.height_m == pytest.approx(display.width_mm / display.height_mm)
    assert panel.texture_size == (display.width_px, display.height_px)


def test_the_panel_stands_ahead_below_eye_level_facing_the_eyes():
    panel = kiosk_panel(PORTRAIT)
    centre = panel.quad.centre
    assert centre[2] < -1.0 and centre[0] == pytest.approx(0.0)
    assert centre[1] < 0  # its centre slightly below the eyes
    assert panel.quad.normal == pytest.approx(-centre / np.linalg.norm(centre))
    top = centre + panel.quad.up * panel.quad.height_m / 2
    assert math.degrees(math.atan2(top[1], -top[2])) <= TOP_EDGE_UP_DEGREES + 1e-9


def test_a_standing_seat_raises_the_panel_with_the_eyes():
    seated, standing = kiosk_panel(PORTRAIT), kiosk_panel(PORTRAIT, eye_height_m=1.6)
    assert standing.quad.centre - seated.quad.centre == pytest.approx([0.0, 1.6, 0.0])


def ray_to(panel, x_mm: float, y_mm: float, origin=EYE):
    return origin, panel.point_at_mm(x_mm, y_mm) - origin


@pytest.mark.parametrize(
    ("x_mm", "y_mm"), [(199.0, 354.0), (1.0, 1.0), (397.0, 1.0), (1.0, 707.0), (397.0, 707.0), (50.0, 600.0)]
)
def test_a_ray_lands_on_the_display_millimetre_it_points_at(x_mm, y_mm):
    panel = kiosk_panel(PORTRAIT)
    assert panel.ray_hit(*ray_to(panel, x_mm, y_mm)) == pytest.approx((x_mm, y_mm), abs=1e-6)
    controller = np.array([0.25, -0.35, -0.3])  # a right hand, resting low
    assert panel.ray_hit(*ray_to(panel, x_mm, y_mm, controller)) == pytest.approx((x_mm, y_mm), abs=1e-6)


def test_the_centre_and_the_corners():
    panel = kiosk_panel(PORTRAIT)
    assert panel.ray_hit(EYE, panel.quad.centre) == pytest.approx((199.0, 354.0))
    top_left = panel.quad.centre - panel.quad.right * panel.quad.width_m / 2 + panel.quad.up * panel.quad.height_m / 2
    assert panel.ray_hit(EYE, top_left * 0.999 + panel.quad.centre * 0.001) == pytest.approx((0.0, 0.0), abs=0.5)


def test_rays_that_miss_return_none():
    panel = kiosk_panel(PORTRAIT)
    assert panel.ray_hit(EYE, (0.0, 0.0, 1.0)) is None  # looking backwards
    assert panel.ray_hit(EYE, (1.0, 0.0, -0.2)) is None  # far to the right
    assert panel.ray_hit(EYE, (0.0, 1.0, -0.1)) is None  # up at the sky
    assert panel.ray_hit(EYE, (1.0, 0.0, 0.0)) is None  # parallel to the panel
    behind = panel.quad.centre * 1.5
    assert panel.ray_hit(behind, -panel.quad.centre) is None  # from behind the panel
    assert panel.ray_hit(behind, panel.quad.centre) is None  # pointing away from it
    assert panel.ray_distance(EYE, panel.quad.centre) == pytest.approx(PANEL_DISTANCE_M)


def forward(yaw_degrees: float, pitch_degrees: float = 0.0) -> np.ndarray:
    yaw, pitch = math.radians(yaw_degrees), math.radians(pitch_degrees)
    return np.array([-math.sin(yaw) * math.cos(pitch), math.sin(pitch), -math.cos(yaw) * math.cos(pitch)])


def test_captions_stay_put_while_the_head_moves_a_little():
    follower = CaptionFollower()
    first = follower.update(EYE, forward(0), 1 / 90)
    moved = follower.update(EYE, forward(FOLLOW_AFTER_DEGREES - 5), 1 / 90)
    assert moved.centre == pytest.approx(first.centre)
    assert not follower.following
    assert first.centre[1] < 0  # below the line of sight


def test_captions_glide_back_after_the_head_turns_away():
    follower = CaptionFollower()
    follower.update(EYE, forward(0), 1 / 90)
    follower.update(EYE, forward(60), 1 / 90)
    assert follower.following
    assert 0 < math.degrees(follower.yaw) < 10  # eased: only part of the way after one frame
    for _ in range(180):  # two seconds at 90 Hz
        quad = follower.update(EYE, forward(60), 1 / 90)
    assert not follower.following
    assert math.degrees(follower.yaw) == pytest.approx(60, abs=SETTLED_DEGREES)
    assert quad.normal @ (EYE - quad.centre) > 0  # facing the person


def test_captions_follow_a_head_looking_down_too():
    follower = CaptionFollower()
    for _ in range(180):
        follower.update(EYE, forward(0, -40), 1 / 90)
    assert math.degrees(follower.pitch) == pytest.approx(-40, abs=SETTLED_DEGREES)
