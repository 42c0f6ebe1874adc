"""16 clerks call the next ticket at once, 1,000 tickets waiting, on SQLite and PostgreSQL.

In one process (16 threads, each with its own counter, calling the queue service in write transactions as
the API does) and through the real server (`madang admin serve --workers 3`, 16 client threads with staff
tokens over HTTP), every ticket must be called exactly once and none skipped: the atomic claim is FOR UPDATE
SKIP LOCKED on PostgreSQL and BEGIN IMMEDIATE on SQLite. On SQLite, where writers take turns, the line is
also called exactly in its order.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func
from sqlmodel import select

from madang.admin_web.db import read_session, write_session
from madang.admin_web.models import Role, Ticket, TicketPeriod, TicketStatus
from madang.admin_web.services import auth, kiosks, queue
from tests.live_server import API, LiveServer, serve

from .conftest import PASSWORD

CLERKS = 16
TICKETS = 1000

pytestmark = pytest.mark.slow


@dataclass
class Desk:
    counter_id: int
    token: str


def seed(engine, *, tickets: int = TICKETS, clerks: int = CLERKS, service: str = "tax-square") -> list[Desk]:
    """``tickets`` waiting tickets, and ``clerks`` desks: a counter each, and a token of the counselor 'clerk'."""
    with write_session(engine) as session:
        for _ in range(tickets):
            queue.issue_ticket(session, service_id=service, kiosk_id=None, idempotency_key=None, actor="seed")
        auth.create_user(session, name="clerk", role=Role.counselor, password=PASSWORD)
        return [
            Desk(
                kiosks.create_counter(session, name=f"창구 {n + 1}", service_ids=[service]).id,
                auth.create_staff_token(session, user_name="clerk"),
            )
            for n in range(clerks)
        ]


def run_clerks(
    desks: list[Desk],
    post: Callable[[str, str], tuple[int, dict | None]],
    finish: tuple[str, ...] = ("start", "finish"),
) -> list[list[str]]:
    """Each desk in its own thread: call next, then ``finish`` the ticket, until call-next answers 204.
    Returns the tickets each desk called."""
    calls: list[list[str]] = [[] for _ in desks]
    errors: list[BaseException] = []
    start = threading.Barrier(len(desks))

    def clerk(index: int, desk: Desk) -> None:
        try:
            start.wait()
            while True:
                status, ticket = post(f"{API}/counters/{desk.counter_id}/call-next", desk.token)
                if status == 204:
                    return
                assert status == 200, (status, ticket)
                calls[index].append(ticket["id"])
                for action in finish:
                    status, moved = post(f"{API}/tickets/{ticket['id']}/{action}", desk.token)
                    assert status == 200, (action, status, moved)
        except BaseException as error:
            errors.append(error)
            start.abort()

    threads = [threading.Thread(target=clerk, args=pair, daemon=True) for pair in enumerate(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "a clerk thread did not finish"
    if errors:
        raise errors[0]
    return calls


def assert_each_ticket_called_once(engine, calls: list[list[str]], *, strict_order: bool) -> None:
    called = [ticket for desk in calls for ticket in desk]
    twice = [ticket for ticket, times in Counter(called).items() if times > 1]
    assert twice == [], f"{len(twice)} tickets were called more than once"
    with read_session(engine) as session:
        tickets = session.exec(select(Ticket).order_by(Ticket.queued_at, Ticket.id)).all()
        periods = dict(
            session.exec(
                select(TicketPeriod.ticket_id, func.count())
                .where(TicketPeriod.status == TicketStatus.called)
                .group_by(TicketPeriod.ticket_id)
            ).all()
        )
    assert len(tickets) == TICKETS
    assert sorted(called) == sorted(ticket.id for ticket in tickets), "a ticket was skipped"
    assert {ticket.status for ticket in tickets} == {TicketStatus.done}
    assert all(periods.get(ticket.id) == 1 for ticket in tickets), "a ticket has no, or two, 'called' periods"
    if strict_order:  # one writer at a time: the line is called exactly in its order
        by_call = sorted(tickets, key=lambda ticket: ticket.called_at)
        assert [ticket.id for ticket in by_call] == [ticket.id for ticket in tickets]


def test_sixteen_clerks_in_one_process(engine):
    """The claim itself: each thread calls next in a write transaction of its own, as the API view does,
    then starts and finishes the consultation in a second one."""
    desks = seed(engine)

    def post(path: str, token: str) -> tuple[int, dict | None]:
        parts = path.split("/")
        with write_session(engine) as session:
            if parts[-1] == "call-next":
                ticket = queue.call_next(session, counter_id=int(parts[-2]), actor="clerk")
                return (204, None) if ticket is None else (200, {"id": ticket.id})
            queue.start(session, ticket_id=parts[-2], actor="clerk")
            queue.finish(session, ticket_id=parts[-2], actor="clerk")
            return 200, None

    started = time.monotonic()
    calls = run_clerks(desks, post, finish=("start-and-finish",))
    elapsed = time.monotonic() - started
    assert_each_ticket_called_once(engine, calls, strict_order=engine.dialect.name == "sqlite")
    print(f"\n{engine.dialect.name}: {TICKETS} tickets by {CLERKS} clerks in one process in {elapsed:.1f} s")


# --- the real server -------------------------------------------------------------------------------------


class Http:
    """One keep-alive connection (one per thread): JSON in and out. After a pause it connects again, since
    gunicorn closes a connection idle for 2 s."""

    def __init__(self, server: LiveServer) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.used = time.monotonic()

    def request(self, method: str, path: str, token: str, body: dict | None = None, **headers: str):
        if time.monotonic() - self.used > 1.0:
            self.connection.close()  # the next request connects again
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", **headers}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=payload, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        self.used = time.monotonic()
        return response.status, (
            json.loads(data) if data and response.getheader("Content-Type", "").startswith("application/json") else None
        )

    def close(self) -> None:
        self.connection.close()


def test_sixteen_clerks_through_the_server(engine, database_url, tmp_path):
    desks = seed(engine)
    engine.dispose()  # the server's processes are the ones that write now
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    env = {**os.environ, "MADANG_DATABASE_URL": database_url, "MADANG_DATA_DIR": str(data_dir)}
    with serve(data_dir, env, workers=3, threads=16) as server:
        local = threading.local()
        connections: list[Http] = []

        def post(path: str, token: str) -> tuple[int, dict | None]:
            if not hasattr(local, "http"):
                local.http = Http(server)
                connections.append(local.http)
            return local.http.request("POST", path, token)

        started = time.monotonic()
        try:
            calls = run_clerks(desks, post)
        finally:
            for connection in connections:
                connection.close()
        elapsed = time.monotonic() - started
    assert_each_ticket_called_once(engine, calls, strict_order=engine.dialect.name == "sqlite")
    print(f"\n{engine.dialect.name}: {TICKETS} tickets by {CLERKS} clerks over HTTP (3 workers) in {elapsed:.1f} s")
