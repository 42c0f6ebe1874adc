"""Without the server: say plainly what cannot be done now, and offer a call-back kept on the kiosk."""

from __future__ import annotations

from madang.content.errors import MadangError

from ..model import Element, Role
from .base import Context, Outcome, Page, button, option, text, text_field
from .notice import NoticePage

MIN_PHONE_DIGITS = 9
MAX_PHONE_DIGITS = 15


class OfflinePage(Page):
    screen_id = "offline"

    def __init__(self, service_id: str) -> None:
        self.service_id = service_id

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("offline", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("offline", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        return [
            text("offline", self.prompt(ctx), Role.status),
            text("what-works", ctx.ui.text("offline", "what-works", ctx.lang)),
            option("callback", ctx.ui.text("offline", "callback", ctx.lang)),
        ]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "callback":
            return Outcome(push=CallbackPage(self.service_id))
        return None


class CallbackPage(Page):
    """A phone number typed, or entered with the on-screen digits by touch, keypad or voice."""

    screen_id = "callback"

    def __init__(self, service_id: str) -> None:
        self.service_id = service_id
        self.phone = ""

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("callback", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("callback", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        ui, lang = ctx.ui, ctx.lang
        phone = text_field("phone", ui.text("callback", "phone", lang), self.phone, sensitive=True)
        digits = []
        for digit in range(10):
            command = ui.command(f"digit-{digit}", lang)
            digits.append(Element(command.id, Role.button, command.label, voice=command.voice))
        return [
            text("instructions", self.prompt(ctx)),
            phone,
            *digits,
            button("delete", ui.text("callback", "delete", lang)),
            button("send", ui.text("callback", "send", lang)),
        ]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id.startswith("digit-") and len(self.phone) < MAX_PHONE_DIGITS:
            self.phone += element_id[-1]
            return Outcome()
        if element_id == "delete":
            self.phone = self.phone[:-1]
            return Outcome()
        if element_id == "send":
            return self._send(ctx)
        return None

    def enter_text(self, element_id: str, value: str, ctx: Context) -> Outcome | None:
        if element_id != "phone":
            return None
        self.phone = "".join(char for char in value if char.isdigit())[:MAX_PHONE_DIGITS]
        return Outcome()

    def _send(self, ctx: Context) -> Outcome:
        if len(self.phone) < MIN_PHONE_DIGITS:
            return Outcome(say=[ctx.ui.text("callback", "too-short", ctx.lang)])
        try:
            ctx.services.request_callback(service_id=self.service_id, lang=ctx.lang, phone=self.phone)
        except MadangError:  # the request could not even be kept on the kiosk: say so, keep what was typed
            return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)])
        self.phone = ""
        saved = NoticePage(
            "callback:saved",
            lambda ctx: ctx.ui.title("callback", ctx.lang),
            lambda ctx: ctx.ui.text("callback", "saved", ctx.lang),
        )
        return Outcome(replace=saved)
