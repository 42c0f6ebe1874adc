"""What a 3D scene is made of (instances of the unit meshes, named viewpoints) and a builder to place them.

Axes, yaw and matrix layout follow ``madang.xr.camera``: +Y up, north is -Z, east is +X, model matrices
multiply column vectors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .meshes import MESH_KINDS

Colour = tuple[float, float, float, float]


def colour(hex_code: str, alpha: float = 1.0) -> Colour:
    """'#c8402f' -> (r, g, b, a) in 0..1."""
    code = hex_code.lstrip("#")
    if len(code) != 6:
        raise ValueError(f"colour {hex_code!r} is not #rrggbb")
    red, green, blue = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, alpha)


@dataclass(frozen=True)
class Hotspot:
    """A spot to stand on (on the floor, y=0 on flat ground) and the way to face there."""

    id: str
    position: tuple[float, float, float]
    yaw: float


@dataclass(frozen=True)
class MeshInstances:
    """Every copy of one unit mesh in a scene.

    ``materials`` holds per instance (glow, phase, tile size, steady): glow 0..1 mixes in the colour as light,
    which swells slowly (``lantern_glow``) with ``phase`` offsetting its cycle, unless steady is 1 (a lit
    window); a tile size above 0 draws paving joints or courses of stone blocks that far apart."""

    models: np.ndarray  # (N, 4, 4) float32
    colours: np.ndarray  # (N, 4) float32
    materials: np.ndarray  # (N, 4) float32

    @property
    def count(self) -> int:
        return len(self.models)


@dataclass(frozen=True)
class Scene:
    id: str
    name: str
    sky_colour: Colour
    ground_colour: Colour
    instances: dict[str, MeshInstances]
    hotspots: dict[str, Hotspot]
    spawn_id: str
    horizon_colour: Colour | None = None
    sun_strength: float = 1.0
    sun_direction: tuple[float, float, float] = (0.4, 0.75, 0.55)  # towards the sun
    fog_distance_m: float = 250.0

    @property
    def spawn(self) -> Hotspot:
        return self.hotspots[self.spawn_id]

    @property
    def instance_count(self) -> int:
        return sum(part.count for part in self.instances.values())


def placement(position: Sequence[float], size: Sequence[float], yaw: float = 0.0, tilt_x: float = 0.0) -> np.ndarray:
    """Model matrix: scale a unit mesh to ``size`` (width x, height y, depth z), tilt it about x, turn it by
    ``yaw`` and stand it on ``position``."""
    scale = np.diag([*size, 1.0])
    cos_t, sin_t = math.cos(tilt_x), math.sin(tilt_x)
    tilt = np.array([[1, 0, 0, 0], [0, cos_t, -sin_t, 0], [0, sin_t, cos_t, 0], [0, 0, 0, 1]])
    cos_y, sin_y = math.cos(yaw), math.sin(yaw)
    turn = np.array([[cos_y, 0, sin_y, 0], [0, 1, 0, 0], [-sin_y, 0, cos_y, 0], [0, 0, 0, 1]])
    move = np.eye(4)
    move[:3, 3] = position
    return move @ turn @ tilt @ scale


@dataclass
class SceneBuilder:
    """Collects instances mesh by mesh. A ``frame`` (a yaw and an origin) lets a group such as a gate be
    described in its own coordinates and then turned and moved into place."""

    _parts: dict[str, list[tuple[np.ndarray, Colour, tuple[float, float, float, float]]]] = field(
        default_factory=lambda: {kind: [] for kind in MESH_KINDS}
    )
    _frame: np.ndarray = field(default_factory=lambda: np.eye(4))

    def set_frame(self, origin: Sequence[float] = (0.0, 0.0, 0.0), yaw: float = 0.0) -> None:
        """Place what is added next in a frame turned by ``yaw`` about ``origin``; no arguments: the world."""
        self._frame = placement(origin, (1.0, 1.0, 1.0), yaw)

    def add(
        self,
        kind: str,
        position: Sequence[float],
        size: Sequence[float],
        rgba: Colour,
        *,
        yaw: float = 0.0,
        tilt_x: float = 0.0,
        glow: float = 0.0,
        phase: float = 0.0,
        tiles_m: float = 0.0,
        steady: bool = False,
    ) -> None:
        if kind not in self._parts:
            raise KeyError(f"no mesh {kind!r}: use one of {', '.join(MESH_KINDS)}")
        model = self._frame @ placement(position, size, yaw, tilt_x)
        self._parts[kind].append((model, rgba, (glow, phase, tiles_m, float(steady))))

    def build(
        self,
        scene_id: str,
        name: str,
        *,
        sky: Colour,
        ground: Colour,
        hotspots: Sequence[Hotspot],
        spawn_id: str,
        **look,
    ) -> Scene:
        instances = {}
        for kind, parts in self._parts.items():
            if parts:
                instances[kind] = MeshInstances(
                    models=_read_only(np.array([model for model, _, _ in parts], dtype=np.float32)),
                    colours=_read_only(np.array([rgba for _, rgba, _ in parts], dtype=np.float32)),
                    materials=_read_only(np.array([material for _, _, material in parts], dtype=np.float32)),
                )
        by_id = {spot.id: spot for spot in hotspots}
        if len(by_id) != len(hotspots):
            raise ValueError(f"scene {scene_id!r} has two hotspots with the same id")
        if spawn_id not in by_id:
            raise ValueError(f"scene {scene_id!r}: spawn hotspot {spawn_id!r} is not one of its hotspots")
        return Scene(scene_id, name, sky, ground, instances, by_id, spawn_id, **look)


def facing(from_xz: Sequence[float], to_xz: Sequence[float]) -> float:
    """The yaw that faces from one ground point (x, z) towards another."""
    dx, dz = to_xz[0] - from_xz[0], to_xz[1] - from_xz[1]
    return math.atan2(-dx, -dz)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
