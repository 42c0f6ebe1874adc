"""The kiosk fleet: registering (a token shown once), heartbeats, revoking."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ..errors import Conflict, NotFound
from ..models import Counter, CounterService, DeviceKind, Kiosk, QueueService, utcnow
from .auth import new_secret, token_hash


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
    session: Session, *, kiosk_id: int, content_version: int | None, app_version: str | None, health: dict
) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    kiosk.last_seen_at = utcnow()
    kiosk.content_version = content_version
    kiosk.app_version = app_version
    kiosk.health = json.dumps(health, ensure_ascii=False, sort_keys=True)
    session.add(kiosk)
    return kiosk


def list_kiosks(session: Session) -> list[Kiosk]:
    return list(session.exec(select(Kiosk).order_by(Kiosk.kind, Kiosk.name)))


SILENT_AFTER = timedelta(minutes=5)  # a kiosk that sent no heartbeat for this long needs a look


def get_kiosk(session: Session, kiosk_id: int) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no kiosk with id {kiosk_id}")
    return kiosk


def is_silent(kiosk: Kiosk, now: datetime | None = None) -> bool:
    """Never seen, or no heartbeat for ``SILENT_AFTER``."""
    return kiosk.last_seen_at is None or (now or utcnow()) - kiosk.last_seen_at > SILENT_AFTER


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
