"""Passwords (argon2), API tokens (stored as SHA-256), logins with lockout, and who a bearer token is."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from ..errors import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from ..models import DeviceKind, Kiosk, Role, StaffToken, StaffUser, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: Session, *, name: str, role: Role, password: str) -> StaffUser:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.exec(select(StaffUser).where(StaffUser.name == name)).first():
        raise Conflict(f"a staff user named '{name}' already exists")
    user = StaffUser(name=name, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def user_exists(session: Session, *, name: str) -> bool:
    return session.exec(select(StaffUser).where(StaffUser.name == name)).first() is not None


def create_staff_token(session: Session, *, user_name: str) -> str:
    user = session.exec(select(StaffUser).where(StaffUser.name == user_name)).first()
    if user is None:
        raise NotFound(f"no staff user named '{user_name}': create one with 'madang admin create-user'")
    token = new_secret()
    session.add(StaffToken(user_id=user.id, token_hash=token_hash(token)))
    return token


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff user (through a token or a login) or a kiosk."""

    kind: str  # "staff" | "kiosk"
    name: str
    role: Role | None = None
    user_id: int | None = None
    kiosk_id: int | None = None


def principal_for_token(session: Session, token: str, *, staff_first: bool = False) -> Principal:
    """Who the bearer of ``token`` is. ``staff_first`` looks among staff tokens first (where only staff may
    call, so a staff token costs one query); the answer is the same either way."""
    digest = token_hash(token)
    lookups = (_staff_principal, _kiosk_principal) if staff_first else (_kiosk_principal, _staff_principal)
    for lookup in lookups:
        principal = lookup(session, digest)
        if principal is not None:
            return principal
    raise Unauthorized("unknown token: check the Authorization header ('Bearer <token>')")


def _kiosk_principal(session: Session, digest: str) -> Principal | None:
    kiosk = session.exec(select(Kiosk).where(Kiosk.token_hash == digest)).first()
    if kiosk is None:
        return None
    if kiosk.revoked_at is not None and kiosk.kind == DeviceKind.home:
        raise Unauthorized(
            "this home device's token was revoked: forget it and register the device again "
            "(POST /api/v1/home-devices) for a new token"
        )
    if kiosk.revoked_at is not None:
        raise Unauthorized("this kiosk's token was revoked: register the kiosk again")
    return Principal("kiosk", kiosk.name, kiosk_id=kiosk.id)


def _staff_principal(session: Session, digest: str) -> Principal | None:
    row = session.exec(select(StaffToken, StaffUser).join(StaffUser).where(StaffToken.token_hash == digest)).first()
    if row is None:
        return None
    staff_token, user = row
    if staff_token.revoked_at is not None or user.disabled:
        raise Unauthorized("this token is no longer valid")
    return Principal("staff", user.name, role=user.role, user_id=user.id)


def login(session: Session, *, name: str, password: str, attempts: int, lockout_seconds: int) -> StaffUser:
    """Check a password; after ``attempts`` failures the account is locked for ``lockout_seconds``."""
    user = session.exec(select(StaffUser).where(StaffUser.name == name)).first()
    now = utcnow()
    if user is None or user.disabled:
        _hasher.hash(password)  # same work as a real check, so a missing name takes as long
        raise Unauthorized("wrong name or password")
    if user.locked_until and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise TooManyRequests(f"too many failed logins: try again in {wait} seconds")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= attempts:
            user.locked_until = now + timedelta(seconds=lockout_seconds)
            user.failed_logins = 0
        session.add(user)
        session.commit()  # the failure counts even though the login is refused
        raise Unauthorized("wrong name or password") from None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    return user
