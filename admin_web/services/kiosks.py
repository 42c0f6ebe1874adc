"""The kiosk fleet: registering (a token shown once), heartbeats and their commands (restart, the content version
to run), revoking."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, select

from ..errors import Conflict, NotFound
from ..models import ContentVersion, Counter, CounterService, DeviceKind, Kiosk, QueueService, utcnow
from .auth import new_secret, token_hash
from .content_store import current_version


def register_kiosk(session: Session, *, name: str, kind: DeviceKind = DeviceKind.kiosk) -> tuple[Kiosk, str]:
    if session.exec(select(Kiosk).where(Kiosk.name == name)).first():
        raise Conflict(f"a kiosk named '{name}' already exists")
    token = new_secret()
    kiosk = Kiosk(name=name, kind=kind, token_hash=token_hash(token))
    session.add(kiosk)
    session.flush()
    return kiosk, token


def revoke_kiosk(session: Session, *, kiosk_id: int) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no kiosk with id {kiosk_id}")
    kiosk.revoked_at = kiosk.revoked_at or utcnow()
    session.add(kiosk)
    return kiosk


def heartbeat(
    session: Session,
    *,
    kiosk_id: int,
    content_version: int | None,
    app_version: str | None,
    health: dict,
    started_at: datetime | None = None,
) -> Kiosk:
    """Records a heartbeat (each replaces the last report). A pending restart is cleared by the first heartbeat of
    a run other than the one the server last heard from, when that run started after the request, or when the
    run before it was still heard after the request (it was told to restart: so a kiosk whose clock is behind is
    not restarted over and over, and one whose clock is ahead is not let off before it restarts)."""
    kiosk = session.get(Kiosk, kiosk_id)
    now = utcnow()
    requested = kiosk.restart_requested_at
    if requested is not None and started_at is not None and started_at != kiosk.started_at:
        told = kiosk.last_seen_at is not None and kiosk.last_seen_at > requested and kiosk.started_at is not None
        if started_at > requested or told:
            kiosk.restart_requested_at = None
    if started_at is not None:
        kiosk.started_at = started_at
    kiosk.last_seen_at = now
    kiosk.content_version = content_version
    kiosk.app_version = app_version
    kiosk.health = json.dumps(health, ensure_ascii=False, sort_keys=True)
    session.add(kiosk)
    return kiosk


def content_version_for(session: Session, kiosk: Kiosk) -> ContentVersion | None:
    """The version ``kiosk`` should run: its pin while that version exists, else the newest published."""
    if kiosk.pinned_content_version is not None:
        pinned = session.get(ContentVersion, kiosk.pinned_content_version)
        if pinned is not None:
            return pinned
    return current_version(session)


def commands(session: Session, kiosk: Kiosk) -> dict:
    """What a heartbeat's answer tells the kiosk to do."""
    target = content_version_for(session, kiosk)
    return {"restart": kiosk.restart_requested_at is not None, "content_version": target.id if target else None}


def pin_content(session: Session, *, kiosk_id: int, version: int | None) -> Kiosk:
    """Push a published ``version`` to the kiosk, or (None) let it follow the newest published version."""
    kiosk = get_kiosk(session, kiosk_id)
    if version is not None and session.get(ContentVersion, version) is None:
        raise NotFound(f"no published content version {version}")
    kiosk.pinned_content_version = version
    session.add(kiosk)
    return kiosk


def request_restart(session: Session, *, kiosk_id: int) -> Kiosk:
    """Ask the kiosk to restart at its next idle moment; a request already pending keeps its time."""
    kiosk = get_kiosk(session, kiosk_id)
    kiosk.restart_requested_at = kiosk.restart_requested_at or utcnow()
    session.add(kiosk)
    return kiosk


def list_kiosks(session: Session) -> list[Kiosk]:
    return list(session.exec(select(Kiosk).order_by(Kiosk.kind, Kiosk.name)))


def get_kiosk(session: Session, kiosk_id: int) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no kiosk with id {kiosk_id}")
    return kiosk


def create_counter(session: Session, *, name: str, service_ids: list[str]) -> Counter:
    if session.exec(select(Counter).where(Counter.name == name)).first():
        raise Conflict(f"a counter named '{name}' already exists")
    known = {service.id for service in session.exec(select(QueueService))}
    unknown = [sid for sid in service_ids if sid not in known]
    if unknown or not service_ids:
        raise NotFound(f"services {unknown or service_ids} give no tickets; choose from: {', '.join(sorted(known))}")
    counter = Counter(name=name)
    session.add(counter)
    session.flush()
    for service_id in dict.fromkeys(service_ids):
        session.add(CounterService(counter_id=counter.id, service_id=service_id))
    return counter
