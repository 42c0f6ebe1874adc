"""Draws a kiosk screen (``ScreenView``) into the bound framebuffer with OpenGL 3.3: two draw calls a frame.

The shapes of a screen are turned into vertex data once, when the screen changes; every other frame only
clears and draws. Millimetres become pixels by the target's own scale, so the same screen fills a 1080x1920
kiosk, a screenshot or an XR panel texture.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import numpy as np
from OpenGL import GL

from madang.kiosk.model import Placed, Role

from .gl_program import Program
from .glyph_atlas import AtlasFull, GlyphAtlas, font_size_for_cap
from .screen_paint import BORDER_MM, Painting, ScreenView, TextLine, paint

FLOAT = ctypes.sizeof(ctypes.c_float)
Pictures = Callable[[Placed, tuple[int, int, int, int], int], object]

PIXELS = """#version 330 core
uniform vec2 target;
vec4 clip(vec2 pixel) {  // pixels from the top left of the target to clip space
    return vec4(pixel.x / target.x * 2.0 - 1.0, 1.0 - pixel.y / target.y * 2.0, 0.0, 1.0);
}
"""
RECT_VERTEX = (
    PIXELS
    + """
layout(location = 0) in vec2 corner;
layout(location = 1) in vec4 rect;
layout(location = 2) in vec4 colour;
out vec4 fill;
void main() {
    gl_Position = clip(rect.xy + corner * rect.zw);
    fill = colour;
}
"""
)
RECT_FRAGMENT = """#version 330 core
in vec4 fill;
out vec4 result;
void main() { result = fill; }
"""
TEXT_VERTEX = (
    PIXELS
    + """
