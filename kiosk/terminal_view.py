"""The terminal view: the kiosk's output events (the headless protocol's) as plain text for a person.

A screen becomes its title, texts and statuses, with every actionable element on the visible page as a numbered
option (the focused one marked ▶). When only values or focus change on the same screen, only those lines are
printed again. Speech becomes caption lines (» text); tickets and session events are put in words.
Widths are counted in terminal cells, so Korean (two cells a character) lines up with Latin text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .layout import wrap_words

BAR_IDS = frozenset({"home", "back", "help", "settings", "call-staff", "language"})
PAGING_IDS = ("page-previous", "page", "page-next")
ACTIONABLE_ROLES = frozenset({"button", "option", "input"})
SHOWN_FIELDS = ("role", "label", "hint", "value", "selected", "enabled")
FOCUS = "▶"
CAPTION = "  » "
SESSION_WORDS = {
    "started": "session started",
    "warning": "the session ends soon: press, type or say anything for more time",
    "extended": "more time given",
    "ended": "session ended: everything entered here was wiped",
}


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: wide (Korean, CJK) characters two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def wrap(text: str, width: int) -> list[str]:
    """Word wrap by terminal cells, keeping the text's own line breaks."""
    return [line for paragraph in text.splitlines() or [""] for line in wrap_words(paragraph, width, cells)]


def indented(text: str, first: str, rest: str, width: int) -> list[str]:
    """``text`` wrapped to ``width``, its first line after ``first`` and the others after ``rest``."""
    body = wrap(text, max(10, width - cells(first)))
    return [(first if index == 0 else rest) + line for index, line in enumerate(body)]


def actionable(element: dict) -> bool:
    return element["role"] in ACTIONABLE_ROLES and element["enabled"]


def shown_label(element: dict) -> str:
    label = element["label"]
    if element["role"] == "input":
        return f"{label}: [{element['value'] or ' ' * 10}]"
    if element.get("value") is not None:
        label = f"{label}: {element['value']}"
    if element.get("selected") is not None:
        label = f"[{'x' if element['selected'] else ' '}] {label}"
    return label


