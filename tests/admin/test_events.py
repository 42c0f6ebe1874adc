"""A ticket's server-sent events through the real server (`madang admin serve`), read as they arrive.

A kiosk follows its ticket while staff call the line, call the ticket and write to the citizen: the events
arrive in order with increasing ids, position events follow the line, and a reconnection with
Last-Event-ID receives exactly the events it missed, none twice.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from pathlib import Path

import pytest

from madang.admin_web.db import write_session
from madang.admin_web.models import Role
from madang.admin_web.services import auth, chat, kiosks, queue
from tests.live_server import LiveServer, serve

from .conftest import PASSWORD
from .test_concurrency import Http

API = "/api/v1"


class EventStream:
    """GET /tickets/{id}/events, parsed one event at a time as the bytes arrive."""

    def __init__(self, server: LiveServer, ticket_id: str, token: str, last_event_id: int | None = None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", f"{API}/tickets/{ticket_id}/events", headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.buffer = b""

    def next(self) -> dict | None:
        """The next event as {"id", "event", "data"}, or None when the server ends the stream."""
        while True:
            while b"\n\n" not in self.buffer:
                chunk = self.response.read1(65536)
                if not chunk:
                    return None
                self.buffer += chunk
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = {}
            for line in block.decode().splitlines():
                name, _, value = line.partition(": ")
                if name:  # a line starting with ':' is a comment (keep-alive)
                    fields[name] = value
            if "data" in fields:
                return {
                    "id": int(fields["id"]) if "id" in fields else None,
                    "event": fields.get("event", "message"),
                    "data": json.loads(fields["data"]),
                }

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def line(engine, database_url, tmp_path):
    """The real server; two citizens wait before the kiosk's ticket, three counters serve the line."""
    with write_session(engine) as session:
        kiosk, kiosk_token = kiosks.register_kiosk(session, name="kiosk-1")
        auth.create_user(session, name="kim", role=Role.counselor, password=PASSWORD)
        staff_token = auth.create_staff_token(session, user_name="kim")
        counters = [kiosks.create_counter(session, name=f"창구 {n}", service_ids=["tax-square"]).id for n in (1, 2, 3)]
        for n in range(2):
            queue.issue_ticket(session, service_id="tax-square", kiosk_id=kiosk.id, idempotency_key=f"ahead-{n}")
        ticket, _ = queue.issue_ticket(session, service_id="tax-square", kiosk_id=kiosk.id, idempotency_key="mine")
    engine.dispose()
    data_dir = Path(tmp_path) / "server"
    data_dir.mkdir()
    env = {**os.environ, "MADANG_DATABASE_URL": database_url, "MADANG_DATA_DIR": str(data_dir)}
    with serve(data_dir, env, workers=2) as server:
        staff = Http(server)
        yield {
            "server": server,
            "ticket": ticket.id,
            "kiosk": kiosk_token,
            "staff": lambda method, path, body=None: staff.request(method, f"{API}{path}", staff_token, body),
            "counters": counters,
        }
        staff.close()


def test_events_arrive_in_order_and_follow_the_line(line):
    staff, ticket = line["staff"], line["ticket"]
    stream = EventStream(line["server"], ticket, line["kiosk"])
    try:
        first = stream.next()
        assert (first["event"], first["data"]["status"], first["data"]["number"]) == ("status", "waiting", "T-003")
        seen = [first]
        for expected in (3, 2, 1):
            event = stream.next()
            assert event["event"] == "position", event
            assert event["data"]["position"] == expected
            seen.append(event)
            status, taken = staff("POST", f"/counters/{line['counters'][3 - expected]}/call-next")
            assert status == 200 and (taken["id"] == ticket) == (expected == 1)
        called = stream.next()
        assert called["event"] == "status" and called["data"]["status"] == "called"
        assert called["data"]["counter"] == "창구 3"
        assert staff("POST", f"/tickets/{ticket}/messages", {"text": "3번 창구로 오세요."})[0] == 201
        message = stream.next()
        assert message["event"] == "message" and message["data"]["text"] == "3번 창구로 오세요."
        assert message["data"]["sender"] == "staff"
        assert staff("POST", f"/tickets/{ticket}/start")[0] == 200
        started = stream.next()
        assert started["data"]["status"] == "in_consultation"
        assert staff("POST", f"/tickets/{ticket}/finish")[0] == 200
        done = stream.next()
        assert done["data"]["status"] == "done"
        assert stream.next() is None, "the stream ends once the ticket is closed and told"
        seen += [called, message, started, done]
    finally:
        stream.close()
    ids = [event["id"] for event in seen if event["event"] != "position"]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
    assert [event["event"] for event in seen] == [
        "status",
        *["position"] * 3,
        "status",
        "message",
        "status",
        "status",
    ]


