"""Consultation statistics from the period log: counts, waiting and service times per service, need and kiosk.

Days are days in Seoul (UTC+9, no daylight saving). A report covers the tickets issued from the first day to
the last, inclusive. The database only filters by that time range, with the same query on SQLite and
PostgreSQL; the figures are aggregated here.

- A ticket counts as issued for the service it was first issued for, and as done, no-show or cancelled for
  the service it ended in (a transfer moves it).
- Its waiting time is the time it spent in waiting periods before it was first called, counted for the
  service that called it. A ticket that was never called has no waiting time.
- Its service time is the time spent in finished ``in_consultation`` periods (a hold splits a consultation
  into two), counted per service for the service table and per ticket for the others.
- Percentiles interpolate linearly between the sorted samples.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from madang.content.contract import SEOUL

from ..models import Kiosk, QueueService, Ticket, TicketPeriod, TicketStatus

NO_NEED = "none"
NO_KIOSK = ""  # tickets issued by staff rather than at a kiosk
MAX_DAYS = 366
S = TicketStatus


def seoul_today() -> date:
    return datetime.now(SEOUL).date()


def local_time(moment: datetime | None) -> str:
    """A moment as Seoul wall-clock time, e.g. 2026-11-22 15:43."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if moment else ""


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SEOUL)


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Figures:
    """One row of a report. Times are kept in seconds; the properties give minutes."""

    key: str
    issued: int = 0
    done: int = 0
    no_show: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    @property
    def wait_average(self) -> float | None:
        return statistics.fmean(self.waits) / 60 if self.waits else None

    @property
    def wait_median(self) -> float | None:
        return statistics.median(self.waits) / 60 if self.waits else None

    @property
    def wait_p90(self) -> float | None:
        value = percentile(self.waits, 0.9)
        return None if value is None else value / 60

    @property
    def service_average(self) -> float | None:
        return statistics.fmean(self.services) / 60 if self.services else None

    @property
    def service_median(self) -> float | None:
        return statistics.median(self.services) / 60 if self.services else None


@dataclass
class Report:
    first_day: date
    last_day: date
    total: Figures
    by_service: list[Figures]
    by_need: list[Figures]
    by_kiosk: list[Figures]
    service_names: dict[str, tuple[str, str]]  # id -> (Korean, English)


@dataclass
class _TicketFacts:
    issued_for: str
    ended_in: str
    status: TicketStatus
    needs: list[str]
    kiosk: str
    wait: float | None = None
    wait_service: str = ""
    service_times: dict[str, float] = field(default_factory=dict)


def build_report(session: Session, first_day: date, last_day: date) -> Report:
    since, until = day_start(first_day), day_start(last_day + timedelta(days=1))
    in_range = (Ticket.issued_at >= since) & (Ticket.issued_at < until)
    tickets = session.exec(
        select(Ticket.id, Ticket.service_id, Ticket.kiosk_id, Ticket.needs, Ticket.status).where(in_range)
    ).all()
    periods = session.exec(
        select(
            TicketPeriod.ticket_id,
            TicketPeriod.status,
            TicketPeriod.service_id,
            TicketPeriod.started_at,
            TicketPeriod.ended_at,
        )
        .join(Ticket, Ticket.id == TicketPeriod.ticket_id)
        .where(in_range)
        .order_by(TicketPeriod.ticket_id, TicketPeriod.started_at, TicketPeriod.id)
    ).all()
    kiosk_ids = {row.kiosk_id for row in tickets if row.kiosk_id is not None}
    kiosk_names = dict(session.exec(select(Kiosk.id, Kiosk.name).where(Kiosk.id.in_(kiosk_ids))).all())
    services = session.exec(select(QueueService).order_by(QueueService.prefix)).all()

    facts: dict[str, _TicketFacts] = {
        row.id: _TicketFacts(
            issued_for=row.service_id,
            ended_in=row.service_id,
            status=S(row.status),
            needs=sorted(json.loads(row.needs or "[]")) or [NO_NEED],
            kiosk=kiosk_names.get(row.kiosk_id, str(row.kiosk_id)) if row.kiosk_id is not None else NO_KIOSK,
        )
        for row in tickets
    }
    _read_periods(facts, periods)
    return Report(
        first_day=first_day,
        last_day=last_day,
        total=_total(facts.values()),
        by_service=_by_service(facts.values(), [service.id for service in services]),
        by_need=_grouped(facts.values(), lambda fact: fact.needs, first=NO_NEED),
        by_kiosk=_grouped(facts.values(), lambda fact: [fact.kiosk], last=NO_KIOSK),
        service_names={service.id: (service.name_ko, service.name_en) for service in services},
    )


def _read_periods(facts: dict[str, _TicketFacts], periods) -> None:
    waited: dict[str, float] = defaultdict(float)
    seen: set[str] = set()
    for period in periods:
        fact = facts[period.ticket_id]
        if period.ticket_id not in seen:
            seen.add(period.ticket_id)
            fact.issued_for = period.service_id
        status = S(period.status)
        length = (period.ended_at - period.started_at).total_seconds() if period.ended_at else None
        if fact.wait is None and status == S.waiting and length is not None:
            waited[period.ticket_id] += length
        elif fact.wait is None and status == S.called:
            fact.wait = waited[period.ticket_id]
            fact.wait_service = period.service_id
        elif status == S.in_consultation and length is not None:
            fact.service_times[period.service_id] = fact.service_times.get(period.service_id, 0.0) + length


def _count(figures: Figures, fact: _TicketFacts) -> None:
    figures.issued += 1
    figures.done += fact.status == S.done
    figures.no_show += fact.status == S.no_show
    figures.cancelled += fact.status == S.cancelled


def _add_ticket(figures: Figures, fact: _TicketFacts) -> None:
    _count(figures, fact)
    if fact.wait is not None:
        figures.waits.append(fact.wait)
    if fact.service_times:
        figures.services.append(sum(fact.service_times.values()))


def _total(facts) -> Figures:
    total = Figures("total")
    for fact in facts:
        _add_ticket(total, fact)
    return total


def _by_service(facts, service_ids: list[str]) -> list[Figures]:
    rows = {service_id: Figures(service_id) for service_id in service_ids}

    def row(service_id: str) -> Figures:
        return rows.setdefault(service_id, Figures(service_id))

    for fact in facts:
        row(fact.issued_for).issued += 1
        ended = row(fact.ended_in)
        ended.done += fact.status == S.done
        ended.no_show += fact.status == S.no_show
        ended.cancelled += fact.status == S.cancelled
        if fact.wait is not None:
            row(fact.wait_service).waits.append(fact.wait)
        for service_id, seconds in fact.service_times.items():
            row(service_id).services.append(seconds)
    return list(rows.values())


def _grouped(facts, keys_of, *, first: str | None = None, last: str | None = None) -> list[Figures]:
    rows: dict[str, Figures] = {}
    for fact in facts:
        for key in keys_of(fact):
            _add_ticket(rows.setdefault(key, Figures(key)), fact)

    def order(key: str) -> tuple[int, str]:
        return (0 if key == first else 2 if key == last else 1, key)

    return [rows[key] for key in sorted(rows, key=order)]
