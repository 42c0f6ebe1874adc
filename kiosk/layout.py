"""Lay a semantic screen out on a physical display, in millimetres, for one profile.

Layout happens once, here: the screen and XR renderers draw these boxes and never invent their own.
The title heads every page; the control bar (home, back, help, settings, call staff) sits at the bottom
of every page; the body flows over as many pages as it needs, with page buttons when there is more than
one. A text that does not fit the rest of a page is cut between lines (parts ``id``, ``id~2``, ...), so large
text leaves no half-empty pages. In low position everything stays inside the band a wheelchair user reaches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .display import Display
from .model import Box, Element, LaidOutScreen, Placed, Role, Screen, Zone
from .profile import EASY_MAX_OPTIONS, Profile

MARGIN_MM = 12.0
GAP_MM = 4.0
BODY_CAP_MM = 7.5  # capital-letter height of body text at 100%: above the 7.25 mm Korean kiosk minimum
HEADING_CAP_MM = 10.0
MIN_TARGET_MM = 20.0  # every control is at least 20 x 20 mm at 100% (the goal is 15 x 15)
PAD_V_MM = 3.0
PAD_H_MM = 6.0
EM_PER_CAP = 1 / 0.7  # a typical sans-serif's cap height is 0.7 em
LINE_PER_EM = 1.25
TITLE_MAX_SCALE = 2.0  # the title and the control bar grow to 200%; body text to the full 300%
BAR_MAX_SCALE = 2.0
FIT_STEP_MM = 0.25  # a control too tall for a page shrinks its text in these steps until it fits
IMAGE_ASPECT = 9 / 16  # a 3D view is as wide as the body, and this tall for its width
IMAGE_MAX_MM = 160.0
MIN_PART_LINES = 2  # a text is cut where it would leave a page half empty, never leaving a single line alone

PAGE_PREVIOUS = "page-previous"
PAGE_NEXT = "page-next"
PAGE_STATUS = "page"
TITLE = "title"


@dataclass(frozen=True)
class PagingLabels:
    previous: str
    next: str
    page_of: str  # "{page} / {pages}"


@cache
def char_width_em(char: str) -> float:
    return 0.3 if char == " " else 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.55


def text_width_em(text: str) -> float:
    return sum(map(char_width_em, text))


def wrap_words(text: str, limit: float, width: Callable[[str], float]) -> list[str]:
    """Greedy word wrap to ``limit`` as ``width`` measures; a word longer than a line is broken between characters.

    ``width`` must add up over concatenation (the width of "ab" is that of "a" plus that of "b"), so each line's
    width is kept as a running sum instead of measured again for every word.
    """
    lines: list[str] = []
    current, current_width = "", 0.0
    space = width(" ")
    for word in text.split():
        word_width = width(word)
        candidate_width = current_width + space + word_width if current else word_width
        if candidate_width <= limit:
            current = f"{current} {word}" if current else word
            current_width = candidate_width
            continue
        if current:
            lines.append(current)
        current, current_width = "", 0.0
        if word_width <= limit:
            current, current_width = word, word_width
            continue
        for char in word:
            char_width = width(char)
            if current_width + char_width > limit and current:
                lines.append(current)
                current, current_width = "", 0.0
            current += char
            current_width += char_width
    if current or not lines:
        lines.append(current)
    return lines


def wrap(text: str, width_mm: float, em_mm: float) -> list[str]:
    """Lines of ``text`` set ``em_mm`` large in a ``width_mm`` wide box, by estimated glyph widths."""
    return wrap_words(text, width_mm / em_mm, text_width_em)


@dataclass(frozen=True)
class Metrics:
    cap: float

    @property
    def em(self) -> float:
        return self.cap * EM_PER_CAP

    @property
    def line(self) -> float:
        return self.em * LINE_PER_EM


def shown_text(element: Element) -> str:
    if element.value is not None and element.role is not Role.input:
        return f"{element.label}: {element.value}"
    return element.label


def measure(element: Element, width: float, metrics: Metrics) -> tuple[float, list[str]]:
    """Height and wrapped lines of one element drawn ``width`` wide."""
    if element.role is Role.image:
        return min(width * IMAGE_ASPECT, IMAGE_MAX_MM), []
    if element.role in (Role.button, Role.option):
        lines = wrap(shown_text(element), width - 2 * PAD_H_MM, metrics.em)
        return max(MIN_TARGET_MM, len(lines) * metrics.line + 2 * PAD_V_MM), lines
    if element.role is Role.input:
        lines = wrap(element.label, width - 2 * PAD_H_MM, metrics.em)
        field = max(MIN_TARGET_MM, metrics.line + 2 * PAD_V_MM)
        return len(lines) * metrics.line + PAD_V_MM + field, lines
    lines = wrap(shown_text(element), width, metrics.em)
    return len(lines) * metrics.line, lines


def vertical_region(display: Display, profile: Profile) -> tuple[float, float]:
    """Top and bottom (mm from the top edge) of the area in use: in low position, the reach band only."""
    if not profile.low_position:
        return 0.0, display.height_mm
    top = max(0.0, display.y_at_height(display.reach_high_mm))
    bottom = min(display.height_mm, display.y_at_height(display.reach_low_mm))
    return top, bottom


def _bar(elements: list[Element], width: float, bottom: float, metrics: Metrics) -> list[Placed]:
    if not elements:
        return []
    widest = max(text_width_em(element.label) for element in elements) * metrics.em + 2 * PAD_H_MM
    columns = max(1, min(len(elements), int((width + GAP_MM) // (widest + GAP_MM))))
    rows = [elements[index : index + columns] for index in range(0, len(elements), columns)]
    cell = (width - (columns - 1) * GAP_MM) / columns
    heights = [max(measure(element, cell, metrics)[0] for element in row) for row in rows]
    y = bottom - sum(heights) - GAP_MM * (len(rows) - 1)
    placed = []
    for row, height in zip(rows, heights, strict=True):
        for column, element in enumerate(row):
            lines = len(measure(element, cell, metrics)[1])
            box = Box(MARGIN_MM + column * (cell + GAP_MM), y, cell, height)
            placed.append(Placed(element, box, metrics.cap, lines))
        y += height + GAP_MM
    return placed


def _parts(element: Element, chunks: list[list[str]]) -> list[tuple[Element, int]]:
    """A text cut into parts of these lines (ids ``id``, ``id~2``, ...)."""
    return [
        (element.with_(id=element.id if index == 0 else f"{element.id}~{index + 1}", label=" ".join(part)), len(part))
        for index, part in enumerate(chunks)
    ]


def _split_text(lines: list[str], metrics: Metrics, room: float, first_room: float) -> list[list[str]]:
    """The lines of a text that does not fit where it would start: as many as fit in ``first_room`` (when at least
    two do, and two are left for the next page), then page-sized parts of ``room``."""
    first = min(int(first_room // metrics.line), len(lines) - MIN_PART_LINES)
    head = [lines[:first]] if first >= MIN_PART_LINES else []
    rest = lines[len(head[0]) :] if head else lines
    per_part = max(1, int(room // metrics.line))
    return head + [rest[index : index + per_part] for index in range(0, len(rest), per_part)]


def _fitted(element: Element, width: float, metrics: Metrics, room: float) -> tuple[Metrics, float, list[str]]:
    """A control taller than a whole page cannot be cut in two: it gets the largest text that fits a page, but
    never smaller than at 100%."""
    cap = metrics.cap
    height, lines = measure(element, width, metrics)
    while cap > BODY_CAP_MM and height > room:
        cap = max(BODY_CAP_MM, cap - FIT_STEP_MM)
        height, lines = measure(element, width, Metrics(cap))
    return Metrics(cap), height, lines


def _paginate(
    body: list[Element], *, width: float, top: float, bottom: float, metrics: Metrics, max_options: int | None
) -> list[list[Placed]]:
    pages: list[list[Placed]] = [[]]
    y = top
    options = 0
    for element in body:
        height, lines = measure(element, width, metrics)
        if element.role is Role.image:  # a picture goes where it fits, and never adds a page of its own
            if y + height <= bottom:
                pages[-1].append(Placed(element, Box(MARGIN_MM, y, width, height), metrics.cap, 0))
                y += height + GAP_MM
            continue
        pieces = [(element, len(lines))]
        own = metrics
        splittable = element.role in (Role.text, Role.status, Role.list) or (
            element.role is Role.heading and height > bottom - top
        )
        if splittable and (y + height > bottom or height > bottom - top):
            first_room = bottom - y if pages[-1] else bottom - top
            pieces = _parts(element, _split_text(lines, metrics, bottom - top, first_room))
        elif height > bottom - top:
            own, height, lines = _fitted(element, width, metrics, bottom - top)
            pieces = [(element, len(lines))]
        for piece, count in pieces:
            piece_height = count * metrics.line if piece is not element else height
            is_option = piece.role is Role.option
            full = y + piece_height > bottom or (is_option and max_options is not None and options >= max_options)
            if full and pages[-1]:
                pages.append([])
                y, options = top, 0
            pages[-1].append(Placed(piece, Box(MARGIN_MM, y, width, piece_height), own.cap, count))
            y += piece_height + GAP_MM
            options += is_option
    return pages


def lay_out(screen: Screen, profile: Profile, display: Display, labels: PagingLabels, page: int = 0) -> LaidOutScreen:
    width = display.width_mm - 2 * MARGIN_MM
    region_top, region_bottom = vertical_region(display, profile)
    body_metrics = Metrics(BODY_CAP_MM * profile.text_scale)
    bar_metrics = Metrics(BODY_CAP_MM * min(profile.text_scale, BAR_MAX_SCALE))
    title_metrics = Metrics(HEADING_CAP_MM * min(profile.text_scale, TITLE_MAX_SCALE))

    title = Element(TITLE, Role.heading, screen.title)
    title_height, title_lines = measure(title, width, title_metrics)
    title_box = Box(MARGIN_MM, region_top + MARGIN_MM, width, title_height)
    title_placed = Placed(title, title_box, title_metrics.cap, len(title_lines))

    bar = _bar([e for e in screen.elements if e.zone is Zone.bar], width, region_bottom - MARGIN_MM, bar_metrics)
    bar_top = min((placed.box.y for placed in bar), default=region_bottom - MARGIN_MM)
    body = [e for e in screen.elements if e.zone is Zone.body]
    body_top = title_box.y + title_height + GAP_MM
    max_options = EASY_MAX_OPTIONS if profile.easy_mode else None

    pages = _paginate(
        body, width=width, top=body_top, bottom=bar_top - GAP_MM, metrics=body_metrics, max_options=max_options
    )
    third = (width - 2 * GAP_MM) / 3
    paging_height = max(
        measure(Element(PAGE_NEXT, Role.button, text), third, bar_metrics)[0] for text in (labels.previous, labels.next)
    )
    if len(pages) > 1:
        paging_top = bar_top - GAP_MM - paging_height
        pages = _paginate(
            body, width=width, top=body_top, bottom=paging_top - GAP_MM, metrics=body_metrics, max_options=max_options
        )
    page = max(0, min(page, len(pages) - 1))
    laid_out = []
    for index, placed in enumerate(pages):
        box = Box(MARGIN_MM, bar_top - GAP_MM - paging_height, third, paging_height)
        paging = _paging(index, len(pages), labels, box, bar_metrics.cap)
        laid_out.append((title_placed, *placed, *paging, *bar))
    return LaidOutScreen(screen, tuple(laid_out), page)


def _paging(index: int, count: int, labels: PagingLabels, first: Box, cap: float) -> list[Placed]:
    """Previous, the page number and next, side by side in boxes like ``first``, on a screen of several pages."""
    if count < 2:
        return []
    status = labels.page_of.format(page=index + 1, pages=count)
    elements = (  # the page buttons' labels are also their voice phrases
        Element(PAGE_PREVIOUS, Role.button, labels.previous, voice=(labels.previous,), enabled=index > 0),
        Element(PAGE_STATUS, Role.status, status),
        Element(PAGE_NEXT, Role.button, labels.next, voice=(labels.next,), enabled=index < count - 1),
    )
    return [
        Placed(element, Box(first.x + column * (first.w + GAP_MM), first.y, first.w, first.h), cap)
        for column, element in enumerate(elements)
    ]
