"""Checks of a rendered kiosk screen, measured on its pixels against its layout; run in worker processes."""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np

from madang.kiosk.build import build_kiosk
from madang.kiosk.model import Role
from madang.kiosk.navigate import replay, screen_paths, touch
from madang.kiosk.profile import TEXT_SCALES, Profile
from madang.xr.gl_platform import choose_platform
from madang.xr.hit_test import element_at, pixel_to_mm
from madang.xr.screen_paint import ScreenView
from madang.xr.screenshot import Screenshots
from tests.render.pixels import (
    colour_count,
    contrast,
    dominant_colour,
    farthest_from,
    first_glyph_height,
    ink_mask,
    pixel_box,
    rgb_of,
    stray_ink,
)

# Korean: every look (text size, contrast, position, easy mode). English (Latin capitals, for measuring cap
# height): the smallest and largest text in both contrasts.
LOOKS = {
    "ko": [
        {"text_scale": scale, "high_contrast": high, "low_position": low, "easy_mode": easy}
        for scale, high, low, easy in itertools.product(TEXT_SCALES, (False, True), (False, True), (False, True))
    ],
    "en": [
        {"text_scale": scale, "high_contrast": high, "low_position": False}
        for scale, high in itertools.product((TEXT_SCALES[0], TEXT_SCALES[-1]), (False, True))
    ],
}
FLAT_CAPITALS = set("BDEFHIKLMNPRTZ")  # no overshoot above the cap line or below the baseline
BOX_TOLERANCE_PX = 2
CAP_TOLERANCE_PX = 1.5


def _kiosk(lang: str):
    kiosk = build_kiosk(data_dir=Path(tempfile.mkdtemp(prefix="madang-render-")))
    kiosk.start()
    if lang == "en":
        touch(kiosk, "language")
    return kiosk


def screen_ids(lang: str) -> list[str]:
    return list(screen_paths(_kiosk(lang)))


def drawn_extent(line: np.ndarray, page: np.ndarray) -> tuple[int, int] | None:
    """First and last pixel along a row or column that differ from the page colour."""
    differs = np.nonzero(np.abs(line.astype(np.int16) - page.astype(np.int16)).max(axis=-1) > 60)[0]
    return (int(differs[0]), int(differs[-1]) + 1) if len(differs) else None


