"""The audit log: who did what, when, from where."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from ..models import AuditEntry


def record(
    session: Session, *, actor: str, action: str, target: str = "", detail: dict | None = None, address: str = ""
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            target=target,
            address=address or "",
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        )
    )


def recent(session: Session, *, limit: int = 200) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
