"""The consultation: staff messages shown large and read aloud as they come (the server's events, with a slow poll
behind them); replies by touch, text or voice memo; rating."""

from __future__ import annotations

from madang.content.errors import MadangError

from ..api_types import ChatMessage, SavedForLater, ServerRefused, ServerUnavailable
from ..model import Element, Role
from .base import Context, Outcome, Page, button, command_button, option, text, text_field
from .live import ENDED, LiveTicket
from .memo import read_memo

QUICK_REPLIES = ("ok", "repeat", "wait", "thanks")
SHOWN_MESSAGES = 6


class ConsultationPage(Page):
    screen_id = "consultation"

    def __init__(self, service_id: str, live: LiveTicket) -> None:
        self.service_id = service_id
        self.live = live
        self.messages: list[ChatMessage] = []
        self.reply = ""
        self.recording = False
        self.rated: int | None = None

    @property
    def keeps_session(self) -> bool:  # type: ignore[override]
        """The idle timeout waits while the ticket is open; once it has ended, the session times out as usual."""
        return self.ticket.status not in ENDED

    @property
    def ticket(self):
        return self.live.ticket

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("consultation", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        if self.ticket.status == "done":
            return ctx.ui.text("consultation", "rate", ctx.lang)
        return ctx.ui.prompt("consultation", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        ui, lang = ctx.ui, ctx.lang
        elements = [text("ticket-number", self.ticket.number, Role.heading)]
        if self.live.stale or self.ticket.status in ENDED:
            elements.append(text("ticket-status", self.live.status_line(ctx), Role.status))
        shown = self.messages[-SHOWN_MESSAGES:]
        if not shown:
            elements.append(text("no-messages", ui.text("consultation", "no-messages", lang), Role.status))
        for message in shown:
            key = "staff-says" if message.sender == "staff" else "citizen-says"
            elements.append(
                text(f"message-{message.id}", ui.text("consultation", key, lang, text=message.text), Role.status)
            )
        if self.ticket.status == "done":
            return elements + self._rating(ctx)
        if self.ticket.status in ENDED:
            return [*elements, command_button(ctx, "finish")]
        elements += [
            button(f"quick:{reply}", ui.text("consultation", f"quick-{reply}", lang)) for reply in QUICK_REPLIES
        ]
        reply_label = ui.text("consultation", "reply", lang)
        elements.append(text_field("reply-text", reply_label, self.reply))
        elements.append(button("send", ui.text("consultation", "send", lang)))
        elements.append(button("record-memo", ui.text("consultation", "record", lang), selected=self.recording))
        elements.append(command_button(ctx, "finish"))
        return elements

    def _rating(self, ctx: Context) -> list[Element]:
        elements = [text("rate", ctx.ui.text("consultation", "rate", ctx.lang), Role.heading)]
        elements += [
            option(f"rate:{stars}", ctx.ui.text("consultation", "rating", ctx.lang, stars=stars)).with_(
                selected=self.rated == stars
            )
            for stars in range(1, 6)
        ]
        return [*elements, command_button(ctx, "finish")]

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        ui, lang = ctx.ui, ctx.lang
        if element_id.startswith("quick:") and element_id[6:] in QUICK_REPLIES:
            return self._send(ctx, ui.text("consultation", f"quick-{element_id[6:]}", lang), kind="quick")[0]
        if element_id == "send" and self.reply.strip():
            outcome, kept = self._send(ctx, self.reply.strip(), kind="text")
            if kept:
                self.reply = ""
            return outcome
        if element_id == "record-memo":
            self.recording = True
            return Outcome(say=[ui.text("consultation", "recording", lang)])
        if element_id.startswith("rate:") and self.ticket.status == "done":
            return self._rate(ctx, int(element_id[5:]))
        return None

    def enter_text(self, element_id: str, value: str, ctx: Context) -> Outcome | None:
        if element_id != "reply-text":
            return None
        self.reply = value[:2000]
        return Outcome()

    def audio(self, path: str, ctx: Context) -> Outcome | None:
        """A recorded voice memo (a WAV file) while recording: sent to the counsellor as audio."""
        if not self.recording:
            return None
        self.recording = False
        data = read_memo(path)
        if data is None:
            return Outcome(say=[ctx.ui.text("consultation", "memo-too-long", ctx.lang)])
        try:
            self._add([ctx.services.send_audio(self.ticket.id, data)])
        except SavedForLater:  # it goes when the server answers again: the page shows it then
            return Outcome(say=[ctx.ui.text("consultation", "saved", ctx.lang)])
        except MadangError:  # refused, or not even kept on the kiosk
            return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)])
        return Outcome(say=[ctx.ui.text("consultation", "memo-sent", ctx.lang)])

    def _send(self, ctx: Context, message: str, *, kind: str) -> tuple[Outcome, bool]:
        """What to say, and whether the message is sent or kept to be sent (nothing to send again)."""
        try:
            self._add([ctx.services.send_message(self.ticket.id, message, kind=kind)])
        except SavedForLater:
            return Outcome(say=[ctx.ui.text("consultation", "saved", ctx.lang)]), True
        except MadangError:
            return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)]), False
        return Outcome(), True

    def _rate(self, ctx: Context, stars: int) -> Outcome:
        try:
            ctx.services.rate(self.ticket.id, stars)
        except SavedForLater:
            self.rated = stars
            return Outcome(say=[ctx.ui.text("consultation", "rated-saved", ctx.lang)])
        except MadangError:
            return Outcome(say=[ctx.ui.text("consultation", "not-sent", ctx.lang)])
        self.rated = stars
        return Outcome(say=[ctx.ui.text("consultation", "rated", ctx.lang)])

    def tick(self, ctx: Context, seconds: float) -> Outcome | None:
        before = self.ticket.status
        changed = self.live.poll(ctx, seconds)
        arrived = self.live.take_messages()
        if self.live.polled and not self.live.stale:
            arrived += self._fetch_messages(ctx)
        new = [message for message in self._add(arrived) if message.sender == "staff"]
        said = [ctx.ui.text("consultation", "staff-says", ctx.lang, text=message.text) for message in new]
        show = f"message-{new[-1].id}" if new else None
        if changed and self.ticket.status != before and self.ticket.status == "done":
            said += [ctx.ui.text("consultation", "finished", ctx.lang), ctx.ui.text("consultation", "rate", ctx.lang)]
            show = "rate"
        elif changed and (self.live.stale or self.ticket.status in ENDED):
            said.append(self.live.status_line(ctx))
            show = "ticket-status"
        return Outcome(say=said, show=show) if said or changed else None

    def _fetch_messages(self, ctx: Context) -> list[ChatMessage]:
        try:
            return list(ctx.services.messages(self.ticket.id))
        except (ServerUnavailable, ServerRefused):
            return []

    def _add(self, messages: list) -> list[ChatMessage]:
        """Puts messages on the page once each (the events and the poll both bring them), in the server's order;
        the ones new to the page. Anything that is not a message the server holds (no id yet) is left out."""
        known = {message.id for message in self.messages}
        new = []
        for message in messages:
            if isinstance(message, ChatMessage) and message.id not in known:
                known.add(message.id)
                new.append(message)
        if new:
            self.messages = sorted([*self.messages, *new], key=lambda message: message.id)
        return new
