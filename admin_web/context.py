"""The running app's engine and settings, for views of any blueprint."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine

from .config import Settings


def engine() -> Engine:
    return current_app.extensions["madang"]["engine"]


def settings() -> Settings:
    return current_app.extensions["madang"]["settings"]
