"""Madang Plaza, the home hub: a round lawn with a fountain, a counter per service in a ring round it like the
hours on a clock (right side 1 to 5 o'clock, left side 7 to 11), the gateway to the tourist zone at 12 o'clock
(north) and a building modelled on City Hall behind the counters at 9 o'clock (west). You arrive at 6 o'clock,
on the south edge, facing north."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .scene_kit import Hotspot, Scene, SceneBuilder, colour, facing
from .scene_parts import GRANITE, PILLAR_RED, ROOF_TILE, TRUNK, tiled_roof, tree

COUNTER_RING_M = 19.0
HOTSPOT_BEFORE_COUNTER_M = 3.2
GATEWAY_DISTANCE_M = 21.0
ENTRANCE_DISTANCE_M = 27.0

# bright, distinct roof colours, one per counter in clock order
COUNTER_COLOURS = [
    colour(code)
    for code in (
        "#e4572e",  # vermilion
        "#f3a712",  # amber
        "#29a39b",  # teal
        "#3c7dd9",  # blue
        "#8e5cc7",  # violet
        "#d94f8a",  # rose
        "#6bb04a",  # leaf green
        "#f08a4b",  # apricot
        "#2f5fa8",  # deep blue
        "#1fa8c9",  # sky
    )
]


def counter_clock_hours(count: int) -> list[float]:
    """Where ``count`` counters stand, as clock hours: the first half (rounded up) from 1 to 5 o'clock on the
    right, the rest from 7 to 11 o'clock on the left, so that ten counters take the hours 1-5 and 7-11."""
    right = math.ceil(count / 2)
    left = count - right
    return _spread(right, 1.0, 5.0) + _spread(left, 7.0, 11.0)


def _spread(count: int, first: float, last: float) -> list[float]:
    if count == 1:
        return [(first + last) / 2]
    return [first + (last - first) * i / (count - 1) for i in range(count)]


def clock_point(hour: float, radius: float) -> tuple[float, float]:
    """The ground point (x, z) at ``hour`` o'clock, ``radius`` metres from the centre (12 o'clock is north)."""
    angle = hour * math.pi / 6
    return (radius * math.sin(angle), -radius * math.cos(angle))


def build_plaza(counter_ids: Sequence[str]) -> Scene:
    b = SceneBuilder()
    b.add("quad", (0, 0.02, 0), (64, 1, 64), colour("#cfc8b8"), tiles_m=2.0)
    b.add("cylinder", (0, 0, 0), (29, 0.04, 29), colour("#e4ddcc"), tiles_m=1.0)  # the stone path ring
    b.add("cylinder", (0, 0, 0), (23, 0.08, 23), colour("#74b152"))  # the lawn
    _fountain(b)
    hotspots = [
        Hotspot("entrance", (0.0, 0.0, ENTRANCE_DISTANCE_M), 0.0),
        Hotspot("centre", (0.0, 0.0, 4.0), 0.0),
    ]
    for index, (counter_id, hour) in enumerate(zip(counter_ids, counter_clock_hours(len(counter_ids)), strict=True)):
        x, z = clock_point(hour, COUNTER_RING_M)
        yaw_to_centre = facing((x, z), (0, 0))
        _counter(b, (x, z), yaw_to_centre, COUNTER_COLOURS[index % len(COUNTER_COLOURS)])
        sx, sz = clock_point(hour, COUNTER_RING_M - HOTSPOT_BEFORE_COUNTER_M)
        hotspots.append(Hotspot(counter_id, (sx, 0.0, sz), facing((sx, sz), (x, z))))
    _gateway(b)
    hotspots.append(Hotspot("gate", (0.0, 0.0, -GATEWAY_DISTANCE_M + 4.0), 0.0))
    _city_hall(b)
    _surroundings(b)
    return b.build(
        "plaza",
        "Madang Plaza",
        sky=colour("#8fc3ea"),
        horizon_colour=colour("#dfeaf0"),
        ground=colour("#bdb6a6"),
        hotspots=hotspots,
        spawn_id="entrance",
    )


def _fountain(b: SceneBuilder) -> None:
    b.add("cylinder", (0, 0, 0), (4.2, 0.45, 4.2), GRANITE)
    b.add("cylinder", (0, 0.3, 0), (3.7, 0.2, 3.7), colour("#5aa9d6"))
    b.add("cylinder", (0, 0, 0), (0.7, 1.1, 0.7), GRANITE)
    b.add("cylinder", (0, 1.0, 0), (0.22, 1.6, 0.22), colour("#d5eefa"))  # the jet
    b.add("lantern", (0, 2.4, 0), (0.9, 0.45, 0.9), colour("#d5eefa"))  # where it breaks


