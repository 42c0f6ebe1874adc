"""What the captions panel shows: the latest lines the kiosk said, wrapped to the panel, drawn once per change.

Captions stay up for CAPTION_HOLD_S after the last line, then the panel hides until the kiosk speaks again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

import numpy as np

from .panel import CAPTION_LINES

CAPTION_HOLD_S = 15.0
HISTORY = 8
TEXT = (255, 255, 255, 255)
BACKGROUND = (16, 16, 24, 215)  # dark and nearly opaque: white text stays legible over any scene
LINE_PITCH_EM = 1.35
CAP_PER_EM = 0.7


def wrap(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines no wider than ``max_width``: broken at spaces, and inside a word only when it alone is too wide."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and measure(line + char) > max_width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


def last_lines(captions: Sequence[str], count: int, max_width: float, measure: Callable[[str], float]) -> list[str]:
    lines = [line for caption in captions for line in wrap(caption, max_width, measure)]
    return lines[-count:]


class CaptionBoard:
    def __init__(self) -> None:
        self.captions: deque[str] = deque(maxlen=HISTORY)
        self.version = 0
        self.said_at: float | None = None

    def add(self, text: str, now_s: float) -> None:
        self.captions.append(text)
        self.version += 1
        self.said_at = now_s

    def visible(self, now_s: float) -> bool:
        return self.said_at is not None and now_s - self.said_at <= CAPTION_HOLD_S


def caption_image(captions: Sequence[str], width_px: int, height_px: int, lines: int = CAPTION_LINES) -> np.ndarray:
    """(height, width, 4) uint8 RGBA, top row first: the last ``lines`` lines of ``captions``, white on dark."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415 - only the XR client draws captions

    from .fonts import Weight, korean_font  # noqa: PLC0415
    from .glyph_atlas import font_size_for_cap  # noqa: PLC0415 - imports OpenGL

    pitch = height_px / (lines + 0.6)
    file = korean_font(Weight.regular)
    font = ImageFont.truetype(
        str(file.path), font_size_for_cap(pitch / LINE_PITCH_EM * CAP_PER_EM, Weight.regular), index=file.index
    )
    margin = pitch * 0.5
    shown = last_lines(captions, lines, width_px - 2 * margin, font.getlength)
    image = Image.new("RGBA", (width_px, height_px), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(shown):
        draw.text((margin, pitch * (index + 1.1)), line, font=font, fill=TEXT, anchor="ls")
    return np.asarray(image, dtype=np.uint8)
