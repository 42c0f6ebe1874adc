"""Where a ticket stands in line and how long it will probably wait.

The estimate is what call centres use: people ahead x average handling time / counters serving the
service. The average comes from recent finished consultations when there are enough of them, otherwise
from the service's configured minutes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from ..models import CounterService, QueueService, Ticket, TicketStatus, utcnow

RECENT = timedelta(days=7)
RECENT_SAMPLE = 30
MIN_SAMPLE = 5


def position(session: Session, ticket: Ticket) -> int | None:
    """1 for the next to be called; None when the ticket is not waiting."""
    if ticket.status != TicketStatus.waiting:
        return None
    ahead = (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.service_id == ticket.service_id,
            Ticket.status == TicketStatus.waiting,
            or_(
                Ticket.priority > ticket.priority,
                and_(
                    Ticket.priority == ticket.priority,
                    or_(
                        Ticket.queued_at < ticket.queued_at,
                        and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
                    ),
                ),
            ),
        )
    )
    return session.exec(ahead).one() + 1


def average_service_seconds(session: Session, service_id: str) -> float:
    recent = (
        select(Ticket.served_at, Ticket.closed_at)
        .where(
            Ticket.service_id == service_id,
            Ticket.status == TicketStatus.done,
            Ticket.served_at.is_not(None),
            Ticket.closed_at > utcnow() - RECENT,
        )
        .order_by(Ticket.closed_at.desc())
        .limit(RECENT_SAMPLE)
    )
    durations = [(closed - served).total_seconds() for served, closed in session.exec(recent) if closed and served]
    if len(durations) >= MIN_SAMPLE:
        return sum(durations) / len(durations)
    service = session.get(QueueService, service_id)
    return (service.average_minutes if service else 10) * 60.0


def estimated_wait_seconds(session: Session, ticket: Ticket, place: int | None = -1) -> int | None:
    """``place`` is the ticket's position when the caller already has it (-1: look it up)."""
    if place == -1:
        place = position(session, ticket)
    if place is None:
        return None
    counters = session.exec(
        select(func.count()).select_from(CounterService).where(CounterService.service_id == ticket.service_id)
    ).one()
    return int((place - 1) * average_service_seconds(session, ticket.service_id) / max(counters, 1))
