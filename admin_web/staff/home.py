"""The staff home page; for admins, how many kiosk alerts wait on the kiosks page."""

from __future__ import annotations

from flask import g, render_template

from ..context import engine
from ..db import read_session
from ..i18n import add_texts
from ..models import Role
from ..services.fleet import alert_count
from . import login_required, staff

add_texts(
    {
        "home.alerts": (
            "키오스크 알림 {count}건: 키오스크 화면에서 확인하세요",
            "{count} kiosk alerts: see the kiosks page",
        ),
        "home.alerts_one": ("키오스크 알림 1건: 키오스크 화면에서 확인하세요", "1 kiosk alert: see the kiosks page"),
        "home.no_alerts": ("키오스크 알림이 없습니다", "No kiosk alerts"),
    }
)


@staff.get("/")
@login_required()
def home():
    alerts = None
    if g.user.role is Role.admin:
        with read_session(engine()) as db:
            alerts = alert_count(db)
    return render_template("home.html", alerts=alerts)
