"""What a laid-out kiosk screen looks like, as flat shapes in millimetres: filled rectangles and lines of text.

This is the one place that decides the look (colours per role, focus ring, selection marks, alignment); the
OpenGL renderer only turns these shapes into pixels, so screen, screenshot and XR panel look the same.
Every line of text sits where layout put it: the same wrapping (``measure``), the same cap height.
"""

from __future__ import annotations

from dataclasses import dataclass

from madang.kiosk.display import Display
from madang.kiosk.layout import PAD_H_MM, PAD_V_MM, Metrics, measure
from madang.kiosk.model import Box, LaidOutScreen, Placed, Role
from madang.kiosk.profile import Profile
from madang.kiosk.theme import Theme, theme_for

from .fonts import Weight

FOCUS_GAP_MM = 1.0
FOCUS_WIDTH_MM = 1.5
BORDER_MM = 0.75  # two pixels on the default display: thinner lines vanish when rasterised
MARK_MM = 4.2  # the check box of an option: filled when selected, open when not
CONTROLS = (Role.button, Role.option)

Colour = tuple[float, float, float, float]


def colour(hex_colour: str, alpha: float = 1.0) -> Colour:
    return (*(int(hex_colour[index : index + 2], 16) / 255 for index in (1, 3, 5)), alpha)  # type: ignore[return-value]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    colour: Colour


@dataclass(frozen=True)
class TextLine:
    text: str
    x: float  # left edge, or centre when ``centred``
    baseline: float
    cap_mm: float
    max_width: float
    weight: Weight
    colour: Colour
    centred: bool


@dataclass(frozen=True)
class ScreenView:
    """Everything a renderer needs to draw one kiosk screen."""

    laid_out: LaidOutScreen
    profile: Profile
    display: Display
    focus: str | None

    @classmethod
    def of(cls, kiosk) -> ScreenView:
        """What ``kiosk`` shows now (a ``madang.kiosk.app.Kiosk``; read under its stepper's lock when shared)."""
        return cls(kiosk.laid_out, kiosk.profile, kiosk.display, kiosk.focus)

    @property
    def theme(self) -> Theme:
        return theme_for(self.profile.high_contrast)


@dataclass(frozen=True)
class Painting:
    background: Colour
    rects: tuple[Rect, ...]
    lines: tuple[TextLine, ...]


def outline(box: Box, width: float, fill: Colour) -> list[Rect]:
    x, y, w, h = box.x, box.y, box.w, box.h
    return [
        Rect(x, y, w, width, fill),
        Rect(x, y + h - width, w, width, fill),
        Rect(x, y + width, width, h - 2 * width, fill),
        Rect(x + w - width, y + width, width, h - 2 * width, fill),
    ]


def _text_lines(
    lines: list[str], placed: Placed, top: float, *, weight: Weight, fill: Colour, centred: bool, inset: float
) -> list[TextLine]:
    metrics = Metrics(placed.cap_height_mm)
    box = placed.box
    x = box.x + box.w / 2 if centred else box.x + inset
    return [
        TextLine(
            text=line,
            x=x,
            baseline=top + index * metrics.line + (metrics.line + metrics.cap) / 2,
            cap_mm=metrics.cap,
            max_width=box.w - 2 * inset,
            weight=weight,
            colour=fill,
            centred=centred,
        )
        for index, line in enumerate(lines)
    ]


def _paint_input(placed: Placed, theme: Theme) -> tuple[list[Rect], list[TextLine]]:
    """The label's lines, then the field: an outlined box holding the value typed so far."""
    element, box = placed.element, placed.box
    metrics = Metrics(placed.cap_height_mm)
    ink = colour(theme.text)
    lines = measure(element, box.w, metrics)[1]
    texts = _text_lines(lines, placed, box.y, weight=Weight.regular, fill=ink, centred=False, inset=0)
    field_top = box.y + len(lines) * metrics.line + PAD_V_MM
    field = Placed(element, Box(box.x, field_top, box.w, box.y + box.h - field_top), placed.cap_height_mm)
    rects = outline(field.box, BORDER_MM, ink)
    if element.value:
        value_top = field.box.y + (field.box.h - metrics.line) / 2
        texts += _text_lines(
            [element.value], field, value_top, weight=Weight.regular, fill=ink, centred=False, inset=PAD_H_MM
        )
    return rects, texts


def paint_element(placed: Placed, theme: Theme, focused: bool) -> tuple[list[Rect], list[TextLine]]:
    element, box = placed.element, placed.box
    metrics = Metrics(placed.cap_height_mm)
    rects: list[Rect] = []
    if element.role in CONTROLS:
        _, lines = measure(element, box.w, metrics)
        if element.enabled:
            rects.append(Rect(box.x, box.y, box.w, box.h, colour(theme.control_background)))
            rects += outline(box, BORDER_MM, colour(theme.control_border))
            ink = colour(theme.control_text)
        else:  # unavailable: an outline only, in the text colour, so it still reads at full contrast
            ink = colour(theme.text)
            rects += outline(box, BORDER_MM, ink)
        if element.role is Role.option and element.selected is not None:
            mark_y = box.y + (box.h - MARK_MM) / 2
            mark_x = box.x + BORDER_MM + (PAD_H_MM - BORDER_MM - MARK_MM) / 2
            rects += outline(Box(mark_x, mark_y, MARK_MM, MARK_MM), BORDER_MM, ink)
            if element.selected:
                inset = 2 * BORDER_MM
                rects.append(Rect(mark_x + inset, mark_y + inset, MARK_MM - 2 * inset, MARK_MM - 2 * inset, ink))
        top = box.y + (box.h - len(lines) * metrics.line) / 2
        texts = _text_lines(lines, placed, top, weight=Weight.bold, fill=ink, centred=True, inset=PAD_H_MM)
    elif element.role is Role.input:
        rects, texts = _paint_input(placed, theme)
    elif element.role is Role.image:  # a frame; a renderer with a 3D view draws the picture inside it
        rects, texts = outline(box, BORDER_MM, colour(theme.text)), []
    else:
        lines = measure(element, box.w, metrics)[1]
        weight = Weight.bold if element.role is Role.heading else Weight.regular
        texts = _text_lines(lines, placed, box.y, weight=weight, fill=colour(theme.text), centred=False, inset=0)
    if focused:
        gap = FOCUS_GAP_MM + FOCUS_WIDTH_MM
        ring = Box(box.x - gap, box.y - gap, box.w + 2 * gap, box.h + 2 * gap)
        rects += outline(ring, FOCUS_WIDTH_MM, colour(theme.focus))
    return rects, texts


def paint(view: ScreenView) -> Painting:
    theme = view.theme
    rects: list[Rect] = []
    lines: list[TextLine] = []
    for placed in view.laid_out.visible:
        element_rects, element_lines = paint_element(placed, theme, placed.element.id == view.focus)
        rects += element_rects
        lines += element_lines
    return Painting(colour(theme.background), tuple(rects), tuple(lines))
