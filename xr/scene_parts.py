"""Pieces shared by the Seoul scenes: Korean gates and halls, stone walls, trees, a palette.

Each piece is built in the builder's current frame: x across its front, the front facing +z (towards someone
standing south of it and looking north), its footprint centred on the frame's origin.
"""

from __future__ import annotations

import math

from .scene_kit import Colour, SceneBuilder, colour

GRANITE = colour("#cdc6b5")
GRANITE_DARK = colour("#a29b8c")
PASSAGE_SHADOW = colour("#3b3732")
PILLAR_RED = colour("#a4372e")
DANCHEONG_GREEN = colour("#3f8a6e")
DANCHEONG_BLUE = colour("#3f6f8f")
ROOF_TILE = colour("#4a4a4d")
RIDGE = colour("#2c2c2f")
DOOR_RED = colour("#7f2a22")
PLASTER = colour("#e9e2cf")
TRUNK = colour("#6b4a32")
STONE_BLOCK_M = 1.3  # how far apart the joints of dressed granite are drawn
LEAF = colour("#4f8f45")
LEAF_DARK = colour("#3d7440")


def tiled_roof(
    b: SceneBuilder, centre: tuple[float, float, float], size: tuple[float, float, float], tile: Colour = ROOF_TILE
) -> None:
    """A tiled roof of ``size`` (width, height, depth) with its eaves at ``centre`` (y = the eave line), plus
    its dark ridge and its ceiling, painted like the beams, seen from below."""
    x, y, z = centre
    width, height, depth = size
    b.add("box", (x, y - 0.05 * height, z), (width * 0.94, 0.05 * height, depth * 0.94), DANCHEONG_GREEN)
    b.add("roof", (x, y, z), (width, height, depth), tile)
    ridge_length = width * 0.62
    b.add("box", (x, y + height * 0.97, z), (ridge_length, height * 0.09, height * 0.09), RIDGE)


def pavilion(
    b: SceneBuilder,
    floor: tuple[float, float, float],
    width: float,
    depth: float,
    storey_height: float,
    *,
    bays: int = 5,
    storeys: int = 1,
    walls: Colour | None = None,
) -> None:
    """A timber pavilion or hall: red pillars on ``floor``, a painted beam band, one tiled roof per storey
    (each upper storey a little narrower)."""
    x0, y0, z0 = floor
    for storey in range(storeys):
        shrink = 0.8**storey
        w, d = width * shrink, depth * shrink
        h = storey_height * (0.85 if storey else 1.0)
        for column in range(bays + 1):
            px = x0 - w / 2 + w * column / bays
            for pz in (z0 - d / 2, z0 + d / 2):
                b.add("cylinder", (px, y0, pz), (0.09 * h, h, 0.09 * h), PILLAR_RED)
        if walls is not None:
            b.add("box", (x0, y0, z0), (w * 0.96, h * 0.85, d * 0.9), walls)
        b.add("box", (x0, y0 + h * 0.84, z0), (w * 1.02, h * 0.16, d * 1.02), DANCHEONG_GREEN)
        b.add("box", (x0, y0 + h * 0.8, z0), (w * 1.01, h * 0.05, d * 1.01), DANCHEONG_BLUE)
        roof_height = h * (0.75 if storey == storeys - 1 else 0.4)
        overhang = 0.35 * h + 0.06 * w
        tiled_roof(b, (x0, y0 + h, z0), (w + 2 * overhang, roof_height, d + 2 * overhang))
        y0 += h + roof_height * 0.45


