"""What the kiosk says about a screen and its elements, in reading order; sensitive values stay private."""

from __future__ import annotations

from .model import Element, Role
from .texts import UiTexts


def spoken(element: Element, ui: UiTexts, lang: str, *, private: bool) -> str:
    """An element as a screen reader would say it: label, value or state, hint."""
    parts = [element.label]
    if element.value:
        if element.sensitive and not private:
            parts.append(ui.text("kiosk", "hidden-value", lang, count=len(element.value)))
        elif element.role is Role.input or element.value not in element.label:
            parts.append(element.value)
    if element.selected is not None and element.role is Role.option and element.value is None:
        parts.append(ui.text("kiosk", "selected" if element.selected else "not-selected", lang))
    if element.hint:
        parts.append(element.hint)
    return ", ".join(part for part in parts if part)


def reading(elements: list[Element], ui: UiTexts, lang: str, *, private: bool) -> list[str]:
    return [spoken(element, ui, lang, private=private) for element in elements if element.label]
