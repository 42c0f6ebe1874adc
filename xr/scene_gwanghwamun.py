"""Gwanghwamun Square: you stand mid-square facing north, King Sejong seated in gold on his pedestal ahead,
Gwanghwamun gate at the far end (a granite base with three arches, a two-storey pavilion), Bugaksan's green
slope behind it; Admiral Yi Sun-sin on his tall pedestal behind you, the road to the east, trees and flower
beds to the west."""

from __future__ import annotations

import math

from .scene_kit import Hotspot, Scene, SceneBuilder, colour, facing
from .scene_parts import GRANITE, GRANITE_DARK, palace_wall, pavilion, stone_gate_base, tree

GATE_Z = -105.0
SEJONG_Z = -22.0
SPAWN = (-7.5, 0.0, 2.0)
YI_SUN_SIN_Z = 45.0
GOLD = colour("#c9a23a")
BRONZE = colour("#3b3a36")


def build_gwanghwamun_square() -> Scene:
    b = SceneBuilder()
    b.add("quad", (0, 0.02, -25), (34, 1, 170), colour("#d6cfbf"), tiles_m=1.5)
    b.add("quad", (29, 0.02, -25), (24, 1, 170), colour("#5a5e63"))  # Sejong-daero, to the east
    for z in range(-105, 60, 8):
        b.add("quad", (29, 0.05, z), (0.25, 1, 4), colour("#e8e8e0"))
    for z in range(-86, 58, 9):
        tree(b, -15.5, z, 7.5, dark=z % 2 == 0)
        for index, code in enumerate(("#e0565b", "#f2c14e", "#e98ab0")):
            b.add("box", (-13.0, 0, z + 2 + index * 1.6), (2.0, 0.35, 1.4), colour(code))
    _gate(b)
    _sejong(b)
    _yi_sun_sin(b)
    for x, z, width, height in ((0, -330, 300, 120), (-60, -300, 200, 80), (70, -310, 220, 90)):  # Bugaksan
        b.add("cone", (x, 0, z), (width, height, width * 0.7), colour("#4d7b46"))
    b.add("cone", (-230, 0, -360), (320, 90, 200), colour("#5a8652"))
    b.add("cone", (240, 0, -380), (300, 80, 200), colour("#5a8652"))
    for x, z, height in ((-45, 30, 26), (-48, -10, 34), (60, 25, 40), (62, -25, 30), (58, 60, 22), (-44, 65, 20)):
        b.add("box", (x, 0, z), (20, height, 22), colour("#c6cdd4"))
    hotspots = [
        Hotspot("square", SPAWN, facing((SPAWN[0], SPAWN[2]), (0.0, GATE_Z))),
        Hotspot("sejong", (0.0, 0.0, SEJONG_Z + 10.0), 0.0),
        Hotspot("gate", (0.0, 0.0, GATE_Z + 32.0), 0.0),
        Hotspot("yi-sun-sin", (0.0, 0.0, YI_SUN_SIN_Z - 10.0), math.pi),
    ]
    return b.build(
        "gwanghwamun-square",
        "Gwanghwamun Square",
        sky=colour("#86bfe8"),
        horizon_colour=colour("#dde9ef"),
        ground=colour("#b9b2a2"),
        hotspots=hotspots,
        spawn_id="square",
        fog_distance_m=420.0,
    )


def _gate(b: SceneBuilder) -> None:
    b.set_frame((0, 0, GATE_Z))
    stone_gate_base(b, 34, 12, 8, arch_widths=(4.4, 5.4, 4.4), arch_height=6.2, arch_spacing=9.0)
    pavilion(b, (0, 8.6, 0), 22, 8.5, 4.6, bays=5, storeys=2)
    palace_wall(b, (17, 0), (95, 0), 5.0)
    palace_wall(b, (-17, 0), (-95, 0), 5.0)
    b.set_frame()


def _sejong(b: SceneBuilder) -> None:
    """King Sejong seated on a chair high on a pedestal, facing south, an open book in his hand."""
    b.set_frame((0, 0, SEJONG_Z))
    b.add("box", (0, 0, 0), (7.5, 1.0, 6.5), GRANITE_DARK)
    b.add("box", (0, 1.0, 0), (6.0, 3.2, 5.0), GRANITE)
    b.add("box", (0, 4.2, 0), (6.6, 0.4, 5.6), GRANITE_DARK)
    b.add("box", (0, 4.6, -0.7), (3.6, 4.2, 0.7), GOLD)  # the chair's back
    b.add("box", (0, 4.6, 0.2), (3.4, 1.4, 2.2), GOLD)  # the seat
    b.add("box", (0, 5.9, -0.1), (2.6, 2.6, 1.6), GOLD)  # the robed body
    b.add("box", (0, 4.6, 1.3), (2.6, 1.5, 1.1), GOLD)  # the knees and robe falling to the feet
    b.add("lantern", (0, 8.4, -0.1), (1.1, 1.2, 1.1), GOLD)  # the head
    b.add("box", (0, 9.5, -0.1), (0.9, 0.5, 0.9), GOLD)  # the crown
    b.add("box", (0.7, 6.9, 0.9), (1.2, 0.1, 0.9), colour("#e6cd7a"), tilt_x=-0.5)  # the open book
    b.set_frame()


def _yi_sun_sin(b: SceneBuilder) -> None:
    """Admiral Yi Sun-sin standing in armour on a tall pedestal, a long sword before him, fountains below."""
    b.set_frame((0, 0, YI_SUN_SIN_Z), math.pi)  # facing north, up the square
    b.add("box", (0, 0, 0), (5.0, 1.2, 5.0), GRANITE_DARK)
    b.add("box", (0, 1.2, 0), (3.4, 9.0, 3.4), GRANITE)
    b.add("cylinder", (0, 10.2, 0), (1.5, 3.2, 1.2), BRONZE)
    b.add("lantern", (0, 13.4, 0), (0.8, 0.9, 0.8), BRONZE)
    b.add("box", (0, 9.4, 1.0), (0.2, 3.6, 0.2), BRONZE)  # the sword
    for x in (-5.5, 5.5):
        b.add("cylinder", (x, 0, 0), (4.5, 0.4, 4.5), GRANITE)
        b.add("cylinder", (x, 0.1, 0), (4.0, 0.35, 4.0), colour("#5aa9d6"))
        b.add("cylinder", (x, 0.4, 0), (0.35, 2.0, 0.35), colour("#d5eefa"))
    b.set_frame()
