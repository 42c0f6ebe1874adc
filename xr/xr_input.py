"""From what the controllers and the head did this frame to kiosk input events and rig commands.

No OpenXR here: the session glue fills a ``FrameInput`` in seat space, ``XrInput.update`` answers with the
kiosk's own events (``Touch``, ``Key``) and rig commands. Pointing with a controller ray and pulling the trigger
touches the control under the ray; for people who cannot use their hands, looking at a control for the dwell
time selects it. Buttons and sticks fire once per press (edges, with a dead zone), never while held.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from madang.kiosk.protocol import Key, Touch

from .camera import rotation_matrix
from .comfort import SMOOTH_SPEED_M_PER_S, SMOOTH_TURN_RADIANS_PER_S, ComfortSettings, GazeSelect
from .panel import KioskPanel

STICK_PRESS = 0.7  # a stick counts as pushed beyond this ...
STICK_RELEASE = 0.35  # ... and as back in the middle below this
SMOOTH_DEAD_ZONE = 0.2

Vector3 = tuple[float, float, float]
ElementAt = Callable[[float, float], str | None]


@dataclass(frozen=True)
class Ray:
    origin: Vector3
    direction: Vector3


@dataclass(frozen=True)
class HeadPose:
    position: Vector3
    orientation: tuple[float, float, float, float]  # x, y, z, w

    @property
    def forward(self) -> np.ndarray:
        return rotation_matrix(self.orientation) @ np.array([0.0, 0.0, -1.0])

    @property
    def gaze(self) -> Ray:
        x, y, z = self.forward
        return Ray(self.position, (float(x), float(y), float(z)))


@dataclass(frozen=True)
class HandInput:
    aim: Ray | None = None  # None while the controller is not tracked
    select: bool = False  # the trigger (or the simple controller's select)
    stick: tuple[float, float] = (0.0, 0.0)  # x right, y forward, each -1..1


@dataclass(frozen=True)
class FrameInput:
    time_s: float
    gaze: Ray | None = None  # from the head, straight ahead
    hands: tuple[HandInput, ...] = ()
    home: bool = False
    back: bool = False
    recenter: bool = False


@dataclass(frozen=True)
class SnapTurn:
    direction: int  # +1 right, -1 left


@dataclass(frozen=True)
class TeleportStep:
    step: int  # +1 the next hotspot of this place, -1 the previous one


@dataclass(frozen=True)
class SmoothMotion:
    forward_m: float
    turn_radians: float  # positive turns left


@dataclass(frozen=True)
class SafePlace:
    """Back to the plaza's spawn point, whatever is happening."""


@dataclass(frozen=True)
class Recenter:
    pass


RigCommand = SnapTurn | TeleportStep | SmoothMotion | SafePlace | Recenter
Command = Touch | Key | RigCommand


@dataclass(frozen=True)
class Pointer:
    """A ray to draw, and what it points at: a point of the display (millimetres) and the control there."""

    ray: Ray
    hit_mm: tuple[float, float] | None
    element: str | None
    distance_m: float | None


class GazeDwell:
    """Selects the element the gaze has rested on for ``dwell_s``, once; leaving it starts over."""

    def __init__(self, dwell_s: float) -> None:
        self.dwell_s = dwell_s
        self.reset()

    def reset(self) -> None:
        self.element: str | None = None
        self.since = 0.0
        self.fired = False
        self.progress = 0.0  # 0..1, for drawing the ring that fills up

    def update(self, element: str | None, now_s: float) -> str | None:
        if element != self.element:
            self.element, self.since, self.fired = element, now_s, False
        if element is None or self.fired:
            self.progress = 0.0
            return None
        self.progress = min(1.0, (now_s - self.since) / self.dwell_s)
        if self.progress < 1.0:
            return None
        self.fired, self.progress = True, 0.0
        return element


class StickGesture:
    """One push of a stick in one of four directions; it must come back to the middle before the next."""

    def __init__(self) -> None:
        self.pushed: str | None = None

    def update(self, x: float, y: float) -> str | None:
        if self.pushed is not None:
            if max(abs(x), abs(y)) < STICK_RELEASE:
                self.pushed = None
            return None
        if max(abs(x), abs(y)) <= STICK_PRESS:
            return None
        if abs(x) >= abs(y):
            self.pushed = "right" if x > 0 else "left"
        else:
            self.pushed = "forward" if y > 0 else "back"
        return self.pushed


STICK_COMMANDS: dict[str, RigCommand] = {
    "left": SnapTurn(-1),
    "right": SnapTurn(1),
    "forward": TeleportStep(1),
    "back": TeleportStep(-1),
}


