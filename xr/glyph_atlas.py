"""Glyphs rasterised once by FreeType (through Pillow) into one texture, and reused for every later frame.

A glyph is keyed by character, weight and pixel size; a screen uses a handful of sizes, so the atlas fills
once per screen style and then only draws. Cap height, not font size, is what layout asks for: sizes are
derived from the font's own capital height.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from OpenGL import GL
from PIL import Image, ImageDraw, ImageFont

from .fonts import FontFile, Weight, korean_font

ATLAS_SIZE = 2048
PADDING = 2
REFERENCE_SIZE = 1000


@dataclass(frozen=True)
class Glyph:
    u0: float
    v0: float
    u1: float
    v1: float
    left: float  # ink box relative to the pen on the baseline, in pixels (y down)
    top: float
    width: int
    height: int
    advance: float


@cache
def _font(file: FontFile, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(file.path), size, index=file.index)


@cache
def cap_ratio(weight: Weight) -> float:
    """The font's capital height as a fraction of its size ('H' of Noto Sans CJK: 0.733)."""
    _, top, _, bottom = _font(korean_font(weight), REFERENCE_SIZE).getbbox("H", anchor="ls")
    return (bottom - top) / REFERENCE_SIZE


def font_size_for_cap(cap_px: float, weight: Weight) -> int:
    return max(4, round(cap_px / cap_ratio(weight)))


class AtlasFull(Exception):  # noqa: N818 - a state, handled by starting the atlas afresh
    pass


class GlyphAtlas:
    """One R8 texture of glyphs; ``upload`` sends what was added since the last frame."""

    def __init__(self, size: int = ATLAS_SIZE) -> None:
        self.size = size
        self.pixels = np.zeros((size, size), dtype=np.uint8)
        self.glyphs: dict[tuple[str, Weight, int], Glyph] = {}
        self._shelf_x = self._shelf_y = self._shelf_h = 0
        self._dirty = False
        self.texture = GL.glGenTextures(1)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.texture)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_R8, size, size, 0, GL.GL_RED, GL.GL_UNSIGNED_BYTE, self.pixels)
        for name in (GL.GL_TEXTURE_MIN_FILTER, GL.GL_TEXTURE_MAG_FILTER):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, name, GL.GL_LINEAR)
        for name in (GL.GL_TEXTURE_WRAP_S, GL.GL_TEXTURE_WRAP_T):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, name, GL.GL_CLAMP_TO_EDGE)

    def clear(self) -> None:
        self.pixels[:] = 0
        self.glyphs.clear()
        self._shelf_x = self._shelf_y = self._shelf_h = 0
        self._dirty = True

    def glyph(self, char: str, weight: Weight, size: int) -> Glyph:
        key = (char, weight, size)
        found = self.glyphs.get(key)
        if found is None:
            found = self.glyphs[key] = self._rasterise(char, weight, size)
        return found

    def advance(self, char: str, weight: Weight, size: int) -> float:
        return self.glyph(char, weight, size).advance

    def _rasterise(self, char: str, weight: Weight, size: int) -> Glyph:
        font = _font(korean_font(weight), size)
        advance = font.getlength(char)
        left, top, right, bottom = font.getbbox(char, anchor="ls")
        width, height = max(0, right - left), max(0, bottom - top)
        if width == 0 or height == 0:
            return Glyph(0, 0, 0, 0, 0, 0, 0, 0, advance)
        x, y = self._place(width, height)
        image = Image.new("L", (width, height), 0)
        ImageDraw.Draw(image).text((-left, -top), char, font=font, fill=255, anchor="ls")
        self.pixels[y : y + height, x : x + width] = np.asarray(image)
        self._dirty = True
        s = self.size
        return Glyph(x / s, y / s, (x + width) / s, (y + height) / s, left, top, width, height, advance)

    def _place(self, width: int, height: int) -> tuple[int, int]:
        if self._shelf_x + width + PADDING > self.size:
            self._shelf_x, self._shelf_y = 0, self._shelf_y + self._shelf_h + PADDING
            self._shelf_h = 0
        if self._shelf_y + height + PADDING > self.size:
            raise AtlasFull
        x, y = self._shelf_x, self._shelf_y
        self._shelf_x += width + PADDING
        self._shelf_h = max(self._shelf_h, height)
        return x, y

    def upload(self) -> None:
        if not self._dirty:
            return
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.texture)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        rows = min(self.size, self._shelf_y + self._shelf_h + PADDING) or 1
        GL.glTexSubImage2D(
            GL.GL_TEXTURE_2D, 0, 0, 0, self.size, rows, GL.GL_RED, GL.GL_UNSIGNED_BYTE, self.pixels[:rows]
        )
        self._dirty = False

    def delete(self) -> None:
        GL.glDeleteTextures(1, [self.texture])
