"""The Seoul Lantern Festival on Cheonggyecheon at night: you stand on the streamside path below street level,
facing east along the stream; big lanterns shaped like animals and people stand in the water, strings of small
lanterns hang across overhead in red, yellow, blue and green, and their light lies on the water. Every lantern
swells slowly (``lantern_glow``); none flashes."""

from __future__ import annotations

import math

from .scene_kit import Colour, Hotspot, Scene, SceneBuilder, colour
from .scene_parts import GRANITE_DARK

FACING_EAST = -math.pi / 2
STREAM_NORTH_Z, STREAM_SOUTH_Z = -6.0, 1.0
PATH_SOUTH_Z = 5.0
BANK_HEIGHT_M = 4.5
STREAM_LENGTH_M = 140.0
FIGURE_SCALE = 1.7  # the big lanterns stand several times taller than a visitor
LANTERN_COLOURS = [colour(code) for code in ("#ff5a4e", "#ffc94a", "#4f9dff", "#5fd37a")]  # red, yellow, blue, green


def build_lantern_festival() -> Scene:
    b = SceneBuilder()
    middle_x = STREAM_LENGTH_M / 2 - 10
    stream_width = STREAM_SOUTH_Z - STREAM_NORTH_Z
    b.add(
        "quad",
        (middle_x, 0.03, (STREAM_NORTH_Z + STREAM_SOUTH_Z) / 2),
        (STREAM_LENGTH_M, 1, stream_width),
        colour("#1d5a8a"),
        glow=0.3,
        steady=True,
    )  # water, holding a little of the lights' glow
    for z0, z1 in ((STREAM_SOUTH_Z, PATH_SOUTH_Z), (STREAM_NORTH_Z - 2.0, STREAM_NORTH_Z)):  # the two paths
        b.add("box", (middle_x, 0, (z0 + z1) / 2), (STREAM_LENGTH_M, 0.25, z1 - z0), colour("#5a5a60"), tiles_m=0.9)
    for z in (PATH_SOUTH_Z + 0.5, STREAM_NORTH_Z - 2.5):  # the embankments up to the street
        b.add("box", (middle_x, 0, z), (STREAM_LENGTH_M, BANK_HEIGHT_M, 1.0), GRANITE_DARK, tiles_m=1.1)
    for index, x in enumerate(range(-4, int(STREAM_LENGTH_M) - 10, 9)):
        b.add("box", (x, 0, (STREAM_NORTH_Z + STREAM_SOUTH_Z) / 2), (1.1, 0.3, 0.9), colour("#77746c"))
        _lantern_string(b, x + 4.5, index)
    figures = (_tiger, _scholar, _whale, _lotus)
    for index, x in enumerate(range(16, int(STREAM_LENGTH_M) - 10, 20)):
        figures[index % len(figures)](b, x, -3.2, phase=index * 0.37)
    _city_above(b)
    hotspots = [
        Hotspot("stream-path", (0.0, 0.25, 2.4), FACING_EAST + 0.3),
        Hotspot("path-east", (56.0, 0.25, 2.4), FACING_EAST + 0.3),
        Hotspot("north-bank", (22.0, 0.25, STREAM_NORTH_Z - 1.0), FACING_EAST - 0.35),
    ]
    return b.build(
        "lantern-festival",
        "Seoul Lantern Festival",
        sky=colour("#0a1330"),
        horizon_colour=colour("#1b2646"),
        ground=colour("#202229"),
        hotspots=hotspots,
        spawn_id="stream-path",
        sun_strength=0.3,
        sun_direction=(-0.3, 0.8, 0.5),
        fog_distance_m=110.0,
    )


def _glowing(b: SceneBuilder, kind: str, position, size, rgba: Colour, *, phase: float, **placement) -> None:
    b.add(kind, position, size, rgba, glow=1.0, phase=phase, **placement)


def _reflection(b: SceneBuilder, ground: tuple[float, float], width: float, rgba: Colour, phase: float) -> None:
    """A lantern's light lying on the water, drawn out towards the south bank."""
    x, z = ground
    dim = (rgba[0] * 0.6, rgba[1] * 0.6, rgba[2] * 0.6, 1.0)
    _glowing(b, "quad", (x, 0.06, z + 2.4), (width * 0.8, 1, 3.6), dim, phase=phase)


def _lantern_string(b: SceneBuilder, x: float, index: int) -> None:
    """A line across the stream with small round lanterns hanging from it."""
    b.add("box", (x, BANK_HEIGHT_M + 0.6, -1.5), (0.04, 0.04, 12.0), colour("#2b2b2b"))
    for slot in range(7):
        z = STREAM_NORTH_Z - 1.4 + slot * 1.65
        rgba = LANTERN_COLOURS[(index + slot) % len(LANTERN_COLOURS)]
        _glowing(b, "lantern", (x, BANK_HEIGHT_M - 0.2, z), (0.42, 0.6, 0.42), rgba, phase=(index * 0.23 + slot * 0.17))


