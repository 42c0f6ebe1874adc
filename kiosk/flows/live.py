"""A ticket followed live on the kiosk's virtual clock: polled from the server, announced when called."""

from __future__ import annotations

from ..api_types import ServerRefused, ServerUnavailable, TicketInfo
from .base import Context

POLL_SECONDS = 2.0
ANNOUNCE_EVERY_SECONDS = 30.0
ANNOUNCEMENTS = 3
ENDED = ("done", "no_show", "cancelled")


class LiveTicket:
    """A ticket followed on the virtual clock: polled every few seconds, announced when called."""

    def __init__(self, ticket: TicketInfo) -> None:
        self.ticket = ticket
        self.stale = False
        self.since_poll = 0.0
        self.since_announce = ANNOUNCE_EVERY_SECONDS
        self.announced = 0
        self.polled = False  # whether the last call asked the server

    def poll(self, ctx: Context, seconds: float) -> bool:
        """Refresh from the server when it is time; True when the ticket changed."""
        self.since_poll += seconds
        self.since_announce += seconds
        self.polled = self.since_poll >= POLL_SECONDS
        if not self.polled:
            return False
        self.since_poll = 0.0
        try:
            fresh = ctx.services.ticket(self.ticket.id)
        except ServerUnavailable:
            changed, self.stale = not self.stale, True
            return changed
        except ServerRefused:
            return False
        changed = fresh != self.ticket or self.stale
        if fresh.status != self.ticket.status:
            self.announced, self.since_announce = 0, ANNOUNCE_EVERY_SECONDS
        self.ticket, self.stale = fresh, False
        return changed

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
