"""Every service journey, by touch, by the keypad alone and by speech alone, against the real admin server.

The counselor's side goes through the kiosk API with a staff token, as the staff web does; what the server
holds (tickets, chat, ratings, voice memos) is read back the way staff would see it.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from madang.content.checks import validate_pack
from madang.content.cli import SHIPPED_PACK
from tests.live_server import (
    COUNTER_NAME,
    LiveServer,
    staff_action,
    staff_call_next,
    staff_message,
    staff_messages,
    staff_request,
)

from .conftest import (
    TICKET_NUMBER,
    Citizen,
    make_wav,
    rating_of,
    said,
    screen_text,
    server_rows,
    staff_download,
    tick_until,
)
from .driver import KioskDriver

CONSULTATIONS = ("consult-120", "tax-square", "business-support", "youth-counsel", "invest-seoul", "fintech-lab")
PACK = validate_pack(SHIPPED_PACK)[0].pack


def ticket_on_server(server: LiveServer, ticket_id: str) -> dict:
    status, ticket = staff_request(server, "GET", f"/tickets/{ticket_id}")
    assert status == 200, ticket
    return ticket


# --- consultations -------------------------------------------------------------------------------------------


def take_ticket(server: LiveServer, citizen: Citizen, service_id: str) -> dict:
    """Home to a ticket for ``service_id``, with a need and English chosen; the kiosk's ticket event."""
    kiosk = citizen.kiosk
    assert kiosk.screen_id == "home"
    citizen.choose(f"service:{service_id}")
    assert kiosk.screen_id == f"service:{service_id}"
    citizen.choose("consult")
    assert kiosk.screen_id == "ticket:confirm"
    citizen.choose("need:wheelchair")
    assert kiosk.element("need:wheelchair")["selected"] is True
    citizen.choose("consult-language")
    assert "영어" in kiosk.element("consult-language")["label"]

    events = citizen.choose("yes")
    assert kiosk.screen_id == "ticket:waiting"
    ticket = next(event for event in events if event["type"] == "ticket")
    assert TICKET_NUMBER.match(ticket["number"]), ticket
    assert ticket["status"] == "waiting" and ticket["position"] == 1
    assert isinstance(ticket["estimated_wait_s"], int) and ticket["estimated_wait_s"] >= 0
    assert kiosk.element("ticket-number")["label"] == ticket["number"]
    assert ticket["number"] in said(events)
    on_server = ticket_on_server(server, ticket["id"])
    assert (on_server["number"], on_server["service_id"]) == (ticket["number"], service_id)
    assert (on_server["lang"], on_server["needs"]) == ("en", ["wheelchair"])
    return ticket


def be_called(server: LiveServer, kiosk: KioskDriver, ticket: dict) -> None:
    """The counselor calls the ticket: the kiosk says and shows it, and says it again while the citizen comes."""
    called = staff_call_next(server)
    assert called is not None and called["id"] == ticket["id"]
    tick_until(kiosk, lambda events: ticket["number"] in said(events))
    assert COUNTER_NAME in kiosk.element("ticket-status")["label"]
    assert kiosk.last("ticket")["status"] == "called"
    again = tick_until(kiosk, lambda events: ticket["number"] in said(events), step=5, limit=40)
    assert COUNTER_NAME in said(again)


def converse(server: LiveServer, citizen: Citizen, ticket: dict, tag: str) -> None:
    """The consultation: a staff message shown and read aloud, a quick reply and a typed reply to the staff."""
    kiosk = citizen.kiosk
    staff_action(server, ticket["id"], "start")
    tick_until(kiosk, lambda events: kiosk.screen_id == "consultation")
    staff_says = f"안녕하세요, {tag} 상담원입니다."
    staff_message(server, ticket["id"], staff_says)
    tick_until(kiosk, lambda events: staff_says in said(events))
    assert staff_says in screen_text(kiosk)

    quick = kiosk.element("quick:ok")["label"]
    citizen.choose("quick:ok")
    typed = f"{tag}: 자동차세 고지서가 두 번 왔어요"
    citizen.write("reply-text", typed)
    assert kiosk.element("reply-text")["value"] == typed
    citizen.choose("send")
    chat = [(m["sender"], m["kind"], m["text"]) for m in staff_messages(server, ticket["id"])]
    assert chat == [("staff", "text", staff_says), ("citizen", "quick", quick), ("citizen", "text", typed)]
    assert kiosk.element("reply-text")["value"] in ("", None)


