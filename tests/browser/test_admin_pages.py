"""The admin pages in a real browser against the real server: axe-core in both languages, the kiosk token
shown once and revoked by keyboard, and no secret in the server's log or database."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from .conftest import PASSWORDS, axe_violations, login, set_language

SHOTS = Path("/tmp")


def call(server, path: str, token: str, body: dict | None = None, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(
        server.url + "/api/v1" + path,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def history(live_server) -> dict[str, str]:
    """A few closed tickets on services and a counter of their own, so other tests' queues stay as they were."""
    kiosk = live_server.madang("admin", "create-kiosk", f"stats-kiosk-{uuid.uuid4().hex[:6]}")
    clerk = live_server.madang("admin", "create-token", "counselor")
    counter = live_server.madang("admin", "create-counter", "통계 창구", "--services", "youth-counsel,business-support")
    for service, needs, ending in (
        ("youth-counsel", [], "finish"),
        ("youth-counsel", ["wheelchair"], "finish"),
        ("business-support", ["deaf", "sign-language"], "no-show"),
        ("business-support", [], "cancel"),
    ):
        key = {"Idempotency-Key": uuid.uuid4().hex}
        status, ticket = call(live_server, "/tickets", kiosk, {"service_id": service, "needs": needs}, **key)
        assert status == 201, ticket
        if ending == "cancel":
            assert call(live_server, f"/tickets/{ticket['id']}/cancel", kiosk)[0] == 200
            continue
        assert call(live_server, f"/counters/{counter}/call-next", clerk)[1]["id"] == ticket["id"]
        steps = ["start", "finish"] if ending == "finish" else ["recall", "recall", "no-show"]
        for step in steps:
            assert call(live_server, f"/tickets/{ticket['id']}/{step}", clerk)[0] == 200, step
    health = {"app_version": "1.0.3", "content_version": 1, "health": {"printer": "ok", "microphone": "ok"}}
    assert call(live_server, "/kiosks/heartbeat", kiosk, health)[0] == 200
    return {"kiosk": kiosk, "clerk": clerk}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("path", ["/kiosks", "/audit", "/stats"])
def test_admin_pages_have_no_accessibility_violations(page, live_server, history, path, lang):
    login(page, live_server, "admin")
    page.goto(live_server.url + path)
    set_language(page, lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).count() == 1
    page.screenshot(path=str(SHOTS / f"madang-admin{path.replace('/', '-')}-{lang}.png"), full_page=True)
    assert axe_violations(page) == []


def test_counselor_sees_statistics_but_not_kiosks(page, live_server, history):
    login(page, live_server, "counselor")
    set_language(page, "en")
    menu = page.get_by_role("navigation", name="Main menu")
    assert menu.get_by_role("link", name="Statistics").count() == 1
    assert menu.get_by_role("link", name="Kiosks").count() == 0
    menu.get_by_role("link", name="Statistics").click()
    table = page.get_by_role("table", name="By service", exact=False)
    assert table.get_by_role("row", name="Youth Counselling", exact=False).count() == 1
    assert page.locator("svg[role=img]").count() == 3
    response = page.goto(live_server.url + "/kiosks")
    assert response.status == 403


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_register_and_revoke_with_the_keyboard(page, live_server):
    name = f"keyboard-kiosk-{uuid.uuid4().hex[:6]}"
    login(page, live_server, "admin")
    page.goto(live_server.url + "/kiosks")
    set_language(page, "en")
    tab_to(page, "#kiosk-name")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "3px"  # visible focus
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Kiosk registered"
    token = page.input_value("#kiosk-token")
    assert len(token) >= 40 and "shown only this once" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "madang-admin-kiosk-registered-en.png"), full_page=True)
    assert axe_violations(page) == []
    assert call(live_server, "/kiosks/heartbeat", token, {"app_version": "0.9"})[0] == 200

    page.goto(live_server.url + "/kiosks")
    assert token not in page.content()
    revoke = page.get_by_role("link", name=f"Revoke {name}").get_attribute("href")
    tab_to(page, f'a[href="{revoke}"]')
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=2).inner_text() == f"Revoke the device '{name}'?"
    page.screenshot(path=str(SHOTS / "madang-admin-kiosk-revoke-en.png"), full_page=True)
    assert axe_violations(page) == []
    tab_to(page, "button.danger")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == f"The device '{name}' was revoked."
    assert call(live_server, "/kiosks/heartbeat", token, {"app_version": "0.9"})[0] == 401

    page.goto(live_server.url + "/audit?action=kiosk.revoke&actor=admin")
    assert page.get_by_role("row", name=name, exact=False).count() == 1


def database_text(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        values = [
            value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            for table in tables
            for row in connection.execute(f'SELECT * FROM "{table}"')
            for value in row
            if value is not None
        ]
    return "\n".join(values)


def test_no_secret_in_the_server_log_or_database(page, live_server, history):
    for role in PASSWORDS:
        login(page, live_server, role)
        page.context.clear_cookies()
    login(page, live_server, "admin")
    page.goto(live_server.url + "/kiosks")
    page.fill("#kiosk-name", f"log-check-{uuid.uuid4().hex[:6]}")
    page.keyboard.press("Enter")
    token = page.input_value("#kiosk-token")
    assert call(live_server, "/kiosks/heartbeat", token, {"health": {"ok": True}})[0] == 200
    secrets = {
        "the new kiosk's token": token,
        "the CLI kiosk's token": live_server.kiosk_token,
        "the history kiosk's token": history["kiosk"],
        "the staff token": history["clerk"],
        **{f"{role}'s password": password for role, password in PASSWORDS.items()},
    }
    log = live_server.log.read_text(encoding="utf-8", errors="replace")
    stored = database_text(Path(live_server.env["MADANG_DATA_DIR"]) / "madang.db")
    assert "POST /login" in log and "/kiosks/heartbeat" in log  # the log is the one the server writes
    assert [what for what, secret in secrets.items() if secret in log] == []
    assert [what for what, secret in secrets.items() if secret in stored] == []
