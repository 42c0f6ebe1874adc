"""The kiosk's API client against the real server (`madang admin serve`), and against servers that fail.

One server per module, on SQLite (plus one smoke test on PostgreSQL). Every failure must reach the kiosk as
ServerRefused (the API said no, with its status, code and detail) or ServerUnavailable (no answer, a
timeout, a server error or something that is not the API), never as a raw urllib or socket exception.
"""

from __future__ import annotations

import http.server
import re
import socket
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from madang.content.errors import MadangError
from madang.kiosk.server_client import ChatMessage, KioskApiClient, ServerRefused, ServerUnavailable, TicketInfo
from tests.live_server import (
    COUNTER_NAME,
    LiveServer,
    postgres_database_url,
    staff_action,
    staff_call_next,
    staff_message,
    start_live_server,
)

WAV = b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00"


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


def take(client: KioskApiClient, service_id: str = "tax-square", **fields) -> TicketInfo:
    fields = {"lang": "ko", "needs": [], "idempotency_key": uuid.uuid4().hex, **fields}
    return client.take_ticket(service_id=service_id, **fields)


def call_ticket(server: LiveServer, ticket_id: str) -> dict:
    """Calls next until ``ticket_id`` is called; tickets that other tests left waiting are served first."""
    while True:
        called = staff_call_next(server)
        assert called is not None, f"{ticket_id} was never called"
        if called["id"] == ticket_id:
            return called
        staff_action(server, called["id"], "start")
        staff_action(server, called["id"], "finish")


# --- tickets ---------------------------------------------------------------------------------------------


def test_the_same_key_gives_one_ticket_with_its_place_and_wait(client):
    key = uuid.uuid4().hex
    first = take(client, idempotency_key=key)
    again = take(client, idempotency_key=key)
    other = take(client)
    assert again == first
    assert other.id != first.id and other.number != first.number
    assert first.service_id == "tax-square" and first.status == "waiting"
    assert isinstance(first.position, int) and first.position >= 1
    assert other.position == first.position + 1
    assert isinstance(first.estimated_wait_s, int) and first.estimated_wait_s >= 0
    assert first.counter is None and first.recalls == 0
    assert client.ticket(first.id) == first


def test_a_called_ticket_shows_its_counter_and_the_chat_runs_both_ways(server, client):
    ticket = take(client, "consult-120", lang="en", needs=[])
    call_ticket(server, ticket.id)
    called = client.ticket(ticket.id)
    assert (called.status, called.counter, called.position) == ("called", COUNTER_NAME, None)

    staff_message(server, ticket.id, "창구 1로 오세요 / please come to counter 1")
    sent = client.send_message(ticket.id, "가고 있어요")
    quick = client.send_message(ticket.id, "네", kind="quick")
    chat = client.messages(ticket.id)
    assert [(m.sender, m.kind, m.text) for m in chat] == [
        ("staff", "text", "창구 1로 오세요 / please come to counter 1"),
        ("citizen", "text", "가고 있어요"),
        ("citizen", "quick", "네"),
    ]
    assert chat[1:] == [sent, quick]
    assert all(isinstance(m, ChatMessage) and m.at and m.audio_url is None for m in chat)

    with pytest.raises(ServerRefused) as early:
        client.rate(ticket.id, 5)
    assert early.value.status == 409
    staff_action(server, ticket.id, "start")
    staff_action(server, ticket.id, "finish", {"note": "done"})
    rated = client.rate(ticket.id, 4)
    assert rated.status == "done" and rated.counter is None
    with pytest.raises(ServerRefused) as closed:
        client.send_message(ticket.id, "one more thing")
    assert closed.value.status == 409 and "closed" in closed.value.detail