def rate_and_finish(server: LiveServer, citizen: Citizen, ticket: dict) -> None:
    kiosk = citizen.kiosk
    staff_action(server, ticket["id"], "finish", {"note": "답변 완료"})
    tick_until(kiosk, lambda events: kiosk.element("rate:4") is not None)
    assert kiosk.last("ticket")["status"] == "done"
    citizen.choose("rate:4")
    assert rating_of(server, ticket["id"]) == 4
    assert kiosk.element("rate:4")["selected"] is True

    events = citizen.choose("finish")
    assert {"type": "session", "event": "ended"} in events
    assert kiosk.screen_id == "home"


def consult(server: LiveServer, kiosk: KioskDriver, modality: str, service_id: str) -> None:
    """Home to a finished, rated consultation, and the session ended."""
    citizen = Citizen(kiosk, modality)
    ticket = take_ticket(server, citizen, service_id)
    be_called(server, kiosk, ticket)
    converse(server, citizen, ticket, f"{service_id} {modality}")
    rate_and_finish(server, citizen, ticket)


@pytest.mark.parametrize("service_id", CONSULTATIONS)
def test_a_consultation_from_home_to_rating(server, open_kiosk, modality, service_id):
    consult(server, open_kiosk(server), modality, service_id)


def test_a_consultation_on_postgresql(postgres_server, open_kiosk, modality):
    consult(postgres_server, open_kiosk(postgres_server), modality, "consult-120")


# --- documents and the Mayor's Office ------------------------------------------------------------------------


def test_a_document_ticket_carries_the_document_to_the_counter(server, open_kiosk, modality):
    kiosk = open_kiosk(server)
    citizen = Citizen(kiosk, modality)
    document = PACK.get("document", "family-relation-certificate")
    citizen.choose("service:documents")
    citizen.choose(f"document:{document.id}")
    assert kiosk.screen_id == f"document:{document.id}"
    assert document.bring.get("ko") in screen_text(kiosk)
    citizen.choose("request-document")
    assert kiosk.screen_id == "ticket:confirm"
    assert document.name.get("ko") in screen_text(kiosk)

    events = citizen.choose("yes")
    ticket = next(event for event in events if event["type"] == "ticket")
    assert TICKET_NUMBER.match(ticket["number"]) and kiosk.screen_id == "ticket:waiting"
    assert ticket_on_server(server, ticket["id"])["service_id"] == "documents"
    chat = staff_messages(server, ticket["id"])
    assert any(document.name.get("ko") in message["text"] for message in chat), chat

    citizen.choose("cancel-ticket")  # the citizen changes their mind: the ticket leaves the line
    assert ticket_on_server(server, ticket["id"])["status"] == "cancelled"
    assert kiosk.last("ticket")["status"] == "cancelled"


def proposal_ticket(server: LiveServer, number: str) -> dict:
    """The Mayor's Office ticket with this receipt number, as the staff see it."""
    rows = server_rows(
        server, "SELECT id FROM ticket WHERE service_id = 'mayor-office' AND number = :number", number=number
    )
    assert len(rows) == 1, rows
    return ticket_on_server(server, rows[0][0])


def receipt_number(kiosk: KioskDriver, events: list[dict]) -> str:
    assert kiosk.screen_id == "proposal:receipt", kiosk.screen_id
    found = re.search(r"[A-Z]-\d{3}", screen_text(kiosk))
    assert found, screen_text(kiosk)
    assert found.group() in said(events)
    return found.group()


def test_a_typed_proposal_gets_the_servers_receipt_number(server, open_kiosk, modality):
    kiosk = open_kiosk(server)
    citizen = Citizen(kiosk, modality)
    proposal = f"광화문광장에 그늘막을 더 설치해 주세요 ({modality})"
    citizen.choose("service:mayor-office")
    citizen.choose("propose")
    assert kiosk.screen_id == "proposal"
    citizen.write("proposal-text", proposal)
    citizen.choose("send")
    assert kiosk.screen_id == "proposal:confirm" and proposal in screen_text(kiosk)
    events = citizen.choose("yes")

    ticket = proposal_ticket(server, receipt_number(kiosk, events))
    texts = [message["text"] for message in staff_messages(server, ticket["id"])]
    assert len(texts) == 1 and proposal in texts[0]


