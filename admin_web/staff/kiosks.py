"""Kiosks and home devices: their state and alerts from heartbeats, registering (a token shown once), pushing a
content version or asking for a restart (both answered in the next heartbeat), and revoking."""

from __future__ import annotations

from flask import abort, flash, get_flashed_messages, make_response, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ..context import engine
from ..db import read_session, write_session
from ..errors import Conflict, NotFound
from ..i18n import add_texts, translate
from ..models import DeviceKind, Kiosk, Role, iso
from ..services.content_store import versions
from ..services.fleet import PIN_ACTION, duration, fleet, part_label, version_text
from ..services.kiosks import get_kiosk, pin_content, register_kiosk, request_restart, revoke_kiosk
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
        "kiosks.col.outbox": ("보낼 기록", "Records to send"),
        "kiosks.col.state": ("상태", "State"),
        "kiosks.col.action": ("작업", "Action"),
        "kiosks.never": ("연결된 적 없음", "Never"),
        "kiosks.current": ("최신", "up to date"),
        "kiosks.should_run": ("실행해야 할 버전: {version}", "should run {version}"),
        "kiosks.pinned": ("고정: {version}", "pinned to {version}"),
        "kiosks.not_reported": ("보고 없음", "not reported"),
        "kiosks.active": ("사용 중", "Active"),
        "kiosks.revoked_at": ("폐기됨 ({when})", "Revoked ({when})"),
        "kiosks.revoke": ("폐기", "Revoke"),
        "kiosks.manage": ("관리", "Manage"),
        "kiosks.alert_count": ("알림 {count}건", "{count} alerts"),
        "kiosks.restart_pending": ("재시작 요청됨", "restart requested"),
        "kiosks.part.ok": ("정상", "OK"),
        "kiosks.part.failing": ("이상", "not working"),
        "kiosks.part.unused": ("이 방식에서는 사용 안 함", "not used in this mode"),
        "kiosks.outbox.waiting": ("{count}건 대기", "{count} waiting"),
        "kiosks.outbox.oldest": ("가장 오래된 것 {age} 전", "oldest from {age} ago"),
        "kiosks.outbox.refused": ("거부됨 {count}건", "{count} refused"),
        "kiosks.alerts.heading": ("알림 ({count}건)", "Alerts ({count})"),
        "kiosks.alerts.none": ("알림이 없습니다. 모든 키오스크가 정상입니다.", "No alerts: every kiosk is working."),
        "kiosks.alerts.lead": (
            "신호는 30초마다 옵니다. 90초 넘게 신호가 없으면 응답 없음으로 표시합니다.",
            "Kiosks send a heartbeat every 30 seconds; after 90 seconds without one, a kiosk is shown as silent.",
        ),
        "kiosks.detail.title": ("'{name}' 기기 관리", "Manage the device '{name}'"),
        "kiosks.detail.started": ("마지막 시작(서울 시간)", "Last started (Seoul time)"),
        "kiosks.detail.alerts": ("알림", "Alerts"),
        "kiosks.detail.health": ("상태 보고", "Health"),
        "kiosks.content.heading": ("콘텐츠 버전 보내기", "Push a content version"),
        "kiosks.content.now": (
            "보여 주는 버전: {shown}. 실행해야 할 버전: {target}.",
            "It shows {shown}. It should run {target}.",
        ),
        "kiosks.content.label": ("실행할 콘텐츠 버전", "Content version to run"),
        "kiosks.content.hint": (
            "키오스크는 버전을 받아 확인한 뒤, 아무도 쓰지 않을 때 바꿉니다.",
            "The kiosk downloads and checks the version, then switches when nobody is using it.",
        ),
        "kiosks.content.follow": (
            "항상 최신 게시 버전 (지금 {version})",
            "Always the newest published (now {version})",
        ),
        "kiosks.content.version": ("{version} 고정 ({when} 게시)", "Pin {version} (published {when})"),
        "kiosks.content.submit": ("이 버전으로 설정", "Set this version"),
        "kiosks.content.pinned_notice": (
            "'{name}' 기기가 콘텐츠 {version}을(를) 실행하도록 설정했습니다.",
            "The device '{name}' is set to run content {version}.",
        ),
        "kiosks.content.follow_notice": (
            "'{name}' 기기가 최신 게시 버전을 따르도록 설정했습니다.",
            "The device '{name}' now follows the newest published version.",
        ),
        "kiosks.content.unknown": (
            "그런 게시 버전이 없습니다. 목록에서 고르세요.",
            "No such published version: choose one from the list.",
        ),
        "kiosks.restart.heading": ("재시작", "Restart"),
        "kiosks.restart.hint": (
            "키오스크는 다음 신호(30초 안)에 요청을 받고, 아무도 쓰지 않을 때 다시 시작합니다. 다시 시작하면 요청은 "
            "저절로 지워집니다.",
            "The kiosk gets the request with its next heartbeat (within 30 seconds) and restarts when nobody is using "
            "it. Once it has started again, the request clears itself.",
        ),
        "kiosks.restart.pending": (
            "{when}에 재시작을 요청했습니다. 키오스크가 다시 시작하기를 기다리는 중입니다.",
            "A restart was requested at {when}; waiting for the kiosk to start again.",
        ),
        "kiosks.restart.submit": ("재시작 요청", "Request a restart"),
        "kiosks.restart.notice": (
            "'{name}' 기기에 재시작을 요청했습니다. 아무도 쓰지 않을 때 다시 시작합니다.",
            "A restart of '{name}' was requested: it restarts when nobody is using it.",
        ),
        "kiosks.revoked_device": ("폐기된 기기는 관리할 수 없습니다.", "A revoked device cannot be managed."),
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
FOLLOW_NEWEST = "newest"
HELPERS = {
    "local_time": local_time,
    "iso": iso,
    "duration": duration,
    "version_text": version_text,
    "part_label": part_label,
}


