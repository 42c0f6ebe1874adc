"""Deoksugung: you stand in the paved courtyard facing north, the two rows of rank stones leading to
Junghwajeon on its two-level stone terrace; Seokjojeon, pale and columned, beyond a lawn and fountain to the
west; Daehanmun, the main gate, to the east behind you, in the palace's stone-footed wall."""

from __future__ import annotations

import math

from .scene_kit import Hotspot, Scene, SceneBuilder, colour, facing
from .scene_parts import DOOR_RED, GRANITE, GRANITE_DARK, palace_wall, pavilion, tree

HALL_Z = -38.0
DAEHANMUN = (46.0, 12.0)  # (x, z): the gate, facing east onto the city
SEOKJOJEON = (-52.0, -30.0)
PALE_STONE = colour("#efe8d6")


def build_deoksugung() -> Scene:
    b = SceneBuilder()
    b.add("quad", (0, 0.02, -22), (44, 1, 56), colour("#c9c1ae"), tiles_m=2.2)  # broad paving stones
    b.add("box", (0, 0, -20), (3.6, 0.08, 44), colour("#ddd6c5"), tiles_m=1.2)  # the raised royal path
    for row in range(10):  # the rank stones of the court officials, in two rows
        for side in (-1, 1):
            b.add("box", (side * 4.2, 0, -4.0 - row * 2.3), (0.5, 0.55, 0.32), GRANITE)
    _junghwajeon(b)
    _seokjojeon(b)
    _daehanmun(b)
    palace_wall(b, (-24, HALL_Z - 16), (24, HALL_Z - 16))
    palace_wall(b, (24, HALL_Z - 16), (24, -2))
    for x, z in ((-30, -58), (-20, -62), (34, -60), (36, -40), (-38, 4), (32, 20)):
        tree(b, x, z, 9.0, dark=x < 0)
    for x, z, height in ((90, -20, 40), (95, 40, 30), (-20, -120, 35), (40, -110, 45)):
        b.add("box", (x, 0, z), (24, height, 24), colour("#c3cad1"))
    hotspots = [
        Hotspot("courtyard", (0.0, 0.0, 0.0), 0.0),
        Hotspot("junghwajeon", (0.0, 0.0, HALL_Z + 16.0), 0.0),
        Hotspot("seokjojeon", (-24.0, 0.0, SEOKJOJEON[1]), facing((-24.0, SEOKJOJEON[1]), SEOKJOJEON)),
        Hotspot("daehanmun", (DAEHANMUN[0] + 14.0, 0.0, DAEHANMUN[1]), math.pi / 2),
    ]
    return b.build(
        "deoksugung",
        "Deoksugung Palace",
        sky=colour("#8cc2e6"),
        horizon_colour=colour("#e2ebee"),
        ground=colour("#b7b09f"),
        hotspots=hotspots,
        spawn_id="courtyard",
    )


def _junghwajeon(b: SceneBuilder) -> None:
    """The main hall on a two-level stone terrace with steps up the middle."""
    b.set_frame((0, 0, HALL_Z))
    b.add("box", (0, 0, 0), (30, 1.1, 22), GRANITE)
    b.add("box", (0, 1.1, -1), (25, 1.1, 18), GRANITE)
    for level, (width, top) in enumerate(((4.0, 1.1), (3.4, 2.2))):
        front = 11.0 if level == 0 else 8.0
        for step in range(3):
            b.add("box", (0, top * step / 3, front + 1.0 - step * 0.33), (width, top / 3, 0.9), GRANITE_DARK)
    pavilion(b, (0, 2.2, -1), 19, 11, 6.2, bays=5, walls=colour("#8d3b2f"))
    b.set_frame()


def _seokjojeon(b: SceneBuilder) -> None:
    """The Western-style stone hall: a podium, a row of tall columns across its front, a shallow roof."""
    x, z = SEOKJOJEON
    b.set_frame((x, 0, z), math.pi / 2)  # its front faces east, towards the courtyard
    b.add("box", (0, 0, 0), (38, 2.2, 22), PALE_STONE)
    b.add("box", (0, 2.2, -1.5), (34, 13, 16), PALE_STONE)
    for column in range(10):
        b.add("cylinder", (-13.5 + column * 3.0, 2.2, 8.2), (1.1, 11.0, 1.1), colour("#f2ecdd"))
    b.add("box", (0, 13.2, 7.0), (30, 2.0, 3.2), PALE_STONE)  # the entablature over the columns
    b.add("roof", (0, 15.2, -1.5), (35, 3.0, 17), colour("#7f9c90"))  # a copper-green roof
    for window in range(-5, 6):
        for y in (4.5, 9.0):
            b.add("box", (window * 2.8, y, 6.5), (1.2, 2.4, 0.1), colour("#5e6b73"))
    b.add("quad", (0, 0.05, 22), (30, 1, 18), colour("#79b356"))  # the lawn
    b.add("cylinder", (0, 0, 22), (7, 0.5, 7), GRANITE)  # the fountain
    b.add("cylinder", (0, 0.2, 22), (6.2, 0.35, 6.2), colour("#5aa9d6"))
    b.set_frame()


def _daehanmun(b: SceneBuilder) -> None:
    """The main gate: one storey of red pillars and big wooden doors on a low stone base, in the wall."""
    x, z = DAEHANMUN
    b.set_frame((x, 0, z), math.pi / 2)  # facing east
    b.add("box", (0, 0, 0), (15, 0.8, 7.5), GRANITE)
    pavilion(b, (0, 0.8, 0), 12.5, 5.5, 5.2, bays=3)
    for door in (-4.17, 0.0, 4.17):
        b.add("box", (door, 0.8, 0), (3.6, 3.9, 0.3), DOOR_RED)
    palace_wall(b, (7.5, 0), (75, 0))
    palace_wall(b, (-7.5, 0), (-30, 0))
    b.add("quad", (0, 0.05, 20), (60, 1, 26), colour("#5a5e63"))  # the road in front
    b.set_frame()
