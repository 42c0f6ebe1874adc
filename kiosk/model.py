"""The semantic model of a kiosk screen: an accessibility tree that every view draws, speaks or prints."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Role(StrEnum):
    heading = "heading"
    text = "text"
    button = "button"
    option = "option"
    list = "list"
    input = "input"
    status = "status"
    image = "image"


ACTIONABLE = frozenset({Role.button, Role.option, Role.input})


class Zone(StrEnum):
    """Where layout puts an element: the page body, or the control bar shown on every page."""

    body = "body"
    bar = "bar"


@dataclass(frozen=True)
class Element:
    id: str
    role: Role
    label: str
    hint: str = ""
    voice: tuple[str, ...] = ()
    enabled: bool = True
    selected: bool | None = None
    value: str | None = None
    sensitive: bool = False  # its value is spoken only through a headset
    zone: Zone = Zone.body
    lang: str | None = None  # set when the label is in another language than the screen (the language switch)

    @property
    def actionable(self) -> bool:
        return self.role in ACTIONABLE and self.enabled

    def with_(self, **changes) -> Element:
        return replace(self, **changes)


@dataclass(frozen=True)
class Screen:
    """What a page shows: ``prompt`` is said on arrival, after the title."""

    id: str
    lang: str
    title: str
    prompt: str
    elements: tuple[Element, ...]

    def element(self, element_id: str) -> Element | None:
        return next((element for element in self.elements if element.id == element_id), None)


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the display's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    def as_list(self) -> list[float]:
        return [round(self.x, 1), round(self.y, 1), round(self.w, 1), round(self.h, 1)]


@dataclass(frozen=True)
class Placed:
    """An element as laid out on one page: its box and the cap height of its text."""

    element: Element
    box: Box
    cap_height_mm: float
    lines: int = 1


@dataclass(frozen=True)
class LaidOutScreen:
    screen: Screen
    pages: tuple[tuple[Placed, ...], ...]  # per page: the body's elements, then the bar's
    page: int = 0

    @property
    def visible(self) -> tuple[Placed, ...]:
        return self.pages[self.page]

    def page_of(self, element_id: str) -> int | None:
        for index, placed in enumerate(self.pages):
            if any(item.element.id == element_id for item in placed):
                return index
        return None

    def placed(self, element_id: str) -> Placed | None:
        return next((item for item in self.visible if item.element.id == element_id), None)
