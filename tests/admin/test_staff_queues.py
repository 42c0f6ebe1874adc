"""The counselor's queue pages on SQLite and PostgreSQL: a whole consultation, roles, errors and the live stream."""

from __future__ import annotations

import html
import io
import json
import re
import uuid
import wave

import pytest

from madang.admin_web.db import read_session
from madang.admin_web.i18n import translate
from madang.admin_web.models import Role
from madang.admin_web.services import audit

from .conftest import PASSWORD


@pytest.fixture
def web(app, client):
    """The test client with form posts accepted without a CSRF token."""
    app.config["WTF_CSRF_ENABLED"] = False
    return client


def sign_in(client, fleet, name: str = "clerk", role: Role = Role.counselor) -> None:
    fleet.staff(name, role)
    response = client.post("/login", data={"name": name, "password": PASSWORD})
    assert response.status_code == 302, response.text


def take(client, kiosk, service: str = "tax-square", **body) -> dict:
    response = client.post(
        "/api/v1/tickets", json={"service_id": service, **body}, headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.json
    return response.json


def ko(key: str, **values) -> str:
    return translate(key, "ko", **values)


def page_text(response) -> str:
    """The page as text, with tags removed and spaces collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def alert(response) -> str:
    match = re.search(r'role="alert"[^>]*>(.*?)</div>', response.text, re.S)
    assert match, "no role=alert message on the page"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip())


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as memo:
        memo.setnchannels(1)
        memo.setsampwidth(2)
        memo.setframerate(8000)
        memo.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


def test_a_counselor_works_a_whole_consultation(web, fleet, engine):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "tax-square", "consult-120")
    sign_in(web, fleet)
    ticket = take(web, kiosk, lang="en", needs=["wheelchair", "easy-read"])
    page = f"/queues/counters/{counter}"

    listing = web.get("/queues")
    assert listing.status_code == 200
    assert "창구 1" in listing.text and ko("queues.waiting_n", service="세금 광장", count=1) in page_text(listing)

    called = web.post(f"{page}/call-next")
    assert called.status_code == 302 and called.headers["Location"].endswith(f"{page}#feedback")
    shown = web.get(page)
    assert 'role="status"' in shown.text and ko("queues.done.call-next", number="T-001") in shown.text
    text = page_text(shown)
    assert "T-001" in text and "영어" in text and "쉬운 말, 휠체어" in text and "0회 (최대 2회)" in text

    path = f"{page}/tickets/{ticket['id']}"
    assert web.post(f"{path}/start").status_code == 302
    assert web.post(f"{path}/messages", data={"text": "Please bring your ID card."}).status_code == 302
    api_messages = web.get(f"/api/v1/tickets/{ticket['id']}/messages", headers=kiosk).json
    assert [(m["sender"], m["author"], m["text"]) for m in api_messages] == [
        ("staff", "clerk", "Please bring your ID card.")
    ]
    web.post(f"/api/v1/tickets/{ticket['id']}/messages", json={"text": "I have it."}, headers=kiosk)
    chat = web.get(page).text
    assert chat.index("Please bring your ID card.") < chat.index("I have it.")
    assert '<p class="text" lang="en">I have it.</p>' in chat  # the citizen writes in the ticket's language

    assert web.post(f"{path}/hold").status_code == 302
    assert ko("queues.status.on_hold") in page_text(web.get(page))
    assert web.post(f"{path}/resume").status_code == 302
    finished = web.post(f"{path}/finish", data={"note": "자동차세 분할 납부 안내"})
    assert finished.status_code == 302
    after = web.get(page)
    assert ko("queues.done.finish", number="T-001") in after.text and ko("queues.ticket.none") in after.text
    assert "자동차세 분할 납부 안내" in after.text and ko("queues.recent.no_rating") in after.text

    state = web.get(f"/api/v1/tickets/{ticket['id']}", headers=kiosk).json
    assert state["status"] == "done"
    assert web.post(f"/api/v1/tickets/{ticket['id']}/rating", json={"rating": 4}, headers=kiosk).status_code == 200
    assert ko("queues.recent.rating", rating=4) in web.get(page).text

    with read_session(engine) as session:
        actions = [(entry.actor, entry.action) for entry in reversed(audit.recent(session))]
    assert [action for actor, action in actions if actor == "clerk"] == [
        "login",
        "queue.call-next",
        "queue.start",
        "queue.message",
        "queue.hold",
        "queue.resume",
        "queue.finish",
    ]


def test_forms_carry_the_csrf_token(app, client, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "tax-square")
    take(client, kiosk)
    login_page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    fleet.staff("clerk")
    assert client.post("/login", data={"name": "clerk", "password": PASSWORD, "csrf_token": token}).status_code == 302

    page = client.get(f"/queues/counters/{counter}").text
    assert page.count('name="csrf_token"') >= 3  # language, logout, call next
    assert client.post(f"/queues/counters/{counter}/call-next").status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    called = client.post(f"/queues/counters/{counter}/call-next", data={"csrf_token": token})
    assert called.status_code == 302


def test_only_counselors_and_admins_see_the_queues(web, fleet):
    counter = fleet.counter("창구 1", "tax-square")
    anonymous = web.get("/queues")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")
    assert web.get(f"/queues/counters/{counter}/stream").headers["Location"].startswith("/login")
    assert web.post(f"/queues/counters/{counter}/call-next").headers["Location"].startswith("/login")

    sign_in(web, fleet, "writer", Role.editor)
    for url in ("/queues", f"/queues/counters/{counter}", f"/queues/counters/{counter}/stream"):
        assert web.get(url).status_code == 403, url
    assert web.post(f"/queues/counters/{counter}/call-next").status_code == 403
    assert 'href="/queues"' not in web.get("/").text

    web.post("/logout")
    sign_in(web, fleet, "boss", Role.admin)
    assert web.get("/queues").status_code == 200
    assert 'href="/queues"' in web.get("/").text
    assert web.get("/queues/counters/9999").status_code == 404
    for action in ("call-next", "tickets/some-ticket/start"):  # a reload after a refused post, a language change
        back = web.get(f"/queues/counters/{counter}/{action}")
        assert back.status_code == 302 and back.headers["Location"] == f"/queues/counters/{counter}"


def test_the_stream_tells_the_page_when_a_ticket_is_issued(web, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "documents")
    sign_in(web, fleet)
    page = web.get(f"/queues/counters/{counter}").text
    version = re.search(r'id="queue-live" data-version="([0-9a-f]+)"', page).group(1)

    response = web.get(f"/queues/counters/{counter}/stream", buffered=False)
    assert response.mimetype == "text/event-stream"
    events = iter(response.response)
    try:
        assert next(events) == b"retry: 1000\n\n"
        first = next(events).decode()
        assert first.startswith("event: change\n") and json.loads(first.split("data: ", 1)[1]) == {"version": version}
        take(web, kiosk, "documents")
        second = next(events).decode()
        assert second.startswith("event: change\n")
        assert json.loads(second.split("data: ", 1)[1])["version"] != version
    finally:
        response.close()

    regions = web.get(f"/queues/counters/{counter}/regions")
    assert regions.headers["Cache-Control"] == "no-store"
    assert ko("queues.waiting_n", service="민원서류", count=1) in regions.text
    assert 'role="status"' not in regions.text  # no feedback in the fragment


def test_a_no_show_needs_two_recalls_first(web, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "tax-square")
    sign_in(web, fleet)
    ticket = take(web, kiosk)
    web.post(f"/queues/counters/{counter}/call-next")
    path = f"/queues/counters/{counter}/tickets/{ticket['id']}"

    early = web.post(f"{path}/no-show")
    assert early.status_code == 409
    assert alert(early) == f"{ko('queues.error')} recall T-001 2 more time(s) before marking a no-show"
    assert '<p lang="en">recall T-001' in early.text
    assert 'id="do-recall"' in early.text and 'id="do-no-show"' not in early.text

    for _ in range(2):
        assert web.post(f"{path}/recall").status_code == 302
    page = web.get(f"/queues/counters/{counter}").text
    assert "2회 (최대 2회)" in page and 'id="do-no-show"' in page and 'id="do-recall"' not in page
    third = web.post(f"{path}/recall")
    assert third.status_code == 409 and "already recalled 2 times" in alert(third)

    assert web.post(f"{path}/no-show").status_code == 302
    after = web.get(f"/queues/counters/{counter}").text
    assert ko("queues.done.no-show", number="T-001") in after and ko("queues.status.no_show") in after
    assert web.get(f"/api/v1/tickets/{ticket['id']}", headers=kiosk).json["status"] == "no_show"


def test_call_next_when_nobody_waits_or_the_counter_is_busy(web, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "tax-square")
    sign_in(web, fleet)
    nobody = web.post(f"/queues/counters/{counter}/call-next", follow_redirects=True)
    assert nobody.status_code == 200
    assert re.search(r'role="status"[^>]*>\s*<p>' + re.escape(ko("queues.nobody")), nobody.text)

    take(web, kiosk)
    take(web, kiosk)
    web.post(f"/queues/counters/{counter}/call-next")
    busy = web.post(f"/queues/counters/{counter}/call-next")
    assert busy.status_code == 409 and alert(busy).startswith(
        ko("queues.error.busy") + " counter '창구 1' is still serving T-001"
    )
    assert web.post("/queues/counters/9999/call-next").status_code == 404


def test_bad_actions_show_alerts_and_keep_what_was_typed(web, fleet):
    kiosk = fleet.kiosk()
    first, second = fleet.counter("창구 1", "tax-square"), fleet.counter("창구 2", "tax-square")
    sign_in(web, fleet)
    ticket = take(web, kiosk)
    web.post(f"/queues/counters/{first}/call-next")
    here = f"/queues/counters/{first}/tickets/{ticket['id']}"
    elsewhere = f"/queues/counters/{second}/tickets/{ticket['id']}"

    assert web.post(f"{elsewhere}/start").status_code == 409
    assert alert(web.post(f"{elsewhere}/start")) == ko("queues.error.elsewhere", number="T-001")
    unknown = web.post(f"/queues/counters/{first}/tickets/nope/start")
    assert unknown.status_code == 404 and "no ticket with id 'nope'" in alert(unknown)
    resume = web.post(f"{here}/resume")
    assert resume.status_code == 409 and "only a ticket on hold can resume" in alert(resume)
    finish = web.post(f"{here}/finish", data={"note": "메모를 남깁니다"})
    assert finish.status_code == 409 and "cannot become done" in alert(finish)

    web.post(f"{here}/start")
    empty = web.post(f"{here}/messages", data={"text": "   "})
    assert empty.status_code == 422 and alert(empty) == ko("queues.error.empty")
    too_long = web.post(f"{here}/messages", data={"text": "가" * 2001})
    assert too_long.status_code == 422 and "가" * 2001 in too_long.text
    no_service = web.post(f"{here}/transfer", data={"service_id": ""})
    assert no_service.status_code == 422 and alert(no_service) == ko("queues.error.no_service")
    same = web.post(f"{here}/transfer", data={"service_id": "tax-square"})
    assert same.status_code == 409 and "already in the line for 'tax-square'" in alert(same)


def test_a_transfer_keeps_the_place_in_the_other_line(web, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "tax-square")
    sign_in(web, fleet)
    ticket = take(web, kiosk)
    web.post(f"/queues/counters/{counter}/call-next")
    take(web, kiosk, "consult-120")
    moved = web.post(f"/queues/counters/{counter}/tickets/{ticket['id']}/transfer", data={"service_id": "consult-120"})
    assert moved.status_code == 302
    page = page_text(web.get(f"/queues/counters/{counter}"))
    assert ko("queues.done.transfer", number="T-001", service="120다산콜센터") in page
    state = web.get(f"/api/v1/tickets/{ticket['id']}", headers=kiosk).json
    assert (state["status"], state["service_id"], state["position"]) == ("waiting", "consult-120", 1)


def test_voice_memos_play_from_the_staff_session(web, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("창구 1", "tax-square")
    sign_in(web, fleet)
    ticket = take(web, kiosk)
    web.post(f"/queues/counters/{counter}/call-next")
    memo = wav_bytes()
    uploaded = web.post(
        f"/api/v1/tickets/{ticket['id']}/audio", data=memo, headers={**kiosk, "Content-Type": "audio/wav"}
    )
    assert uploaded.status_code == 201
    page = web.get(f"/queues/counters/{counter}").text
    src = re.search(r'<audio controls preload="metadata" src="([^"]+)"', page).group(1)
    assert src.startswith(f"/queues/tickets/{ticket['id']}/audio/")

    played = web.get(src)
    assert (played.status_code, played.mimetype, played.data) == (200, "audio/wav", memo)
    part = web.get(src, headers={"Range": "bytes=0-43"})
    assert part.status_code == 206 and part.data == memo[:44]
    assert web.get(f"/queues/tickets/{ticket['id']}/audio/unknown").status_code == 404

    web.post("/logout")
    assert web.get(src).status_code == 302


def test_the_pages_speak_english_too(web, fleet):
    kiosk = fleet.kiosk()
    counter = fleet.counter("Counter 7", "tax-square")
    sign_in(web, fleet)
    take(web, kiosk, needs=["sign-language"])
    web.post("/language", data={"lang": "en", "next": "/queues"})
    listing = page_text(web.get("/queues"))
    assert "Tax Square: 1 waiting" in listing
    web.post(f"/queues/counters/{counter}/call-next")
    page = web.get(f"/queues/counters/{counter}")
    assert '<html lang="en">' in page.text
    text = page_text(page)
    for words in ("Called T-001.", "Current ticket", "sign language", "0 of 2", "Start consultation", "Recall"):
        assert words in text, words
