"""What the kiosk listens for on a screen.

``heard_elements``: everything a typed or recognised utterance may name: every actionable element with a phrase,
on any of its pages (not only the one shown), the commands heard everywhere, and yes or no while a question
is open. ``recogniser_choices``: the much smaller list given to the recogniser, because the Korean model is
only reliable on short lists of distinct phrases: the screen's own choices and a few global commands, or
only yes and no while a question is open.
"""

from __future__ import annotations

from .compose import ANSWERS
from .flows.base import Context, command_button
from .model import Element, LaidOutScreen, Zone

PRESENTATION_COMMANDS = ("repeat", "slower", "faster", "louder", "softer", "bigger-text")
GLOBAL_COMMANDS = ("help", "home", "back", "call-staff", "settings", "language", *PRESENTATION_COMMANDS)
IMMEDIATE = (*PRESENTATION_COMMANDS, "more-time")  # harmless and reversible: voice acts on them without a yes
# Heard by the recogniser on every screen, by their first phrase only: few, distinct, and always useful.
SPOKEN_EVERYWHERE = ("home", "back", "help", "call-staff", "repeat", "settings")
SETTINGS_SCREEN = "settings"


def heard_elements(laid_out: LaidOutScreen, ctx: Context, *, answers: bool) -> dict[str, Element]:
    heard: dict[str, Element] = {}
    for page in laid_out.pages:
        for placed in page:
            if placed.element.actionable and placed.element.voice:
                heard.setdefault(placed.element.id, placed.element)
    for command in (*GLOBAL_COMMANDS, *(ANSWERS if answers else ())):
        heard.setdefault(command, command_button(ctx, command))
    return heard


def body_choices(laid_out: LaidOutScreen) -> list[Element]:
    """The screen's own actionable elements with phrases, on every page, in reading order."""
    seen: dict[str, Element] = {}
    for page in laid_out.pages:
        for placed in page:
            element = placed.element
            if element.zone is Zone.body and element.actionable and element.voice:
                seen.setdefault(element.id, element)
    return list(seen.values())


def recogniser_choices(laid_out: LaidOutScreen, ctx: Context, *, answers_only: bool) -> dict[str, tuple[str, ...]]:
    if answers_only:
        return {answer: command_button(ctx, answer).voice for answer in ANSWERS}
    choices = {element.id: element.voice for element in body_choices(laid_out)}
    commands = SPOKEN_EVERYWHERE
    if laid_out.screen.id == SETTINGS_SCREEN:
        commands = (*commands, *PRESENTATION_COMMANDS)
    for command in commands:
        if command not in choices:
            phrases = command_button(ctx, command).voice
            choices[command] = phrases if laid_out.screen.id == SETTINGS_SCREEN else phrases[:1]
    return choices
