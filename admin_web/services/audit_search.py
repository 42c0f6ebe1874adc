"""Reading the audit log: the latest entries, filtered by who and what, a page at a time."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import AuditEntry

PAGE = 100


def search(
    session: Session, *, actor: str = "", action: str = "", before: int | None = None, limit: int = PAGE
) -> list[AuditEntry]:
    """The newest entries first; ``before`` (an entry id) continues a listing with older entries."""
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return list(session.exec(query.order_by(AuditEntry.id.desc()).limit(limit)))


def actors_and_actions(session: Session) -> tuple[list[str], list[str]]:
    """Every actor and every action in the log, for the filter's choices."""
    actors = session.exec(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)).all()
    actions = session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return list(actors), list(actions)
