"""Measuring a rendered kiosk screen on its pixels: ink, colours, contrast and boxes, in pixel units."""

from __future__ import annotations

import numpy as np

from madang.kiosk.display import Display
from madang.kiosk.model import Box
from madang.kiosk.theme import contrast_ratio


def hex_colour(rgb: np.ndarray) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(int(channel) for channel in rgb))


def rgb_of(hex_colour: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(hex_colour.removeprefix("#")), dtype=np.uint8)


def contrast(first: np.ndarray, second: np.ndarray) -> float:
    """The WCAG contrast ratio of two pixels, as the themes are checked with."""
    return contrast_ratio(hex_colour(first), hex_colour(second))


def pixel_box(box: Box, display: Display, pixels: np.ndarray) -> tuple[int, int, int, int]:
    """Left, top, right, bottom (exclusive) of a layout box on the pixels, rounded outwards."""
    scale_x, scale_y = pixels.shape[1] / display.width_mm, pixels.shape[0] / display.height_mm
    return (
        int(np.floor(box.x * scale_x)),
        int(np.floor(box.y * scale_y)),
        int(np.ceil((box.x + box.w) * scale_x)),
        int(np.ceil((box.y + box.h) * scale_y)),
    )


def dominant_colour(region: np.ndarray) -> np.ndarray:
    """The most common colour, counted on every fourth row and column."""
    packed = region[::4, ::4].reshape(-1, 3).astype(np.int32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.int32)
    values, counts = np.unique(packed, return_counts=True)
    top = int(values[counts.argmax()])
    return np.array([top >> 16, (top >> 8) & 255, top & 255], dtype=np.uint8)


def farthest_from(region: np.ndarray, background: np.ndarray) -> tuple[np.ndarray, int]:
    """The pixel farthest from ``background`` (largest channel difference), and that difference, looking at every
    other row and column: strokes are wider than that, and their cores are fully inked."""
    region = region[::2, ::2]
    distance = np.abs(region.astype(np.int16) - background.astype(np.int16)).max(axis=-1)
    index = int(distance.argmax())
    return region.reshape(-1, 3)[index], int(distance.reshape(-1)[index])


def ink_mask(region: np.ndarray, background: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Pixels at least ``threshold`` of the way from the background to the colour farthest from it."""
    distance = np.abs(region.astype(np.int16) - background.astype(np.int16)).max(axis=-1)
    top = int(distance.max()) if distance.size else 0
    return distance >= max(1, top * threshold) if top else np.zeros(distance.shape, dtype=bool)


def bounds(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    rows, columns = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    if not len(rows):
        return None
    return int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1


def _first_band(inked: np.ndarray) -> slice | None:
    if not inked.any():
        return None
    start = int(np.argmax(inked))
    end = start
    while end < len(inked) and inked[end]:
        end += 1
    return slice(start, end)


def first_glyph_height(mask: np.ndarray) -> int | None:
    """The ink height of the first line's leftmost glyph: the first band of inked rows, then in it the columns from
    the first inked one to the first empty one after it."""
    line = _first_band(mask.any(axis=1))
    if line is None:
        return None
    mask = mask[line]
    inked = mask.any(axis=0)
    start = int(np.argmax(inked)) if inked.any() else None
    if start is None:
        return None
    end = start
    while end < mask.shape[1] and inked[end]:
        end += 1
    rows = np.nonzero(mask[:, start:end].any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1)


def stray_ink(pixels: np.ndarray, page: np.ndarray, allowed: np.ndarray, threshold: int = 60) -> int:
    """How many pixels outside the ``allowed`` mask differ from the page colour by more than ``threshold``."""
    outside = pixels[::2, ::2][~allowed[::2, ::2]].astype(np.int16)  # every other row and column: strokes are wider
    return int((np.abs(outside - page.astype(np.int16)).max(axis=-1) > threshold).sum())


def colour_count(region: np.ndarray) -> int:
    """How many different colours, counted on every fourth row and column."""
    packed = region[::4, ::4].reshape(-1, 3).astype(np.int32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.int32)
    return len(np.unique(packed))
