"""Who may call an endpoint: kiosks and staff tokens (Authorization: Bearer ...), by role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request

from ..context import engine
from ..db import read_session
from ..errors import Forbidden, NotFound, Unauthorized
from ..models import Role, Ticket
from ..services.auth import Principal, principal_for_token


def bearer_principal(*, staff_first: bool = False) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing token: send 'Authorization: Bearer <token>'")
    with read_session(engine()) as session:
        return principal_for_token(session, token.strip(), staff_first=staff_first)


def requires(*, kiosk: bool = False, roles: tuple[Role, ...] = ()) -> Callable:
    """Allow kiosks (when ``kiosk``) and staff tokens whose role is in ``roles``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = bearer_principal(staff_first=not kiosk)
            allowed = (principal.kind == "kiosk" and kiosk) or (principal.kind == "staff" and principal.role in roles)
            if not allowed:
                raise Forbidden(f"a {principal.role or principal.kind} token may not do this")
            g.principal = principal
            if any(isinstance(value, str) and "\x00" in value for value in kwargs.values()):
                raise NotFound("no such id: an id never contains the NUL character")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def check_ticket_access(ticket: Ticket) -> None:
    """A kiosk sees only the tickets it issued; staff see all."""
    principal: Principal = g.principal
    if principal.kind == "kiosk" and ticket.kiosk_id != principal.kiosk_id:
        raise Forbidden("this ticket was issued by another kiosk")
