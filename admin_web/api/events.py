"""Server-sent events for one ticket: stored events in order (resumable by id), and live position changes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from sqlalchemy import Engine
from sqlmodel import select

from ..config import Settings
from ..db import read_session
from ..models import Ticket, TicketEvent, TicketStatus
from ..services.queue import latest_event_id
from ..services.waiting import estimated_wait_seconds, position

CLOSED = {TicketStatus.done, TicketStatus.no_show, TicketStatus.cancelled}
KEEPALIVE_SECONDS = 15.0
# Between full looks, a poll only asks whether any ticket changed (every change adds a ticket event). A full
# look also comes this often regardless, for an event committed after a newer one of another ticket.
FULL_LOOK_SECONDS = 1.0


def event_stream(engine: Engine, ticket_id: str, last_id: int, settings: Settings) -> Iterator[str]:
    yield "retry: 1000\n\n"
    deadline = time.monotonic() + settings.stream_seconds
    last_place, closed = None, False
    newest_seen, looked_at = -1, 0.0
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        events, moved = [], False
        with read_session(engine) as session:
            newest = latest_event_id(session)
            if newest != newest_seen or time.monotonic() - looked_at >= FULL_LOOK_SECONDS:
                newest_seen, looked_at = newest, time.monotonic()
                events = session.exec(
                    select(TicketEvent)
                    .where(TicketEvent.ticket_id == ticket_id, TicketEvent.id > last_id)
                    .order_by(TicketEvent.id)
                ).all()
                ticket = session.get(Ticket, ticket_id)
                place = position(session, ticket)
                moved = place is not None and place != last_place
                wait = estimated_wait_seconds(session, ticket, place) if moved else None  # only for a position event
                last_place, closed = place, ticket.status in CLOSED
        for event in events:
            last_id = event.id
            yield f"id: {event.id}\nevent: {event.type}\ndata: {event.data}\n\n"
        if moved:
            yield f"event: position\ndata: {json.dumps({'position': place, 'estimated_wait_s': wait})}\n\n"
        if events or moved:
            quiet_since = time.monotonic()
        if closed and not events:
            return
        if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        time.sleep(settings.stream_poll_seconds)
