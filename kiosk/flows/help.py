"""Help: how to use the kiosk by touch, keypad and voice, and a person to call."""

from __future__ import annotations

from ..model import Element, Role
from .base import Context, Page, text


class HelpPage(Page):
    screen_id = "help"

    def __init__(self, *, staff_called: bool = False) -> None:
        self.staff_called = staff_called

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("help", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        if self.staff_called:
            return ctx.ui.text("help", "staff-coming", ctx.lang)
        return ctx.ui.prompt("help", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        elements = []
        if self.staff_called:
            elements.append(text("staff-coming", ctx.ui.text("help", "staff-coming", ctx.lang), Role.status))
        phrases = ", ".join(
            f"'{ctx.ui.command(command, ctx.lang).voice[0]}'"
            for command in ("home", "back", "repeat", "call-staff", "settings", "bigger-text")
        )
        return [
            *elements,
            text("how", ctx.ui.prompt("help", ctx.lang)),
            text("keypad", ctx.ui.text("help", "keypad", ctx.lang)),
            text("say", ctx.ui.text("home", "say-one-of", ctx.lang, phrases=phrases)),
        ]
