"""Kiosk alerts in a real browser: the staff home's alert count leads to the kiosks page, where a kiosk whose
microphone fails is named with what is wrong, in words and not by colour alone (axe-core), and its own page
offers the content version and restart actions (axe-core)."""

from __future__ import annotations

import uuid

from madang.admin_web.db import make_engine, write_session
from madang.admin_web.services.kiosks import register_kiosk

from .conftest import axe_violations, login
from .test_home_devices import post


def test_an_alert_is_counted_on_the_home_page_and_explained_on_the_kiosks_page(page, live_server):
    name = f"fleet-kiosk-{uuid.uuid4().hex[:6]}"
    engine = make_engine(live_server.database_url)
    try:
        with write_session(engine) as session:
            _, token = register_kiosk(session, name=name)
    finally:
        engine.dispose()
    health = {"microphone": {"ok": False, "detail": "no input device"}, "outbox": {"backlog": 0, "failed": 0}}
    assert post(live_server, "/kiosks/heartbeat", {"content_version": 1, "health": health}, token)[0] == 200

    login(page, live_server, "admin")
    count = page.locator("#kiosk-alerts a")
    assert "키오스크 알림" in count.inner_text()
    count.click()
    page.wait_for_url(live_server.url + "/kiosks#alerts-heading")
    alerts = page.get_by_role("region", name="알림", exact=False)
    assert alerts.get_by_role("listitem").filter(has_text=name).inner_text().endswith("마이크 이상: no input device")
    row = page.get_by_role("table", name="키오스크 (", exact=False).get_by_role("row", name=name, exact=False)
    assert "확인 필요 (알림 1건)" in row.inner_text() and "✗ 이상 (no input device)" in row.inner_text()
    page.screenshot(path="/tmp/madang-admin-fleet-ko.png", full_page=True)
    assert axe_violations(page) == []

    row.get_by_role("link", name=f"관리 {name}").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == f"'{name}' 기기 관리"
    assert page.get_by_label("실행할 콘텐츠 버전").count() == 1
    assert page.get_by_role("button", name="재시작 요청").count() == 1
    page.screenshot(path="/tmp/madang-admin-fleet-kiosk-ko.png", full_page=True)
    assert axe_violations(page) == []