def box_problems(pixels: np.ndarray, page: np.ndarray, box: tuple[int, int, int, int], where: str) -> list[str]:
    """The control's drawn edges, found along its middle row and middle column, against its layout box."""
    left, top, right, bottom = box
    margin = 3 * BOX_TOLERANCE_PX
    row = pixels[(top + bottom) // 2, max(0, left - margin) : right + margin]
    column = pixels[max(0, top - margin) : bottom + margin, (left + right) // 2]
    found = []
    for name, line, start, end in (("across", row, left, right), ("down", column, top, bottom)):
        extent = drawn_extent(line, page)
        offset = max(0, start - margin)
        if extent is None:
            found.append(f"{where}: nothing drawn {name} its box")
        elif abs(extent[0] + offset - start) > BOX_TOLERANCE_PX or abs(extent[1] + offset - end) > BOX_TOLERANCE_PX:
            drawn = f"{extent[0] + offset}-{extent[1] + offset}"
            found.append(f"{where}: drawn {name} at {drawn}, layout box {start}-{end}")
    return found


def cap_problems(region: np.ndarray, placed, scale_y: float, where: str) -> list[str]:
    """The first capital letter's ink height against the layout's cap height (Latin text only)."""
    element = placed.element
    inset = 4 if element.role in (Role.button, Role.option) else 0
    inner = region[inset : region.shape[0] - inset, inset : region.shape[1] - inset]
    inner_ink = ink_mask(inner, dominant_colour(inner))
    if element.role is Role.option and element.selected is not None:
        inner_ink[:, : int(12 * scale_y)] = False  # the check box before the text
    height = first_glyph_height(inner_ink)
    expected = placed.cap_height_mm * scale_y
    if height is None or abs(height - expected) > CAP_TOLERANCE_PX:
        return [f"{where}: capital {element.label[0]!r} is {height} px tall, layout says {expected:.1f}"]
    return []


def element_problems(pixels: np.ndarray, placed, view, look: dict, *, pictures: bool) -> list[str]:
    element, display = placed.element, view.display
    left, top, right, bottom = pixel_box(placed.box, display, pixels)
    region = pixels[top:bottom, left:right]
    where = f"{element.id} ({element.role})"
    if element.role is Role.image:
        colours = colour_count(region)
        return [f"{where}: a 3D picture of only {colours} colours"] if pictures and colours < 30 else []
    background = dominant_colour(region)
    farthest, difference = farthest_from(region, background)
    if difference == 0:
        return [f"{where}: nothing drawn in its box"]
    found = []
    ratio = contrast(farthest, background)
    if ratio < (7.0 if look["high_contrast"] else 4.5):
        found.append(f"{where}: text contrast {ratio:.1f}:1")
    if element.role in (Role.button, Role.option) and element.id != view.focus:
        found += box_problems(pixels, page_colour(view), (left, top, right, bottom), where)
    if view.profile.lang == "en" and element.label[0] in FLAT_CAPITALS and element.role is not Role.input:
        found += cap_problems(region, placed, pixels.shape[0] / display.height_mm, where)
    if element.actionable:
        centre = ((left + right) / 2, (top + bottom) / 2)
        hit = element_at(view.laid_out, *pixel_to_mm(display, *centre, pixels.shape[1], pixels.shape[0]))
        if hit != element.id:
            found.append(f"{where}: a touch at its centre {centre} hits {hit!r}")
    return found


def page_colour(view) -> np.ndarray:
    return rgb_of(view.theme.background)


def problems_on(pixels: np.ndarray, kiosk, look: dict, *, pictures: bool = True) -> list[str]:
    view = ScreenView.of(kiosk)
    found: list[str] = []
    covered = np.zeros(pixels.shape[:2], dtype=bool)
    for placed in view.laid_out.visible:
        left, top, right, bottom = pixel_box(placed.box, view.display, pixels)
        ring = 8 if placed.element.id == view.focus else BOX_TOLERANCE_PX
        covered[max(0, top - ring) : bottom + ring, max(0, left - ring) : right + ring] = True
        if placed.element.label.strip():
            found += element_problems(pixels, placed, view, look, pictures=pictures)
    stray = stray_ink(pixels, page_colour(view), covered)
    if stray:
        found.append(f"{stray} pixels drawn outside every layout box")
    return found


_shots: Screenshots | None = None


def start_worker() -> None:
    """Each worker process draws with its own offscreen context."""
    global _shots  # noqa: PLW0603 - one per worker process
    choose_platform("egl")
    _shots = Screenshots()


@cache
def _worker_kiosk(lang: str):
    """One kiosk per language in each worker, and the touches that reach each screen."""
    kiosk = _kiosk(lang)
    return kiosk, screen_paths(kiosk)


def check_screen(lang: str, screen: str) -> list[str]:
    """Every look of ``lang``; every page at the largest text, where pages are most numerous, else the first."""
    assert _shots is not None, "start_worker() first"
    kiosk, paths = _worker_kiosk(lang)
    replay(kiosk, paths[screen], Profile(lang=lang))
    problems = []
    for number, look in enumerate(LOOKS[lang]):
        pictures = number == 0  # the 3D pictures once; then only their frames, the same in every look
        kiosk.use_profile(replace(Profile(), lang=lang, **look))
        every_page = look["text_scale"] == TEXT_SCALES[-1] and look["high_contrast"]
        for page in range(len(kiosk.laid_out.pages) if every_page else 1):
            kiosk.page_index = page
            kiosk.laid_out = kiosk._lay_out()
            pixels = _shots.pixels(ScreenView.of(kiosk), pictures=pictures)
            where = f"{lang} {screen} {look} page {page + 1}"
            problems += [f"{where}: {problem}" for problem in problems_on(pixels, kiosk, look, pictures=pictures)]
    return problems
