"""Which element a touch, a mouse click or a pointer ray lands on: the layout's boxes, nothing drawn."""

from __future__ import annotations

from madang.kiosk.display import Display
from madang.kiosk.model import LaidOutScreen


def element_at(laid_out: LaidOutScreen, x_mm: float, y_mm: float) -> str | None:
    """The id of the enabled control whose box holds the point (millimetres from the display's top left)."""
    for placed in laid_out.visible:
        box = placed.box
        if placed.element.actionable and box.x <= x_mm < box.x + box.w and box.y <= y_mm < box.y + box.h:
            return placed.element.id
    return None


def pixel_to_mm(display: Display, x_px: float, y_px: float, width_px: int, height_px: int) -> tuple[float, float]:
    """A point on a ``width_px`` x ``height_px`` drawing of the display, in the display's millimetres."""
    return x_px * display.width_mm / width_px, y_px * display.height_mm / height_px