@dataclass
class TerminalView:
    """Turns output events into lines, remembering the screen shown so options keep their numbers."""

    width: int = 80
    screen: dict | None = None
    options: list[str] = field(default_factory=list)  # element id of option 1, 2, ...
    updated: tuple[str, ...] = ()  # the ids redrawn, when the last events only updated lines of the same screen

    # ---------------------------------------------------------------- events
    def render(self, events: list[dict]) -> list[str]:
        lines: list[str] = []
        self.updated = ()
        for event in events:
            kind = event.get("type")
            if kind == "screen":
                lines += self._screen(event)
            elif kind == "speech":
                lines += indented(event["text"], CAPTION, " " * len(CAPTION), self.width)
            elif kind == "ticket":
                lines.append(f"  · {ticket_words(event)}")
            elif kind == "session":
                lines.append(f"  · {SESSION_WORDS.get(event['event'], event['event'])}")
            elif kind == "error":
                lines += indented(event["detail"], "  ! ", "    ", self.width)
            if kind in ("speech", "ticket", "session", "error"):
                self.updated = ()
        return lines  # captions are the speech lines themselves, so "caption" events add nothing

    def number_of(self, element_id: str) -> int | None:
        return self.options.index(element_id) + 1 if element_id in self.options else None

    def target(self, number: int) -> str | None:
        return self.options[number - 1] if 1 <= number <= len(self.options) else None

    def full(self) -> list[str]:
        """The whole current screen again."""
        return self._draw(self.screen) if self.screen else []

    # ---------------------------------------------------------------- screens
    def _screen(self, screen: dict) -> list[str]:
        before, self.screen = self.screen, screen
        if before is None or not self._same_layout(before, screen):
            return self._draw(screen)
        return self._changes(before, screen)

    def _same_layout(self, before: dict, after: dict) -> bool:
        def shape(screen: dict) -> tuple:
            elements = tuple((e["id"], actionable(e)) for e in screen["elements"])
            return screen["id"], screen["lang"], screen["title"], screen.get("page"), elements

        return shape(before) == shape(after)

    def _changes(self, before: dict, after: dict) -> list[str]:
        """Only what changed on the same screen: values, states, texts, and where the focus moved."""
        lines: list[str] = []
        updated = []
        old = {e["id"]: e for e in before["elements"]}
        for element in after["elements"]:
            previous = old[element["id"]]
            shown = any(previous.get(name) != element.get(name) for name in SHOWN_FIELDS)
            moved_here = element["focused"] and not previous["focused"]
            if shown or moved_here:
                lines += self._element(element)
                updated.append(element["id"])
        self.updated = tuple(updated)
        return lines

    def _draw(self, screen: dict) -> list[str]:
        elements = [e for e in screen["elements"] if e["id"] != "title"]
        body = [e for e in elements if e["id"] not in BAR_IDS and e["id"] not in PAGING_IDS]
        paging = [e for e in elements if e["id"] in PAGING_IDS]
        bar = [e for e in elements if e["id"] in BAR_IDS]
        self.options = [e["id"] for e in (*body, *paging, *bar) if actionable(e)]
        lines = ["", *self._title(screen)]
        for element in body:
            lines += self._element(element)
        if paging:
            lines.append(self._paging(paging))
        if bar:
            lines.append("  " + "─" * (self.width - 4))
            lines += self._grid(bar)
        return lines

    @property
    def digits(self) -> int:
        return len(str(max(1, len(self.options))))

    def _title(self, screen: dict) -> list[str]:
        """``══ title ═══ screen id ══`` across the width; a title too long for one line goes above the rule."""
        head, tail = f"══ {screen['title']} ", f" {screen['id']} ══"
        if cells(head) + cells(tail) + 2 > self.width:
            lines = indented(screen["title"], "══ ", "   ", self.width)
            return [*lines, "═" * (self.width - cells(tail)) + tail]
        return [head + "═" * (self.width - cells(head) - cells(tail)) + tail]

    def _number(self, element: dict) -> str:
        """``▶ 3.`` for the focused option 3, `` 12.``, or a dash for one that cannot be chosen now."""
        number = self.number_of(element["id"])
        mark = FOCUS if element["focused"] else " "
        return f"{mark}{number:>{self.digits}}." if number is not None else f"{mark}{'-':>{self.digits}} "

    def _element(self, element: dict) -> list[str]:
        role, label = element["role"], element["label"]
        if role in ACTIONABLE_ROLES:
            first = f"  {self._number(element)} "
            lines = indented(shown_label(element), first, " " * cells(first), self.width)
            for note in (element.get("hint"), element.get("say")):
                if note:
                    lines += indented(note, " " * (cells(first) + 2), " " * (cells(first) + 2), self.width)
            return lines
        if role == "heading":
            return ["", *indented(label, "  ", "  ", self.width), "  " + "─" * min(cells(label), self.width - 4)]
        if role == "status":
            return indented(shown_label(element), "  ⓘ ", "    ", self.width)
        if role == "image":
            return indented(label, "  ▣ ", "    ", self.width)
        return indented(shown_label(element), "  ", "  ", self.width)

    def _paging(self, paging: list[dict]) -> str:
        parts = []
        for element in paging:
            if element["role"] == "status":
                parts.append(f"({element['label']})")
            else:
                parts.append(f"{self._number(element)} {element['label']}")
        return "  " + "  ".join(parts)

    def _grid(self, bar: list[dict]) -> list[str]:
        """The control bar as columns of equal width, so that wide labels line up."""
        cell_texts = [f"{self._number(element)} {element['label']}" for element in bar]
        column = max(cells(text) for text in cell_texts) + 3
        per_row = max(1, (self.width - 2) // column)
        rows = [cell_texts[index : index + per_row] for index in range(0, len(cell_texts), per_row)]
        return ["  " + "".join(pad(text, column) for text in row).rstrip() for row in rows]


def ticket_words(ticket: dict) -> str:
    parts = [f"ticket {ticket['number']}: {str(ticket['status']).replace('_', ' ')}"]
    position = ticket.get("position")
    if position == 1:
        parts.append("next in line")
    elif position:
        parts.append(f"{position - 1} ahead")
    wait = ticket.get("estimated_wait_s")
    if wait is not None and ticket["status"] == "waiting":
        parts.append(f"about {max(1, round(wait / 60))} min")
    return ", ".join(parts)
