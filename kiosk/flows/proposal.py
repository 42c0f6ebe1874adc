"""The Mayor's Office: a proposal typed or recorded, confirmed, sent, and a receipt number from the server."""

from __future__ import annotations

import uuid

from ..api_types import ServerRefused, ServerUnavailable
from ..model import Element, Role
from .base import Context, Outcome, Page, button, command_button, text, text_field
from .memo import read_memo
from .notice import NoticePage
from .offline import OfflinePage

SERVICE = "mayor-office"
MAX_TEXT = 1900  # leaves room for the "[Proposal]" mark within the API's 2,000 characters


class ProposalPage(Page):
    screen_id = "proposal"

    def __init__(self) -> None:
        self.text = ""
        self.memo: bytes | None = None
        self.recording = False

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("proposal", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("proposal", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        ui, lang = ctx.ui, ctx.lang
        elements = [
            text("instructions", self.prompt(ctx)),
            text_field("proposal-text", ui.text("proposal", "proposal-text", lang), self.text),
            button("record-memo", ui.text("proposal", "record", lang), selected=self.recording),
        ]
        if self.memo:
            elements.append(text("memo", ui.text("proposal", "recorded", lang), Role.status))
        elements.append(button("send", ui.text("proposal", "send", lang)))
        return elements

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "record-memo":
            self.recording = True
            return Outcome(say=[ctx.ui.text("consultation", "recording", ctx.lang)])
        if element_id == "send":
            if not self.text.strip() and not self.memo:
                return Outcome(say=[ctx.ui.text("proposal", "empty", ctx.lang)])
            return Outcome(push=ProposalConfirmPage(self))
        return None

    def enter_text(self, element_id: str, value: str, ctx: Context) -> Outcome | None:
        if element_id != "proposal-text":
            return None
        self.text = value[:MAX_TEXT]
        return Outcome()

    def audio(self, path: str, ctx: Context) -> Outcome | None:
        if not self.recording:
            return None
        self.recording = False
        memo = read_memo(path)
        if memo is None:
            return Outcome(say=[ctx.ui.text("consultation", "memo-too-long", ctx.lang)])
        self.memo = memo
        return Outcome(say=[ctx.ui.text("proposal", "recorded", ctx.lang)])


class ProposalConfirmPage(Page):
    screen_id = "proposal:confirm"
    is_question = True

    def __init__(self, proposal: ProposalPage) -> None:
        self.proposal = proposal
        self.key = str(uuid.uuid4())
        self.sent_text = False
        self.sent_memo = False

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("proposal", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.text("proposal", "confirm", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        elements = [text("question", self.prompt(ctx))]
        if self.proposal.text.strip():
            elements.append(text("proposal-text", self.proposal.text, Role.text))
        if self.proposal.memo:
            elements.append(text("memo", ctx.ui.text("proposal", "recorded", ctx.lang), Role.status))
        return [*elements, command_button(ctx, "yes"), command_button(ctx, "no")]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id == "no":
            return Outcome(back=True)
        if element_id != "yes":
            return None
        try:
            return self._send(ctx)
        except ServerUnavailable:
            return Outcome(push=OfflinePage(SERVICE))
        except ServerRefused as refused:
            return Outcome(say=[refused.detail])

    def _send(self, ctx: Context) -> Outcome:
        """The same key on a retry gives the same receipt; each part is sent once."""
        ticket = ctx.services.take_ticket(service_id=SERVICE, lang=ctx.lang, needs=[], key=self.key, note=None)
        if self.proposal.text.strip() and not self.sent_text:
            note = ctx.ui.text("proposal", "note", ctx.lang, text=self.proposal.text.strip())
            ctx.services.send_message(ticket.id, note)
            self.sent_text = True
        if self.proposal.memo and not self.sent_memo:
            ctx.services.send_audio(ticket.id, self.proposal.memo)
            self.sent_memo = True
        receipt = NoticePage(
            "proposal:receipt",
            lambda ctx: ctx.ui.title("proposal:receipt", ctx.lang),
            lambda ctx: ctx.ui.prompt("proposal:receipt", ctx.lang, number=ticket.number),
        )
        return Outcome(replace=receipt)
