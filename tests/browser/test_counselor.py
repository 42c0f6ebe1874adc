"""A counselor's consultation in a real browser against the real server, while the citizen uses the kiosk API."""

from __future__ import annotations

import io
import json
import urllib.request
import uuid
import wave

import pytest
from playwright.sync_api import expect

from madang.admin_web.i18n import translate
from madang.admin_web.staff import queues  # noqa: F401  (registers the queue texts)

from .conftest import axe_violations, login, set_language


def kiosk_api(server, path: str, body: dict | None = None, *, data: bytes | None = None, kind: str = "") -> dict:
    """Call the kiosk API as the live server's kiosk: POST when there is a body, else GET."""
    headers = {"Authorization": f"Bearer {server.kiosk_token}", "Idempotency-Key": uuid.uuid4().hex}
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif data is not None:
        headers["Content-Type"] = kind
    request = urllib.request.Request(server.url + "/api/v1" + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as memo:
        memo.setnchannels(1)
        memo.setsampwidth(2)
        memo.setframerate(8000)
        memo.writeframes(b"\x00\x00" * 4000)
    return buffer.getvalue()


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the keyboard focus."""
    for _ in range(limit):
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never got the focus with the keyboard")


def press_and_load(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def said(page, text: str):
    """The status message that says ``text``."""
    return page.get_by_role("status").filter(has_text=text)


def ko(key: str, **values) -> str:
    return translate(key, "ko", **values)


def test_a_counselor_works_a_consultation_with_the_keyboard_only(page, live_server):
    ticket = kiosk_api(live_server, "/tickets", {"service_id": "documents", "lang": "en", "needs": ["low-vision"]})
    counter_url = f"/queues/counters/{live_server.counter_id}"
    login(page, live_server, "counselor")

    tab_to(page, 'nav a[href="/queues"]')
    press_and_load(page, "Enter")
    tab_to(page, f'a[href="{counter_url}"]')
    press_and_load(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("창구 1")
    expect(page.locator("[data-with-script]")).to_be_visible()

    tab_to(page, "#do-call-next")
    press_and_load(page, "Enter")
    expect(
        page.get_by_role("status").filter(has_text=ko("queues.done.call-next", number=ticket["number"]))
    ).to_be_visible()
    expect(page.locator(".ticket-number")).to_have_text(ticket["number"])
    expect(page.locator(".facts")).to_contain_text(ko("queues.need.low-vision"))

    tab_to(page, "#do-start")
    press_and_load(page, "Space")
    expect(page.locator(".facts")).to_contain_text(ko("queues.status.in_consultation"))

    tab_to(page, "#message")
    page.evaluate("() => { window.samePage = true; }")
    kiosk_api(live_server, f"/tickets/{ticket['id']}/messages", {"text": "Where do I sign?"})
    expect(page.locator('[data-region="messages"] li').last).to_contain_text("Where do I sign?", timeout=5000)
    assert page.evaluate("() => window.samePage === true && document.activeElement.id === 'message'")
    expect(page.locator('[data-region="messages"] li.from-citizen .text')).to_have_attribute("lang", "en")

    page.keyboard.type("Sign at the bottom, please.")
    press_and_load(page, "Enter")
    expect(page.locator('[data-region="messages"] li').last).to_contain_text("Sign at the bottom, please.")
    sent = kiosk_api(live_server, f"/tickets/{ticket['id']}/messages")
    assert [(m["sender"], m["text"]) for m in sent] == [
        ("citizen", "Where do I sign?"),
        ("staff", "Sign at the bottom, please."),
    ]

    tab_to(page, "#note", backwards=True)
    page.keyboard.type("서명 위치를 안내함")
    tab_to(page, "#do-finish")
    press_and_load(page, "Enter")
    expect(
        page.get_by_role("status").filter(has_text=ko("queues.done.finish", number=ticket["number"]))
    ).to_be_visible()
    expect(page.locator('[data-region="ticket"]')).to_contain_text(ko("queues.ticket.none"))
    finished = page.locator(f'[data-region="recent"] li[data-key="{ticket["id"]}"]')
    expect(finished).to_contain_text("서명 위치를 안내함")

    tab_to(page, "#do-call-next")
    page.evaluate("() => { window.samePage = true; }")
    kiosk_api(live_server, f"/tickets/{ticket['id']}/rating", {"rating": 5})
    expect(finished).to_contain_text(ko("queues.recent.rating", rating=5), timeout=5000)
    waiting = page.locator('[data-region="waiting"] li[data-key="documents"]')
    page.evaluate("() => { document.querySelector('[data-region=waiting] li[data-key=tax-square]').kept = true; }")
    later = kiosk_api(live_server, "/tickets", {"service_id": "documents"})
    in_line = later["position"]  # the last in line: everyone waiting for the service
    expect(waiting).to_have_text(ko("queues.waiting_n", service="민원서류", count=in_line), timeout=5000)
    kiosk_api(live_server, f"/tickets/{later['id']}/cancel", {})
    expect(waiting).to_have_text(ko("queues.waiting_n", service="민원서류", count=in_line - 1), timeout=5000)
    assert page.evaluate("() => window.samePage === true && document.activeElement.id === 'do-call-next'")
    unchanged = "() => document.querySelector('[data-region=waiting] li[data-key=tax-square]').kept === true"
    assert page.evaluate(unchanged)  # only the line that changed was replaced, so only it is announced


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_queue_pages_have_no_accessibility_violations(page, live_server, lang):
    login(page, live_server, "counselor")
    set_language(page, lang)
    page.goto(live_server.url + "/queues")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/queues-index-{lang}.png", full_page=True)

    ticket = kiosk_api(live_server, "/tickets", {"service_id": "tax-square", "lang": lang, "needs": ["wheelchair"]})
    page.goto(f"{live_server.url}/queues/counters/{live_server.counter_id}")
    assert axe_violations(page) == []
    page.click("#do-call-next")
    expect(page.locator(".ticket-number")).to_have_text(ticket["number"])
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/queues-called-{lang}.png", full_page=True)

    page.click("#do-call-next")  # the counter still serves a ticket: refused, and said so
    expect(page.get_by_role("alert")).to_contain_text(f"still serving {ticket['number']}")
    assert page.evaluate("() => document.activeElement.id") == "feedback"
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/queues-refused-{lang}.png", full_page=True)

    page.click("#do-start")
    kiosk_api(live_server, f"/tickets/{ticket['id']}/messages", {"text": "세금 고지서를 가져왔어요."})
    kiosk_api(live_server, f"/tickets/{ticket['id']}/audio", data=wav_bytes(), kind="audio/wav")
    page.fill("#message", "확인하겠습니다.")
    page.click("#do-send")
    expect(page.locator('[data-region="messages"] audio')).to_have_count(1)
    assert page.evaluate("() => fetch(document.querySelector('audio').src).then(r => r.status)") == 200
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/queues-consultation-{lang}.png", full_page=True)

    page.fill("#note", "분할 납부 안내")
    page.click("#do-finish")
    kiosk_api(live_server, f"/tickets/{ticket['id']}/rating", {"rating": 4})
    page.reload()
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/queues-finished-{lang}.png", full_page=True)


def test_a_change_from_elsewhere_waits_for_the_focus_to_leave(page, live_server):
    ticket = kiosk_api(live_server, "/tickets", {"service_id": "consult-120", "needs": ["elderly"]})
    login(page, live_server, "counselor")
    page.goto(f"{live_server.url}/queues/counters/{live_server.counter_id}")
    tab_to(page, "#do-call-next")
    press_and_load(page, "Enter")
    tab_to(page, "#do-start")

    kiosk_api(live_server, f"/tickets/{ticket['id']}/cancel", {})
    expect(page.locator("#live-status")).to_have_text(ko("queues.announce.none"), timeout=5000)
    expect(page.locator('[data-region="chat"]')).to_contain_text(ko("queues.chat.none"))
    assert page.evaluate("() => document.activeElement.id") == "do-start"
    expect(page.locator(".ticket-number")).to_have_text(ticket["number"])  # not swapped under the focus

    tab_to(page, "#do-call-next", backwards=True)
    expect(page.locator('[data-region="ticket"]')).to_have_text(ko("queues.ticket.none"))
    assert page.evaluate("() => document.activeElement.id") == "do-call-next"
