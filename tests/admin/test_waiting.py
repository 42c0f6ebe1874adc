"""Live position and estimated wait: from recent consultations, with the service's minutes as fallback."""

from __future__ import annotations

from datetime import timedelta

from madang.admin_web.db import write_session
from madang.admin_web.models import Ticket
from madang.admin_web.services import queue
from madang.admin_web.services.waiting import MIN_SAMPLE, average_service_seconds, estimated_wait_seconds, position


def _issue(session, n):
    return [
        queue.issue_ticket(session, service_id="tax-square", kiosk_id=None, idempotency_key=None)[0] for _ in range(n)
    ]


def test_without_history_the_configured_minutes_are_used(engine, fleet):
    fleet.counter("창구 1", "tax-square")
    with write_session(engine) as session:
        tickets = _issue(session, 3)
        # tax-square's queue says average_minutes: 8 in the content pack; one counter
        assert [position(session, t) for t in tickets] == [1, 2, 3]
        assert [estimated_wait_seconds(session, t) for t in tickets] == [0, 8 * 60, 16 * 60]


def test_recent_consultations_set_the_average_and_counters_share_the_line(engine, fleet):
    first = fleet.counter("창구 1", "tax-square")
    fleet.counter("창구 2", "tax-square")
    with write_session(engine) as session:
        for _ in range(MIN_SAMPLE):
            ticket = _issue(session, 1)[0]
            queue.call_next(session, counter_id=first, actor="test")
            queue.start(session, ticket_id=ticket.id, actor="test")
            queue.finish(session, ticket_id=ticket.id, actor="test")
            stored = session.get(Ticket, ticket.id)
            stored.served_at = stored.closed_at - timedelta(minutes=4)
            session.add(stored)
        session.flush()
        assert average_service_seconds(session, "tax-square") == 240
        waiting = _issue(session, 3)
        # two counters serve tax-square: the third in line waits 2 x 4 min / 2
        assert [estimated_wait_seconds(session, t) for t in waiting] == [0, 120, 240]


def test_a_called_ticket_has_no_position(engine, fleet):
    counter = fleet.counter("창구 1", "tax-square")
    with write_session(engine) as session:
        first, second = _issue(session, 2)
        queue.call_next(session, counter_id=counter, actor="test")
        assert (position(session, first), estimated_wait_seconds(session, first)) == (None, None)
        assert position(session, second) == 1
