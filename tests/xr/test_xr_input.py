"""From controllers and the gaze to kiosk events and rig commands."""

from __future__ import annotations

import numpy as np
import pytest

from madang.kiosk.display import Display
from madang.kiosk.protocol import Key, Touch
from madang.xr.comfort import ComfortSettings, GazeSelect
from madang.xr.panel import kiosk_panel
from madang.xr.xr_input import (
    FrameInput,
    HandInput,
    Ray,
    Recenter,
    SafePlace,
    SmoothMotion,
    SnapTurn,
    TeleportStep,
    XrInput,
)

PANEL = kiosk_panel(Display())
HAND = (0.2, -0.3, -0.3)


def element_at(x_mm: float, y_mm: float) -> str | None:
    """A screen of two controls: "upper" over the top half, "lower" over the bottom third."""
    if y_mm < 354:
        return "upper"
    return "lower" if y_mm > 472 else None


def ray(x_mm: float, y_mm: float, origin=HAND) -> Ray:
    direction = PANEL.point_at_mm(x_mm, y_mm) - np.asarray(origin)
    return Ray(origin, tuple(direction))


UPPER, LOWER, GAP = ray(200, 100), ray(200, 600), ray(200, 400)
AWAY = Ray(HAND, (0.0, 0.0, 1.0))


def mapper(**settings) -> XrInput:
    return XrInput(PANEL, element_at, ComfortSettings(**settings))


def hand(aim: Ray | None = UPPER, select: bool = False, stick=(0.0, 0.0)) -> HandInput:
    return HandInput(aim, select, stick)


def frame(t: float = 0.0, *hands: HandInput, gaze: Ray | None = None, **buttons) -> FrameInput:
    return FrameInput(t, gaze, hands, **buttons)


def test_the_trigger_touches_the_control_under_the_ray_once_per_press():
    xr_input = mapper()
    assert xr_input.update(frame(0.0, hand(UPPER))) == []
    assert xr_input.hovered == "upper"
    assert xr_input.update(frame(0.1, hand(UPPER, select=True))) == [Touch("upper")]
    assert xr_input.update(frame(0.2, hand(UPPER, select=True))) == []  # held
    assert xr_input.update(frame(0.3, hand(LOWER))) == []
    assert xr_input.update(frame(0.4, hand(LOWER, select=True))) == [Touch("lower")]


def test_each_hand_touches_what_it_points_at():
    xr_input = mapper()
    xr_input.update(frame(0.0, hand(UPPER), hand(LOWER)))
    assert xr_input.update(frame(0.1, hand(UPPER), hand(LOWER, select=True))) == [Touch("lower")]


def test_the_trigger_off_any_control_does_nothing():
    xr_input = mapper()
    for aim in (GAP, AWAY, None):
        xr_input.update(frame(0.0, hand(aim)))
        assert xr_input.update(frame(0.1, hand(aim, select=True))) == []


def test_a_trigger_held_when_input_resumes_is_no_press():
    xr_input = mapper()
    xr_input.update(frame(0.0, hand(UPPER)))
    xr_input.pause()
    assert xr_input.update(frame(1.0, hand(UPPER, select=True))) == []
    xr_input.update(frame(1.1, hand(UPPER)))
    assert xr_input.update(frame(1.2, hand(UPPER, select=True))) == [Touch("upper")]


def gazing(xr_input: XrInput, at: Ray, start: float, end: float, step: float = 0.1) -> list:
    commands = []
    for index in range(round((end - start) / step) + 1):
        commands += xr_input.update(frame(start + index * step, gaze=at))
    return commands


def test_dwelling_on_a_control_selects_it_once_after_the_dwell_time():
    xr_input = mapper()  # no controller: gaze selection is on by itself
    assert gazing(xr_input, UPPER, 0.0, 1.4) == []
    assert xr_input.dwell.progress == pytest.approx(1.4 / 1.5)
    assert xr_input.hovered == "upper"
    assert xr_input.update(frame(1.5, gaze=UPPER)) == [Touch("upper")]
    assert xr_input.dwell.progress == 0.0
    assert gazing(xr_input, UPPER, 1.6, 5.0) == []  # once, however long the gaze stays


def test_looking_away_starts_the_dwell_again():
    xr_input = mapper()
    gazing(xr_input, UPPER, 0.0, 1.0)
    xr_input.update(frame(1.1, gaze=GAP))
    assert xr_input.dwell.progress == 0.0
    assert gazing(xr_input, UPPER, 1.2, 2.6) == []
    assert xr_input.update(frame(2.7, gaze=UPPER)) == [Touch("upper")]


