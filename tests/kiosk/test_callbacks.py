"""Call-back requests taken while the server is down, delivered exactly once when it is back.

Against the real server (`madang admin serve`, SQLite), stopped and started mid-test. Crashes are simulated
by a client that raises after the server has done its part, before the store hears of it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from madang.content.errors import MadangError
from madang.kiosk.callbacks import CallbackStore, normalize_phone
from madang.kiosk.server_client import KioskApiClient, ServerUnavailable
from tests.live_server import LiveServer, staff_messages, start_live_server


class CrashError(Exception):
    """The kiosk process dies here."""


class CrashingClient:
    """The real client, but the process 'dies' right after ``step`` succeeded on the server, or the answer to
    it is lost on the way back (``lost=True``: the kiosk sees a timeout)."""

    def __init__(self, client: KioskApiClient, step: str, *, lost: bool = False) -> None:
        self.client, self.step, self.lost = client, step, lost

    def __getattr__(self, name: str):
        method = getattr(self.client, name)
        if name != self.step:
            return method

        def step(*args, **kwargs):
            method(*args, **kwargs)
            if self.lost:
                raise ServerUnavailable("the admin web did not answer within 3 s")
            raise CrashError(name)

        return step


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    """This module's own server, in place of the folder's shared one: its tests stop it, start it and leave
    tickets waiting."""
    with start_live_server(tmp_path_factory.mktemp("server")) as live:
        yield live


@pytest.fixture
def client(server) -> KioskApiClient:
    server.start()  # again, if a test stopped it
    return KioskApiClient(server.url, server.kiosk_token, timeout=10)


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "kiosk" / "callbacks.db"


@pytest.fixture
def open_store(path) -> Iterator[Callable[..., CallbackStore]]:
    """Opens the store at ``path`` (or ``where``), as the kiosk does when it starts; all closed after the test."""
    opened: list[CallbackStore] = []

    def open_store(where: Path | str = path) -> CallbackStore:
        opened.append(CallbackStore(where))
        return opened[-1]

    yield open_store
    for store in opened:
        store.close()


def tickets_for(server: LiveServer, key: str) -> list[str]:
    """The numbers of the tickets the server holds for this idempotency key."""
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT number FROM ticket WHERE idempotency_key = :key"), {"key": key})
            return [row.number for row in rows]
    finally:
        engine.dispose()


def file_bytes(path: Path) -> bytes:
    """The database file with its WAL and shared-memory files: everything SQLite left on disk."""
    return b"".join(part.read_bytes() for part in path.parent.glob(path.name + "*"))


def assert_delivered_once(server: LiveServer, store: CallbackStore, key: str, phone: str) -> None:
    request = store.get(key)
    assert request is not None and request.delivered_number is not None
    assert tickets_for(server, key) == [request.delivered_number]
    ticket_id = _ticket_id(store, key)
    chat = staff_messages(server, ticket_id)
    assert len(chat) == 1, chat
    assert chat[0]["sender"] == "citizen" and phone in chat[0]["text"] and "call-back" in chat[0]["text"]


def _closed(store: CallbackStore, path: Path) -> bytes:
    store.close()
    return file_bytes(path)


def _ticket_id(store: CallbackStore, key: str) -> str:
    with store._lock:  # the test reads the row as it is on disk
        return store._db.execute("SELECT ticket_id FROM callback_request WHERE key = ?", (key,)).fetchone()[0]


# --- the local file --------------------------------------------------------------------------------------


def test_requests_survive_reopening_the_file_oldest_first(path):
    with CallbackStore(path) as store:
        first = store.add(service_id="tax-square", lang="ko", phone="010-1234-5678")
        second = store.add(service_id="consult-120", lang="en", phone="02 123 4567", note="about my tax bill")
    assert path.exists()
    with CallbackStore(path) as again:
        assert again.pending() == [first, second]
    assert (first.phone, second.phone) == ("010-1234-5678", "02-123-4567")
    assert first.key != second.key and len(first.key) == 32
    assert first.delivered_number is None and second.note == "about my tax bill"


def test_an_in_memory_store_works_too(open_store):
    store = open_store(":memory:")
    request = store.add(service_id="documents", lang="ko", phone="01098765432")
    assert store.pending() == [request] and request.phone == "010-9876-5432"
    store.mark_delivered(request.key, "D-001")
    assert store.pending() == []
    assert store.get(request.key).delivered_number == "D-001"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("010-1234-5678", "010-1234-5678"),
        ("01012345678", "010-1234-5678"),
        ("+82 10 1234 5678", "010-1234-5678"),
        ("(02) 1234-5678", "02-1234-5678"),
        ("031-123-4567", "031-123-4567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("821012345678", "821012345678"),
    ],
)
def test_phone_numbers_are_kept_the_usual_way(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize("typed", ["", "1234", "1234567890123456", "phone me", "010-1234-567x", "010+1234+5678"])
def test_a_wrong_phone_number_is_refused_with_a_hint(typed, open_store):
    store = open_store(":memory:")
    with pytest.raises(MadangError, match="010-1234-5678"):
        store.add(service_id="tax-square", lang="ko", phone=typed)
    assert store.pending() == []


def test_a_wrong_language_or_no_service_is_refused(open_store):
    store = open_store(":memory:")
    with pytest.raises(MadangError, match="ko, en"):
        store.add(service_id="tax-square", lang="fr", phone="010-1234-5678")
    with pytest.raises(MadangError, match="service"):
        store.add(service_id=" ", lang="ko", phone="010-1234-5678")


# --- delivery ----------------------------------------------------------------------------------------------


def test_requests_taken_offline_are_delivered_once_when_the_server_is_back(server, client, path, open_store):
    server.stop()
    try:
        assert not client.is_reachable()
        store = open_store()
        one = store.add(service_id="tax-square", lang="ko", phone="010-2000-0001")
        two = store.add(service_id="consult-120", lang="en", phone="010-2000-0002", note="wheelchair user")
        assert store.deliver(client) == 0
        assert store.pending() == [one, two]
    finally:
        server.start()
    store.close()
    store = open_store()  # the kiosk restarted meanwhile
    assert store.deliver(client) == 2
    assert store.pending() == []
    assert store.deliver(client) == 0  # again: nothing more to send
    for request in (one, two):
        assert_delivered_once(server, store, request.key, request.phone)
    chat = staff_messages(server, _ticket_id(store, two.key))
    assert "wheelchair user" in chat[0]["text"]

    for stored in (file_bytes(path), _closed(store, path)):  # while the kiosk runs, and after it stopped
        for request in (one, two):
            assert request.phone.encode() not in stored
            assert request.phone.replace("-", "").encode() not in stored
        assert b"wheelchair user" not in stored
    with CallbackStore(path) as reopened:
        delivered = reopened.get(one.key)
        assert (delivered.phone, delivered.service_id) == ("", "tax-square")
        assert delivered.delivered_number == tickets_for(server, one.key)[0]
        assert delivered.note is None


@pytest.mark.parametrize(
    ("step", "lost"),
    [("take_ticket", False), ("take_ticket", True), ("send_message", False), ("send_message", True)],
)
def test_a_crash_or_a_lost_answer_never_doubles_a_ticket_or_a_message(server, client, open_store, step, lost):
    store = open_store()
    request = store.add(service_id="documents", lang="ko", phone="010-3000-0003")
    if lost:
        assert store.deliver(CrashingClient(client, step, lost=True)) == 0
    else:
        with pytest.raises(CrashError):
            store.deliver(CrashingClient(client, step))
    assert store.pending() == [request]
    store.close()

    store = open_store()  # the kiosk starts again
    assert store.deliver(client) == 1
    assert store.deliver(client) == 0
    assert_delivered_once(server, store, request.key, request.phone)
    store.close()


def test_a_refused_request_is_logged_and_kept_while_the_others_go(server, client, open_store, caplog):
    store = open_store()
    refused = store.add(service_id="no-such-service", lang="ko", phone="010-4000-0004")
    fine = store.add(service_id="tax-square", lang="ko", phone="010-4000-0005")
    with caplog.at_level(logging.WARNING, logger="madang.kiosk.callbacks"):
        assert store.deliver(client) == 1
    assert store.pending() == [refused]
    assert refused.key in caplog.text and "no-such-service" in caplog.text
    assert_delivered_once(server, store, fine.key, fine.phone)
    assert tickets_for(server, refused.key) == []
    assert store.deliver(client) == 0 and store.pending() == [refused]  # kept, never dropped
    store.close()


def test_two_deliveries_at_once_send_each_request_once(server, client, open_store):
    store = open_store()
    requests = [store.add(service_id="youth-counsel", lang="ko", phone=f"010-5000-000{n}") for n in range(4)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(store.deliver(client))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(counts) == [0, 4]
    for request in requests:
        assert_delivered_once(server, store, request.key, request.phone)
    store.close()


def test_delivery_stops_at_the_first_unavailable_answer(server, client, open_store):
    store = open_store()
    first = store.add(service_id="tax-square", lang="ko", phone="010-6000-0006")
    second = store.add(service_id="tax-square", lang="ko", phone="010-6000-0007")
    calls: list[str] = []

    class GoesDownAfterOne:
        def __getattr__(self, name):
            def call(*args, **kwargs):
                calls.append(name)
                if len([c for c in calls if c == "take_ticket"]) > 1:
                    raise ServerUnavailable("the admin web does not answer")
                return getattr(client, name)(*args, **kwargs)

            return call

    assert store.deliver(GoesDownAfterOne()) == 1
    assert store.pending() == [second]
    assert calls.count("take_ticket") == 2  # it did not go on after the failure
    assert_delivered_once(server, store, first.key, first.phone)
    store.close()
