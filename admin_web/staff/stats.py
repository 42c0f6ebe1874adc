"""Consultation statistics over a chosen period: tables, bar charts and a CSV download."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Response, render_template, request, url_for

from ..context import engine
from ..db import read_session
from ..i18n import TEXTS, add_texts, translate
from ..models import Role
from ..services.stats import MAX_DAYS, NO_KIOSK, Figures, Report, build_report, seoul_today
from . import add_to_menu, lang, login_required, staff

add_texts(
    {
        "stats.title": ("상담 통계", "Consultation statistics"),
        "stats.lead": (
            "기간 안에 발급된 번호표를 셉니다. 날짜는 서울 기준, 시간은 분 단위입니다. 대기 시간은 처음 호출될 "
            "때까지 기다린 시간, 상담 시간은 상담 중이던 시간(보류 제외)입니다.",
            "Counts the tickets issued in the period. Days are Seoul days and times are in minutes. The waiting "
            "time lasts until a ticket is first called; the service time is the time in consultation, without holds.",
        ),
        "stats.period": ("기간", "Period"),
        "stats.from": ("시작일", "From"),
        "stats.to": ("종료일", "To"),
        "stats.show": ("보기", "Show"),
        "stats.csv": ("CSV 파일로 내려받기(엑셀용)", "Download as a CSV file (for Excel)"),
        "stats.summary": (
            "{first} ~ {last}: 번호표 {issued}장, 상담 완료 {done}건, 부재 {no_show}건, 취소 {cancelled}건",
            "{first} to {last}: {issued} tickets issued, {done} done, {no_show} no-shows, {cancelled} cancelled",
        ),
        "stats.error.date": ("날짜를 2026-11-22처럼 입력하세요.", "Enter dates like 2026-11-22."),
        "stats.error.order": ("시작일이 종료일보다 늦습니다.", "The start date is after the end date."),
        "stats.error.long": ("기간은 366일을 넘을 수 없습니다.", "The period can be at most 366 days."),
        "stats.by_service": ("서비스별", "By service"),
        "stats.by_need": ("접근성 요구별", "By accessibility need"),
        "stats.by_kiosk": ("키오스크별", "By kiosk"),
        "stats.need_note": (
            "요구를 여러 개 밝힌 번호표는 각 요구에 모두 셉니다.",
            "A ticket with several needs counts under each of them.",
        ),
        "stats.caption": ("{what}: {first} ~ {last}", "{what}: {first} to {last}"),
        "stats.col.service": ("서비스", "Service"),
        "stats.col.need": ("접근성 요구", "Accessibility need"),
        "stats.col.kiosk": ("키오스크", "Kiosk"),
        "stats.col.issued": ("발급", "Issued"),
        "stats.col.done": ("상담 완료", "Done"),
        "stats.col.no_show": ("부재", "No-shows"),
        "stats.col.cancelled": ("취소", "Cancelled"),
        "stats.col.wait_average": ("평균 대기(분)", "Average wait (min)"),
        "stats.col.wait_median": ("대기 중앙값(분)", "Median wait (min)"),
        "stats.col.wait_p90": ("대기 90백분위(분)", "90th percentile wait (min)"),
        "stats.col.service_average": ("평균 상담(분)", "Average service (min)"),
        "stats.col.service_median": ("상담 중앙값(분)", "Median service (min)"),
        "stats.total": ("합계", "Total"),
        "stats.no_data": ("자료 없음", "no data"),
        "stats.chart.issued": ("서비스별 발급 번호표 수", "Tickets issued per service"),
        "stats.chart.wait": ("서비스별 평균 대기 시간(분)", "Average waiting time per service (minutes)"),
        "stats.chart.need_wait": ("접근성 요구별 평균 대기 시간(분)", "Average waiting time per need (minutes)"),
        "stats.chart.note": ("같은 수치가 아래 표에 있습니다.", "The tables below hold the same figures."),
        "stats.chart.empty": ("이 기간에는 그릴 자료가 없습니다.", "There is nothing to chart for this period."),
        "stats.minutes": ("{value}분", "{value} min"),
        "stats.section": ("구분", "Section"),
        "stats.key": ("코드", "Code"),
        "stats.name": ("이름", "Name"),
        "stats.kiosk.none": ("직원 발급(키오스크 아님)", "Issued by staff (no kiosk)"),
        "stats.need.none": ("요구 없음", "No declared need"),
        "stats.need.wheelchair": ("휠체어", "Wheelchair"),
        "stats.need.blind": ("시각장애", "Blind"),
        "stats.need.low-vision": ("저시력", "Low vision"),
        "stats.need.deaf": ("청각장애", "Deaf"),
        "stats.need.sign-language": ("수어 통역", "Sign language"),
        "stats.need.easy-read": ("쉬운 말", "Easy-read"),
        "stats.need.elderly": ("어르신", "Elderly"),
        "stats.need.cognitive": ("인지 지원", "Cognitive support"),
        "stats.need.other": ("기타", "Other"),
    }
)
add_to_menu("staff.stats", "nav.stats", Role.admin, Role.counselor)

MEASURES = ("wait_average", "wait_median", "wait_p90", "service_average", "service_median")
COUNTS = ("issued", "done", "no_show", "cancelled")
Table = list[tuple[str, str, Figures]]  # (key, label, figures)


def _period() -> tuple[date, date, str | None]:
    """The chosen first and last day (default: the last 7 days), and the text key of a problem."""
    last = seoul_today()
    first = last - timedelta(days=6)
    try:
        if request.args.get("to"):
            last = date.fromisoformat(request.args["to"])
            first = last - timedelta(days=6)
        if request.args.get("from"):
            first = date.fromisoformat(request.args["from"])
    except ValueError:
        return first, last, "stats.error.date"
    if first > last:
        return first, last, "stats.error.order"
    if (last - first).days >= MAX_DAYS:
        return first, last, "stats.error.long"
    return first, last, None


def _tables(report: Report, current: str) -> dict[str, Table]:
    def service(key: str) -> str:
        names = report.service_names.get(key)
        return (names[1] if current == "en" else names[0]) if names else key

    def need(key: str) -> str:
        return translate(f"stats.need.{key}", current) if f"stats.need.{key}" in TEXTS else key

    def kiosk(key: str) -> str:
        return translate("stats.kiosk.none", current) if key == NO_KIOSK else key

    return {
        "service": [(row.key, service(row.key), row) for row in report.by_service],
        "need": [(row.key, need(row.key), row) for row in report.by_need],
        "kiosk": [(row.key, kiosk(row.key), row) for row in report.by_kiosk],
    }


def minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@dataclass
class Bar:
    label: str
    text: str
    width: float


BAR_SPACE = 400  # of the chart's 560 units; the rest is for the figure after the bar


def _bars(items: list[tuple[str, float | None]], unit: str, current: str) -> list[Bar]:
    known = [(label, value) for label, value in items if value is not None]
    top = max((value for _, value in known), default=0) or 1
    return [
        Bar(
            label=label,
            text=translate(unit, current, value=minutes(value)) if unit else str(int(value)),
            width=max(value / top * BAR_SPACE, 2 if value else 0),
        )
        for label, value in known
    ]


def _charts(tables: dict[str, Table], current: str) -> list[dict]:
    charts = [
        ("chart-issued", "stats.chart.issued", [(label, row.issued) for _, label, row in tables["service"]], ""),
        ("chart-wait", "stats.chart.wait", [(lbl, row.wait_average) for _, lbl, row in tables["service"]], "min"),
        ("chart-need", "stats.chart.need_wait", [(lbl, row.wait_average) for _, lbl, row in tables["need"]], "min"),
    ]
    return [
        {"id": chart_id, "title": title, "bars": _bars(items, "stats.minutes" if unit else "", current)}
        for chart_id, title, items, unit in charts
    ]


@staff.get("/stats")
@login_required(Role.admin, Role.counselor)
def stats():
    first, last, problem = _period()
    if problem:
        page = render_template("stats/report.html", first=first, last=last, problem=problem, report=None)
        return page, 422
    with read_session(engine()) as db:
        report = build_report(db, first, last)
    current = lang()
    tables = _tables(report, current)
    return render_template(
        "stats/report.html",
        first=first,
        last=last,
        problem=None,
        report=report,
        tables=tables,
        charts=_charts(tables, current),
        measures=MEASURES,
        counts=COUNTS,
        minutes=minutes,
        csv_url=url_for("staff.stats_csv", **{"from": first.isoformat(), "to": last.isoformat()}),
    )


def _safe_cell(text: str) -> str:
    """Spreadsheets run cells that start like a formula; names are shown, never run."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff.get("/stats.csv")
@login_required(Role.admin, Role.counselor)
def stats_csv():
    first, last, problem = _period()
    current = lang()
    if problem:
        return Response(translate(problem, current) + "\n", status=422, mimetype="text/plain")
    with read_session(engine()) as db:
        report = build_report(db, first, last)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = ["stats.section", "stats.key", "stats.name", *(f"stats.col.{name}" for name in COUNTS + MEASURES)]
    writer.writerow([translate(name, current) for name in names])
    tables = _tables(report, current)
    tables["total"] = [("total", translate("stats.total", current), report.total)]
    for section, rows in tables.items():
        title = translate("stats.total" if section == "total" else f"stats.col.{section}", current)
        for key, label, figures in rows:
            writer.writerow(
                [
                    title,
                    _safe_cell(key),
                    _safe_cell(label),
                    *(getattr(figures, name) for name in COUNTS),
                    *(minutes(getattr(figures, name)) for name in MEASURES),
                ]
            )
    body = ("\ufeff" + out.getvalue()).encode("utf-8")
    filename = f"madang-stats-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
