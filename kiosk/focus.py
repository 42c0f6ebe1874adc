"""The keypad's focus ring: every enabled actionable element, page by page, then the next-page button (so a page
with no control of its own can be shown too), then the control bar once."""

from __future__ import annotations

from .layout import PAGE_NEXT, PAGE_PREVIOUS
from .model import LaidOutScreen, Zone

PAGING = (PAGE_PREVIOUS, PAGE_NEXT)


def focus_ring(laid_out: LaidOutScreen) -> list[str]:
    body: list[str] = []
    bar: list[str] = []
    for page in laid_out.pages:
        for placed in page:
            element = placed.element
            if not element.actionable or element.id in PAGING:
                continue
            target = bar if element.zone is Zone.bar else body
            if element.id not in target:
                target.append(element.id)
    paged = len(laid_out.pages) > 1
    return body + ([PAGE_NEXT] if paged else []) + bar


def moved(ring: list[str], current: str | None, steps: int) -> str | None:
    """The element ``steps`` along the ring from ``current``; it wraps, so focus is never trapped."""
    if not ring:
        return None
    if current not in ring:
        return ring[0] if steps > 0 else ring[-1]
    return ring[(ring.index(current) + steps) % len(ring)]
