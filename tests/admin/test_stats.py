"""Statistics from the period log on SQLite and PostgreSQL: a small day of tickets with known durations."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from madang.admin_web.db import read_session, write_session
from madang.admin_web.models import Role, Ticket, TicketPeriod
from madang.admin_web.services import kiosks, queue
from madang.admin_web.services.stats import build_report, percentile

from .conftest import PASSWORD

DAY = date(2026, 11, 16)
OPENING = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
W, C, IN, H, X = "waiting", "called", "in_consultation", "on_hold", "transferred"


def set_timeline(engine, ticket_id: str, issued_at: datetime, *periods: tuple[str, float | None]) -> None:
    """Give the ticket's periods (checked in order) these lengths in minutes; None leaves the last one open."""
    with write_session(engine) as db:
        ticket = db.get(Ticket, ticket_id)
        ticket.issued_at = ticket.queued_at = issued_at
        rows = db.exec(select(TicketPeriod).where(TicketPeriod.ticket_id == ticket_id).order_by(TicketPeriod.id)).all()
        assert [row.status.value for row in rows] == [status for status, _ in periods]
        moment = issued_at
        for row, (_, minutes) in zip(rows, periods, strict=True):
            row.started_at = moment
            if minutes is None:
                row.ended_at = None
            else:
                moment += timedelta(minutes=minutes)
                row.ended_at = moment
            db.add(row)


def build_history(engine) -> None:
    """Seven tickets: five on the day, one the evening before and one just after midnight (Seoul time)."""
    with write_session(engine) as db:
        city_hall = kiosks.register_kiosk(db, name="시청 1층")[0].id
        riverside = kiosks.register_kiosk(db, name="한강 안내")[0].id
        tax = kiosks.create_counter(db, name="세금 창구", service_ids=["tax-square"]).id
        call = kiosks.create_counter(db, name="다산 창구", service_ids=["consult-120"]).id

    def issue(service: str, kiosk: int | None, *needs: str) -> str:
        with write_session(engine) as db:
            ticket, _ = queue.issue_ticket(
                db, service_id=service, kiosk_id=kiosk, idempotency_key=uuid.uuid4().hex, needs=list(needs)
            )
            return ticket.id

    def run(*steps) -> None:
        for step, kwargs in steps:
            with write_session(engine) as db:
                step(db, actor="clerk", **kwargs)

    def served(service: str, kiosk: int | None, counter: int, *needs: str, hold: bool = False) -> str:
        ticket = issue(service, kiosk, *needs)
        run((queue.call_next, {"counter_id": counter}), (queue.start, {"ticket_id": ticket}))
        if hold:
            run((queue.hold, {"ticket_id": ticket}), (queue.resume, {"ticket_id": ticket}))
        run((queue.finish, {"ticket_id": ticket}))
        return ticket

    first = served("tax-square", city_hall, tax)
    set_timeline(engine, first, OPENING, (W, 10), (C, 2), (IN, 6))
    second = served("tax-square", city_hall, tax, "wheelchair", hold=True)
    set_timeline(engine, second, OPENING + timedelta(hours=1), (W, 20), (C, 1), (IN, 4), (H, 3), (IN, 2))

    absent = issue("tax-square", riverside, "blind", "elderly")
    run((queue.call_next, {"counter_id": tax}), *[(queue.recall, {"ticket_id": absent})] * 2)
    run((queue.no_show, {"ticket_id": absent}))
    set_timeline(engine, absent, OPENING + timedelta(hours=2), (W, 30), (C, 2))

    withdrawn = issue("consult-120", riverside)
    run((queue.cancel, {"ticket_id": withdrawn}))
    set_timeline(engine, withdrawn, OPENING + timedelta(hours=3), (W, 5))

    moved = issue("tax-square", city_hall, "wheelchair")
    run((queue.transfer, {"ticket_id": moved, "service_id": "consult-120"}), (queue.call_next, {"counter_id": call}))
    run((queue.start, {"ticket_id": moved}), (queue.finish, {"ticket_id": moved}))
    set_timeline(engine, moved, OPENING + timedelta(hours=4), (W, 8), (X, 0), (W, 7), (C, 1), (IN, 12))

    evening_before = served("tax-square", city_hall, tax)  # 23:59 on the 15th in Seoul
    set_timeline(engine, evening_before, datetime(2026, 11, 15, 14, 59, tzinfo=UTC), (W, 100), (C, 1), (IN, 50))
    after_midnight = served("consult-120", riverside, call)  # 00:00 on the 17th in Seoul
    set_timeline(engine, after_midnight, datetime(2026, 11, 16, 15, 0, tzinfo=UTC), (W, 100), (C, 1), (IN, 50))

    staff_issued = issue("consult-120", None)  # still waiting
    set_timeline(engine, staff_issued, OPENING + timedelta(hours=5), (W, None))


