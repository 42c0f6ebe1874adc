"""A ticket followed live: the server's events applied as they come, a poll to catch up, the call announced.

The server's events stream (see kiosk/live_channel.py) brings each change at once: the runner wakes the core with
a tick when an event waits, and the call is said on that tick. While that works, the ticket is polled only slowly,
as a safety net; when it does not (no stream now, the network down, or a core that nothing wakes, which only
learns of events on its clock's ticks), the ticket is polled every ``POLL_SECONDS`` as it always was.
"""

from __future__ import annotations

from dataclasses import replace

from ..api_types import ChatMessage, ServerRefused, ServerUnavailable, TicketInfo
from .base import Context

POLL_SECONDS = 2.0
SLOW_POLL_SECONDS = 15.0  # while the events come as they happen
ANNOUNCE_EVERY_SECONDS = 30.0
ANNOUNCEMENTS = 3
ENDED = ("done", "no_show", "cancelled")


class LiveTicket:
    """A ticket followed on the kiosk's clock: its events taken on every tick, the server asked now and then;
    announced when called (again when recalled), a few times while the citizen comes."""

    def __init__(self, ticket: TicketInfo) -> None:
        self.ticket = ticket
        self.stale = False
        self.since_poll = 0.0
        self.since_announce = ANNOUNCE_EVERY_SECONDS
        self.announced = 0
        self.polled = False  # whether the last call asked the server
        self.following = False  # the server's events for this ticket come through the kiosk's services
        self.inbox: list[ChatMessage] = []  # chat messages from the events, not yet taken by a page

    def poll(self, ctx: Context, seconds: float) -> bool:
        """Apply the events that came, and refresh from the server when it is time; True when the ticket changed."""
        self.since_poll += seconds
        self.since_announce += seconds
        if not self.following and self.ticket.status not in ENDED:
            self.following = ctx.services.follow(self.ticket.id)
        changed = self._apply_events(ctx) if self.following else False
        self.polled = self.since_poll >= (SLOW_POLL_SECONDS if ctx.services.streaming() else POLL_SECONDS)
        if self.polled:
            self.since_poll = 0.0
            changed = self._refresh(ctx) or changed
        if self.following and self.ticket.status in ENDED:
            ctx.services.unfollow(self.ticket.id)
            self.following = False
        return changed

    def take_messages(self) -> list[ChatMessage]:
        """The chat messages the events brought since the last call."""
        messages, self.inbox = self.inbox, []
        return messages

    def _refresh(self, ctx: Context) -> bool:
        try:
            fresh = ctx.services.ticket(self.ticket.id)
        except ServerUnavailable:
            changed, self.stale = not self.stale, True
            return changed
        except ServerRefused:
            return False
        return self._update(fresh)

    def _update(self, fresh: TicketInfo) -> bool:
        changed = fresh != self.ticket or self.stale
        if fresh.status != self.ticket.status or fresh.recalls > self.ticket.recalls:
            self.announced, self.since_announce = 0, ANNOUNCE_EVERY_SECONDS
        self.ticket, self.stale = fresh, False
        return changed

    def _apply_events(self, ctx: Context) -> bool:
        changed = False
        for event in ctx.services.take_events():
            if event.ticket_id != self.ticket.id:
                continue
            data = event.json
            if event.type == "status" and isinstance(data.get("status"), str):
                changed = self._update(self._with_status(data)) or changed
            elif event.type == "position" and self.ticket.status == "waiting":
                changed = self._update(self._with_position(data)) or changed
            elif event.type == "message":
                message = self._message(data)
                if message is not None:
                    self.inbox.append(message)
        return changed

    def _with_status(self, data: dict) -> TicketInfo:
        ticket, status = self.ticket, data["status"]
        waiting = status == "waiting"
        recalls = data.get("recall")
        return replace(
            ticket,
            status=status,
            number=_text(data.get("number")) or ticket.number,
            service_id=_text(data.get("service_id")) or ticket.service_id,
            counter=_text(data.get("counter")),
            recalls=recalls if type(recalls) is int else ticket.recalls,
            position=ticket.position if waiting else None,
            estimated_wait_s=ticket.estimated_wait_s if waiting else None,
        )

    def _with_position(self, data: dict) -> TicketInfo:
        position, wait = data.get("position"), data.get("estimated_wait_s")
        if type(position) is not int:
            return self.ticket
        return replace(self.ticket, position=position, estimated_wait_s=wait if type(wait) is int else None)

    def _message(self, data: dict) -> ChatMessage | None:
        audio = _text(data.get("audio_id"))
        try:
            return ChatMessage.from_json(
                {
                    "id": data.get("id"),
                    "sender": data.get("sender"),
                    "kind": data.get("kind"),
                    "text": data.get("text"),
                    "at": data.get("at"),
                    "audio_url": f"/api/v1/tickets/{self.ticket.id}/audio/{audio}" if audio else None,
                }
            )
        except ValueError:
            return None

    def announcement(self, ctx: Context) -> str | None:
        """The call, said when the ticket is called and repeated a few times while the citizen comes."""
        if self.ticket.status != "called" or self.announced >= ANNOUNCEMENTS:
            return None
        if self.since_announce < ANNOUNCE_EVERY_SECONDS:
            return None
        self.announced += 1
        self.since_announce = 0.0
        return ctx.ui.text(
            "ticket:waiting", "called", ctx.lang, number=self.ticket.number, counter=self.ticket.counter or ""
        )

    def status_line(self, ctx: Context) -> str:
        ticket, ui, lang = self.ticket, ctx.ui, ctx.lang
        if self.stale:
            return ui.text("ticket:waiting", "status-stale", lang)
        if ticket.status in ENDED:
            return ui.text("ticket:waiting", "status-ended", lang)
        if ticket.status == "called":
            return ui.text("ticket:waiting", "status-called", lang, counter=ticket.counter or "")
        if ticket.position == 1:
            return ui.text("ticket:waiting", "status-next", lang)
        return ui.text(
            "ticket:waiting", "status-waiting", lang, position=(ticket.position or 1) - 1, minutes=minutes(ticket)
        )


def minutes(ticket: TicketInfo) -> int:
    return max(1, round((ticket.estimated_wait_s or 0) / 60))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
