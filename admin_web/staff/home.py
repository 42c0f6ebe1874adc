"""The staff home page."""

from __future__ import annotations

from flask import render_template

from . import login_required, staff


@staff.get("/")
@login_required()
def home():
    return render_template("home.html")