def figures(row) -> tuple:
    times = (row.wait_average, row.wait_median, row.wait_p90, row.service_average, row.service_median)
    return (row.issued, row.done, row.no_show, row.cancelled, *(None if t is None else round(t, 3) for t in times))


@pytest.fixture
def report(engine):
    build_history(engine)
    with read_session(engine) as db:
        return build_report(db, DAY, DAY)


def test_per_service(report):
    rows = {row.key: figures(row) for row in report.by_service}
    # issued where first issued, closed where it ended; the transferred ticket waited 15 min in all
    assert rows["tax-square"] == (4, 2, 1, 0, 20.0, 20.0, 28.0, 6.0, 6.0)
    assert rows["consult-120"] == (2, 1, 0, 1, 15.0, 15.0, 15.0, 12.0, 12.0)
    assert rows["documents"] == (0, 0, 0, 0, None, None, None, None, None)
    by_prefix = ["consult-120", "business-support", "documents", "fintech-lab", "invest-seoul", "mayor-office"]
    assert list(rows) == [*by_prefix, "tax-square", "youth-counsel"]
    assert figures(report.total) == (6, 3, 1, 1, 18.75, 17.5, 27.0, 8.0, 6.0)


def test_per_need_counts_a_ticket_under_each_need(report):
    rows = {row.key: figures(row) for row in report.by_need}
    assert list(rows) == ["none", "blind", "elderly", "wheelchair"]
    assert rows["none"] == (3, 1, 0, 1, 10.0, 10.0, 10.0, 6.0, 6.0)
    assert rows["wheelchair"] == (2, 2, 0, 0, 17.5, 17.5, 19.5, 9.0, 9.0)
    assert rows["blind"] == rows["elderly"] == (1, 0, 1, 0, 30.0, 30.0, 30.0, None, None)


def test_per_kiosk(report):
    rows = {row.key: figures(row) for row in report.by_kiosk}
    assert list(rows) == ["시청 1층", "한강 안내", ""]
    assert rows["시청 1층"] == (3, 3, 0, 0, 15.0, 15.0, 19.0, 8.0, 6.0)
    assert rows["한강 안내"] == (2, 0, 1, 1, 30.0, 30.0, 30.0, None, None)
    assert rows[""] == (1, 0, 0, 0, None, None, None, None, None)


def test_days_are_seoul_days(engine):
    build_history(engine)
    with read_session(engine) as db:
        with_evening = build_report(db, DAY - timedelta(days=1), DAY)
        with_midnight = build_report(db, DAY, DAY + timedelta(days=1))
        empty = build_report(db, date(2026, 11, 1), date(2026, 11, 7))
    assert figures(with_evening.total)[:4] == figures(with_midnight.total)[:4] == (7, 4, 1, 1)
    assert {row.key: row.issued for row in with_evening.by_service}["tax-square"] == 5
    assert {row.key: row.issued for row in with_midnight.by_service}["consult-120"] == 3
    assert with_midnight.total.wait_p90 == pytest.approx(30 + 0.6 * (100 - 30))  # 10 15 20 30 100
    assert figures(empty.total) == (0, 0, 0, 0, None, None, None, None, None)
    assert empty.by_need == empty.by_kiosk == []