def test_a_voice_memo_proposal_reaches_the_server_as_audio(server, open_kiosk, modality, tmp_path):
    kiosk = open_kiosk(server)
    citizen = Citizen(kiosk, modality)
    memo = make_wav(tmp_path / "memo.wav")
    citizen.choose("service:mayor-office")
    citizen.choose("propose")
    citizen.choose("record-memo")
    assert kiosk.errors(kiosk.send(type="audio", path=str(memo))) == []
    assert kiosk.element("memo") is not None  # "a voice memo has been recorded"
    citizen.choose("send")
    events = citizen.choose("yes")

    ticket = proposal_ticket(server, receipt_number(kiosk, events))
    chat = staff_messages(server, ticket["id"])
    assert [message["kind"] for message in chat] == ["audio"]
    assert staff_download(server, chat[0]["audio_url"]) == memo.read_bytes()


# --- information: taxes, the tour, reading -------------------------------------------------------------------


def test_in_june_the_automobile_tax_is_due(server, open_kiosk, modality):
    kiosk = open_kiosk(server)  # the driver's day is 2026-06-15
    citizen = Citizen(kiosk, modality)
    citizen.choose("service:tax-square")
    assert "자동차세" in kiosk.element("due-this-month")["label"]
    citizen.choose("tax:automobile-tax")
    assert kiosk.element("due-now") is not None
    events = citizen.choose("read-aloud")
    assert kiosk.element("due-now")["label"] in said(events)


@pytest.mark.parametrize(
    ("day", "due", "not_due"), [("2026-07-10", "재산세", "자동차세"), ("2026-03-02", None, "자동차세")]
)
def test_in_another_month_another_answer(server, open_kiosk, day, due, not_due):
    kiosk = open_kiosk(server, now=datetime.fromisoformat(day + "T10:00:00+09:00"))
    kiosk.touch("service:tax-square")
    status = kiosk.element("due-this-month")["label"]
    assert not_due not in status
    if due:
        assert due in status
    else:
        assert not any(tax.name.get("ko") in status for tax in PACK.taxes)
    kiosk.touch_anywhere("tax:automobile-tax")
    assert kiosk.element("due-now") is None


def read_item(kiosk: KioskDriver, citizen: Citizen, kind: str, item) -> None:
    citizen.choose(f"{kind}:{item.id}")
    assert kiosk.screen_id == f"{kind}:{item.id}"
    description = item.audio_description.get("ko").strip()
    assert kiosk.element("audio-description")["label"].strip() == description
    events = citizen.choose("read-aloud")
    assert description in said(events)
    assert item.name.get("ko") in said(events)


def test_every_landmark_and_the_festival_on_the_tour(server, open_kiosk, modality):
    kiosk = open_kiosk(server)
    citizen = Citizen(kiosk, modality)
    items = [("landmark", item) for item in PACK.items("landmark")] + [("event", PACK.get("event", "lantern-festival"))]
    assert len(items) == 5
    for kind, item in items:
        citizen.choose("home")
        citizen.choose("service:tour")
        read_item(kiosk, citizen, kind, item)


def test_reading_plaza_lists_its_readables_and_reads_them_aloud(server, open_kiosk, modality):
    kiosk = open_kiosk(server)
    citizen = Citizen(kiosk, modality)
    readables = [("landmark", item) for item in PACK.items("landmark")] + [
        ("event", item) for item in PACK.items("event")
    ]
    citizen.choose("service:reading-plaza")
    assert kiosk.element("readables") is not None
    listed = [f"{kind}:{item.id}" for kind, item in readables]
    assert set(listed) <= set(kiosk.ids())
    for kind, item in readables:
        read_item(kiosk, citizen, kind, item)
        citizen.choose("back")
        assert kiosk.screen_id == "service:reading-plaza"
