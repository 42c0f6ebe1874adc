"""The few unit meshes every scene is built from, made once in numpy: triangles with positions and normals.

Each mesh stands on the origin: its footprint is -0.5..0.5 in x and z and it rises from y=0 to y=1, so a
model matrix "translate to a spot on the ground, turn, scale by (width, height, depth)" places it. Triangles
are not indexed. A ``solid`` mesh winds every triangle counter-clockwise seen from outside, so its back faces
can be culled; the others (a roof, a ground quad) are seen from both sides, and the shader lights whichever
side faces the eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np


@dataclass(frozen=True)
class Mesh:
    name: str
    positions: np.ndarray  # (V, 3) float32, three vertices per triangle
    normals: np.ndarray  # (V, 3) float32, unit length
    solid: bool = False

    @property
    def vertex_count(self) -> int:
        return len(self.positions)

    def interleaved(self) -> np.ndarray:
        """(V, 6) float32: x y z nx ny nz per vertex, as the vertex buffer holds them."""
        return np.ascontiguousarray(np.hstack([self.positions, self.normals]), dtype=np.float32)


def _flat_mesh(name: str, triangles: np.ndarray, solid_around: tuple[float, float, float] | None = None) -> Mesh:
    """A mesh with one normal per triangle, from (T, 3, 3) corners; degenerate triangles are dropped. Given
    the centre of a convex solid, every triangle is wound to face away from it."""
    triangles = np.asarray(triangles, dtype=np.float64)
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    lengths = np.linalg.norm(normals, axis=1)
    keep = lengths > 1e-9
    normals = normals[keep] / lengths[keep, None]
    triangles = triangles[keep].copy()
    if solid_around is not None:
        inward = np.einsum("ij,ij->i", normals, triangles.mean(axis=1) - np.array(solid_around)) < 0
        triangles[inward] = triangles[inward][:, [0, 2, 1]]
        normals[inward] *= -1
    return Mesh(
        name,
        triangles.reshape(-1, 3).astype(np.float32),
        np.repeat(normals, 3, axis=0).astype(np.float32),
        solid=solid_around is not None,
    )


def _quads_to_triangles(quads: np.ndarray) -> np.ndarray:
    """(Q, 4, 3) corners in order round each quad -> (2Q, 3, 3) triangles."""
    return np.concatenate([quads[:, [0, 1, 2]], quads[:, [0, 2, 3]]])


def _grid_to_triangles(grid: np.ndarray) -> np.ndarray:
    """A (rows, cols, 3) grid of points -> the triangles of its cells."""
    quads = np.stack([grid[:-1, :-1], grid[:-1, 1:], grid[1:, 1:], grid[1:, :-1]], axis=2).reshape(-1, 4, 3)
    return _quads_to_triangles(quads)


@cache
def box() -> Mesh:
    lo, hi = -0.5, 0.5
    corners = np.array([[x, y, z] for x in (lo, hi) for y in (0.0, 1.0) for z in (lo, hi)])
    # corner index = 4*x + 2*y + z (each 0 or 1)
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    return _flat_mesh("box", _quads_to_triangles(corners[np.array(faces)]), solid_around=(0.0, 0.5, 0.0))


@cache
def ground_quad() -> Mesh:
    """The top face of the unit footprint, at y=0."""
    quad = np.array([[[-0.5, 0, -0.5], [-0.5, 0, 0.5], [0.5, 0, 0.5], [0.5, 0, -0.5]]])
    return _flat_mesh("quad", _quads_to_triangles(quad))


def _lathe(name: str, profile: list[tuple[float, float]], sides: int) -> Mesh:
    """A solid of revolution about +Y from (radius, height) points bottom to top, smooth round its sides and
    closed by flat caps where the profile starts or ends off the axis."""
    angles = np.linspace(0, 2 * math.pi, sides + 1)
    ring = np.stack([np.sin(angles), np.zeros_like(angles), np.cos(angles)], axis=1)  # (sides+1, 3)
    radii = np.array([r for r, _ in profile])
    heights = np.array([h for _, h in profile])
    grid = radii[:, None, None] * ring[None] + heights[:, None, None] * np.array([0, 1, 0])
    positions, normals = [], []
    for row in range(len(profile) - 1):
        dr, dh = radii[row + 1] - radii[row], heights[row + 1] - heights[row]
        slope = np.hypot(dr, dh)
        for column in range(sides):
            corners = [grid[row, column], grid[row, column + 1], grid[row + 1, column + 1], grid[row + 1, column]]
            corner_rings = [ring[column], ring[column + 1], ring[column + 1], ring[column]]
            corner_normals = [np.array([n[0] * dh, -dr, n[2] * dh]) / slope for n in corner_rings]
            for index in (0, 1, 2, 0, 2, 3):
                positions.append(corners[index])
                normals.append(corner_normals[index])
    cap_triangles = []
    for radius, height, down in ((radii[0], heights[0], True), (radii[-1], heights[-1], False)):
        if radius > 0:
            centre = np.array([0, height, 0])
            rim = radius * ring + centre
            for column in range(sides):
                cap_triangles.append([centre, rim[column], rim[column + 1]])
            normal = np.array([0, -1.0 if down else 1.0, 0])
            positions.extend(np.array(cap_triangles[-sides:]).reshape(-1, 3))
            normals.extend([normal] * 3 * sides)
    return _wound_outwards(name, np.array(positions), np.array(normals))


def _wound_outwards(name: str, positions: np.ndarray, normals: np.ndarray) -> Mesh:
    """A solid mesh whose triangles are wound counter-clockwise seen from the side their normals point to."""
    corners, corner_normals = positions.reshape(-1, 3, 3).copy(), normals.reshape(-1, 3, 3).copy()
    facing = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    backwards = np.einsum("ij,ij->i", facing, corner_normals.sum(axis=1)) < 0
    corners[backwards] = corners[backwards][:, [0, 2, 1]]
    corner_normals[backwards] = corner_normals[backwards][:, [0, 2, 1]]
    return Mesh(
        name, corners.reshape(-1, 3).astype(np.float32), corner_normals.reshape(-1, 3).astype(np.float32), solid=True
    )


@cache
def cylinder() -> Mesh:
    return _lathe("cylinder", [(0.5, 0.0), (0.5, 1.0)], sides=12)


@cache
def cone() -> Mesh:
    return _lathe("cone", [(0.5, 0.0), (0.0, 1.0)], sides=10)


@cache
def lantern() -> Mesh:
    """A round paper lantern: a barrel, narrower at its ends."""
    profile = [(0.28, 0.0), (0.45, 0.15), (0.5, 0.5), (0.45, 0.85), (0.28, 1.0)]
    return _lathe("lantern", profile, sides=10)


@cache
def tiled_roof(ridge_half_length: float = 0.3, corner_lift: float = 0.14, rows: int = 4, columns: int = 6) -> Mesh:
    """A hipped tiled roof in the Korean manner: a ridge along x, slopes that are steep near the ridge and
    flatten towards the eaves, and eaves that sweep up at the four corners."""

    def eave_height(s: np.ndarray) -> np.ndarray:  # s from -1 (one corner) to 1 (the other)
        return corner_lift * np.abs(s) ** 3

    s = np.linspace(-1, 1, columns + 1)
    t = np.linspace(0, 1, rows + 1)[:, None]  # 0 at the eave, 1 at the ridge
    rise = t**1.6  # concave: flat at the eave, steep towards the ridge
    triangles = []
    for side in (1, -1):  # the long slopes, south then north
        eave = np.stack([0.5 * s, eave_height(s), np.full_like(s, 0.5 * side)], axis=1)
        ridge = np.stack([ridge_half_length * s, np.ones_like(s), np.zeros_like(s)], axis=1)
        grid = eave[None] + (ridge - eave)[None] * np.concatenate([t, rise, t], axis=1)[:, None, :]
        triangles.append(_grid_to_triangles(grid))
        # the hips at the two ends: from the end eave up to one end of the ridge
        end = np.stack([np.full_like(s, 0.5 * side), eave_height(s), 0.5 * s], axis=1)
        apex = np.array([ridge_half_length * side, 1.0, 0.0])
        grid = end[None] + (apex - end)[None] * np.concatenate([t, rise, t], axis=1)[:, None, :]
        triangles.append(_grid_to_triangles(grid))
    return _flat_mesh("roof", np.concatenate(triangles))


MESH_KINDS = ("quad", "box", "roof", "cylinder", "cone", "lantern")


def unit_mesh(kind: str) -> Mesh:
    builders = {
        "quad": ground_quad,
        "box": box,
        "roof": tiled_roof,
        "cylinder": cylinder,
        "cone": cone,
        "lantern": lantern,
    }
    if kind not in builders:
        raise KeyError(f"no mesh {kind!r}: use one of {', '.join(MESH_KINDS)}")
    return builders[kind]()
