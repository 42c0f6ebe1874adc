"""The staff web: server-rendered pages in Korean and English, for admins, editors and counselors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, g, redirect, request, session, url_for

from ..context import engine
from ..db import read_session, write_session
from ..i18n import LANGUAGES, translate
from ..models import Role, StaffUser
from ..services import audit

staff = Blueprint(
    "staff", __name__, template_folder="../templates", static_folder="../static", static_url_path="/static"
)


def lang() -> str:
    chosen = session.get("lang") or (g.user.language if getattr(g, "user", None) else None)
    return chosen if chosen in LANGUAGES else "ko"


@staff.before_app_request
def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is not None:
        with read_session(engine()) as db:
            user = db.get(StaffUser, user_id)
        if user is not None and not user.disabled:
            g.user = user


# (endpoint, text key, roles) of each area in the main menu; page modules add theirs when imported
NAV: list[tuple[str, str, tuple[Role, ...]]] = []


def add_to_menu(endpoint: str, text_key: str, *roles: Role) -> None:
    NAV.append((endpoint, text_key, roles))


@staff.app_context_processor
def template_helpers() -> dict:
    current = lang()
    return {
        "t": lambda key, **values: translate(key, current, **values),
        "lang": current,
        "Role": Role,
        "nav_links": NAV,
    }


def login_required(*roles: Role) -> Callable:
    """Pages for signed-in staff; with ``roles``, only for those roles (others get 403)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("staff.login", next=request.full_path))
            if roles and g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def audited(action: str, target: str = "", **detail) -> None:
    """Record a staff action in its own transaction."""
    with write_session(engine()) as db:
        audit.record(
            db,
            actor=g.user.name if g.user else "anonymous",
            action=action,
            target=target,
            detail=detail,
            address=request.remote_addr or "",
        )


from . import audit_log, auth, content, home, kiosks, queues, stats  # noqa: E402, F401  (routes)
