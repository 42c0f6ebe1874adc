"""Home devices: a headset at home registers itself, with no personal data, within a rate limit.

The limit holds across every server process because its count lives in the database: each registration leaves
one ``HomeRegistration`` row (a keyed hash of the client's address, never the address, and the time), deleted
once the longest window has passed. Registrations are serialised, so two processes never both see room for one
more: on SQLite by the write session's BEGIN IMMEDIATE, on PostgreSQL by a lock on the table that only
registrations take.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, text, true
from sqlmodel import Session, select

from ..config import Settings
from ..errors import TooManyRequests
from ..models import DeviceKind, HomeRegistration, Kiosk, utcnow
from .auth import new_secret, token_hash

NAME_PREFIX = "home-"


@dataclass(frozen=True)
class RegistrationLimits:
    """At most ``per_address`` registrations from one address in ``address_seconds``, and ``overall`` from all
    addresses together in ``overall_seconds``."""

    per_address: int
    address_seconds: int
    overall: int
    overall_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings) -> RegistrationLimits:
        return cls(
            per_address=settings.home_registration_limit,
            address_seconds=settings.home_registration_window_seconds,
            overall=settings.home_registration_global_limit,
            overall_seconds=settings.home_registration_global_seconds,
        )


def address_key(address: str, *, secret: str) -> str:
    """The client's address as the rate limit keeps it: an HMAC-SHA256 with the server's secret key, so the
    stored value cannot be turned back into the address by trying every address."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def register_home_device(
    session: Session,
    *,
    address_key: str,
    limits: RegistrationLimits,
    app_version: str | None = None,
    now: datetime | None = None,
) -> tuple[Kiosk, str]:
    """A new home device with a generated name and its token (shown once; only its SHA-256 is kept), or
    ``TooManyRequests`` with ``retry_after`` when a limit is reached. Run it in a write session."""
    now = now or utcnow()
    _serialise(session)
    oldest_kept = now - timedelta(seconds=max(limits.address_seconds, limits.overall_seconds))
    session.execute(delete(HomeRegistration).where(HomeRegistration.at <= oldest_kept))
    wait = _wait_seconds(
        session, HomeRegistration.address_key == address_key, limits.per_address, limits.address_seconds, now
    )
    if wait is not None:
        raise TooManyRequests(
            f"too many home devices were registered from this network address: try again in {wait} seconds",
            retry_after=wait,
        )
    wait = _wait_seconds(session, true(), limits.overall, limits.overall_seconds, now)
    if wait is not None:
        raise TooManyRequests(
            f"too many home devices are registering right now: try again in {wait} seconds", retry_after=wait
        )
    token = new_secret()
    device = Kiosk(
        name=_free_name(session), kind=DeviceKind.home, token_hash=token_hash(token), app_version=app_version
    )
    session.add(device)
    session.add(HomeRegistration(address_key=address_key, at=now))
    session.flush()
    return device, token


def _serialise(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # SHARE ROW EXCLUSIVE conflicts with itself (and with writes), not with plain reads
        session.execute(text("LOCK TABLE home_registration IN SHARE ROW EXCLUSIVE MODE"))


def _wait_seconds(session: Session, which: ColumnElement[bool], limit: int, seconds: int, now: datetime) -> int | None:
    """None while fewer than ``limit`` registrations of ``which`` fall in the last ``seconds``; otherwise the
    whole seconds until the ``limit``-th newest of them leaves the window, so that one more fits."""
    if limit < 1:
        return max(seconds, 1)
    newest = session.exec(
        select(HomeRegistration.at)
        .where(which, HomeRegistration.at > now - timedelta(seconds=seconds))
        .order_by(HomeRegistration.at.desc())
        .limit(limit)
    ).all()
    if len(newest) < limit:
        return None
    leaves = newest[-1] + timedelta(seconds=seconds)
    return max(math.ceil((leaves - now).total_seconds()), 1)


def _free_name(session: Session) -> str:
    """``home-`` and six random hex digits (eight after a few clashes), not yet used by any device."""
    for attempt in range(8):
        name = NAME_PREFIX + secrets.token_hex(3 if attempt < 4 else 4)
        if session.exec(select(Kiosk.id).where(Kiosk.name == name)).first() is None:
            return name
    raise RuntimeError("no free home device name after 8 tries: the random source is broken")