def stone_gate_base(
    b: SceneBuilder,
    width: float,
    depth: float,
    height: float,
    *,
    arch_widths: tuple[float, ...],
    arch_height: float,
    arch_spacing: float,
) -> None:
    """A block of dressed granite with arched passages through it, front to back; the arches' round tops
    are stepped boxes. Arch centres are ``arch_spacing`` apart, symmetric about x = 0."""
    count = len(arch_widths)
    centres = [(i - (count - 1) / 2) * arch_spacing for i in range(count)]
    edges = [-width / 2]
    for centre, arch in zip(centres, arch_widths, strict=True):
        edges += [centre - arch / 2, centre + arch / 2]
    edges.append(width / 2)
    for left, right in zip(edges[::2], edges[1::2], strict=True):  # the solid piers
        b.add("box", ((left + right) / 2, 0, 0), (right - left, height, depth), GRANITE, tiles_m=STONE_BLOCK_M)
    for centre, arch in zip(centres, arch_widths, strict=True):
        radius = arch / 2
        spring = arch_height - radius  # where the round top begins
        b.add("box", (centre, arch_height, 0), (arch, height - arch_height, depth), GRANITE, tiles_m=STONE_BLOCK_M)
        for rise in (0.45, 0.8):  # fill the top corners in two steps, following the semicircle
            half_open = radius * math.sqrt(1 - rise**2)
            fill = radius - half_open
            y = spring + rise * radius
            for side in (-1, 1):
                b.add(
                    "box",
                    (centre + side * (half_open + fill / 2), y, 0),
                    (fill, arch_height - y, depth),
                    GRANITE,
                    tiles_m=STONE_BLOCK_M,
                )
        b.add("box", (centre, 0, 0), (arch * 0.98, 0.04, depth * 0.98), PASSAGE_SHADOW)
        # the shaded vault seen through the arch
        b.add("box", (centre, arch_height - 0.02, 0), (arch, 0.04, depth * 0.96), PASSAGE_SHADOW)
    # a darker course of stone at the foot and a parapet on top
    b.add("box", (0, 0, 0), (width * 1.01, height * 0.08, depth * 1.01), GRANITE_DARK, tiles_m=STONE_BLOCK_M)
    b.add("box", (0, height, 0), (width, 0.6, depth), GRANITE_DARK, tiles_m=STONE_BLOCK_M)


def city_wall(
    b: SceneBuilder, start: tuple[float, float], end: tuple[float, float], height: float, thickness: float
) -> None:
    """A stone city wall between two ground points of the current frame, with battlements on top."""
    (x1, z1), (x2, z2) = start, end
    length = ((x2 - x1) ** 2 + (z2 - z1) ** 2) ** 0.5
    yaw = _yaw_along(x2 - x1, z2 - z1)
    b.add(
        "box", ((x1 + x2) / 2, 0, (z1 + z2) / 2), (length, height, thickness), GRANITE, yaw=yaw, tiles_m=STONE_BLOCK_M
    )
    merlons = max(1, int(length / 2.4))
    for index in range(merlons):
        f = (index + 0.5) / merlons
        b.add(
            "box",
            (x1 + (x2 - x1) * f, height, z1 + (z2 - z1) * f),
            (1.6, 0.9, thickness * 0.4),
            GRANITE_DARK,
            yaw=yaw,
        )


def palace_wall(b: SceneBuilder, start: tuple[float, float], end: tuple[float, float], height: float = 3.2) -> None:
    """A palace wall: a stone footing, a plastered wall and a small tiled cap."""
    (x1, z1), (x2, z2) = start, end
    length = ((x2 - x1) ** 2 + (z2 - z1) ** 2) ** 0.5
    yaw = _yaw_along(x2 - x1, z2 - z1)
    middle = ((x1 + x2) / 2, 0, (z1 + z2) / 2)
    b.add("box", middle, (length, height * 0.4, 0.9), GRANITE, yaw=yaw, tiles_m=0.8)
    b.add("box", middle, (length, height, 0.75), colour("#c9a98a"), yaw=yaw)
    b.add("roof", (middle[0], height, middle[2]), (length + 0.6, 0.7, 1.6), ROOF_TILE, yaw=yaw)


def tree(b: SceneBuilder, x: float, z: float, height: float = 7.0, dark: bool = False) -> None:
    b.add("cylinder", (x, 0, z), (0.35, height * 0.4, 0.35), TRUNK)
    b.add("cone", (x, height * 0.25, z), (height * 0.55, height * 0.75, height * 0.55), LEAF_DARK if dark else LEAF)


def _yaw_along(dx: float, dz: float) -> float:
    """The yaw that turns a piece's x axis to run along (dx, dz)."""
    return math.atan2(-dz, dx)
