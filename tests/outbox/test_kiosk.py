"""What a kiosk sends goes through its outbox: told "saved" when the server is down, delivered once when it is back.

The kiosk's services as `madang kiosk` builds them (``KioskServices.open`` on a data folder, the outbox's worker
thread delivering in the background), and the proposal flow driven through the headless protocol, against the
real server stopped and started mid-test.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from madang.kiosk.api_types import SavedForLater, ServerUnavailable
from madang.kiosk.callbacks import callback_text
from madang.kiosk.outbox import MAX_DELAY_S
from madang.kiosk.server_client import KioskApiClient
from madang.kiosk.services import KioskServices
from tests.kiosk.driver import KioskDriver
from tests.live_server import LiveServer

from .conftest import WAV, chat_of, file_bytes, server_rows, tickets_for
from .test_delivery import LosingClient

TICKET_NUMBER = re.compile(r"[A-Z]-\d{3}")


@pytest.fixture
def open_services(tmp_path) -> Iterator[Callable[..., KioskServices]]:
    """A kiosk's services on its data folder (``tmp_path``/kiosk), as `madang kiosk` opens them; closed after."""
    opened: list[KioskServices] = []

    def open_services(server: LiveServer | KioskApiClient, data_dir: Path = tmp_path / "kiosk") -> KioskServices:
        """On ``server``, or through the client given (one of a server that is not there: a network down)."""
        client = server if isinstance(server, KioskApiClient) else KioskApiClient(server.url, server.kiosk_token)
        opened.append(KioskServices.open(client, data_dir))
        return opened[-1]

    yield open_services
    for services in opened:
        services.close()


def wait_until(done: Callable[[], bool], *, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not done():
        assert time.monotonic() < deadline, "it did not happen in time"
        time.sleep(0.05)


def test_messages_and_memos_kept_offline_arrive_once_when_the_server_is_back(server, open_services):
    services = open_services(server)
    services.start_delivery()
    ticket = services.take_ticket(service_id="consult-120", lang="ko", needs=[], key="offline-chat", note=None)
    sent = services.send_message(ticket.id, "안녕하세요")
    assert sent.text == "안녕하세요" and sent.id > 0  # delivered at once: the server's message
    server.stop()
    with pytest.raises(SavedForLater):
        services.send_message(ticket.id, "연결이 끊겼어요", kind="text")
    with pytest.raises(SavedForLater) as saved:
        services.send_audio(ticket.id, WAV)
    assert isinstance(saved.value, ServerUnavailable)  # a flow that knows only ServerUnavailable stays safe
    assert services.outbox.backlog().count == 2
    server.start()
    wait_until(lambda: services.outbox.backlog().count == 0)  # the worker, when the backoff is over
    assert chat_of(server, ticket.id) == [("text", "안녕하세요"), ("text", "연결이 끊겼어요"), ("audio", "")]


def test_a_ticket_that_cannot_be_issued_now_is_withdrawn_and_ends_cancelled(server, open_services, nowhere):
    services = open_services(nowhere)
    with pytest.raises(ServerUnavailable) as unavailable:
        services.take_ticket(service_id="documents", lang="ko", needs=[], key="left-the-kiosk", note="등본")
    assert not isinstance(unavailable.value, SavedForLater)  # no number now, and none kept for later
    [withdrawn] = services.outbox.pending()  # its note is dropped with it
    assert withdrawn.key == "left-the-kiosk" and withdrawn.withdrawn
    services.close()
    services = open_services(server)  # restarted, with the network back
    lost = LosingClient(services.client, "cancel")  # taken, then the answer to the cancel is lost
    assert services.outbox.deliver(lost, now=time.time() + MAX_DELAY_S).unavailable is not None
    assert services.outbox.get("left-the-kiosk").state == "pending"  # so it is sent again: taken, cancelled again
    services.outbox.deliver(services.client, now=time.time() + 3 * MAX_DELAY_S)
    assert services.outbox.get("left-the-kiosk").result["status"] == "cancelled"
    [(number, status)] = tickets_for(server, "left-the-kiosk")
    assert status == "cancelled" and TICKET_NUMBER.fullmatch(number)
    ticket_id = services.outbox.get("left-the-kiosk").ticket_id
    assert chat_of(server, ticket_id) == []  # the note went with the withdrawn request


def test_a_call_back_is_delivered_once_and_its_phone_number_erased(server, open_services, tmp_path, nowhere):
    path = tmp_path / "kiosk" / "outbox.db"
    services = open_services(nowhere)
    services.request_callback(service_id="tax-square", lang="ko", phone="010 7000 0007")
    [kept] = services.outbox.pending("callback")
    assert kept.payload["phone"] == "010-7000-0007" and kept.attempts == 1  # tried at once, in vain
    services.close()

    services = open_services(server)  # restarted, with the network back
    lost = LosingClient(services.client, "send_message")  # the phone number reached the staff; the answer did not
    assert services.outbox.deliver(lost, now=time.time() + MAX_DELAY_S).unavailable is not None
    services.outbox.deliver(services.client, now=time.time() + 3 * MAX_DELAY_S)
    assert services.outbox.pending() == []
    [(number, status)] = tickets_for(server, kept.key)
    delivered = services.outbox.get(kept.key)
    assert delivered.result["number"] == number and status == "waiting"
    chat = chat_of(server, delivered.ticket_id)
    assert len(chat) == 1 and "010-7000-0007" in chat[0][1] and "call-back" in chat[0][1]
    assert "phone" not in delivered.payload
    for stored in (file_bytes(path), (services.close(), file_bytes(path))[1]):  # running, and after it stopped
        assert b"010-7000-0007" not in stored and b"01070000007" not in stored


def test_call_back_requests_an_older_kiosk_kept_are_moved_and_sent_once(server, open_services, tmp_path):
    data = tmp_path / "kiosk"
    data.mkdir()
    client = KioskApiClient(server.url, server.kiosk_token, timeout=10)
    old = sqlite3.connect(data / "callbacks.db")
    old.execute(
        "CREATE TABLE callback_request (key TEXT PRIMARY KEY, service_id TEXT NOT NULL, lang TEXT NOT NULL,"
        " phone TEXT, note TEXT, created_at TEXT NOT NULL, ticket_id TEXT, ticket_number TEXT,"
        " message_tried_at TEXT, delivered_at TEXT)"
    )
    # one never tried; one whose message the older kiosk sent without a key, before it stopped
    created = "2026-11-30T01:00:00+00:00"
    tried = client.take_ticket(service_id="consult-120", lang="ko", needs=[], idempotency_key="old-tried")
    client.send_message(tried.id, callback_text("010-8000-0002", None, created))
    old.executemany(
        "INSERT INTO callback_request (key, service_id, lang, phone, created_at, ticket_id, message_tried_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ("old-new", "tax-square", "ko", "010-8000-0001", created, None, None),
            ("old-tried", "consult-120", "ko", "010-8000-0002", created, tried.id, created),
        ],
    )
    old.commit()
    old.close()

    services = open_services(server, data)
    assert not (data / "callbacks.db").exists()
    assert [record.key for record in services.outbox.pending("callback")] == ["old-new", "old-tried"]
    assert services.outbox.deliver(services.client).delivered == 2
    for key, phone in (("old-new", "010-8000-0001"), ("old-tried", "010-8000-0002")):
        assert len(tickets_for(server, key)) == 1
        chat = chat_of(server, services.outbox.get(key).ticket_id)
        assert len(chat) == 1 and phone in chat[0][1]


