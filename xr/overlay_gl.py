"""What the XR client draws over the scene, all from one unit quad: textured panels (the kiosk screen, the
captions), pointer rays as thin strips turned to the eye, and the gaze cursor whose ring fills while dwelling.

Every shape is the square -0.5..0.5 (facing +Z) placed by a model matrix; matrices follow ``camera.py``.
Panels keep the orientation of an OpenGL framebuffer: texture row 0 is the bottom edge.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import numpy as np
from OpenGL import GL

from .errors import GraphicsUnavailableError
from .gl_program import Program
from .panel import Quad

VERTEX = """#version 330 core
layout(location = 0) in vec2 corner;
uniform mat4 u_mvp;
out vec2 local;
void main() {
    local = corner;
    gl_Position = u_mvp * vec4(corner, 0.0, 1.0);
}
"""
FRAGMENT = """#version 330 core
in vec2 local;
uniform int u_mode;  // 0 texture, 1 flat colour, 2 gaze cursor
uniform sampler2D u_texture;
uniform vec4 u_colour;
uniform float u_opacity;
uniform float u_progress;
out vec4 result;
const float TAU = 6.28318530718;
void main() {
    if (u_mode == 0) {
        vec4 texel = texture(u_texture, local + 0.5);
        result = vec4(texel.rgb, texel.a * u_opacity);
    } else if (u_mode == 1) {
        result = u_colour;
    } else {
        float radius = length(local) * 2.0;
        if (radius > 1.0) discard;
        float turned = fract(atan(local.x, local.y) / TAU + 1.0);  // 0 at the top, clockwise
        if (radius < 0.28) {
            result = vec4(1.0, 1.0, 1.0, 0.95);
        } else if (radius > 0.62) {
            result = turned <= u_progress ? u_colour : vec4(0.0, 0.0, 0.0, u_progress > 0.0 ? 0.45 : 0.0);
        } else {
            discard;
        }
    }
}
"""
RAY_WIDTH_M = 0.006


class TextureTarget:
    """A mipmapped RGBA8 texture that can be drawn into (a framebuffer) or filled from pixels."""

    def __init__(self, width: int, height: int, *, depth: bool = False) -> None:
        """``depth``: with a depth buffer, for drawing 3D pictures into it."""
        self.width, self.height = width, height
        self.depth = None
        self.texture = GL.glGenTextures(1)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.texture)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, width, height, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, None)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR_MIPMAP_LINEAR)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE)
        GL.glTexParameteri(GL.GL_TEXTURE_2D, GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)
        GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
        self.framebuffer = GL.glGenFramebuffers(1)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.framebuffer)
        GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, self.texture, 0)
        if depth:
            self.depth = GL.glGenRenderbuffers(1)
            GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.depth)
            GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, width, height)
            GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, self.depth)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, 0)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise GraphicsUnavailableError(f"the driver refused a {width}x{height} panel texture (status {status:#x})")

    def draw_into(self, draw: Callable[[int, int], None]) -> None:
        """Let ``draw(width, height)`` paint the texture (it sets its own viewport), then rebuild the mipmaps."""
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.framebuffer)
        GL.glViewport(0, 0, self.width, self.height)
        draw(self.width, self.height)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, 0)
        self._mipmaps()

    def fill(self, pixels: np.ndarray) -> None:
        """Replace the texture with (height, width, 4) uint8 RGBA pixels given top row first."""
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.texture)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        GL.glTexSubImage2D(
            GL.GL_TEXTURE_2D, 0, 0, 0, self.width, self.height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE,
            np.ascontiguousarray(pixels[::-1]),
        )  # fmt: skip
        self._mipmaps()

    def _mipmaps(self) -> None:
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.texture)
        GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
        GL.glBindTexture(GL.GL_TEXTURE_2D, 0)

    def delete(self) -> None:
        if self.depth is not None:
            GL.glDeleteRenderbuffers(1, [self.depth])
        GL.glDeleteFramebuffers(1, [self.framebuffer])
        GL.glDeleteTextures(1, [self.texture])


def strip_model(start: np.ndarray, end: np.ndarray, eye: np.ndarray, width_m: float) -> np.ndarray | None:
    """Model matrix of a flat strip from ``start`` to ``end``, turned to face ``eye``; None if it has no length."""
    along = end - start
    length = float(np.linalg.norm(along))
    side = np.cross(along, eye - (start + end) / 2)
    if length < 1e-6 or np.linalg.norm(side) < 1e-9:
        return None
    matrix = np.eye(4)
    matrix[:3, 0] = side / np.linalg.norm(side) * width_m
    matrix[:3, 1] = along
    matrix[:3, 2] = np.cross(matrix[:3, 0], along)
    matrix[:3, 3] = (start + end) / 2
    return matrix


class OverlayRenderer:
    """Create once per OpenGL context. Draws without depth test, in the order called, over what is there."""

    def __init__(self) -> None:
        self.program = Program(VERTEX, FRAGMENT, "xr overlay")
        self.vertex_array = GL.glGenVertexArrays(1)
        GL.glBindVertexArray(self.vertex_array)
        corners = np.array([-0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5], dtype=np.float32)
        self.buffer = GL.glGenBuffers(1)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.buffer)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, corners.nbytes, corners, GL.GL_STATIC_DRAW)
        GL.glEnableVertexAttribArray(0)
        GL.glVertexAttribPointer(0, 2, GL.GL_FLOAT, GL.GL_FALSE, 0, ctypes.c_void_p(0))
        GL.glBindVertexArray(0)

    def begin(self) -> None:
        GL.glDisable(GL.GL_DEPTH_TEST)
        GL.glDisable(GL.GL_CULL_FACE)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
        self.program.use()
        GL.glBindVertexArray(self.vertex_array)

    def end(self) -> None:
        GL.glBindVertexArray(0)
        GL.glDisable(GL.GL_BLEND)

    def _draw(self, model: np.ndarray, view_projection: np.ndarray, mode: int) -> None:
        mvp = np.asarray(view_projection @ model, dtype=np.float32)
        GL.glUniformMatrix4fv(self.program.location("u_mvp"), 1, GL.GL_TRUE, mvp)
        GL.glUniform1i(self.program.location("u_mode"), mode)
        GL.glDrawArrays(GL.GL_TRIANGLE_STRIP, 0, 4)

    def panel(self, texture: TextureTarget, quad: Quad, view_projection: np.ndarray, opacity: float = 1.0) -> None:
        GL.glActiveTexture(GL.GL_TEXTURE0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, texture.texture)
        GL.glUniform1i(self.program.location("u_texture"), 0)
        GL.glUniform1f(self.program.location("u_opacity"), opacity)
        self._draw(quad.model_matrix(), view_projection, 0)

    def ray(
        self, start: np.ndarray, end: np.ndarray, eye: np.ndarray, view_projection: np.ndarray, colour: tuple
    ) -> None:
        model = strip_model(np.asarray(start, float), np.asarray(end, float), np.asarray(eye, float), RAY_WIDTH_M)
        if model is not None:
            GL.glUniform4f(self.program.location("u_colour"), *colour)
            self._draw(model, view_projection, 1)

    def cursor(self, quad: Quad, view_projection: np.ndarray, colour: tuple, progress: float) -> None:
        """The gaze cursor on a panel-aligned ``quad``; its ring fills clockwise with ``progress`` (0..1)."""
        GL.glUniform4f(self.program.location("u_colour"), *colour)
        GL.glUniform1f(self.program.location("u_progress"), progress)
        self._draw(quad.model_matrix(), view_projection, 2)

    def delete(self) -> None:
        GL.glDeleteBuffers(1, [self.buffer])
        GL.glDeleteVertexArrays(1, [self.vertex_array])
        self.program.delete()
