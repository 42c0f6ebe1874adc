"""Namdaemun Market: you stand in a narrow alley facing west, stalls under coloured awnings on both sides piled
with clothes, bowls and pots, two-storey shop fronts with signs above them; at the end of the alley, across a
wide road, Sungnyemun (a granite base with one arch, a grand two-storey pavilion)."""

from __future__ import annotations

import math

from .scene_kit import Hotspot, Scene, SceneBuilder, colour
from .scene_parts import pavilion, stone_gate_base, tree

ALLEY_HALF_WIDTH_M = 2.6
ALLEY_WEST_X, ALLEY_EAST_X = -14.0, 34.0
STALL_PITCH_M = 3.2
SUNGNYEMUN_X = -48.0
FACING_WEST = math.pi / 2

AWNINGS = [colour(code) for code in ("#d9483b", "#2f7fc1", "#f2b134", "#3fa36b", "#e46fa1", "#f07f2e", "#7a5cc0")]
GOODS = [colour(code) for code in ("#f5f0e6", "#e0565b", "#4d8fd1", "#f2c14e", "#5fb37a", "#c97b4a", "#9b7ad1")]
FACADES = [colour(code) for code in ("#d9cdb8", "#c8b79f", "#e3d9c6", "#bfae98", "#d4c3a8")]


def build_namdaemun_market() -> Scene:
    b = SceneBuilder()
    b.add("quad", (10, 0.02, 0), (48, 1, 2 * ALLEY_HALF_WIDTH_M + 8), colour("#9d978c"), tiles_m=0.6)
    stalls = int((ALLEY_EAST_X - ALLEY_WEST_X) / STALL_PITCH_M)
    for index in range(stalls):
        x = ALLEY_WEST_X + (index + 0.5) * STALL_PITCH_M
        for side, yaw in ((1, math.pi), (-1, 0.0)):  # south side, north side; each stall faces the alley
            variety = (index * 3 + (side > 0) * 2) % 7
            b.set_frame((x, 0, side * (ALLEY_HALF_WIDTH_M + 1.1)), yaw)
            _stall(b, variety)
            _shop_front(b, variety, index)
    b.set_frame()
    b.add("quad", (SUNGNYEMUN_X + 6, 0.02, 0), (56, 1, 90), colour("#5a5e63"))  # the wide road round the gate
    b.add("quad", (SUNGNYEMUN_X, 0.05, 0), (34, 1, 40), colour("#b8b2a4"), tiles_m=1.5)  # the island
    _sungnyemun(b)
    for z in (-16, -10, 10, 16):
        tree(b, SUNGNYEMUN_X + 10, z, 6.0, dark=z > 0)
    for x, z, height in ((-70, -45, 30), (-45, -55, 24), (-80, 35, 38), (-40, 55, 28), (60, -30, 26), (60, 30, 22)):
        b.add("box", (x, 0, z), (22, height, 20), colour("#c7ced5"))
    hotspots = [
        Hotspot("alley", (24.0, 0.0, 0.0), FACING_WEST),
        Hotspot("alley-west-end", (ALLEY_WEST_X - 2.0, 0.0, 0.0), FACING_WEST),
        Hotspot("sungnyemun", (SUNGNYEMUN_X + 26.0, 0.0, 0.0), FACING_WEST),
    ]
    return b.build(
        "namdaemun-market",
        "Namdaemun Market",
        sky=colour("#8ec4e8"),
        horizon_colour=colour("#e4ecef"),
        ground=colour("#a9a396"),
        hotspots=hotspots,
        sun_direction=(0.65, 0.65, 0.4),  # a morning sun in the east lights the gate's front
        spawn_id="alley",
    )


def _stall(b: SceneBuilder, variety: int) -> None:
    """A stall in its own frame (+z towards the alley): a counter piled with goods, clothes hung behind it,
    a canvas awning sloping down over the alley."""
    b.add("box", (0, 0, 0.2), (2.8, 0.85, 1.2), colour("#8a6a4a"))
    for item in range(4):  # stacks of bowls, pots and folded clothes
        goods = GOODS[(variety + item * 2) % len(GOODS)]
        height = 0.25 + 0.18 * ((variety + item) % 3)
        shape = "cylinder" if (variety + item) % 2 else "box"
        b.add(shape, (-1.0 + item * 0.66, 0.85, 0.25), (0.5, height, 0.5), goods)
    for item in range(5):  # clothes hanging at the back
        goods = GOODS[(variety + item) % len(GOODS)]
        b.add("box", (-1.1 + item * 0.55, 1.0, -0.75), (0.45, 1.3, 0.06), goods)
    b.add("box", (0, 2.3, -0.75), (2.9, 0.06, 0.06), colour("#6d6d6d"))  # the rail
    # canvas lets the daylight through, so the awning glows a little in its colour even seen from below
    b.add("box", (0, 2.6, 0.2), (3.1, 0.06, 2.5), AWNINGS[variety], tilt_x=0.45, glow=0.45, steady=True)


def _shop_front(b: SceneBuilder, variety: int, index: int) -> None:
    """The two-storey building behind a stall, with a shop sign and windows upstairs."""
    height = 6.4 + (index % 3) * 1.2
    b.add("box", (0, 0, -2.6), (STALL_PITCH_M, height, 3.0), FACADES[(variety + index) % len(FACADES)])
    b.add("box", (0, 2.9, -1.05), (STALL_PITCH_M * 0.86, 0.7, 0.1), AWNINGS[(variety + 3) % len(AWNINGS)])
    b.add("box", (0, 4.2, -1.08), (STALL_PITCH_M * 0.6, 1.2, 0.06), colour("#59666f"))


def _sungnyemun(b: SceneBuilder) -> None:
    b.set_frame((SUNGNYEMUN_X, 0, 0), FACING_WEST + math.pi)  # its front faces east, up the alley
    stone_gate_base(b, 24, 12, 7.5, arch_widths=(5.0,), arch_height=5.8, arch_spacing=0.0)
    pavilion(b, (0, 8.1, 0), 16, 7.5, 4.4, bays=5, storeys=2)
    b.set_frame()