def _dead_zone(value: float) -> float:
    if abs(value) < SMOOTH_DEAD_ZONE:
        return 0.0
    return math.copysign((abs(value) - SMOOTH_DEAD_ZONE) / (1 - SMOOTH_DEAD_ZONE), value)


class XrInput:
    def __init__(self, panel: KioskPanel, element_at: ElementAt, settings: ComfortSettings) -> None:
        self.panel = panel
        self.element_at = element_at
        self.settings = settings
        self.dwell = GazeDwell(settings.dwell_s)
        self.pointers: tuple[Pointer, ...] = ()
        self.gaze: Pointer | None = None  # set while gaze selection is on
        self._sticks: list[StickGesture] = []
        self._held: tuple[bool, ...] | None = None  # buttons at the last frame; None: just (re)started
        self._last_time: float | None = None

    def pause(self) -> None:
        """Input stopped (the session lost focus): forget the hover and the dwell; held buttons fire no press."""
        self.dwell.reset()
        self.pointers, self.gaze = (), None
        self._held, self._last_time = None, None

    def screen_changed(self) -> None:
        """A new screen: a dwell under way was for a control that is gone."""
        self.dwell.reset()

    def set_settings(self, settings: ComfortSettings) -> None:
        self.settings = settings
        self.dwell.dwell_s = settings.dwell_s

    def pointer(self, ray: Ray) -> Pointer:
        hit = self.panel.ray_hit(ray.origin, ray.direction)
        element = None if hit is None else self.element_at(*hit)
        distance = None if hit is None else self.panel.ray_distance(ray.origin, ray.direction)
        return Pointer(ray, hit, element, distance)

    @property
    def hovered(self) -> str | None:
        """The control a ray (or else the gaze) points at: the renderer highlights it."""
        for pointer in self.pointers:
            if pointer.element is not None:
                return pointer.element
        return None if self.gaze is None else self.gaze.element

    def gaze_selects(self, frame: FrameInput) -> bool:
        if self.settings.gaze_select is GazeSelect.auto:
            return all(hand.aim is None for hand in frame.hands)
        return self.settings.gaze_select is GazeSelect.on

    def update(self, frame: FrameInput) -> list[Command]:
        commands: list[Command] = []
        held = (frame.home, frame.back, frame.recenter, *(hand.select for hand in frame.hands))
        before = held if self._held is None else self._held
        if len(before) != len(held):  # a controller came or went: only the buttons can have been pressed
            before = before[:3] + held[3:]
        pressed = [now and not then for now, then in zip(held, before, strict=True)]
        self._held = held
        dt = 0.0 if self._last_time is None else max(0.0, frame.time_s - self._last_time)
        self._last_time = frame.time_s

        per_hand = [None if hand.aim is None else self.pointer(hand.aim) for hand in frame.hands]
        self.pointers = tuple(pointer for pointer in per_hand if pointer is not None)
        for pointer, select_pressed in zip(per_hand, pressed[3:], strict=True):
            if select_pressed and pointer is not None and pointer.element is not None:
                commands.append(Touch(pointer.element))

        if self.gaze_selects(frame) and frame.gaze is not None:
            self.gaze = self.pointer(frame.gaze)
            chosen = self.dwell.update(self.gaze.element, frame.time_s)
            if chosen is not None:
                commands.append(Touch(chosen))
        else:
            self.gaze = None
            self.dwell.reset()

        commands += self._sticks_moved(frame, dt)
        if pressed[0]:
            commands += [Key("home"), SafePlace()]
        if pressed[1]:
            commands.append(Key("back"))
        if pressed[2]:
            commands.append(Recenter())
        return commands

    def _sticks_moved(self, frame: FrameInput, dt: float) -> list[Command]:
        while len(self._sticks) < len(frame.hands):
            self._sticks.append(StickGesture())
        if self.settings.smooth_motion:
            forward = sum(_dead_zone(hand.stick[1]) for hand in frame.hands)
            turn = sum(_dead_zone(hand.stick[0]) for hand in frame.hands)
            if not (forward or turn):
                return []
            return [SmoothMotion(forward * SMOOTH_SPEED_M_PER_S * dt, -turn * SMOOTH_TURN_RADIANS_PER_S * dt)]
        commands: list[Command] = []
        for hand, gesture in zip(frame.hands, self._sticks, strict=False):
            pushed = gesture.update(*hand.stick)
            if pushed is not None:
                commands.append(STICK_COMMANDS[pushed])
        return commands
