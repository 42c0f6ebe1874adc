"""Each kiosk's state from its heartbeats, and the alerts staff should act on, in Korean and English.

Alerts (kiosks only; a home headset is off most of the time, so it never raises one):
- ``never_seen``: registered, but no heartbeat ever;
- ``silent``: no heartbeat for three heartbeat intervals (the last report is then stale, so no other alert shows);
- ``unhealthy``: a health part (microphone, speaker, recogniser, renderer, content, or any extra part of that shape)
  says ``"ok": false``; a part its mode does not use (``"used": false``) is never judged;
- ``backlog``: at least ``BACKLOG_COUNT`` records wait to be sent, or the oldest waits longer than ``BACKLOG_AGE``;
- ``refused``: the server refused records that the kiosk keeps for staff;
- ``content_behind``: the version it shows is not the one it should run (its pin, else the newest published), for
  longer than ``BEHIND_AFTER`` since that version became its target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ..i18n import add_texts, translate
from ..models import AuditEntry, ContentVersion, DeviceKind, Kiosk, iso, utcnow
from .kiosks import list_kiosks

HEARTBEAT_INTERVAL = timedelta(seconds=30)  # the kiosk's fleet agent sends one this often
SILENT_AFTER = 3 * HEARTBEAT_INTERVAL
BACKLOG_COUNT = 20
BACKLOG_AGE = timedelta(minutes=5)
BEHIND_AFTER = timedelta(minutes=10)
PARTS = ("microphone", "speaker", "recogniser", "renderer", "content")
PIN_ACTION = "kiosk.content"  # the audit action of pushing a version (or following the newest): the pin's time

add_texts(
    {
        "fleet.state.ok": ("정상", "Working"),
        "fleet.state.attention": ("확인 필요", "Needs attention"),
        "fleet.state.silent": ("응답 없음", "Silent"),
        "fleet.state.never_seen": ("연결된 적 없음", "Never connected"),
        "fleet.state.revoked": ("폐기됨", "Revoked"),
        "fleet.part.microphone": ("마이크", "Microphone"),
        "fleet.part.speaker": ("스피커", "Speaker"),
        "fleet.part.recogniser": ("음성 인식 모델", "Speech recogniser"),
        "fleet.part.renderer": ("화면 표시", "Display"),
        "fleet.part.content": ("콘텐츠", "Content"),
        "fleet.part.outbox": ("보낼 기록", "Records to send"),
        "fleet.no_detail": ("자세한 내용 없음", "no detail given"),
        "fleet.alert.never_seen": (
            "등록된 뒤 한 번도 연결되지 않았습니다. 키오스크에 토큰을 넣고 켜세요.",
            "It has not connected since it was registered: enter its token on the kiosk and start it.",
        ),
        "fleet.alert.silent": (
            "{duration} 넘게 신호가 없습니다. 전원과 네트워크를 확인하세요.",
            "No heartbeat for over {duration}: check its power and network.",
        ),
        "fleet.alert.unhealthy": ("{part} 이상: {detail}", "{part} is not working: {detail}"),
        "fleet.alert.backlog": (
            "보내지 못한 기록 {count}건이 있고, 가장 오래된 것은 {age} 전 것입니다. 키오스크의 네트워크를 확인하세요.",
            "{count} records wait to be sent, the oldest from {age} ago: check the kiosk's network.",
        ),
        "fleet.alert.refused": (
            "서버가 받지 않은 기록 {count}건이 키오스크에 남아 있습니다. 키오스크의 로그에서 이유를 확인하세요.",
            "The server refused {count} records, which the kiosk keeps: see the kiosk's log for why.",
        ),
        "fleet.alert.content_behind": (
            "{duration} 넘게 콘텐츠 버전이 맞지 않습니다. 보여 주는 버전: {shown}, 실행해야 할 버전: {target}. "
            "네트워크를 확인하거나 재시작을 요청하세요.",
            "Its content has been behind for over {duration}: it shows {shown} but should run {target}. "
            "Check its network, or request a restart.",
        ),
        "fleet.version": ("v{version}", "v{version}"),
        "fleet.version_none": ("없음(설치된 기본 콘텐츠)", "none (the content it was installed with)"),
        "fleet.seconds": ("{n}초", "{n} seconds"),
        "fleet.minutes": ("{n}분", "{n} minutes"),
        "fleet.minute": ("1분", "1 minute"),
        "fleet.hours": ("{h}시간 {m}분", "{h} h {m} min"),
        "fleet.days": ("{n}일", "{n} days"),
    }
)


def duration(seconds: float, lang: str) -> str:
    """A span of time as staff would say it: 45 seconds, 12 minutes, 2 h 5 min, 3 days."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return translate("fleet.seconds", lang, n=seconds)
    if seconds < 120:
        return translate("fleet.minute", lang)
    if seconds < 3600:
        return translate("fleet.minutes", lang, n=seconds // 60)
    if seconds < 2 * 86400:
        return translate("fleet.hours", lang, h=seconds // 3600, m=seconds % 3600 // 60)
    return translate("fleet.days", lang, n=seconds // 86400)


def version_text(version: int | None, lang: str) -> str:
    return (
        translate("fleet.version_none", lang) if version is None else translate("fleet.version", lang, version=version)
    )


@dataclass(frozen=True)
class Alert:
    kind: str  # never_seen | silent | unhealthy | backlog | refused | content_behind
    values: dict = field(default_factory=dict)  # spans of time end in _s, versions in _version
    part: str | None = None

    def message(self, lang: str) -> str:
        values = {}
        for name, value in self.values.items():
            if name.endswith("_s"):
                values[name.removesuffix("_s")] = duration(value, lang)
            elif name.endswith("_version"):
                values[name.removesuffix("_version")] = version_text(value, lang)
            else:
                values[name] = value
        if self.part is not None:
            values["part"] = part_label(self.part, lang)
            values["detail"] = values.get("detail") or translate("fleet.no_detail", lang)
        return translate(f"fleet.alert.{self.kind}", lang, **values)

    def as_json(self) -> dict:
        return {"kind": self.kind, "part": self.part, "message": {lang: self.message(lang) for lang in ("ko", "en")}}


def part_label(name: str, lang: str) -> str:
    key = f"fleet.part.{name}"
    return translate(key, lang) if name in PARTS or name == "outbox" else name


@dataclass(frozen=True)
class Part:
    """One line of a health report: a judged part (``ok`` True or False), or a plain value (``ok`` None)."""

    name: str
    ok: bool | None
    used: bool = True
    detail: str = ""


@dataclass(frozen=True)
class Outbox:
    backlog: int
    oldest_age_s: float
    failed: int


@dataclass
class KioskState:
    kiosk: Kiosk
    state: str  # ok | attention | silent | never_seen | revoked
    target_version: int | None
    health: dict
    parts: list[Part]
    outbox: Outbox | None
    alerts: list[Alert]

    @property
    def behind(self) -> bool:
        return self.target_version is not None and self.kiosk.content_version != self.target_version

    def as_json(self) -> dict:
        kiosk = self.kiosk
        return {
            "id": kiosk.id,
            "name": kiosk.name,
            "kind": kiosk.kind.value,
            "state": self.state,
            "last_seen_at": _iso(kiosk.last_seen_at),
            "started_at": _iso(kiosk.started_at),
            "app_version": kiosk.app_version,
            "content_version": kiosk.content_version,
            "target_content_version": self.target_version,
            "pinned_content_version": kiosk.pinned_content_version,
            "restart_requested_at": _iso(kiosk.restart_requested_at),
            "health": self.health,
            "alerts": [alert.as_json() for alert in self.alerts],
        }


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def read_health(raw: str) -> dict:
    try:
        report = json.loads(raw or "{}")
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}


def parts_of(health: dict) -> list[Part]:
    """The known parts first, in a fixed order, then the others by name; the outbox is read separately."""
    names = [name for name in PARTS if name in health] + sorted(set(health) - set(PARTS) - {"outbox"})
    found = []
    for name in names:
        value = health[name]
        if isinstance(value, dict) and isinstance(value.get("ok"), bool):
            detail = str(value.get("detail") or "")
            found.append(Part(name, value["ok"], used=value.get("used") is not False, detail=detail))
        else:
            found.append(Part(name, None, detail="" if value is None else _plain(value)))
    return found


def _plain(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


def outbox_of(health: dict) -> Outbox | None:
    value = health.get("outbox")
    if not isinstance(value, dict):
        return None
    try:
        return Outbox(int(value.get("backlog", 0)), float(value.get("oldest_age_s", 0.0)), int(value.get("failed", 0)))
    except (TypeError, ValueError):
        return None


def kiosk_state(
    kiosk: Kiosk, *, target_version: int | None, target_since: datetime | None, now: datetime
) -> KioskState:
    health = read_health(kiosk.health)
    parts, outbox = parts_of(health), outbox_of(health)
    alerts: list[Alert] = []
    if kiosk.revoked_at is not None:
        state = "revoked"
    elif kiosk.last_seen_at is None:
        state = "never_seen"
        alerts.append(Alert("never_seen"))
    elif now - kiosk.last_seen_at > SILENT_AFTER:
        state = "silent"
        alerts.append(Alert("silent", {"duration_s": (now - kiosk.last_seen_at).total_seconds()}))
    else:
        alerts += _report_alerts(
            kiosk, parts=parts, outbox=outbox, target_version=target_version, target_since=target_since, now=now
        )
        state = "attention" if alerts else "ok"
    if kiosk.kind is DeviceKind.home:
        alerts = []
        state = "ok" if state == "attention" else state
    return KioskState(kiosk, state, target_version, health, parts, outbox, alerts)


def _report_alerts(
    kiosk: Kiosk,
    *,
    parts: list[Part],
    outbox: Outbox | None,
    target_version: int | None,
    target_since: datetime | None,
    now: datetime,
) -> list[Alert]:
    alerts = [
        Alert("unhealthy", {"detail": part.detail}, part=part.name) for part in parts if part.used and part.ok is False
    ]
    if outbox is not None:
        if outbox.backlog >= BACKLOG_COUNT or outbox.oldest_age_s > BACKLOG_AGE.total_seconds():
            alerts.append(Alert("backlog", {"count": outbox.backlog, "age_s": outbox.oldest_age_s}))
        if outbox.failed > 0:
            alerts.append(Alert("refused", {"count": outbox.failed}))
    behind = target_version is not None and kiosk.content_version != target_version
    if behind and target_since is not None and now - target_since > BEHIND_AFTER:
        values = {"duration_s": (now - target_since).total_seconds()}
        alerts.append(
            Alert(
                "content_behind", {**values, "shown_version": kiosk.content_version, "target_version": target_version}
            )
        )
    return alerts


@dataclass
class Fleet:
    published: int | None  # the newest published content version
    versions: list[int]  # every published version, newest first
    devices: list[KioskState]

    @property
    def kiosks(self) -> list[KioskState]:
        return [state for state in self.devices if state.kiosk.kind is DeviceKind.kiosk]

    @property
    def homes(self) -> list[KioskState]:
        return [state for state in self.devices if state.kiosk.kind is DeviceKind.home]

    @property
    def alerts(self) -> list[tuple[KioskState, Alert]]:
        return [(state, alert) for state in self.devices for alert in state.alerts]


def fleet(session: Session, now: datetime | None = None) -> Fleet:
    """Every device's state and alerts, now."""
    now = now or utcnow()
    published_at = dict(session.exec(select(ContentVersion.id, ContentVersion.created_at)).all())
    newest = max(published_at, default=None)
    pinned_at = dict(
        session.exec(
            select(AuditEntry.target, func.max(AuditEntry.at))
            .where(AuditEntry.action == PIN_ACTION)
            .group_by(AuditEntry.target)
        ).all()
    )
    devices = []
    for kiosk in list_kiosks(session):
        pin = kiosk.pinned_content_version
        target = pin if pin in published_at else newest
        since = published_at.get(target)
        if since is not None and kiosk.name in pinned_at:
            since = max(since, pinned_at[kiosk.name])
        devices.append(kiosk_state(kiosk, target_version=target, target_since=since, now=now))
    return Fleet(newest, sorted(published_at, reverse=True), devices)


def alert_count(session: Session) -> int:
    """How many alerts the kiosks page lists (the staff home shows this)."""
    return len(fleet(session).alerts)
