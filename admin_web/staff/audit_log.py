"""The audit log: the latest staff actions, filtered by who and what."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import render_template, request

from ..context import engine
from ..db import read_session
from ..i18n import add_texts
from ..models import AuditEntry, Role, iso
from ..services.audit_search import PAGE, actors_and_actions, search
from ..services.stats import local_time
from . import add_to_menu, login_required, staff

add_texts(
    {
        "audit.title": ("감사 기록", "Audit log"),
        "audit.lead": (
            "직원이 무엇을 바꾸었는지 최근 것부터 보여 줍니다. 시각은 서울 시간입니다.",
            "Staff actions that changed something, newest first. Times are Seoul time.",
        ),
        "audit.filter": ("기록 거르기", "Filter the log"),
        "audit.actor": ("누가", "Who"),
        "audit.action": ("무엇을", "What"),
        "audit.any": ("모두", "Anyone or anything"),
        "audit.apply": ("거르기", "Filter"),
        "audit.clear": ("거르기 없애기", "Clear the filter"),
        "audit.caption": ("감사 기록: 최근 {count}건", "Audit entries: the latest {count}"),
        "audit.col.when": ("언제", "When"),
        "audit.col.actor": ("누가", "Who"),
        "audit.col.action": ("무엇을", "What"),
        "audit.col.target": ("대상", "Target"),
        "audit.col.detail": ("자세히", "Detail"),
        "audit.col.address": ("주소", "Address"),
        "audit.empty": ("해당하는 기록이 없습니다.", "No entries match."),
        "audit.older": ("더 이전 기록 보기", "Show older entries"),
        "audit.newest": ("최근 기록으로 돌아가기", "Back to the newest entries"),
    }
)
add_to_menu("staff.audit_log", "nav.audit", Role.admin)


@dataclass
class AuditRow:
    id: int
    when: str
    when_iso: str
    actor: str
    action: str
    target: str
    detail: list[tuple[str, str]]
    address: str


def _detail(raw: str) -> list[tuple[str, str]]:
    try:
        detail = json.loads(raw or "{}")
    except ValueError:
        return [("", raw)]
    if not isinstance(detail, dict):
        return [("", str(detail))]
    return [
        (str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in sorted(detail.items())
    ]


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        when=local_time(entry.at),
        when_iso=iso(entry.at),
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        detail=_detail(entry.detail),
        address=entry.address,
    )


@staff.get("/audit")
@login_required(Role.admin)
def audit_log():
    actor = request.args.get("actor", "").strip()
    action = request.args.get("action", "").strip()
    before = request.args.get("before", type=int)
    with read_session(engine()) as db:
        entries = search(db, actor=actor, action=action, before=before, limit=PAGE + 1)
        actors, actions = actors_and_actions(db)
    more = len(entries) > PAGE
    rows = [_row(entry) for entry in entries[:PAGE]]
    return render_template(
        "audit/log.html",
        rows=rows,
        actor=actor,
        action=action,
        actors=actors,
        actions=actions,
        older=rows[-1].id if more and rows else None,
        paged=before is not None,
    )