def _counter(b: SceneBuilder, ground: tuple[float, float], yaw: float, roof_colour) -> None:
    """A service counter facing the lawn: a desk, a back wall, two posts, a bright roof and a sign."""
    b.set_frame((ground[0], 0, ground[1]), yaw + math.pi)  # local +z faces the centre
    b.add("box", (0, 0, 0.5), (3.0, 1.05, 0.8), colour("#f4f1ea"))
    b.add("box", (0, 1.02, 0.5), (3.1, 0.06, 0.95), roof_colour)  # the desk top
    b.add("box", (0, 0, -0.9), (3.6, 2.7, 0.25), _pale(roof_colour))
    b.add("box", (0, 1.9, -0.9), (3.62, 0.3, 0.27), roof_colour)  # a stripe of the counter's colour
    for side in (-1, 1):
        b.add("cylinder", (side * 1.75, 0, 0.85), (0.16, 2.75, 0.16), colour("#8a8f98"))
    b.add("roof", (0, 2.72, -0.05), (4.4, 0.9, 2.6), roof_colour)
    b.add("box", (0, 3.5, 1.0), (3.0, 0.8, 0.12), colour("#fdfbf6"))  # the name sign
    b.add("box", (0, 3.45, 1.0), (3.1, 0.9, 0.08), roof_colour)  # its frame
    b.set_frame()


def _gateway(b: SceneBuilder) -> None:
    """A wide gateway between tall wooden posts under a small tiled roof, the way to the tourist zone."""
    b.set_frame((0, 0, -GATEWAY_DISTANCE_M))
    for side in (-1, 1):
        b.add("box", (side * 3.4, 0, 0), (0.9, 0.5, 0.9), GRANITE)
        b.add("cylinder", (side * 3.4, 0.4, 0), (0.55, 5.2, 0.55), TRUNK)
    b.add("box", (0, 4.4, 0), (7.6, 0.45, 0.5), PILLAR_RED)
    b.add("box", (0, 5.1, 0), (8.2, 0.5, 0.6), PILLAR_RED)
    tiled_roof(b, (0, 5.6, 0), (10.0, 1.6, 2.6), ROOF_TILE)
    b.add("quad", (0, 0.05, 6.0), (6.0, 1, 12.0), colour("#e6d7b3"), tiles_m=1.0)  # the path up to it
    b.set_frame()


def _city_hall(b: SceneBuilder) -> None:
    """The old stone City Hall with a glass building curving forward over it like a wave."""
    b.set_frame((-44, 0, 0), math.pi / 2)  # west of the plaza, front to the east
    b.add("box", (0, 0, 0), (26, 11, 12), colour("#d8cbb0"))
    b.add("box", (0, 11, 0), (27, 0.8, 12.6), colour("#bba98a"))
    b.add("box", (0, 11.8, 0), (8, 4.5, 8), colour("#d8cbb0"))  # the clock tower
    b.add("box", (0, 16.3, 0), (8.6, 0.6, 8.6), colour("#bba98a"))
    for column in range(-4, 5):
        b.add("cylinder", (column * 2.3, 0, 6.4), (0.8, 9.5, 0.8), colour("#eee6d4"))
    for row in range(5):
        for window in range(-5, 6):
            if window == 0:
                continue
            b.add("box", (window * 2.2, 2.5 + row * 1.8, 6.02), (1.0, 1.1, 0.1), colour("#5d6f7f"))
    glass = colour("#8fc4dc")
    for level in range(9):  # the higher the floor, the further forward it reaches: the wave
        front = -12 + 17 * (level / 8) ** 2
        b.add("box", (0, level * 3.0, (front - 30) / 2), (34 - level, 3.0, front + 30), glass)
    b.set_frame()


def _surroundings(b: SceneBuilder) -> None:
    for index in range(28):
        hour = index * 12 / 28 + 0.2
        if abs(hour - 12) < 0.9 or hour < 0.5 or 5.6 < hour < 6.4:
            continue  # keep the gateway and the entrance open
        x, z = clock_point(hour, 29.5)
        if x < -30:
            continue
        tree(b, x, z, 6.5 + (index % 3), dark=index % 2 == 0)
    offices = [(60, -40, 28), (75, 10, 40), (55, 55, 22), (-20, -85, 35), (25, -90, 45), (-70, 60, 30), (10, 95, 26)]
    for index, (x, z, height) in enumerate(offices):
        tint = colour(("#c9d3dc", "#b8c4cf", "#d6d0c4")[index % 3])
        b.add("box", (x, 0, z), (18, height, 18), tint)
        for floor in range(1, int(height / 3.5)):  # bands of windows
            b.add("box", (x, floor * 3.5 - 1.2, z), (18.2, 1.3, 18.2), colour("#6f8496"))


def _pale(rgba) -> tuple[float, float, float, float]:
    return (*(0.3 * channel + 0.7 for channel in rgba[:3]), 1.0)
