"""The screen as shown: a page's own elements plus what every screen adds, namely the control bar, the voice
question while an option heard waits for yes or no, and the idle warning in place of the page."""

from __future__ import annotations

from .flows.base import Context, Page, command_button
from .model import Element, Role, Screen, Zone

BAR = ("home", "back", "help", "settings", "call-staff")
ANSWERS = ("yes", "no")
VOICE_QUESTION = "voice-confirm"


def compose(page: Page, ctx: Context, *, pending: Element | None, warning_seconds: int | None) -> Screen:
    if warning_seconds is not None:
        return warning_screen(page, ctx, warning_seconds)
    elements = page.elements(ctx)
    if pending is not None:
        question = ctx.ui.text("kiosk", "confirm-choice", ctx.lang, choice=pending.label)
        answers = [command_button(ctx, answer) for answer in ANSWERS]
        others = [element for element in elements if element.id not in ANSWERS]
        elements = [Element(VOICE_QUESTION, Role.status, question), *answers, *others]
    return Screen(page.screen_id, ctx.lang, page.title(ctx), page.prompt(ctx), (*elements, *control_bar(page, ctx)))


def control_bar(page: Page, ctx: Context) -> list[Element]:
    """Home, back, help, settings and call staff on every screen; the language switch on home too."""
    bar = [command_button(ctx, command, zone=Zone.bar) for command in BAR]
    if page.screen_id == "home":
        other = "en" if ctx.lang == "ko" else "ko"
        bar.append(command_button(ctx, "language", zone=Zone.bar, lang=other))
    return bar


def warning_screen(page: Page, ctx: Context, seconds: int) -> Screen:
    prompt = ctx.ui.prompt("session:warning", ctx.lang, seconds=seconds)
    elements = (
        Element("countdown", Role.status, prompt),
        command_button(ctx, "more-time"),
        command_button(ctx, "finish"),
        *control_bar(page, ctx),
    )
    return Screen("session:warning", ctx.lang, ctx.ui.title("session:warning", ctx.lang), prompt, elements)
