"""What the kiosk listens for on a screen: every actionable element with a phrase, on any of its pages (not
only the one shown), the commands heard everywhere, and yes or no while a question is open."""

from __future__ import annotations

from .compose import ANSWERS
from .flows.base import Context, command_button
from .model import Element, LaidOutScreen

PRESENTATION_COMMANDS = ("repeat", "slower", "faster", "louder", "softer", "bigger-text")
GLOBAL_COMMANDS = ("help", "home", "back", "call-staff", "settings", "language", *PRESENTATION_COMMANDS)
IMMEDIATE = (*PRESENTATION_COMMANDS, "more-time")  # harmless and reversible: voice acts on them without a yes


def heard_elements(laid_out: LaidOutScreen, ctx: Context, *, answers: bool) -> dict[str, Element]:
    heard: dict[str, Element] = {}
    for page in laid_out.pages:
        for placed in page:
            if placed.element.actionable and placed.element.voice:
                heard.setdefault(placed.element.id, placed.element)
    for command in (*GLOBAL_COMMANDS, *(ANSWERS if answers else ())):
        heard.setdefault(command, command_button(ctx, command))
    return heard