def test_percentile_interpolates():
    assert percentile([], 0.9) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0.9) == pytest.approx(46.0)


def signed_in(app, fleet, role: Role = Role.admin):
    app.config["WTF_CSRF_ENABLED"] = False
    name = f"{role.value}-{uuid.uuid4().hex[:6]}"
    fleet.staff(name, role)
    browser = app.test_client()
    assert browser.post("/login", data={"name": name, "password": PASSWORD}).status_code == 302
    return browser


def test_csv_has_the_same_figures_with_a_bom(app, engine, fleet, report):
    counselor = signed_in(app, fleet, Role.counselor)
    response = counselor.get("/stats.csv?from=2026-11-16&to=2026-11-16")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="madang-stats-2026-11-16-2026-11-16.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["구분", "코드", "이름", "발급"] and len(rows[0]) == 12
    by_key = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert by_key["서비스", "tax-square"] == ["세금 광장", "4", "2", "1", "0", "20.0", "20.0", "28.0", "6.0", "6.0"]
    assert by_key["서비스", "documents"] == ["민원서류", "0", "0", "0", "0", "", "", "", "", ""]
    assert by_key["접근성 요구", "wheelchair"] == ["휠체어", "2", "2", "0", "0", "17.5", "17.5", "19.5", "9.0", "9.0"]
    assert by_key["접근성 요구", "none"][:2] == ["요구 없음", "3"]
    assert by_key["키오스크", "시청 1층"] == ["시청 1층", "3", "3", "0", "0", "15.0", "15.0", "19.0", "8.0", "6.0"]
    assert by_key["키오스크", ""][:2] == ["직원 발급(키오스크 아님)", "1"]
    assert by_key["합계", "total"] == ["합계", "6", "3", "1", "1", "18.8", "17.5", "27.0", "8.0", "6.0"]
    assert len(rows) == 1 + 8 + 4 + 3 + 1

    counselor.post("/language", data={"lang": "en", "next": "/stats"})
    english = list(csv.reader(io.StringIO(counselor.get("/stats.csv?from=2026-11-16&to=2026-11-16").text[1:])))
    assert english[0][:4] == ["Section", "Code", "Name", "Issued"]
    assert ["Service", "tax-square", "Tax Square", "4"] in [row[:4] for row in english]
    assert ["Accessibility need", "none", "No declared need", "3"] in [row[:4] for row in english]


def test_page_shows_tables_and_charts(app, fleet, report):
    admin = signed_in(app, fleet)
    page = admin.get("/stats?from=2026-11-16&to=2026-11-16")
    assert page.status_code == 200
    html = page.text
    assert "번호표 6장, 상담 완료 3건, 부재 1건, 취소 1건" in html
    assert '<caption id="by-service-caption">서비스별: 2026-11-16 ~ 2026-11-16</caption>' in html
    assert html.count('<th scope="col"') == 3 * 10
    assert "<title>세금 광장: 20.0분</title>" in html and "<title>세금 광장: 4</title>" in html
    assert "/stats.csv?from=2026-11-16&amp;to=2026-11-16" in html


def test_period_defaults_to_the_last_seven_days_and_is_checked(app, fleet):
    admin = signed_in(app, fleet)
    page = admin.get("/stats")
    assert page.status_code == 200 and "번호표 0장" in page.text
    backwards = admin.get("/stats?from=2026-11-20&to=2026-11-16")
    assert backwards.status_code == 422 and "시작일이 종료일보다 늦습니다." in backwards.text
    assert admin.get("/stats?from=yesterday").status_code == 422
    assert admin.get("/stats.csv?from=2025-01-01&to=2026-11-16").status_code == 422
