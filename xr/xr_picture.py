"""What the XR client draws over the scene in one frame, worked out without OpenGL: the kiosk panel, the
captions panel (when there is something to read), a beam per pointing controller and the gaze cursor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .panel import KioskPanel, Quad
from .xr_input import Pointer

BEAM_MISS_M = 2.0  # how far a beam reaches when it points at nothing
CURSOR_DIAMETER_M = 0.05
CURSOR_LIFT_M = 0.003  # just in front of the panel, so it never fights with it
BEAM_IDLE = (1.0, 1.0, 1.0, 0.55)
BEAM_ON_CONTROL = (1.0, 0.84, 0.0, 0.95)  # the focus yellow: the trigger would press something
CURSOR_RING = (1.0, 0.84, 0.0, 1.0)

Colour = tuple[float, float, float, float]


@dataclass(frozen=True)
class Beam:
    start: np.ndarray
    end: np.ndarray
    colour: Colour


@dataclass(frozen=True)
class Cursor:
    quad: Quad
    progress: float  # of the dwell, 0..1


@dataclass(frozen=True)
class XrPicture:
    panel: Quad
    captions: Quad | None
    beams: tuple[Beam, ...]
    cursor: Cursor | None


def beam(pointer: Pointer) -> Beam:
    start = np.asarray(pointer.ray.origin, dtype=np.float64)
    direction = np.asarray(pointer.ray.direction, dtype=np.float64)
    length = BEAM_MISS_M if pointer.distance_m is None else pointer.distance_m
    colour = BEAM_ON_CONTROL if pointer.element is not None else BEAM_IDLE
    return Beam(start, start + direction / np.linalg.norm(direction) * length, colour)


def cursor(panel: KioskPanel, gaze: Pointer | None, progress: float) -> Cursor | None:
    if gaze is None or gaze.hit_mm is None:
        return None
    centre = panel.point_at_mm(*gaze.hit_mm) + panel.quad.normal * CURSOR_LIFT_M
    quad = Quad(centre, panel.quad.right, panel.quad.up, CURSOR_DIAMETER_M, CURSOR_DIAMETER_M)
    return Cursor(quad, progress)


def picture(
    panel: KioskPanel, pointers: Sequence[Pointer], gaze: Pointer | None, progress: float, captions: Quad | None
) -> XrPicture:
    return XrPicture(panel.quad, captions, tuple(beam(pointer) for pointer in pointers), cursor(panel, gaze, progress))