def proposal_screen(kiosk: KioskDriver, text: str) -> list[dict]:
    kiosk.touch("service:mayor-office")
    kiosk.touch_anywhere("propose")
    kiosk.touch_anywhere("proposal-text")
    kiosk.type_text(text)
    kiosk.touch_anywhere("send")
    assert kiosk.screen_id == "proposal:confirm"
    return kiosk.touch_anywhere("yes")


def test_a_proposal_made_offline_is_kept_without_a_number_and_sent_once_later(server, tmp_path):
    kiosk = KioskDriver.build(tmp_path / "kiosk", server=server.url, token=server.kiosk_token)
    try:
        server.stop()
        events = proposal_screen(kiosk, "덕수궁 돌담길에 쉼터를 만들어 주세요")
        assert kiosk.screen_id == "proposal:saved"
        shown = " ".join([kiosk.screen["title"], *(element["label"] for element in kiosk.screen["elements"])])
        assert "저장" in shown and "접수 번호를 드릴 수 없습니다" in shown
        spoken = " ".join(kiosk.spoken(events))
        assert not TICKET_NUMBER.search(shown) and not TICKET_NUMBER.search(spoken)
        assert kiosk.last("ticket") is None

        server.start()
        services = kiosk.kiosk.services  # no worker in this build: the core retries every 30 s of its clock
        wait_until(lambda: not kiosk.tick(30) and services.outbox.backlog().count == 0)
        rows = server_rows(
            server,
            "SELECT message.text FROM message JOIN ticket ON ticket.id = message.ticket_id"
            " WHERE ticket.service_id = 'mayor-office' AND message.text LIKE :text",
            text="%덕수궁 돌담길%",
        )
        assert len(rows) == 1
    finally:
        kiosk.kiosk.services.close()
