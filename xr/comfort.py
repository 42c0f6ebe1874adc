"""Comfort settings of one person and the rig: where the seated person is in the virtual world.

Two spaces matter. The *seat space* is the OpenXR reference space the runtime tracks the head and hands in
(LOCAL when seated: its origin is the head at recentering, -Z ahead); the kiosk panel and the captions live
there, so they stay within reach whatever happens. The *world* is the scene's space; the rig puts the seat
space into it: at a hotspot on the ground, raised to eye height plus the person's own height offset, turned
by the rig's yaw. Teleports and snap turns move only the rig, instantly. Conventions as in ``camera.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from .camera import STANDING_EYE_HEIGHT_M, Quaternion, Vector, rotation_matrix, yaw_quaternion
from .scene_kit import Hotspot

SNAP_TURN_DEGREES = (30, 45)
HEIGHT_OFFSET_LIMITS_M = (-0.6, 0.6)
DWELL_LIMITS_S = (0.5, 5.0)
SEATED_EYE_HEIGHT_M = 1.2  # a seated adult's eye above the floor; the height offset adjusts it
SMOOTH_TURN_RADIANS_PER_S = math.radians(60)
SMOOTH_SPEED_M_PER_S = 1.0


class GazeSelect(StrEnum):
    auto = "auto"  # dwell selects while no controller is tracked
    on = "on"
    off = "off"


@dataclass(frozen=True)
class ComfortSettings:
    seated: bool = True
    height_offset_m: float = 0.0  # continuous, within HEIGHT_OFFSET_LIMITS_M
    snap_turn_degrees: int = 30  # 30 or 45, the person's choice
    smooth_motion: bool = False  # continuous turning and gliding make many people sick: off unless asked for
    dwell_s: float = 1.5  # how long gazing at a control selects it
    gaze_select: GazeSelect = GazeSelect.auto

    def __post_init__(self) -> None:
        if self.snap_turn_degrees not in SNAP_TURN_DEGREES:
            raise ValueError(f"snap turn must be one of {SNAP_TURN_DEGREES} degrees, not {self.snap_turn_degrees}")
        low, high = HEIGHT_OFFSET_LIMITS_M
        if not low <= self.height_offset_m <= high:
            raise ValueError(f"the height offset must be between {low} and {high} metres")
        low, high = DWELL_LIMITS_S
        if not low <= self.dwell_s <= high:
            raise ValueError(f"the dwell time must be between {low} and {high} seconds")

    def with_height_offset(self, metres: float) -> ComfortSettings:
        """Any height within the limits; beyond them, the nearest limit."""
        return replace(self, height_offset_m=min(max(metres, HEIGHT_OFFSET_LIMITS_M[0]), HEIGHT_OFFSET_LIMITS_M[1]))

    def with_dwell(self, seconds: float) -> ComfortSettings:
        return replace(self, dwell_s=min(max(seconds, DWELL_LIMITS_S[0]), DWELL_LIMITS_S[1]))

    @property
    def snap_turn_radians(self) -> float:
        return math.radians(self.snap_turn_degrees)


@dataclass(frozen=True)
class SeatOffset:
    """Where the seat space sits in the runtime's own reference space (what recentering changes)."""

    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    yaw: float = 0.0

    @property
    def orientation(self) -> tuple[float, float, float, float]:
        x, y, z, w = yaw_quaternion(self.yaw)
        return (float(x), float(y), float(z), float(w))


def heading(orientation: Quaternion) -> float:
    """The yaw of the direction a pose looks in (its -Z axis), ignoring pitch and roll."""
    forward = rotation_matrix(orientation) @ np.array([0.0, 0.0, -1.0])
    return math.atan2(-forward[0], -forward[2])


def wrapped(angle: float) -> float:
    """The same angle within -pi..pi."""
    return (angle + math.pi) % (2 * math.pi) - math.pi


def yaw_rotation(yaw: float) -> np.ndarray:
    return rotation_matrix(yaw_quaternion(yaw))


@dataclass
class Rig:
    home: Hotspot  # the safe place: the plaza's spawn point
    settings: ComfortSettings = field(default_factory=ComfortSettings)
    position: np.ndarray = field(init=False)
    yaw: float = field(init=False)
    hotspot: str = field(init=False)
    seat: SeatOffset = field(default_factory=SeatOffset)
    standing_eye_height_m: float = STANDING_EYE_HEIGHT_M  # measured at recentering when standing

    def __post_init__(self) -> None:
        self.teleport(self.home)

    def teleport(self, hotspot: Hotspot) -> None:
        """Be there now: no animation, which disturbs less than any movement."""
        self.position = np.asarray(hotspot.position, dtype=np.float64).copy()
        self.yaw = wrapped(hotspot.yaw)
        self.hotspot = hotspot.id

    def safe_place(self) -> None:
        self.teleport(self.home)

    def snap_turn(self, direction: int) -> None:
        """Turn by the person's snap angle: ``direction`` > 0 to the right, < 0 to the left."""
        if direction:
            self.yaw = wrapped(self.yaw - math.copysign(self.settings.snap_turn_radians, direction))

    def move(self, forward_m: float, turn_radians: float) -> None:
        """Smooth motion, for those who chose it: glide along the way the rig faces and turn (left positive)."""
        self.yaw = wrapped(self.yaw + turn_radians)
        self.position = self.position + yaw_rotation(self.yaw) @ np.array([0.0, 0.0, -forward_m])

    def adjust_height(self, delta_m: float) -> None:
        self.settings = self.settings.with_height_offset(self.settings.height_offset_m + delta_m)

    def recenter(self, head_position: Vector, head_orientation: Quaternion) -> SeatOffset:
        """Make the head's current place (and heading) the seat's origin; returns the new seat offset to create the
        reference space with. The head pose is given in the current seat space."""
        head = np.asarray(head_position, dtype=np.float64)
        if not self.settings.seated:
            self.standing_eye_height_m = float(head[1])
            head = np.array([head[0], 0.0, head[2]])  # a standing seat stays on the floor
        moved = np.asarray(self.seat.position) + yaw_rotation(self.seat.yaw) @ head
        self.seat = SeatOffset(
            (float(moved[0]), float(moved[1]), float(moved[2])), wrapped(self.seat.yaw + heading(head_orientation))
        )
        return self.seat

    @property
    def eye_height_in_seat_m(self) -> float:
        """How high the eyes are in seat space: 0 seated (LOCAL's origin is the head), else measured or typical."""
        return 0.0 if self.settings.seated else self.standing_eye_height_m

    def world_from_seat(self) -> np.ndarray:
        """(4, 4): seat-space points into the world."""
        lift = (SEATED_EYE_HEIGHT_M if self.settings.seated else 0.0) + self.settings.height_offset_m
        matrix = np.eye(4)
        matrix[:3, :3] = yaw_rotation(self.yaw)
        matrix[:3, 3] = self.position + np.array([0.0, lift, 0.0])
        return matrix
