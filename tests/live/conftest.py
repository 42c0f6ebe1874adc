"""Live-channel fixtures: one real admin server (`madang admin serve`) for the folder, each test leaving its
queue empty, and tickets taken as a kiosk takes them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from madang.kiosk.api_types import TicketInfo
from madang.kiosk.server_client import KioskApiClient
from tests.live_server import LiveServer, running, server_rows, staff_action, start_live_server


@pytest.fixture(scope="package")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    with start_live_server(tmp_path_factory.mktemp("live-server")) as live:
        yield live


@pytest.fixture
def server(live_server) -> Iterator[LiveServer]:
    """The server, running, with an empty queue after the test."""
    yield from running(live_server)
    for ticket_id, status in server_rows(live_server, "SELECT id, status FROM ticket WHERE status NOT IN " + CLOSED):
        if status == "in_consultation":
            staff_action(live_server, ticket_id, "finish", {"note": "closed by the test"})
        else:
            kiosk_client(live_server).cancel(ticket_id)


CLOSED = "('done', 'no_show', 'cancelled')"


def event_ids(live: LiveServer, ticket_id: str) -> list[str]:
    """Every numbered event the server holds for the ticket, in order, as the stream sends their ids."""
    found = server_rows(live, "SELECT id FROM ticket_event WHERE ticket_id = :id ORDER BY id", id=ticket_id)
    return [str(row[0]) for row in found]


def kiosk_client(live: LiveServer) -> KioskApiClient:
    return KioskApiClient(live.url, live.kiosk_token, timeout=10)


def take_ticket(live: LiveServer, service_id: str = "consult-120") -> TicketInfo:
    return kiosk_client(live).take_ticket(service_id=service_id, lang="ko", needs=[], idempotency_key=str(uuid.uuid4()))