layout(location = 0) in vec2 pixel;
layout(location = 1) in vec2 uv;
layout(location = 2) in vec4 colour;
out vec2 texcoord;
out vec4 ink;
void main() {
    gl_Position = clip(pixel);
    texcoord = uv;
    ink = colour;
}
"""
)
TEXT_FRAGMENT = """#version 330 core
in vec2 texcoord;
in vec4 ink;
uniform sampler2D atlas;
out vec4 result;
void main() { result = vec4(ink.rgb, ink.a * texture(atlas, texcoord).r); }
"""


def _attribute(index: int, size: int, stride: int, offset: int, divisor: int = 0) -> None:
    GL.glEnableVertexAttribArray(index)
    GL.glVertexAttribPointer(index, size, GL.GL_FLOAT, GL.GL_FALSE, stride * FLOAT, ctypes.c_void_p(offset * FLOAT))
    if divisor:
        GL.glVertexAttribDivisor(index, divisor)


class UiRenderer:
    """Create once per OpenGL context; ``draw`` a ScreenView every frame."""

    def __init__(self) -> None:
        self.rect_program = Program(RECT_VERTEX, RECT_FRAGMENT, "kiosk rectangle")
        self.text_program = Program(TEXT_VERTEX, TEXT_FRAGMENT, "kiosk text")
        self.atlas = GlyphAtlas()
        self.draw_calls = 0
        self._built: tuple | None = None
        self._rect_count = self._vertex_count = 0
        self._background = (1.0, 1.0, 1.0, 1.0)

        self.rect_vao = GL.glGenVertexArrays(1)
        GL.glBindVertexArray(self.rect_vao)
        corners = np.array([0, 0, 1, 0, 0, 1, 1, 1], dtype=np.float32)
        self.corner_buffer = GL.glGenBuffers(1)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.corner_buffer)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, corners.nbytes, corners, GL.GL_STATIC_DRAW)
        _attribute(0, 2, 2, 0)
        self.rect_buffer = GL.glGenBuffers(1)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.rect_buffer)
        _attribute(1, 4, 8, 0, divisor=1)
        _attribute(2, 4, 8, 4, divisor=1)

        self.text_vao = GL.glGenVertexArrays(1)
        GL.glBindVertexArray(self.text_vao)
        self.text_buffer = GL.glGenBuffers(1)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.text_buffer)
        _attribute(0, 2, 8, 0)
        _attribute(1, 2, 8, 2)
        _attribute(2, 4, 8, 4)
        GL.glBindVertexArray(0)

    # ------------------------------------------------------------------ per screen
    def _build(self, view: ScreenView, width: int, height: int) -> None:
        painting = paint(view)
        scale_x, scale_y = width / view.display.width_mm, height / view.display.height_mm
        rects = np.array(
            [(r.x * scale_x, r.y * scale_y, r.w * scale_x, r.h * scale_y, *r.colour) for r in painting.rects],
            dtype=np.float32,
        ).reshape(-1, 8)
        try:
            glyphs = self._glyph_vertices(painting, scale_x, scale_y)
        except AtlasFull:
            self.atlas.clear()
            glyphs = self._glyph_vertices(painting, scale_x, scale_y)
        self.atlas.upload()
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.rect_buffer)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, max(rects.nbytes, 4), rects if len(rects) else None, GL.GL_DYNAMIC_DRAW)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.text_buffer)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, max(glyphs.nbytes, 4), glyphs if len(glyphs) else None, GL.GL_DYNAMIC_DRAW)
        self._rect_count, self._vertex_count = len(rects), len(glyphs)
        self._background = painting.background

    def _glyph_vertices(self, painting: Painting, scale_x: float, scale_y: float) -> np.ndarray:
        quads: list[tuple[float, ...]] = []
        for line in painting.lines:
            quads += self._line_quads(line, scale_x, scale_y)
        if not quads:
            return np.zeros((0, 8), dtype=np.float32)
        corners = np.array(quads, dtype=np.float32)  # x0 y0 x1 y1 u0 v0 u1 v1 r g b a
        order = ((0, 1, 4, 5), (2, 1, 6, 5), (0, 3, 4, 7), (2, 1, 6, 5), (2, 3, 6, 7), (0, 3, 4, 7))
        vertices = np.empty((len(corners), 6, 8), dtype=np.float32)
        for index, (x, y, u, v) in enumerate(order):
            vertices[:, index, 0:4] = corners[:, [x, y, u, v]]
            vertices[:, index, 4:8] = corners[:, 8:12]
        return vertices.reshape(-1, 8)

    def _line_quads(self, line: TextLine, scale_x: float, scale_y: float) -> list[tuple[float, ...]]:
        size = font_size_for_cap(line.cap_mm * scale_y, line.weight)
        glyphs = [self.atlas.glyph(char, line.weight, size) for char in line.text]
        width = sum(glyph.advance for glyph in glyphs)
        room = line.max_width * scale_x
        squeeze = min(1.0, room / width) if width else 1.0  # never wider than its box: narrower, never shorter
        pen = line.x * scale_x - (width * squeeze / 2 if line.centred else 0.0)
        baseline = round(line.baseline * scale_y)
        quads = []
        for glyph in glyphs:
            if glyph.width:
                x0 = round(pen + glyph.left * squeeze)
                y0 = baseline + glyph.top
                right, bottom = x0 + glyph.width * squeeze, y0 + glyph.height
                quads.append((x0, y0, right, bottom, glyph.u0, glyph.v0, glyph.u1, glyph.v1, *line.colour))
            pen += glyph.advance * squeeze
        return quads

    # ------------------------------------------------------------------ per frame
    def draw(self, view: ScreenView, width: int, height: int, pictures: Pictures | None = None) -> None:
        """Draw ``view`` over the whole ``width`` x ``height`` viewport of the bound framebuffer; ``pictures``
        draws each picture (``image`` element) into its box, given in pixels from the top left."""
        key = (view, width, height)  # compared field by field, each by identity first: cheap while unchanged
        if key != self._built:
            self._build(view, width, height)
            self._built = key
        GL.glViewport(0, 0, width, height)
        GL.glDisable(GL.GL_DEPTH_TEST)
        GL.glClearColor(*self._background)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
        self.draw_calls = 0
        if self._rect_count:
            self.rect_program.use()
            GL.glUniform2f(self.rect_program.location("target"), width, height)
            GL.glBindVertexArray(self.rect_vao)
            GL.glDrawArraysInstanced(GL.GL_TRIANGLE_STRIP, 0, 4, self._rect_count)
            self.draw_calls += 1
        if self._vertex_count:
            self.text_program.use()
            GL.glUniform2f(self.text_program.location("target"), width, height)
            GL.glActiveTexture(GL.GL_TEXTURE0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self.atlas.texture)
            GL.glUniform1i(self.text_program.location("atlas"), 0)
            GL.glBindVertexArray(self.text_vao)
            GL.glDrawArrays(GL.GL_TRIANGLES, 0, self._vertex_count)
            self.draw_calls += 1
        GL.glBindVertexArray(0)
        GL.glDisable(GL.GL_BLEND)
        if pictures is not None:
            self._draw_pictures(view, width, height, pictures)

    def _draw_pictures(self, view: ScreenView, width: int, height: int, pictures: Pictures) -> None:
        scale_x, scale_y = width / view.display.width_mm, height / view.display.height_mm
        for placed in view.laid_out.visible:
            if placed.element.role is Role.image:
                box = placed.box
                inset = BORDER_MM  # inside the picture's frame
                left, top = round((box.x + inset) * scale_x), round((box.y + inset) * scale_y)
                right = round((box.x + box.w - inset) * scale_x)
                bottom = round((box.y + box.h - inset) * scale_y)
                pictures(placed, (left, top, right - left, bottom - top), height)
        GL.glViewport(0, 0, width, height)

    def delete(self) -> None:
        GL.glDeleteBuffers(3, [self.corner_buffer, self.rect_buffer, self.text_buffer])
        GL.glDeleteVertexArrays(2, [self.rect_vao, self.text_vao])
        self.rect_program.delete()
        self.text_program.delete()
        self.atlas.delete()
