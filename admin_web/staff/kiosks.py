"""Kiosks and home devices: their state from heartbeats, registering (a token shown once) and revoking."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import abort, flash, get_flashed_messages, make_response, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ..context import engine
from ..db import read_session, write_session
from ..errors import Conflict, NotFound
from ..i18n import add_texts, translate
from ..models import DeviceKind, Kiosk, Role, iso, utcnow
from ..services.content_store import current_version
from ..services.kiosks import get_kiosk, is_silent, list_kiosks, register_kiosk, revoke_kiosk
from ..services.stats import local_time
from . import add_to_menu, audited, lang, login_required, staff

add_texts(
    {
        "kiosks.title": ("키오스크와 가정용 기기", "Kiosks and home devices"),
        "kiosks.published": ("게시된 콘텐츠 버전: {version}", "Published content version: {version}"),
        "kiosks.published_none": ("게시된 콘텐츠가 없습니다.", "No content is published."),
        "kiosks.kiosks_heading": ("키오스크", "Kiosks"),
        "kiosks.homes_heading": ("가정용 기기", "Home devices"),
        "kiosks.kiosks_caption": ("키오스크 ({count}대)", "Kiosks ({count})"),
        "kiosks.homes_caption": ("가정용 기기(VR 헤드셋) ({count}대)", "Home devices, VR headsets ({count})"),
        "kiosks.no_kiosks": ("등록된 키오스크가 없습니다.", "No kiosks are registered."),
        "kiosks.no_homes": ("등록된 가정용 기기가 없습니다.", "No home devices are registered."),
        "kiosks.col.name": ("이름", "Name"),
        "kiosks.col.registered": ("등록(서울 시간)", "Registered (Seoul time)"),
        "kiosks.col.last_seen": ("마지막 연결(서울 시간)", "Last seen (Seoul time)"),
        "kiosks.col.content": ("콘텐츠 버전", "Content version"),
        "kiosks.col.app": ("앱 버전", "App version"),
        "kiosks.col.health": ("상태 보고", "Health"),
        "kiosks.col.state": ("사용 여부", "State"),
        "kiosks.col.action": ("작업", "Action"),
        "kiosks.never": ("연결된 적 없음", "Never"),
        "kiosks.silent": ("응답 없음", "Silent"),
        "kiosks.silent_hint": ("5분 넘게 신호가 없습니다", "no heartbeat for over 5 minutes"),
        "kiosks.current": ("최신", "up to date"),
        "kiosks.outdated": ("게시 버전과 다름", "not the published version"),
        "kiosks.not_reported": ("보고 없음", "not reported"),
        "kiosks.active": ("사용 중", "Active"),
        "kiosks.revoked_at": ("폐기됨 ({when})", "Revoked ({when})"),
        "kiosks.revoke": ("폐기", "Revoke"),
        "kiosks.register.title": ("키오스크 등록", "Register a kiosk"),
        "kiosks.register.name": ("키오스크 이름", "Kiosk name"),
        "kiosks.register.hint": ("예: 시청 1층 안내 키오스크", "For example: City Hall lobby kiosk 1"),
        "kiosks.register.submit": ("등록하고 토큰 만들기", "Register and create a token"),
        "kiosks.error.name": ("이름을 1~120자로 입력하세요.", "Enter a name of 1 to 120 characters."),
        "kiosks.error.taken": (
            "'{name}' 키오스크가 이미 있습니다. 다른 이름을 쓰세요.",
            "A kiosk named '{name}' already exists. Choose another name.",
        ),
        "kiosks.registered.title": ("키오스크를 등록했습니다", "Kiosk registered"),
        "kiosks.registered.lead": ("'{name}' 키오스크의 토큰입니다.", "This is the token for kiosk '{name}'."),
        "kiosks.registered.token": ("키오스크 토큰", "Kiosk token"),
        "kiosks.registered.warning": (
            "지금 이 토큰을 복사해 키오스크 설정에 넣으세요. 토큰은 지금 한 번만 보이고 다시 볼 수 없습니다. "
            "잃어버리면 키오스크를 폐기하고 다시 등록하세요.",
            "Copy this token now and enter it in the kiosk's settings. It is shown only this once and cannot be "
            "shown again. If it is lost, revoke the kiosk and register it again.",
        ),
        "kiosks.back": ("키오스크 목록으로 돌아가기", "Back to the kiosks"),
        "kiosks.confirm.title": ("기기 폐기 확인", "Confirm revoking a device"),
        "kiosks.confirm.question": ("'{name}' 기기를 폐기할까요?", "Revoke the device '{name}'?"),
        "kiosks.confirm.effect": (
            "폐기하면 이 기기의 토큰은 바로 거부되어 번호표를 발급하거나 콘텐츠를 받을 수 없습니다. "
            "되돌릴 수 없으며, 다시 쓰려면 새로 등록해야 합니다.",
            "Its token is refused at once: the device can no longer issue tickets or fetch content. "
            "This cannot be undone; to use the device again, register it anew.",
        ),
        "kiosks.confirm.home_note": (
            "가정용 기기는 스스로 다시 등록할 수 있습니다. 폐기는 이 토큰만 막으며, 다시 등록하면 새 이름으로 "
            "목록에 나타납니다.",
            "A home device can register itself again: revoking stops this token only, and a new registration "
            "appears in the list under a new name.",
        ),
        "kiosks.confirm.submit": ("네, 폐기합니다", "Yes, revoke it"),
        "kiosks.confirm.cancel": ("취소하고 돌아가기", "Cancel and go back"),
        "kiosks.already_revoked": (
            "이 기기는 이미 폐기되었습니다 ({when}).",
            "This device was already revoked ({when}).",
        ),
        "kiosks.revoked_notice": ("'{name}' 기기를 폐기했습니다.", "The device '{name}' was revoked."),
    }
)
add_to_menu("staff.kiosks", "nav.kiosks", Role.admin)

NAME_LENGTH = 120


@dataclass
class DeviceRow:
    id: int
    name: str
    kind: DeviceKind
    registered: str
    registered_iso: str
    last_seen: str
    last_seen_iso: str
    silent: bool
    content_version: int | None
    current: bool
    app_version: str
    health: list[tuple[str, str]]
    revoked: str


def _health(raw: str) -> list[tuple[str, str]]:
    try:
        report = json.loads(raw or "{}")
    except ValueError:
        return []
    if not isinstance(report, dict):
        return []
    return [(str(key), "" if value is None else str(value)) for key, value in sorted(report.items())]


def _row(kiosk: Kiosk, now, published: int | None) -> DeviceRow:
    return DeviceRow(
        id=kiosk.id,
        name=kiosk.name,
        kind=kiosk.kind,
        registered=local_time(kiosk.created_at),
        registered_iso=iso(kiosk.created_at),
        last_seen=local_time(kiosk.last_seen_at),
        last_seen_iso=iso(kiosk.last_seen_at) if kiosk.last_seen_at else "",
        silent=is_silent(kiosk, now),
        content_version=kiosk.content_version,
        current=kiosk.content_version is not None and kiosk.content_version == published,
        app_version=kiosk.app_version or "",
        health=_health(kiosk.health),
        revoked=local_time(kiosk.revoked_at),
    )


def _list_page(*, error: tuple[str, dict] | None = None, name: str = "", status: int = 200):
    with read_session(engine()) as db:
        devices = list_kiosks(db)
        version = current_version(db)
    published = version.id if version else None
    now = utcnow()
    rows = [_row(kiosk, now, published) for kiosk in devices]
    page = render_template(
        "kiosks/list.html",
        kiosks=[row for row in rows if row.kind == DeviceKind.kiosk],
        homes=[row for row in rows if row.kind == DeviceKind.home],
        published=published,
        error=error,
        name=name,
        notices=get_flashed_messages(category_filter=["kiosks"]),
    )
    return page, status


@staff.get("/kiosks")
@login_required(Role.admin)
def kiosks():
    return _list_page()


@staff.post("/kiosks")
@login_required(Role.admin)
def register_kiosk_page():
    name = " ".join(request.form.get("name", "").split())
    if not name or len(name) > NAME_LENGTH:
        return _list_page(error=("kiosks.error.name", {}), name=name[:NAME_LENGTH], status=422)
    try:
        with write_session(engine()) as db:
            kiosk, token = register_kiosk(db, name=name)
    except (Conflict, IntegrityError):  # IntegrityError: the same name registered at the same moment
        return _list_page(error=("kiosks.error.taken", {"name": name}), name=name, status=409)
    audited("kiosk.create", name, id=kiosk.id, kind=kiosk.kind.value)
    response = make_response(render_template("kiosks/registered.html", kiosk=kiosk, token=token))
    response.headers["Cache-Control"] = "no-store"  # the token must not stay in any cache
    return response


def _kiosk_or_404(kiosk_id: int) -> Kiosk:
    with read_session(engine()) as db:
        try:
            return get_kiosk(db, kiosk_id)
        except NotFound:
            abort(404)


@staff.get("/kiosks/<int:kiosk_id>/revoke")
@login_required(Role.admin)
def confirm_revoke_kiosk(kiosk_id: int):
    kiosk = _kiosk_or_404(kiosk_id)
    return render_template(
        "kiosks/revoke.html", kiosk=kiosk, home=kiosk.kind == DeviceKind.home, revoked=local_time(kiosk.revoked_at)
    )


@staff.post("/kiosks/<int:kiosk_id>/revoke")
@login_required(Role.admin)
def revoke_kiosk_page(kiosk_id: int):
    kiosk = _kiosk_or_404(kiosk_id)
    if kiosk.revoked_at is None:
        with write_session(engine()) as db:
            revoke_kiosk(db, kiosk_id=kiosk_id)
        audited("kiosk.revoke", kiosk.name, id=kiosk_id, kind=kiosk.kind.value)
    flash(translate("kiosks.revoked_notice", lang(), name=kiosk.name), "kiosks")
    return redirect(url_for("staff.kiosks"))
