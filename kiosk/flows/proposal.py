"""The Mayor's Office: a proposal typed or recorded, confirmed, sent, and a receipt number from the server.

Without the server the proposal is kept on the kiosk and sent when it answers again: the citizen is told so,
and gets no receipt number (only the server gives one).
"""

from __future__ import annotations

import uuid

from madang.content.errors import MadangError

from ..api_types import SavedForLater, ServerRefused, TicketInfo
from ..model import Element, Role
from .base import Context, Outcome, Page, button, command_button, text, text_field
from .memo import read_memo
from .notice import NoticePage

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
        self.key = str(uuid.uuid4())  # the proposal's ticket; its text and memo are sent with keys made from it

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
        text_note = self.proposal.text.strip()
        note = ctx.ui.text("proposal", "note", ctx.lang, text=text_note) if text_note else None
        try:
            ticket = ctx.services.send_proposal(
                service_id=SERVICE, key=self.key, lang=ctx.lang, note=note, memo=self.proposal.memo
            )
        except SavedForLater as saved:  # kept on the kiosk: sent once the server answers
            return Outcome(replace=receipt(saved.ticket, rest_saved=True) if saved.ticket else saved_notice())
        except ServerRefused as refused:
            self.key = str(uuid.uuid4())  # a changed proposal is a new one
            return Outcome(say=[refused.detail])
        except MadangError:  # not even kept on the kiosk: say so, keep what was written
            return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)])
        return Outcome(replace=receipt(ticket))


def receipt(ticket: TicketInfo, *, rest_saved: bool = False) -> NoticePage:
    """The server's receipt number; with ``rest_saved``, a part still waits on the kiosk and is said to."""

    def message(ctx: Context) -> str:
        words = ctx.ui.prompt("proposal:receipt", ctx.lang, number=ticket.number)
        return f"{words} {ctx.ui.text('proposal:receipt', 'rest-saved', ctx.lang)}" if rest_saved else words

    return NoticePage("proposal:receipt", lambda ctx: ctx.ui.title("proposal:receipt", ctx.lang), message)


def saved_notice() -> NoticePage:
    return NoticePage(
        "proposal:saved",
        lambda ctx: ctx.ui.text("proposal", "saved-title", ctx.lang),
        lambda ctx: ctx.ui.text("proposal", "saved", ctx.lang),
    )