def test_a_voice_memo_reaches_the_staff(server, client):
    ticket = take(client, "documents")
    memo = client.send_audio(ticket.id, WAV)
    assert (memo.sender, memo.kind, memo.text) == ("citizen", "audio", "")
    assert memo.audio_url and memo.audio_url.startswith("/api/v1/tickets/")
    request = urllib.request.Request(
        server.url + memo.audio_url, headers={"Authorization": f"Bearer {server.staff_token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == WAV
        assert response.headers.get_content_type() == "audio/wav"
    assert client.messages(ticket.id) == [memo]

    with pytest.raises(ServerRefused) as wrong_type:
        client.send_audio(ticket.id, b"not audio", content_type="text/plain")
    assert (wrong_type.value.status, wrong_type.value.code) == (422, "invalid")
    client.cancel(ticket.id)


def test_cancel_takes_the_ticket_out_of_the_line(client):
    ticket = take(client, "youth-counsel")
    behind = take(client, "youth-counsel")
    cancelled = client.cancel(ticket.id)
    assert (cancelled.id, cancelled.status, cancelled.position) == (ticket.id, "cancelled", None)
    assert client.ticket(behind.id).position == behind.position - 1
    again = client.cancel(ticket.id)  # a retry after a lost answer: the ticket as it is, not an error
    assert (again.id, again.status, again.position) == (ticket.id, "cancelled", None)
    client.cancel(behind.id)


def test_the_api_refusals_keep_their_status_code_and_detail(server, client):
    with pytest.raises(ServerRefused) as unknown:
        client.ticket("no-such-ticket")
    assert (unknown.value.status, unknown.value.code) == (404, "not_found")
    assert "no-such-ticket" in unknown.value.detail
    assert unknown.value.detail in str(unknown.value)
    assert isinstance(unknown.value, MadangError)

    with pytest.raises(ServerRefused) as odd_id:  # quoted into one path segment, never a path of its own
        client.ticket("../../openapi.json")
    assert odd_id.value.status == 404

    with pytest.raises(ServerRefused) as no_service:
        take(client, "no-such-service")
    assert no_service.value.status == 404

    with pytest.raises(ServerRefused) as invalid:
        take(client, lang="fr")
    assert (invalid.value.status, invalid.value.code) == (422, "invalid")
    assert "lang" in invalid.value.detail

    with pytest.raises(ServerRefused) as bad_rating:
        client.rate(take(client).id, 6)
    assert bad_rating.value.status == 422

    staff = KioskApiClient(server.url, server.staff_token)
    with pytest.raises(ServerRefused) as forbidden:
        take(staff)
    assert forbidden.value.status == 403


def test_an_unknown_token_is_refused_and_the_server_counts_as_unreachable(server, client):
    stranger = KioskApiClient(server.url, "not-a-real-token")
    with pytest.raises(ServerRefused) as refused:
        take(stranger)
    assert (refused.value.status, refused.value.code) == (401, "unauthorized")
    assert "madang admin create-kiosk" in str(refused.value)
    assert not stranger.is_reachable()
    assert client.is_reachable()


def test_heartbeat_records_the_kiosks_versions_and_health(server, client):
    client.heartbeat(app_version="1.2.3", content_version=1, health={"printer": "ok", "disk_free_mb": 812})
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT app_version, content_version, health, last_seen_at FROM kiosk WHERE name = 'test-kiosk'")
            ).one()
    finally:
        engine.dispose()
    assert (row.app_version, row.content_version) == ("1.2.3", 1)
    assert '"printer": "ok"' in row.health and row.last_seen_at is not None
    client.heartbeat()  # nothing to report is fine too
    with pytest.raises(ServerRefused) as invalid:
        client.heartbeat(content_version=-1)
    assert invalid.value.status == 422


# --- the server down, or not the API ---------------------------------------------------------------------


def test_a_stopped_server_is_unavailable_with_a_clear_message(server, client):
    ticket = take(client)
    server.stop()
    try:
        assert not client.is_reachable()
        for call in (lambda: client.ticket(ticket.id), lambda: take(client), client.heartbeat):
            with pytest.raises(ServerUnavailable) as down:
                call()
            message = str(down.value)
            assert server.url in message and "madang admin serve" in message
            assert down.value.__cause__ is None and down.value.__suppress_context__
    finally:
        server.start()
    assert client.is_reachable()
    assert client.ticket(ticket.id).id == ticket.id
    client.cancel(ticket.id)


@contextmanager
def fake_server(status: int, content_type: str, body: bytes, headers: dict | None = None) -> Iterator[str]:
    """An HTTP server that answers every request the same way: not the kiosk API."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer  # noqa: N815 - http.server's names

        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    ("status", "content_type", "body", "headers", "says"),
    [
        (200, "text/html", b"<html>router login</html>", None, "not JSON"),
        (404, "text/html", b"<html>Not Found</html>", None, "HTTP 404"),
        (200, "application/json", b'{"unexpected": true}', None, "not a TicketInfo"),
        (200, "application/json", b"{not json", None, "not JSON"),
        (302, "text/html", b"", {"Location": "https://elsewhere.example/"}, "redirected"),
        (500, "application/json", b'{"error": "internal_server_error", "detail": "boom"}', None, "boom"),
        (503, "text/plain", b"maintenance", None, "HTTP 503"),
    ],
)
def test_an_answer_that_is_not_the_api_is_unavailable(status, content_type, body, headers, says):
    with fake_server(status, content_type, body, headers) as url:
        client = KioskApiClient(url, "token", timeout=5)
        with pytest.raises(ServerUnavailable) as error:
            client.ticket("abc")
        assert says in str(error.value) and url in str(error.value)
        assert not client.is_reachable()


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listener:  # accepts connections in the kernel, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        client = KioskApiClient(f"http://127.0.0.1:{listener.getsockname()[1]}", "token", timeout=0.3)
        with pytest.raises(ServerUnavailable) as slow:
            client.ticket("abc")
        assert "did not answer" in str(slow.value) and "0.3 s" in str(slow.value)
        assert not client.is_reachable(timeout=0.2)


def test_a_wrong_address_or_token_is_a_clear_error():
    for url in ("127.0.0.1:8080", "ftp://example.org", "http://"):
        with pytest.raises(MadangError, match=re.escape("http://127.0.0.1:8080")):
            KioskApiClient(url, "token")
    for token in ("", "two words", "line\nbreak"):
        with pytest.raises(MadangError, match="create-kiosk"):
            KioskApiClient("http://127.0.0.1:8080", token)
    client = KioskApiClient("http://127.0.0.1:8080/", "secret-token")
    assert client.base_url == "http://127.0.0.1:8080"
    assert "secret-token" not in repr(client)


# --- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_on_postgresql_one_ticket_per_key_and_the_chat_work(tmp_path):
    with postgres_database_url() as url, start_live_server(tmp_path / "pg", database_url=url) as pg:
        client = KioskApiClient(pg.url, pg.kiosk_token, timeout=10)
        key = uuid.uuid4().hex
        ticket = take(client, idempotency_key=key)
        assert take(client, idempotency_key=key) == ticket
        assert ticket.position == 1
        assert staff_call_next(pg)["id"] == ticket.id
        assert client.ticket(ticket.id).counter == COUNTER_NAME
        staff_message(pg, ticket.id, "hello")
        client.send_audio(ticket.id, WAV)
        assert [(m.sender, m.kind) for m in client.messages(ticket.id)] == [("staff", "text"), ("citizen", "audio")]
        pg.stop()
        with pytest.raises(ServerUnavailable):
            client.ticket(ticket.id)
