"""Draws a ``Scene`` with one instanced draw call per kind of mesh, for one view or for two eyes.

Made once in a current OpenGL 3.3 core context. The unit meshes are uploaded once; a scene's instances are
uploaded the first time it is drawn (cached by scene id); per frame Python only sets the camera, the time and
a handful of state: about 25 GL calls per eye, whatever the number of instances.

Draw order keeps a software rasteriser's work down: solid meshes with their back faces culled, then the
two-sided ones (roofs, then the ground quads, with the wide ground last), and the sky last of all, only where
nothing else was drawn (it lies on the far plane and the depth test is less-or-equal).
Matrices follow ``madang.xr.camera``: numpy (4, 4) in the mathematical layout, uploaded transposed.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from OpenGL import GL

from .gl_program import Program
from .lantern_glow import GLOW_PERIOD_S
from .meshes import MESH_KINDS, unit_mesh
from .scene_kit import MeshInstances, Scene
from .scene_shaders import MESH_FRAGMENT, MESH_VERTEX, SKY_FRAGMENT, SKY_VERTEX

GROUND_SIZE_M = 2000.0
FLOATS_PER_INSTANCE = 24  # model matrix 16, colour 4, material 4
FLOAT_BYTES = 4


class RenderTarget(Protocol):
    """Anything that makes itself the current framebuffer and viewport (``offscreen.Framebuffer``, a swapchain
    image wrapper, a half of a side-by-side window)."""

    def bind(self) -> None: ...


@dataclass(frozen=True)
class EyeTarget:
    target: RenderTarget
    view: np.ndarray
    projection: np.ndarray


@dataclass
class _UploadedScene:
    scene: Scene
    solid_batches: list[tuple[int, int, int]]  # (vertex array, vertex count, instance count) per mesh kind
    open_batches: list[tuple[int, int, int]]
    buffers: list[int]
    sky: tuple[float, float, float]
    horizon: tuple[float, float, float]
    ground: tuple[float, float, float]
    sun_direction: tuple[float, float, float]


class SceneRenderer:
    def __init__(self) -> None:
        self._mesh_program = Program(MESH_VERTEX, MESH_FRAGMENT, "scene mesh")
        self._sky_program = Program(SKY_VERTEX, SKY_FRAGMENT, "sky")
        self._mesh_buffers: dict[str, tuple[int, int]] = {}  # kind -> (vertex buffer, vertex count)
        self._solid_kinds = {kind for kind in MESH_KINDS if unit_mesh(kind).solid}
        for kind in MESH_KINDS:
            mesh = unit_mesh(kind)
            buffer = GL.glGenBuffers(1)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, buffer)
            data = mesh.interleaved()
            GL.glBufferData(GL.GL_ARRAY_BUFFER, data.nbytes, data, GL.GL_STATIC_DRAW)
            self._mesh_buffers[kind] = (buffer, mesh.vertex_count)
        self._sky_vertex_array = GL.glGenVertexArrays(1)
        self._scenes: dict[str, _UploadedScene] = {}
        self._mesh_uniforms = {
            name: self._mesh_program.location(name)
            for name in (
                "u_view_projection",
                "u_eye",
                "u_sky",
                "u_horizon",
                "u_ground",
                "u_sun",
                "u_sun_direction",
                "u_fog_distance",
                "u_time",
            )
        }
        self._sky_uniforms = {
            name: self._sky_program.location(name) for name in ("u_view_projection", "u_eye", "u_sky", "u_horizon")
        }
        self.draw_calls = 0
        """Draw calls issued since this renderer was made; tests and benchmarks read it."""

    def prepare(self, scene: Scene) -> None:
        """Upload ``scene``'s instances unless they already are (a different scene with the same id replaces
        the old one)."""
        cached = self._scenes.get(scene.id)
        if cached is not None and cached.scene is scene:
            return
        if cached is not None:
            self.forget(scene.id)
        solid_batches, open_batches, buffers = [], [], []
        for kind in sorted(MESH_KINDS, key=lambda kind: kind == "quad"):  # the ground quads after the roofs
            instances = scene.instances.get(kind)
            rows = [] if instances is None else [_instance_rows(instances)]
            if kind == "quad":
                rows.append(_ground_row(scene))  # last: hidden wherever anything else covers it
            if not rows:
                continue
            data = np.ascontiguousarray(np.concatenate(rows), dtype=np.float32)
            vertex_array, instance_buffer = self._upload_batch(kind, data)
            batch = (vertex_array, self._mesh_buffers[kind][1], len(data))
            (solid_batches if kind in self._solid_kinds else open_batches).append(batch)
            buffers.append(instance_buffer)
        self._scenes[scene.id] = _UploadedScene(
            scene,
            solid_batches,
            open_batches,
            buffers,
            _rgb(scene.sky_colour),
            _rgb(scene.horizon_colour or scene.sky_colour),
            _rgb(scene.ground_colour),
            tuple(float(v) for v in np.asarray(scene.sun_direction) / np.linalg.norm(scene.sun_direction)),
        )

    def _upload_batch(self, kind: str, data: np.ndarray) -> tuple[int, int]:
        vertex_array = GL.glGenVertexArrays(1)
        GL.glBindVertexArray(vertex_array)
        mesh_buffer = self._mesh_buffers[kind][0]
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, mesh_buffer)
        for location in (0, 1):
            GL.glEnableVertexAttribArray(location)
            GL.glVertexAttribPointer(
                location, 3, GL.GL_FLOAT, GL.GL_FALSE, 6 * FLOAT_BYTES, ctypes.c_void_p(3 * FLOAT_BYTES * location)
            )
        instance_buffer = GL.glGenBuffers(1)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, instance_buffer)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, data.nbytes, data, GL.GL_STATIC_DRAW)
        stride = FLOATS_PER_INSTANCE * FLOAT_BYTES
        for column in range(6):  # four columns of the model matrix, then colour, then material
            location = 2 + column
            GL.glEnableVertexAttribArray(location)
            GL.glVertexAttribPointer(
                location, 4, GL.GL_FLOAT, GL.GL_FALSE, stride, ctypes.c_void_p(4 * FLOAT_BYTES * column)
            )
            GL.glVertexAttribDivisor(location, 1)
        GL.glBindVertexArray(0)
        return vertex_array, instance_buffer

    def forget(self, scene_id: str) -> None:
        """Free a scene's instance buffers (it is uploaded again if drawn again)."""
        uploaded = self._scenes.pop(scene_id, None)
        if uploaded is not None:
            batches = uploaded.solid_batches + uploaded.open_batches
            GL.glDeleteVertexArrays(len(batches), [batch[0] for batch in batches])
            GL.glDeleteBuffers(len(uploaded.buffers), uploaded.buffers)

    def draw(self, scene: Scene, view: np.ndarray, projection: np.ndarray, time_s: float, *, clear: bool = True) -> int:
        """Draw into the framebuffer and viewport bound now (first clearing its colour and depth unless
        ``clear`` is false); ``time_s``, any clock in seconds, drives the lanterns' glow. Returns the number of
        draw calls. Leaves the depth test on and its depth values, for what is drawn over the scene."""
        uploaded = self._begin(scene, time_s)
        return self._draw_view(uploaded, view, projection, clear)

    def draw_stereo(self, scene: Scene, eyes: Sequence[EyeTarget], time_s: float, *, clear: bool = True) -> int:
        """Draw each eye into its own target (two for a headset); returns the number of draw calls."""
        uploaded = self._begin(scene, time_s)
        calls = 0
        for eye in eyes:
            eye.target.bind()
            calls += self._draw_view(uploaded, eye.view, eye.projection, clear)
        return calls

    def _begin(self, scene: Scene, time_s: float) -> _UploadedScene:
        self.prepare(scene)
        uploaded = self._scenes[scene.id]
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LEQUAL)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glCullFace(GL.GL_BACK)
        GL.glFrontFace(GL.GL_CCW)
        GL.glDisable(GL.GL_BLEND)
        self._sky_program.use()
        GL.glUniform3f(self._sky_uniforms["u_sky"], *uploaded.sky)
        GL.glUniform3f(self._sky_uniforms["u_horizon"], *uploaded.horizon)
        self._mesh_program.use()
        uniforms = self._mesh_uniforms
        GL.glUniform3f(uniforms["u_sky"], *uploaded.sky)
        GL.glUniform3f(uniforms["u_horizon"], *uploaded.horizon)
        GL.glUniform3f(uniforms["u_ground"], *uploaded.ground)
        GL.glUniform1f(uniforms["u_sun"], scene.sun_strength)
        GL.glUniform3f(uniforms["u_sun_direction"], *uploaded.sun_direction)
        GL.glUniform1f(uniforms["u_fog_distance"], scene.fog_distance_m)
        GL.glUniform1f(uniforms["u_time"], time_s % GLOW_PERIOD_S)  # the glow repeats; keeps float precision
        return uploaded

    def _draw_view(self, uploaded: _UploadedScene, view: np.ndarray, projection: np.ndarray, clear: bool) -> int:
        view = np.asarray(view, dtype=np.float32)
        view_projection = np.asarray(projection, dtype=np.float32) @ view
        eye = -view[:3, :3].T @ view[:3, 3]  # the camera's position: views are rigid transforms
        if clear:
            GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
        self._mesh_program.use()
        GL.glUniformMatrix4fv(self._mesh_uniforms["u_view_projection"], 1, GL.GL_TRUE, view_projection)
        GL.glUniform3f(self._mesh_uniforms["u_eye"], *eye)
        GL.glEnable(GL.GL_CULL_FACE)
        for vertex_array, vertex_count, instance_count in uploaded.solid_batches:
            GL.glBindVertexArray(vertex_array)
            GL.glDrawArraysInstanced(GL.GL_TRIANGLES, 0, vertex_count, instance_count)
        GL.glDisable(GL.GL_CULL_FACE)
        for vertex_array, vertex_count, instance_count in uploaded.open_batches:
            GL.glBindVertexArray(vertex_array)
            GL.glDrawArraysInstanced(GL.GL_TRIANGLES, 0, vertex_count, instance_count)
        self._sky_program.use()
        GL.glUniformMatrix4fv(self._sky_uniforms["u_view_projection"], 1, GL.GL_TRUE, view_projection)
        GL.glUniform3f(self._sky_uniforms["u_eye"], *eye)
        GL.glBindVertexArray(self._sky_vertex_array)
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
        GL.glBindVertexArray(0)
        calls = 1 + len(uploaded.solid_batches) + len(uploaded.open_batches)
        self.draw_calls += calls
        return calls

    def delete(self) -> None:
        for scene_id in list(self._scenes):
            self.forget(scene_id)
        GL.glDeleteBuffers(len(self._mesh_buffers), [buffer for buffer, _ in self._mesh_buffers.values()])
        GL.glDeleteVertexArrays(1, [self._sky_vertex_array])
        self._mesh_program.delete()
        self._sky_program.delete()


def _instance_rows(instances: MeshInstances) -> np.ndarray:
    """(N, 24) float32: each model matrix column-major (as GLSL reads a mat4), then colour, then material."""
    columns_first = np.transpose(instances.models, (0, 2, 1)).reshape(-1, 16)
    return np.hstack([columns_first, instances.colours, instances.materials]).astype(np.float32)


def _ground_row(scene: Scene) -> np.ndarray:
    """The wide ground under every scene, in its ground colour, as one more quad instance."""
    model = np.diag([GROUND_SIZE_M, 1.0, GROUND_SIZE_M, 1.0]).astype(np.float32)
    return np.hstack([model.T.reshape(1, 16), [scene.ground_colour], [[0.0, 0.0, 0.0, 0.0]]]).astype(np.float32)


def _rgb(rgba: Sequence[float]) -> tuple[float, float, float]:
    return (float(rgba[0]), float(rgba[1]), float(rgba[2]))
