"""Donuimun, rebuilt where it stood: you stand on the road inside the old city facing west, the gate ahead
(squared granite with one arched passage, a single-storey pavilion of red pillars and painted beams under a
grey tiled roof) and the stone city wall running away north and south from its sides over wooded slopes."""

from __future__ import annotations

import itertools
import math

from .scene_kit import Hotspot, Scene, SceneBuilder, colour
from .scene_parts import city_wall, pavilion, stone_gate_base, tree

FACING_WEST = math.pi / 2
FACING_EAST = -math.pi / 2


def build_donuimun() -> Scene:
    b = SceneBuilder()
    b.add("quad", (0, 0.02, 0), (160, 1, 12), colour("#b9a98c"), tiles_m=1.0)  # the old road, packed and paved
    b.set_frame((0, 0, 0), FACING_WEST + math.pi)  # the gate's front faces east, into the city
    stone_gate_base(b, 17, 11, 6.2, arch_widths=(4.6,), arch_height=5.2, arch_spacing=0.0)
    pavilion(b, (0, 6.8, 0), 12.5, 6.4, 3.8, bays=3)
    # the wall, in the gate's frame: local +x runs south, -x north; it bends as it climbs away
    for side in (1, -1):
        corners = [(side * 8.5, 0.0), (side * 40.0, -6.0), (side * 85.0, -22.0), (side * 130.0, -48.0)]
        for start, end in itertools.pairwise(corners):
            city_wall(b, start, end, 5.2, 4.0)
    b.set_frame()
    for index in range(16):  # wooded slopes beyond the wall
        x = -25 - (index % 4) * 12
        z = -60 + index * 8
        tree(b, x, z, 8 + (index % 3) * 2, dark=index % 2 == 0)
    b.add("cone", (-160, 0, -40), (260, 70, 200), colour("#5b8650"))  # Inwangsan to the north-west
    b.add("cone", (-120, 0, 90), (200, 45, 160), colour("#6a8f5b"))
    for x, z, height in ((40, -30, 18), (45, 28, 24), (75, -5, 30), (30, -60, 14), (30, 60, 16)):
        b.add("box", (x, 0, z), (16, height, 18), colour("#d3c7b3"))
        b.add("roof", (x, height, z), (18, 3.0, 20), colour("#5b5a58"))
    hotspots = [
        Hotspot("road", (26.0, 0.0, 0.0), FACING_WEST),
        Hotspot("passage", (2.0, 0.0, 0.0), FACING_WEST),
        Hotspot("outside", (-22.0, 0.0, 0.0), FACING_EAST),
    ]
    return b.build(
        "donuimun-gate",
        "Donuimun Gate",
        sky=colour("#93c5e6"),
        horizon_colour=colour("#e6ecea"),
        ground=colour("#a9a58f"),
        hotspots=hotspots,
        sun_direction=(0.65, 0.65, 0.4),  # a morning sun in the east lights the gate's front
        spawn_id="road",
    )
