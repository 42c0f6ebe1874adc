"""The kiosk's screen as a panel in seat space, and the captions panel that follows the view lazily.

The kiosk panel keeps the display's proportions and is scaled so that body text at 100% (``BODY_CAP_MM`` on
the physical display) subtends at least ``MIN_CAP_DEGREES`` at the panel's distance. It stands ahead of the
seat, its top edge no higher than ``TOP_EDGE_UP_DEGREES`` above eye level (looking down is easier than up), and
leans back so that its centre faces the eyes. A ray (controller or gaze) becomes display millimetres, the
coordinates the layout and ``hit_test`` use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from madang.kiosk.display import Display
from madang.kiosk.layout import BODY_CAP_MM

from .camera import Vector

MIN_CAP_DEGREES = 0.7  # the least visual angle of a capital letter at 100% text size
CAP_MARGIN = 1.05  # design a little above the minimum, so rounding never takes it below
PANEL_DISTANCE_M = 1.3  # beyond arm's length: the eyes converge comfortably; the ray reaches it
TOP_EDGE_UP_DEGREES = 20.0
MAX_TEXTURE_SIDE = 2048

CAPTION_DISTANCE_M = 1.0
CAPTION_BELOW_DEGREES = 18.0  # under the line of sight, so captions cover little of the kiosk panel
CAPTION_CAP_DEGREES = 0.9
CAPTION_WIDTH_M = 0.9
CAPTION_LINES = 3
FOLLOW_AFTER_DEGREES = 25.0  # the captions stay put until the head has turned this far away
SETTLED_DEGREES = 2.0  # ... and then glide back until they are this close to straight ahead
FOLLOW_RATE_PER_S = 4.0  # exponential easing: about 63% of the way in a quarter of a second
MAX_PITCH = math.radians(60)  # looking straight up or down, the captions stop climbing


def _unit(vector: Vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float64)
    return vector / np.linalg.norm(vector)


def cap_angle_degrees(cap_m: float, distance_m: float) -> float:
    return math.degrees(2 * math.atan(cap_m / 2 / distance_m))


def cap_for_angle_m(degrees: float, distance_m: float) -> float:
    return 2 * distance_m * math.tan(math.radians(degrees) / 2)


@dataclass(frozen=True)
class Quad:
    """A flat rectangle in seat space; ``right`` and ``up`` are unit vectors along its edges."""

    centre: np.ndarray
    right: np.ndarray
    up: np.ndarray
    width_m: float
    height_m: float

    @property
    def normal(self) -> np.ndarray:
        """The side the picture faces."""
        return np.cross(self.right, self.up)

    def model_matrix(self) -> np.ndarray:
        """(4, 4) float32 taking the unit square (-0.5..0.5 in x and y, facing +Z) onto this quad."""
        matrix = np.eye(4)
        matrix[:3, 0] = self.right * self.width_m
        matrix[:3, 1] = self.up * self.height_m
        matrix[:3, 2] = self.normal
        matrix[:3, 3] = self.centre
        return matrix.astype(np.float32)

    def intersect(self, origin: Vector, direction: Vector) -> tuple[float, float, float] | None:
        """Where a ray meets the front of the quad: (u, v, distance), u and v from the top-left corner in 0..1."""
        direction = _unit(direction)
        facing = float(direction @ self.normal)
        if facing >= -1e-9:  # parallel, or coming from behind
            return None
        distance = float((self.centre - np.asarray(origin, dtype=np.float64)) @ self.normal) / facing
        if distance <= 0:
            return None
        offset = np.asarray(origin, dtype=np.float64) + direction * distance - self.centre
        u = float(offset @ self.right) / self.width_m + 0.5
        v = 0.5 - float(offset @ self.up) / self.height_m
        if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
            return None
        return u, v, distance


def facing_quad(centre: Vector, eye: Vector, width_m: float, height_m: float) -> Quad:
    """A quad at ``centre`` turned to face ``eye``, its top edge level."""
    centre = np.asarray(centre, dtype=np.float64)
    normal = _unit(np.asarray(eye, dtype=np.float64) - centre)
    right = _unit(np.cross(np.array([0.0, 1.0, 0.0]), normal))
    return Quad(centre, right, np.cross(normal, right), width_m, height_m)


@dataclass(frozen=True)
class KioskPanel:
    display: Display
    quad: Quad
    distance_m: float  # from the eyes to the panel's centre

    @property
    def metres_per_mm(self) -> float:
        return self.quad.height_m / self.display.height_mm

    def cap_degrees(self, cap_mm: float = BODY_CAP_MM) -> float:
        """The visual angle of text with this cap height on the display, seen on the panel."""
        return cap_angle_degrees(cap_mm * self.metres_per_mm, self.distance_m)

    @property
    def texture_size(self) -> tuple[int, int]:
        """(width, height) pixels of the panel's texture: the display's own resolution, at most MAX_TEXTURE_SIDE."""
        shrink = min(1.0, MAX_TEXTURE_SIDE / max(self.display.width_px, self.display.height_px))
        return round(self.display.width_px * shrink), round(self.display.height_px * shrink)

    def ray_hit(self, origin: Vector, direction: Vector) -> tuple[float, float] | None:
        """The point of the display (millimetres from its top-left corner) a ray points at, or None."""
        hit = self.quad.intersect(origin, direction)
        if hit is None:
            return None
        u, v, _ = hit
        return u * self.display.width_mm, v * self.display.height_mm

    def point_at_mm(self, x_mm: float, y_mm: float) -> np.ndarray:
        """The seat-space point of the panel showing display point (x_mm, y_mm)."""
        u, v = x_mm / self.display.width_mm - 0.5, 0.5 - y_mm / self.display.height_mm
        return self.quad.centre + self.quad.right * u * self.quad.width_m + self.quad.up * v * self.quad.height_m

    def ray_distance(self, origin: Vector, direction: Vector) -> float | None:
        hit = self.quad.intersect(origin, direction)
        return None if hit is None else hit[2]


def kiosk_panel(
    display: Display, *, eye_height_m: float = 0.0, distance_m: float = PANEL_DISTANCE_M, yaw: float = 0.0
) -> KioskPanel:
    """The kiosk panel ``distance_m`` from eyes that are ``eye_height_m`` up in seat space (0 when seated), facing
    them, turned ``yaw`` around the seat (0: straight ahead, -Z); lowered just enough that its top edge is no
    more than TOP_EDGE_UP_DEGREES above eye level."""
    cap_m = cap_for_angle_m(MIN_CAP_DEGREES * CAP_MARGIN, distance_m)
    scale = cap_m / (BODY_CAP_MM / 1000)  # panel metres per display metre
    width_m, height_m = display.width_mm / 1000 * scale, display.height_mm / 1000 * scale
    half_height_degrees = math.degrees(math.atan(height_m / 2 / distance_m))
    lowered = math.radians(max(0.0, half_height_degrees - TOP_EDGE_UP_DEGREES))
    eye = np.array([0.0, eye_height_m, 0.0])
    centre = eye + _direction(yaw, -lowered) * distance_m
    return KioskPanel(display, facing_quad(centre, eye, width_m, height_m), distance_m)


def caption_panel_size() -> tuple[float, float]:
    """(width, height) metres of the captions panel: CAPTION_LINES lines at CAPTION_CAP_DEGREES."""
    cap_m = cap_for_angle_m(CAPTION_CAP_DEGREES, CAPTION_DISTANCE_M)
    line_m = cap_m / 0.7 * 1.35  # a cap is about 0.7 em; lines 1.35 em apart
    return CAPTION_WIDTH_M, line_m * (CAPTION_LINES + 0.6)


def _direction(yaw: float, pitch: float) -> np.ndarray:
    return np.array([-math.sin(yaw) * math.cos(pitch), math.sin(pitch), -math.cos(yaw) * math.cos(pitch)])


def _angles(forward: Vector) -> tuple[float, float]:
    x, y, z = _unit(forward)
    return math.atan2(-x, -z), math.asin(max(-1.0, min(1.0, y)))


def _angle_between(a: np.ndarray, b: np.ndarray) -> float:
    return math.degrees(math.acos(max(-1.0, min(1.0, float(a @ b)))))


@dataclass
class CaptionFollower:
    """Keeps the captions in view without glueing them to the head: they stay where they are while the head moves
    a little, and glide back in front once it has turned more than FOLLOW_AFTER_DEGREES away."""

    yaw: float = 0.0
    pitch: float = 0.0
    following: bool = False
    size: tuple[float, float] = field(default_factory=caption_panel_size)

    def update(self, head_position: Vector, head_forward: Vector, dt_s: float) -> Quad:
        target_yaw, target_pitch = _angles(head_forward)
        target_pitch = max(-MAX_PITCH, min(MAX_PITCH, target_pitch))
        away = _angle_between(_direction(self.yaw, self.pitch), _direction(target_yaw, target_pitch))
        if away > FOLLOW_AFTER_DEGREES:
            self.following = True
        if self.following:
            keep = math.exp(-FOLLOW_RATE_PER_S * max(dt_s, 0.0))
            turn = (target_yaw - self.yaw + math.pi) % (2 * math.pi) - math.pi
            self.yaw += turn * (1 - keep)
            self.pitch += (target_pitch - self.pitch) * (1 - keep)
            if _angle_between(_direction(self.yaw, self.pitch), _direction(target_yaw, target_pitch)) < SETTLED_DEGREES:
                self.following = False
        return self.quad(head_position)

    def quad(self, head_position: Vector) -> Quad:
        head = np.asarray(head_position, dtype=np.float64)
        pitch = self.pitch - math.radians(CAPTION_BELOW_DEGREES)
        centre = head + _direction(self.yaw, pitch) * CAPTION_DISTANCE_M
        return facing_quad(centre, head, *self.size)