def test_after_selecting_the_same_control_needs_a_fresh_look():
    xr_input = mapper()
    assert gazing(xr_input, LOWER, 0.0, 1.5) == [Touch("lower")]
    xr_input.update(frame(1.6, gaze=AWAY))
    assert gazing(xr_input, LOWER, 1.7, 3.2) == [Touch("lower")]


def test_a_new_screen_restarts_the_dwell():
    xr_input = mapper()
    gazing(xr_input, UPPER, 0.0, 1.2)
    xr_input.screen_changed()
    assert xr_input.update(frame(1.5, gaze=UPPER)) == []
    assert xr_input.dwell.progress == 0.0


def test_the_dwell_time_is_the_persons():
    xr_input = mapper(dwell_s=3.0)
    assert gazing(xr_input, UPPER, 0.0, 2.9) == []
    assert xr_input.update(frame(3.0, gaze=UPPER)) == [Touch("upper")]


def test_gaze_selection_waits_while_a_controller_points_unless_asked_for():
    automatic = mapper()
    assert gazing_with_hand(automatic) == []
    assert automatic.gaze is None
    assert gazing_with_hand(mapper(gaze_select=GazeSelect.on)) == [Touch("upper")]
    assert gazing(mapper(gaze_select=GazeSelect.off), UPPER, 0.0, 2.0) == []


def gazing_with_hand(xr_input: XrInput) -> list:
    commands = []
    for index in range(21):
        commands += xr_input.update(frame(index * 0.1, hand(GAP), gaze=UPPER))
    return commands


def stick(xr_input: XrInput, x: float, y: float, t: float = 0.0) -> list:
    return xr_input.update(frame(t, hand(None, stick=(x, y))))


def test_the_stick_snap_turns_once_per_push():
    xr_input = mapper()
    assert stick(xr_input, 0.8, 0.1) == [SnapTurn(1)]
    assert stick(xr_input, 1.0, 0.0) == []  # held
    assert stick(xr_input, 0.5, 0.0) == []  # not back in the middle yet
    assert stick(xr_input, 0.9, 0.0) == []
    assert stick(xr_input, 0.1, 0.0) == []  # released
    assert stick(xr_input, -0.9, 0.2) == [SnapTurn(-1)]


def test_the_stick_has_a_dead_zone():
    xr_input = mapper()
    for x, y in ((0.6, 0.0), (0.0, -0.65), (0.5, 0.5)):
        assert stick(xr_input, x, y) == []


def test_forward_and_back_step_between_hotspots():
    xr_input = mapper()
    assert stick(xr_input, 0.2, 0.9) == [TeleportStep(1)]
    stick(xr_input, 0.0, 0.0)
    assert stick(xr_input, -0.1, -0.95) == [TeleportStep(-1)]


def test_smooth_motion_only_when_chosen():
    xr_input = mapper(smooth_motion=True)
    stick(xr_input, 0.0, 1.0, t=0.0)
    [motion] = stick(xr_input, 0.0, 1.0, t=0.5)
    assert isinstance(motion, SmoothMotion)
    assert motion.forward_m == pytest.approx(0.5)  # 1 m/s for half a second
    assert motion.turn_radians == 0.0
    assert stick(xr_input, 0.1, 0.1, t=0.6) == []  # dead zone


def test_buttons_are_home_with_the_safe_place_back_and_recenter():
    xr_input = mapper()
    xr_input.update(frame(0.0, hand()))
    assert xr_input.update(frame(0.1, hand(), home=True)) == [Key("home"), SafePlace()]
    assert xr_input.update(frame(0.2, hand(), home=True)) == []
    assert xr_input.update(frame(0.3, hand(), back=True)) == [Key("back")]
    assert xr_input.update(frame(0.4, hand(), recenter=True)) == [Recenter()]


def test_pointers_report_where_they_point():
    xr_input = mapper()
    xr_input.update(frame(0.0, hand(UPPER), hand(AWAY)))
    upper, away = xr_input.pointers
    assert upper.element == "upper" and upper.hit_mm == pytest.approx((200, 100))
    assert upper.distance_m == pytest.approx(np.linalg.norm(PANEL.point_at_mm(200, 100) - np.asarray(HAND)))
    assert away.element is None and away.hit_mm is None and away.distance_m is None