def test_reconnecting_with_last_event_id_loses_nothing_and_repeats_nothing(line):
    staff, ticket, counters = line["staff"], line["ticket"], line["counters"]
    for counter in counters[:2]:  # the two citizens ahead are called: the kiosk's ticket is next
        assert staff("POST", f"/counters/{counter}/call-next")[0] == 200
    stream = EventStream(line["server"], ticket, line["kiosk"])
    received = [stream.next()]
    assert received[0]["data"]["status"] == "waiting"
    assert stream.next()["data"] == {"position": 1, "estimated_wait_s": 0}
    stream.close()  # the kiosk loses its connection; meanwhile staff call it and write
    assert staff("POST", f"/counters/{counters[2]}/call-next")[1]["id"] == ticket
    for text in ("안녕하세요", "3번 창구입니다"):
        assert staff("POST", f"/tickets/{ticket}/messages", {"text": text})[0] == 201
    assert staff("POST", f"/tickets/{ticket}/start")[0] == 200

    resumed = EventStream(line["server"], ticket, line["kiosk"], last_event_id=received[0]["id"])
    try:
        missed = [resumed.next() for _ in range(4)]
        assert [(e["event"], e["data"].get("status") or e["data"].get("text")) for e in missed] == [
            ("status", "called"),
            ("message", "안녕하세요"),
            ("message", "3번 창구입니다"),
            ("status", "in_consultation"),
        ]
        assert staff("POST", f"/tickets/{ticket}/finish")[0] == 200
        last = resumed.next()
        assert last["data"]["status"] == "done"
        assert resumed.next() is None
    finally:
        resumed.close()
    received += [*missed, last]
    ids = [event["id"] for event in received]
    assert ids == sorted(set(ids)), f"every event once, in order: {ids}"

    everything = EventStream(line["server"], ticket, line["kiosk"], last_event_id=0)
    try:
        replayed = []
        while (event := everything.next()) is not None:
            replayed.append(event["id"])
    finally:
        everything.close()
    assert replayed == ids, "from the start, the stream holds exactly the events received across both connections"


def test_a_message_written_while_another_commits_is_not_lost(line, engine):
    """Two messages on one ticket at once: the first still uncommitted when the second is sent. The stream
    must deliver both, in id order: a subscriber that moved past the later id would never see the earlier."""
    staff, ticket, counters = line["staff"], line["ticket"], line["counters"]
    for counter in counters:
        assert staff("POST", f"/counters/{counter}/call-next")[0] == 200
    assert staff("POST", f"/tickets/{ticket}/start")[0] == 200
    stream = EventStream(line["server"], ticket, line["kiosk"])
    try:
        while stream.next()["data"].get("status") != "in_consultation":
            pass
        answered = []

        def citizen_writes() -> None:
            client = Http(line["server"])
            try:
                answered.append(
                    client.request("POST", f"{API}/tickets/{ticket}/messages", line["kiosk"], {"text": "나중"})
                )
            finally:
                client.close()

        with write_session(engine) as session:  # a slow writer: its event id is taken, not yet committed
            chat.post(session, ticket_id=ticket, sender="staff", author="kim", kind="text", text="먼저")
            citizen = threading.Thread(target=citizen_writes)
            citizen.start()
            time.sleep(1.0)  # the citizen's message is written meanwhile (or waits its turn)
        citizen.join(timeout=30)
        assert [status for status, _ in answered] == [201]
        texts = [stream.next()["data"]["text"] for _ in range(2)]
    finally:
        stream.close()
    assert texts == ["먼저", "나중"]
