"""Consultation queues: issuing tickets, the atomic call-next claim, and every status change.

Call these inside ``write_session``: on SQLite that transaction began with BEGIN IMMEDIATE, on PostgreSQL
the claim locks the row it takes with FOR UPDATE SKIP LOCKED. Either way no ticket is called twice or
skipped, however many clerks and processes call at once.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..errors import Conflict, Invalid, NotFound
from ..models import (
    ACTIVE_AT_COUNTER,
    Counter,
    CounterService,
    NumberSeries,
    QueueService,
    Ticket,
    TicketEvent,
    TicketPeriod,
    TicketStatus,
    utcnow,
)

S = TicketStatus
# status -> the statuses it may change to
TRANSITIONS: dict[TicketStatus, set[TicketStatus]] = {
    S.waiting: {S.called, S.cancelled, S.transferred},
    S.called: {S.in_consultation, S.no_show, S.cancelled, S.transferred, S.waiting},
    S.in_consultation: {S.on_hold, S.done, S.transferred},
    S.on_hold: {S.in_consultation, S.done, S.transferred, S.cancelled},
    S.transferred: {S.waiting},
}
RECALLS_BEFORE_NO_SHOW = 2
ACCESSIBILITY_NEEDS = {
    "wheelchair",
    "blind",
    "low-vision",
    "deaf",
    "sign-language",
    "easy-read",
    "elderly",
    "cognitive",
    "other",
}


def issue_ticket(
    session: Session,
    *,
    service_id: str,
    kiosk_id: int | None,
    idempotency_key: str | None,
    lang: str = "ko",
    needs: list[str] | None = None,
    actor: str = "",
) -> tuple[Ticket, bool]:
    """A new ticket, or the one this kiosk already got with the same idempotency key (then ``False``)."""
    if idempotency_key is not None:
        existing = session.exec(
            select(Ticket).where(Ticket.kiosk_id == kiosk_id, Ticket.idempotency_key == idempotency_key)
        ).first()
        if existing is not None:
            return existing, False
    service = session.get(QueueService, service_id)
    if service is None:
        raise NotFound(f"service '{service_id}' gives no tickets (or does not exist)")
    needs = sorted(set(needs or []))
    unknown = set(needs) - ACCESSIBILITY_NEEDS
    if unknown:
        raise Invalid(f"unknown needs {sorted(unknown)}: use any of {sorted(ACCESSIBILITY_NEEDS)}")
    number = _next_number(session, service_id, utcnow().date())
    now = utcnow()
    ticket = Ticket(
        id=uuid.uuid4().hex,
        number=f"{service.prefix}-{number:03d}",
        service_id=service_id,
        kiosk_id=kiosk_id,
        idempotency_key=idempotency_key,
        lang=lang,
        needs=json.dumps(needs),
        priority=1 if needs else 0,
        issued_at=now,
        queued_at=now,
    )
    session.add(ticket)
    session.flush()
    _open_period(session, ticket, actor or "kiosk")
    _status_event(session, ticket)
    return ticket, True


def _next_number(session: Session, service_id: str, day: date) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(NumberSeries)
        .values(service_id=service_id, day=day, last_number=1)
        .on_conflict_do_update(index_elements=["service_id", "day"], set_={"last_number": NumberSeries.last_number + 1})
        .returning(NumberSeries.last_number)
    )
    return session.execute(statement).scalar_one()


def call_next(session: Session, *, counter_id: int, actor: str) -> Ticket | None:
    """Claim the next waiting ticket for this counter's services, or ``None`` when nobody waits."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound(f"no counter with id {counter_id}")
    busy = session.exec(
        select(Ticket).where(Ticket.counter_id == counter_id, Ticket.status.in_(ACTIVE_AT_COUNTER))
    ).first()
    if busy is not None:
        raise Conflict(
            f"counter '{counter.name}' is still serving {busy.number} ({busy.status.value}):"
            " finish it, transfer it or mark a no-show first"
        )
    services = select(CounterService.service_id).where(CounterService.counter_id == counter_id)
    claim = (
        select(Ticket)
        .where(Ticket.status == S.waiting, Ticket.service_id.in_(services))
        .order_by(Ticket.priority.desc(), Ticket.queued_at, Ticket.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    ticket = session.exec(claim).first()
    if ticket is None:
        return None
    ticket.counter_id = counter_id
    ticket.called_at = utcnow()
    _change(session, ticket, S.called, actor)
    return ticket


def get_ticket(session: Session, ticket_id: str) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket with id '{ticket_id}'")
    return ticket


def recall(session: Session, *, ticket_id: str, actor: str) -> Ticket:
    ticket = _locked(session, ticket_id)
    if ticket.status != S.called:
        raise Conflict(f"{ticket.number} is {ticket.status.value}: only a called ticket can be recalled")
    if ticket.recalls >= RECALLS_BEFORE_NO_SHOW:
        raise Conflict(f"{ticket.number} was already recalled {ticket.recalls} times: mark it a no-show")
    ticket.recalls += 1
    session.add(ticket)
    _status_event(session, ticket, recall=ticket.recalls)
    return ticket


def no_show(session: Session, *, ticket_id: str, actor: str) -> Ticket:
    ticket = _locked(session, ticket_id)
    if ticket.status == S.called and ticket.recalls < RECALLS_BEFORE_NO_SHOW:
        raise Conflict(
            f"recall {ticket.number} {RECALLS_BEFORE_NO_SHOW - ticket.recalls} more time(s) before marking a no-show"
        )
    return _close(session, ticket, S.no_show, actor)


def start(session: Session, *, ticket_id: str, actor: str) -> Ticket:
    ticket = _locked(session, ticket_id)
    if ticket.served_at is None:
        ticket.served_at = utcnow()
    return _change(session, ticket, S.in_consultation, actor)


def hold(session: Session, *, ticket_id: str, actor: str) -> Ticket:
    return _change(session, _locked(session, ticket_id), S.on_hold, actor)


def resume(session: Session, *, ticket_id: str, actor: str) -> Ticket:
    ticket = _locked(session, ticket_id)
    if ticket.status != S.on_hold:
        raise Conflict(f"{ticket.number} is {ticket.status.value}: only a ticket on hold can resume")
    return _change(session, ticket, S.in_consultation, actor)


def finish(session: Session, *, ticket_id: str, actor: str, note: str | None = None) -> Ticket:
    ticket = _locked(session, ticket_id)
    ticket.closing_note = note or ticket.closing_note
    return _close(session, ticket, S.done, actor)


def cancel(session: Session, *, ticket_id: str, actor: str) -> Ticket:
    return _close(session, _locked(session, ticket_id), S.cancelled, actor)


def transfer(session: Session, *, ticket_id: str, service_id: str, actor: str) -> Ticket:
    """Move a ticket to another service's line, keeping its place (its original queue time)."""
    ticket = _locked(session, ticket_id)
    if session.get(QueueService, service_id) is None:
        raise NotFound(f"service '{service_id}' gives no tickets (or does not exist)")
    if service_id == ticket.service_id:
        raise Conflict(f"{ticket.number} is already in the line for '{service_id}'")
    _change(session, ticket, S.transferred, actor)
    ticket.service_id = service_id
    ticket.counter_id = None
    ticket.recalls = 0
    return _change(session, ticket, S.waiting, actor)


def rate(session: Session, *, ticket_id: str, rating: int) -> Ticket:
    ticket = _locked(session, ticket_id)
    if ticket.status != S.done:
        raise Conflict(f"{ticket.number} is {ticket.status.value}: a consultation is rated when it is done")
    if not 1 <= rating <= 5:
        raise Invalid("a rating is a whole number from 1 to 5")
    ticket.rating = rating
    session.add(ticket)
    return ticket


def _locked(session: Session, ticket_id: str) -> Ticket:
    ticket = session.exec(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()
    if ticket is None:
        raise NotFound(f"no ticket with id '{ticket_id}'")
    return ticket


def _close(session: Session, ticket: Ticket, status: TicketStatus, actor: str) -> Ticket:
    _change(session, ticket, status, actor)
    ticket.closed_at = utcnow()
    ticket.counter_id = None
    session.add(ticket)
    return ticket


def _change(session: Session, ticket: Ticket, status: TicketStatus, actor: str) -> Ticket:
    if status not in TRANSITIONS.get(ticket.status, set()):
        raise Conflict(f"{ticket.number} is {ticket.status.value} and cannot become {status.value}")
    if status == S.waiting:
        ticket.counter_id = None
    ticket.status = status
    session.add(ticket)
    session.flush()
    _end_period(session, ticket)
    _open_period(session, ticket, actor)
    _status_event(session, ticket)
    return ticket


def _end_period(session: Session, ticket: Ticket) -> None:
    current = session.exec(
        select(TicketPeriod).where(TicketPeriod.ticket_id == ticket.id, TicketPeriod.ended_at.is_(None))
    ).first()
    if current is not None:
        current.ended_at = utcnow()
        session.add(current)
        session.flush()


def _open_period(session: Session, ticket: Ticket, actor: str) -> None:
    if ticket.status in (S.done, S.no_show, S.cancelled):
        return
    session.add(
        TicketPeriod(
            ticket_id=ticket.id,
            status=ticket.status,
            service_id=ticket.service_id,
            counter_id=ticket.counter_id,
            actor=actor,
        )
    )


def _status_event(session: Session, ticket: Ticket, **extra) -> None:
    counter = session.get(Counter, ticket.counter_id) if ticket.counter_id else None
    data = {
        "status": ticket.status.value,
        "number": ticket.number,
        "service_id": ticket.service_id,
        "counter": counter.name if counter else None,
        **extra,
    }
    session.add(TicketEvent(ticket_id=ticket.id, type="status", data=json.dumps(data, ensure_ascii=False)))


def add_event(session: Session, *, ticket_id: str, type: str, data: dict) -> TicketEvent:
    event = TicketEvent(ticket_id=ticket_id, type=type, data=json.dumps(data, ensure_ascii=False))
    session.add(event)
    session.flush()
    return event


def waiting_count(session: Session, service_id: str) -> int:
    return session.exec(
        select(func.count()).select_from(Ticket).where(Ticket.service_id == service_id, Ticket.status == S.waiting)
    ).one()


# What a counter sees: its services, the ticket it serves, and what it closed lately.
CLOSED_STATUSES = (S.done, S.no_show, S.cancelled)
RECENT_CLOSED = timedelta(hours=12)


def services(session: Session) -> list[QueueService]:
    """Every service that gives tickets, by ticket prefix."""
    return list(session.exec(select(QueueService).order_by(QueueService.prefix)))


def counters(session: Session) -> list[tuple[Counter, list[str]]]:
    """Every counter by name, with the ids of the services it serves (by ticket prefix)."""
    rows = session.exec(
        select(Counter, QueueService.id)
        .join(CounterService, CounterService.counter_id == Counter.id, isouter=True)
        .join(QueueService, QueueService.id == CounterService.service_id, isouter=True)
        .order_by(Counter.name, QueueService.prefix)
    )
    grouped: dict[int, tuple[Counter, list[str]]] = {}
    for counter, service_id in rows:
        entry = grouped.setdefault(counter.id, (counter, []))
        if service_id is not None:
            entry[1].append(service_id)
    return list(grouped.values())


def counter_service_ids(session: Session, counter_id: int) -> list[str]:
    return list(
        session.exec(
            select(CounterService.service_id)
            .join(QueueService, QueueService.id == CounterService.service_id)
            .where(CounterService.counter_id == counter_id)
            .order_by(QueueService.prefix)
        )
    )


def at_counter(session: Session, counter_id: int) -> Ticket | None:
    """The ticket this counter is serving (called, in consultation or on hold), if any."""
    return session.exec(
        select(Ticket).where(Ticket.counter_id == counter_id, Ticket.status.in_(ACTIVE_AT_COUNTER))
    ).first()


def closed_at_counter(session: Session, counter_id: int, *, limit: int = 5) -> list[Ticket]:
    """Recently closed tickets whose last counter was this one, newest first."""
    inner = aliased(TicketPeriod)
    last_at_a_counter = (
        select(func.max(inner.id))
        .where(inner.ticket_id == Ticket.id, inner.counter_id.is_not(None))
        .correlate(Ticket)
        .scalar_subquery()
    )
    return list(
        session.exec(
            select(Ticket)
            .join(TicketPeriod, TicketPeriod.ticket_id == Ticket.id)
            .where(
                Ticket.status.in_(CLOSED_STATUSES),
                Ticket.closed_at > utcnow() - RECENT_CLOSED,
                TicketPeriod.id == last_at_a_counter,
                TicketPeriod.counter_id == counter_id,
            )
            .order_by(Ticket.closed_at.desc(), Ticket.id)
            .limit(limit)
        )
    )


def latest_event_id(session: Session) -> int:
    """The newest ticket event's id (0 when there is none): a cheap sign that some queue changed."""
    return session.exec(select(func.max(TicketEvent.id))).one() or 0
