"""The Flask application factory: one app object that the CLI, gunicorn and the tests build alike."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from .api import api, error_response
from .config import Settings
from .db import make_engine
from .staff import staff

csrf = CSRFProtect()


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="madang_session",
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,  # voice memos and content files
    )
    app.json.sort_keys = False
    app.extensions["madang"] = {"settings": settings, "engine": engine or make_engine(settings.database_url)}
    csrf.init_app(app)
    csrf.exempt(api)
    app.register_blueprint(api)
    app.register_blueprint(staff)
    app.register_error_handler(HTTPException, _http_error)
    return app


def _http_error(error: HTTPException):
    """JSON errors under /api/ (also for unknown URLs and methods), a page in the staff web."""
    status = error.code or 500
    if request.path.startswith("/api/"):
        return error_response((error.name or "error").lower().replace(" ", "_"), error.description or "", status)
    return render_template("error.html", message=error.description), status
