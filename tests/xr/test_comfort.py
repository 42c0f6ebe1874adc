"""Comfort settings and the rig: seated by default, snap turns of the person's angle, a continuous height
offset, instant teleports, recentering and the safe place."""

from __future__ import annotations

import math

import numpy as np
import pytest

from madang.xr.camera import yaw_quaternion
from madang.xr.comfort import (
    HEIGHT_OFFSET_LIMITS_M,
    SEATED_EYE_HEIGHT_M,
    ComfortSettings,
    GazeSelect,
    Rig,
    heading,
    yaw_rotation,
)
from madang.xr.scene_kit import Hotspot

SPAWN = Hotspot("entrance", (0.0, 0.0, 30.0), 0.0)
COUNTER = Hotspot("documents", (12.0, 0.0, 4.0), math.radians(90))


def ahead(rig: Rig) -> np.ndarray:
    """Where the seat's straight ahead points in the world."""
    return rig.world_from_seat()[:3, :3] @ np.array([0.0, 0.0, -1.0])


def test_defaults_are_the_comfortable_ones():
    settings = ComfortSettings()
    assert settings.seated
    assert not settings.smooth_motion
    assert settings.snap_turn_degrees == 30
    assert settings.height_offset_m == 0.0
    assert settings.dwell_s == 1.5
    assert settings.gaze_select is GazeSelect.auto


@pytest.mark.parametrize("degrees", [30, 45])
def test_snap_turn_by_the_chosen_angle(degrees):
    rig = Rig(SPAWN, ComfortSettings(snap_turn_degrees=degrees))
    rig.snap_turn(+1)
    assert rig.yaw == pytest.approx(-math.radians(degrees))  # right: clockwise seen from above
    rig.snap_turn(-1)
    rig.snap_turn(-1)
    assert rig.yaw == pytest.approx(math.radians(degrees))
    assert rig.position.tolist() == list(SPAWN.position)  # turning never moves


def test_three_right_snaps_of_30_face_east():
    rig = Rig(SPAWN)
    for _ in range(3):
        rig.snap_turn(+1)
    assert ahead(rig) == pytest.approx([1.0, 0.0, 0.0], abs=1e-9)


def test_other_snap_angles_are_refused():
    with pytest.raises(ValueError, match="30, 45"):
        ComfortSettings(snap_turn_degrees=90)


def test_height_offset_is_continuous_and_clamped():
    settings = ComfortSettings()
    assert settings.with_height_offset(0.137).height_offset_m == 0.137
    assert settings.with_height_offset(-0.0625).height_offset_m == -0.0625
    assert settings.with_height_offset(2.0).height_offset_m == HEIGHT_OFFSET_LIMITS_M[1]
    assert settings.with_height_offset(-2.0).height_offset_m == HEIGHT_OFFSET_LIMITS_M[0]
    with pytest.raises(ValueError, match="height offset"):
        ComfortSettings(height_offset_m=1.0)


def test_the_height_offset_raises_the_seat_in_the_world():
    rig = Rig(SPAWN)
    assert rig.world_from_seat()[1, 3] == pytest.approx(SEATED_EYE_HEIGHT_M)
    for _ in range(3):
        rig.adjust_height(0.05)
    assert rig.settings.height_offset_m == pytest.approx(0.15)
    assert rig.world_from_seat()[1, 3] == pytest.approx(SEATED_EYE_HEIGHT_M + 0.15)
    rig.adjust_height(5.0)
    assert rig.settings.height_offset_m == HEIGHT_OFFSET_LIMITS_M[1]


def test_dwell_time_is_the_persons_within_limits():
    assert ComfortSettings().with_dwell(3.0).dwell_s == 3.0
    assert ComfortSettings().with_dwell(0.01).dwell_s == 0.5
    with pytest.raises(ValueError, match="dwell"):
        ComfortSettings(dwell_s=30)


def test_teleport_is_instant():
    rig = Rig(SPAWN)
    rig.teleport(COUNTER)
    assert rig.position.tolist() == list(COUNTER.position)
    assert rig.yaw == pytest.approx(COUNTER.yaw)
    assert rig.hotspot == "documents"
    assert rig.world_from_seat()[:3, 3] == pytest.approx([12.0, SEATED_EYE_HEIGHT_M, 4.0])
    assert ahead(rig) == pytest.approx([-1.0, 0.0, 0.0], abs=1e-9)  # yaw 90 degrees faces west


def test_safe_place_returns_to_the_plaza_spawn():
    rig = Rig(SPAWN, ComfortSettings(snap_turn_degrees=45))
    rig.teleport(COUNTER)
    rig.snap_turn(+1)
    rig.move(3.0, 0.2)
    rig.safe_place()
    assert rig.position.tolist() == list(SPAWN.position)
    assert rig.yaw == pytest.approx(SPAWN.yaw)
    assert rig.hotspot == SPAWN.id


def test_smooth_motion_glides_the_way_the_rig_faces():
    rig = Rig(Hotspot("here", (0.0, 0.0, 0.0), math.radians(-90)))  # facing east
    rig.move(2.0, 0.0)
    assert rig.position == pytest.approx([2.0, 0.0, 0.0], abs=1e-9)


def head_in_seat(rig: Rig, head_in_base: np.ndarray) -> np.ndarray:
    """A point of the runtime's base space, seen in the (recentered) seat space."""
    return yaw_rotation(rig.seat.yaw).T @ (head_in_base - np.asarray(rig.seat.position))


def test_recenter_puts_the_seat_where_the_head_is_and_turns_it_the_head_s_way():
    rig = Rig(SPAWN)
    head = np.array([0.1, -0.05, 0.2])
    seat = rig.recenter(head, yaw_quaternion(math.radians(40)))
    assert seat.position == pytest.approx(tuple(head))
    assert seat.yaw == pytest.approx(math.radians(40))
    assert head_in_seat(rig, head) == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    assert seat.orientation == pytest.approx(tuple(yaw_quaternion(math.radians(40))))


def test_recentering_again_builds_on_the_last_recenter():
    rig = Rig(SPAWN)
    rig.recenter((1.0, 0.0, 0.0), yaw_quaternion(math.radians(90)))
    # the head, seen in the new seat, moved 1 m ahead and turned 90 degrees more
    rig.recenter((0.0, 0.0, -1.0), yaw_quaternion(math.radians(90)))
    assert abs(rig.seat.yaw) == pytest.approx(math.pi)
    assert rig.seat.position == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)  # 1 m west of (1, 0, 0)


def test_recenter_ignores_pitch_and_roll():
    tilted = (math.sin(math.radians(20)), 0.0, 0.0, math.cos(math.radians(20)))  # looking 40 degrees up
    assert heading(tilted) == pytest.approx(0.0, abs=1e-9)
    rig = Rig(SPAWN)
    assert rig.recenter((0.0, 0.0, 0.0), tilted).orientation == pytest.approx((0.0, 0.0, 0.0, 1.0))


def test_standing_recenter_stays_on_the_floor_and_measures_the_eyes():
    rig = Rig(SPAWN, ComfortSettings(seated=False))
    seat = rig.recenter((0.3, 1.55, -0.2), yaw_quaternion(0.0))
    assert seat.position == pytest.approx((0.3, 0.0, -0.2))
    assert rig.eye_height_in_seat_m == pytest.approx(1.55)
    assert rig.world_from_seat()[1, 3] == pytest.approx(0.0)  # the floor of the room is the ground
