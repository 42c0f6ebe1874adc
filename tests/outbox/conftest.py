"""Outbox fixtures: one real admin server (`madang admin serve`, SQLite) for the folder, and kiosk outboxes.

Tests stop and start the server (``LiveServer.stop()`` / ``start()``) to see what a kiosk does offline; the
``server`` fixture starts it again before each test. Each test takes its own tickets and reads the server's
database as the staff would see it, so tests share the server without seeing each other's records.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from madang.kiosk.outbox import Outbox
from madang.kiosk.server_client import KioskApiClient
from tests.live_server import LiveServer, running, server_rows, start_live_server

WAV = b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00"


@pytest.fixture(scope="package")
def outbox_server(tmp_path_factory) -> Iterator[LiveServer]:
    with start_live_server(tmp_path_factory.mktemp("outbox-server")) as live:
        yield live


@pytest.fixture
def server(outbox_server) -> Iterator[LiveServer]:
    """The server, running (again, if a test stopped it)."""
    yield from running(outbox_server)


@pytest.fixture
def client(server) -> KioskApiClient:
    return KioskApiClient(server.url, server.kiosk_token, timeout=10)


@pytest.fixture
def nowhere() -> KioskApiClient:
    """A client of a server that is not there: every call is refused a connection at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return KioskApiClient(f"http://127.0.0.1:{port}", "no-such-token", timeout=2)


@pytest.fixture
def open_outbox(tmp_path) -> Iterator[Callable[..., Outbox]]:
    """Opens the outbox file of a kiosk (``tmp_path``/kiosk/outbox.db by default), as the kiosk does when it
    starts; all closed after the test."""
    opened: list[Outbox] = []

    def open_outbox(path: Path | str = tmp_path / "kiosk" / "outbox.db", **options) -> Outbox:
        opened.append(Outbox(path, **options))
        return opened[-1]

    yield open_outbox
    for outbox in opened:
        outbox.close()


def tickets_for(live: LiveServer, key: str) -> list[tuple[str, str]]:
    """(number, status) of every ticket the server holds for this idempotency key."""
    rows = server_rows(live, "SELECT number, status FROM ticket WHERE idempotency_key = :key", key=key)
    return [(row.number, row.status) for row in rows]


def chat_of(live: LiveServer, ticket_id: str) -> list[tuple[str, str]]:
    """(kind, text) of the ticket's messages, in the order the server stored them."""
    rows = server_rows(live, "SELECT kind, text FROM message WHERE ticket_id = :id ORDER BY id", id=ticket_id)
    return [(row.kind, row.text) for row in rows]


def file_bytes(path: Path) -> bytes:
    """The database file with its WAL and shared-memory files: everything SQLite left on disk."""
    return b"".join(part.read_bytes() for part in path.parent.glob(path.name + "*"))
