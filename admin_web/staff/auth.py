"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import g, redirect, render_template, request, session, url_for

from ..context import engine, settings
from ..db import write_session
from ..errors import TooManyRequests, Unauthorized
from ..i18n import LANGUAGES
from ..services import audit
from ..services.auth import login as check_login
from . import audited, staff


def _safe_next(target: str | None) -> str:
    if target and urlparse(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("staff.home")


@staff.route("/login", methods=["GET", "POST"])
def login():
    error = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        config = settings()
        try:
            with write_session(engine()) as db:
                user = check_login(
                    db,
                    name=name,
                    password=request.form.get("password", ""),
                    attempts=config.login_attempts,
                    lockout_seconds=config.lockout_seconds,
                )
                audit.record(db, actor=user.name, action="login", address=request.remote_addr or "")
        except TooManyRequests as refused:
            seconds = "".join(ch for ch in refused.detail if ch.isdigit()) or "60"
            error, status = ("login.locked", {"seconds": seconds}), 429
        except Unauthorized:
            error, status = ("login.failed", {}), 401
        else:
            chosen_language = session.get("lang")
            session.clear()  # a new session id on login; only the chosen language carries over
            session["user_id"] = user.id
            if chosen_language:
                session["lang"] = chosen_language
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error), status


@staff.post("/logout")
def logout():
    if g.user is not None:
        audited("logout")
    session.pop("user_id", None)
    return redirect(url_for("staff.login"))


@staff.post("/language")
def language():
    chosen = request.form.get("lang", "ko")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(_safe_next(request.form.get("next")))