def _tiger(b: SceneBuilder, x: float, z: float, phase: float) -> None:
    body, k = colour("#ff9a3c"), FIGURE_SCALE
    lying = {"yaw": math.pi / 2, "tilt_x": math.pi / 2}
    _glowing(b, "lantern", (x - 1.6 * k, 1.5 * k, z), (1.6 * k, 3.4 * k, 1.6 * k), body, phase=phase, **lying)
    _glowing(b, "lantern", (x - 2.2 * k, 2.2 * k, z), (1.3 * k, 1.3 * k, 1.3 * k), body, phase=phase)  # the head
    for leg_x in (-1.2, 1.0):
        for leg_z in (-0.45, 0.45):
            _glowing(b, "box", (x + leg_x * k, 0, z + leg_z * k), (0.35 * k, 1.6 * k, 0.35 * k), body, phase=phase)
    _glowing(b, "box", (x + 2.2 * k, 2.0 * k, z), (1.4 * k, 0.2 * k, 0.2 * k), body, phase=phase)  # the tail
    for stripe in range(3):
        b.add("box", (x + (stripe * 0.8 - 0.6) * k, 1.9 * k, z), (0.12 * k, 0.5 * k, 1.62 * k), colour("#5a3420"))
    _reflection(b, (x, z), 4.0 * k, body, phase)


def _scholar(b: SceneBuilder, x: float, z: float, phase: float) -> None:
    robe, k = colour("#7fc8ff"), FIGURE_SCALE
    hat = colour("#1c1c22")
    _glowing(b, "cone", (x, 0, z), (2.4 * k, 4.2 * k, 2.4 * k), robe, phase=phase)
    _glowing(b, "lantern", (x, 3.6 * k, z), (1.1 * k, 1.2 * k, 1.1 * k), colour("#ffe3b8"), phase=phase)  # the face
    b.add("cylinder", (x, 4.7 * k, z), (1.0 * k, 0.5 * k, 1.0 * k), hat)  # the gat, a black horsehair hat
    b.add("cylinder", (x, 4.7 * k, z), (2.0 * k, 0.06 * k, 2.0 * k), hat)  # its brim
    _reflection(b, (x, z), 2.4 * k, robe, phase)


def _whale(b: SceneBuilder, x: float, z: float, phase: float) -> None:
    blue, k = colour("#4f8dff"), FIGURE_SCALE
    lying = {"yaw": math.pi / 2, "tilt_x": math.pi / 2}
    _glowing(b, "lantern", (x - 2.5 * k, 1.6 * k, z), (2.2 * k, 5.0 * k, 2.0 * k), blue, phase=phase, **lying)
    _glowing(b, "box", (x + 2.9 * k, 2.0 * k, z), (1.6 * k, 0.15 * k, 1.8 * k), blue, phase=phase)  # the tail flukes
    spout = colour("#bfe0ff")
    _glowing(b, "cylinder", (x - 0.8 * k, 2.6 * k, z), (0.25 * k, 1.8 * k, 0.25 * k), spout, phase=phase)
    _reflection(b, (x, z), 5.0 * k, blue, phase)


def _lotus(b: SceneBuilder, x: float, z: float, phase: float) -> None:
    pink, k = colour("#ff7ab8"), FIGURE_SCALE
    for petal in range(8):
        yaw = petal * math.pi / 4
        dx, dz = -math.sin(yaw) * 0.9 * k, -math.cos(yaw) * 0.9 * k
        _glowing(b, "cone", (x + dx, 0.2, z + dz), (1.2 * k, 2.2 * k, 0.7 * k), pink, phase=phase, yaw=yaw, tilt_x=0.35)
    _glowing(b, "lantern", (x, 0.4 * k, z), (1.4 * k, 1.6 * k, 1.4 * k), colour("#ffd36e"), phase=phase)
    _reflection(b, (x, z), 3.0 * k, pink, phase)


def _city_above(b: SceneBuilder) -> None:
    """Dark buildings along the streets above the banks, with lit windows."""
    for side, z in ((1, 16.0), (-1, -17.0)):
        for index, x in enumerate(range(-10, int(STREAM_LENGTH_M), 14)):
            height = 14 + (index * 7 % 4) * 6
            b.add("box", (x, 0, z), (12, height, 14), colour("#2a2f3d"))
            for floor in range(2, int(height / 3.2)):
                for column in (-3, 0, 3):
                    if (index + floor + column) % 3:
                        b.add(
                            "box",
                            (x + column, floor * 3.2, z - side * 7.05),
                            (1.6, 1.4, 0.1),
                            colour("#f2d38a"),
                            glow=1.0,
                            steady=True,
                        )