def _list_page(*, error: tuple[str, dict] | None = None, name: str = "", status: int = 200):
    with read_session(engine()) as db:
        state = fleet(db)
    page = render_template(
        "kiosks/list.html",
        **HELPERS,
        fleet=state,
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


def _version_choice(raw: str) -> int | None:
    """The chosen version's id, or None to follow the newest."""
    if raw == FOLLOW_NEWEST:
        return None
    if raw.isdigit() and len(raw) <= 9:
        return int(raw)
    raise NotFound(f"no content version {raw!r}")


@staff.get("/kiosks/<int:kiosk_id>")
@login_required(Role.admin)
def kiosk_detail(kiosk_id: int, *, error: str | None = None, status: int = 200):
    with read_session(engine()) as db:
        state = fleet(db)
        published = versions(db)
    device = next((device for device in state.devices if device.kiosk.id == kiosk_id), None)
    if device is None:
        abort(404)
    page = render_template(
        "kiosks/detail.html",
        **HELPERS,
        device=device,
        kiosk=device.kiosk,
        published=published,
        newest=state.published,
        started=local_time(device.kiosk.started_at),
        restart_requested=local_time(device.kiosk.restart_requested_at),
        error=error,
        notices=get_flashed_messages(category_filter=["kiosks"]),
    )
    return page, status


@staff.post("/kiosks/<int:kiosk_id>/content")
@login_required(Role.admin)
def pin_kiosk_content(kiosk_id: int):
    kiosk = _kiosk_or_404(kiosk_id)
    if kiosk.revoked_at is not None:
        return kiosk_detail(kiosk_id, error="kiosks.revoked_device", status=409)
    try:
        version = _version_choice(request.form.get("version", ""))
        with write_session(engine()) as db:
            pin_content(db, kiosk_id=kiosk_id, version=version)
    except NotFound:
        return kiosk_detail(kiosk_id, error="kiosks.content.unknown", status=422)
    audited(PIN_ACTION, kiosk.name, id=kiosk_id, version=version if version is not None else FOLLOW_NEWEST)
    if version is None:
        flash(translate("kiosks.content.follow_notice", lang(), name=kiosk.name), "kiosks")
    else:
        flash(translate("kiosks.content.pinned_notice", lang(), name=kiosk.name, version=f"v{version}"), "kiosks")
    return redirect(url_for("staff.kiosk_detail", kiosk_id=kiosk_id))


@staff.post("/kiosks/<int:kiosk_id>/restart")
@login_required(Role.admin)
def restart_kiosk(kiosk_id: int):
    kiosk = _kiosk_or_404(kiosk_id)
    if kiosk.revoked_at is not None:
        return kiosk_detail(kiosk_id, error="kiosks.revoked_device", status=409)
    with write_session(engine()) as db:
        request_restart(db, kiosk_id=kiosk_id)
    audited("kiosk.restart", kiosk.name, id=kiosk_id)
    flash(translate("kiosks.restart.notice", lang(), name=kiosk.name), "kiosks")
    return redirect(url_for("staff.kiosk_detail", kiosk_id=kiosk_id))
