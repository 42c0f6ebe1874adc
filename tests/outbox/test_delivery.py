"""Delivery to the real server (`madang admin serve`): exactly once, in order, through a stopped server, lost
answers, a kiosk killed mid-send, refusals and two deliveries at once.

A lost answer is the real client whose call reached the server but whose answer the kiosk never sees (it gets the
timeout it would get); a crash is a kiosk process killed with SIGKILL right after the server did its part.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from madang.kiosk.outbox import MAX_DELAY_S
from madang.kiosk.server_client import KioskApiClient, ServerUnavailable
from tests.conftest import REPO_ROOT
from tests.live_server import staff_action, staff_call_next

from .conftest import WAV, chat_of, server_rows, tickets_for


class LosingClient:
    """The real client, but the answer to ``step`` is lost on the way back: the server did its part, the kiosk
    sees a timeout."""

    def __init__(self, client: KioskApiClient, step: str) -> None:
        self.client, self.step, self.lost = client, step, 0

    def __getattr__(self, name: str):
        method = getattr(self.client, name)
        if name != self.step:
            return method

        def step(*args, **kwargs):
            method(*args, **kwargs)
            self.lost += 1
            raise ServerUnavailable("the admin web did not answer within 10 s")

        return step


def later() -> float:
    """A moment after any backoff of these tests: every waiting record is due."""
    return time.time() + MAX_DELAY_S


def take(outbox, service: str = "tax-square") -> str:
    return outbox.add("ticket", {"service_id": service, "lang": "ko", "needs": []})


def say(outbox, ticket_key: str, text: str) -> str:
    return outbox.add("message", {"ticket_key": ticket_key, "text": text, "kind": "text"})


def ticket_id(outbox, key: str) -> str:
    return outbox.get(key).ticket_id


def message_events(server, ticket: str) -> int:
    sql = "SELECT count(*) FROM ticket_event WHERE ticket_id = :id AND type = 'message'"
    return server_rows(server, sql, id=ticket)[0][0]


def test_what_was_kept_while_the_server_was_down_arrives_once_and_in_order(server, client, open_outbox, tmp_path):
    path = tmp_path / "kiosk" / "outbox.db"
    server.stop()
    outbox = open_outbox(path)
    first, second = take(outbox), take(outbox, "consult-120")
    for n in range(3):  # the two tickets' messages interleaved
        say(outbox, first, f"first {n}")
        say(outbox, second, f"second {n}")
    outbox.add("audio", {"ticket_key": first, "content_type": "audio/wav"}, body=WAV)
    report = outbox.deliver(client)
    assert (report.delivered, report.failed) == (0, 0) and "does not answer" in report.unavailable
    assert outbox.backlog().count == 9
    outbox.close()

    server.start()
    outbox = open_outbox(path)  # the kiosk restarted meanwhile
    assert outbox.deliver(client, now=later()).delivered == 9
    assert outbox.deliver(client).delivered == 0 and outbox.backlog().count == 0
    assert len(tickets_for(server, first)) == 1 and len(tickets_for(server, second)) == 1
    assert chat_of(server, ticket_id(outbox, first)) == [*(("text", f"first {n}") for n in range(3)), ("audio", "")]
    assert chat_of(server, ticket_id(outbox, second)) == [("text", f"second {n}") for n in range(3)]


@pytest.mark.parametrize("step", ["take_ticket", "send_message", "send_audio"])
def test_a_lost_answer_sends_the_same_key_again_and_nothing_twice(server, client, open_outbox, step):
    outbox = open_outbox()
    ticket = take(outbox)
    say(outbox, ticket, "서류를 가져왔어요")
    outbox.add("audio", {"ticket_key": ticket, "content_type": "audio/wav"}, body=WAV)
    losing = LosingClient(client, step)
    assert outbox.deliver(losing).unavailable is not None and losing.lost == 1
    outbox.deliver(client, now=later())
    outbox.deliver(client, now=later())
    assert outbox.pending() == []
    assert len(tickets_for(server, ticket)) == 1
    issued = ticket_id(outbox, ticket)
    assert chat_of(server, issued) == [("text", "서류를 가져왔어요"), ("audio", "")]
    assert message_events(server, issued) == 2  # no second event for the repeated one either
    assert len(server_rows(server, "SELECT id FROM audio_clip WHERE ticket_id = :id", id=issued)) == 1


CRASHING_KIOSK = textwrap.dedent(
    """
    import os, signal, sys
    from madang.kiosk.outbox import Outbox
    from madang.kiosk.server_client import KioskApiClient

    path, url, token, step = sys.argv[1:]
    client = KioskApiClient(url, token, timeout=10)
    real = getattr(client, step)

    def then_die(*args, **kwargs):
        real(*args, **kwargs)  # the server has done its part; the kiosk dies before it records the answer
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(client, step, then_die)
    Outbox(path).deliver(client)
    """
)


@pytest.mark.parametrize("step", ["take_ticket", "send_message"])
def test_a_kiosk_killed_between_sending_and_recording_sends_the_same_key_again(
    server, client, open_outbox, tmp_path, step
):
    path = tmp_path / "kiosk" / "outbox.db"
    outbox = open_outbox(path)
    ticket = take(outbox, "documents")
    message = say(outbox, ticket, "가족관계증명서")
    outbox.close()
    killed = subprocess.run(
        [sys.executable, "-c", CRASHING_KIOSK, str(path), server.url, server.kiosk_token, step],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    outbox = open_outbox(path)  # the kiosk starts again
    assert outbox.get(message).state == "pending"
    assert outbox.deliver(client).delivered == (2 if step == "take_ticket" else 1)
    assert len(tickets_for(server, ticket)) == 1
    assert chat_of(server, ticket_id(outbox, ticket)) == [("text", "가족관계증명서")]


def test_a_refusal_is_kept_and_counted_and_the_other_streams_go_on(server, client, open_outbox, caplog):
    outbox = open_outbox()
    refused = take(outbox, "no-such-service")
    waiting_for_it = say(outbox, refused, "this ticket never comes")
    fine = take(outbox)
    with caplog.at_level(logging.WARNING, logger="madang.kiosk.outbox"):
        report = outbox.deliver(client)
    assert (report.delivered, report.failed) == (1, 2)
    assert refused in caplog.text and "no-such-service" in caplog.text
    assert [record.key for record in outbox.failed()] == [refused, waiting_for_it]
    assert outbox.get(refused).refusal["status"] == 404
    assert "its ticket could not be taken" in outbox.get(waiting_for_it).last_error
    assert outbox.backlog().failed == 2 and outbox.pending() == []
    assert tickets_for(server, refused) == [] and len(tickets_for(server, fine)) == 1
    assert outbox.deliver(client).failed == 0  # kept, never sent again

    closed = ticket_id(outbox, fine)
    client.cancel(closed)  # the conversation closes before the kiosk's message arrives
    late = outbox.add("message", {"ticket_id": closed, "text": "too late", "kind": "text"})
    cancel = outbox.add("cancel", {"ticket_id": closed})
    report = outbox.deliver(client)
    assert (report.delivered, report.failed) == (1, 1)  # the refused message does not hold back its stream
    assert outbox.get(late).refusal["status"] == 409 and outbox.get(cancel).result["status"] == "cancelled"


def test_a_ticket_retried_after_a_lost_answer_is_cancelled_again_without_error(server, client, open_outbox):
    outbox = open_outbox()
    ticket = take(outbox)
    outbox.deliver(client)
    issued = ticket_id(outbox, ticket)
    cancel = outbox.add("cancel", {"ticket_id": issued})
    again = outbox.add("cancel", {"ticket_id": issued})  # the citizen pressed cancel twice
    assert outbox.deliver(LosingClient(client, "cancel")).unavailable is not None
    assert outbox.deliver(client, now=later()).delivered == 2
    assert outbox.get(cancel).result["status"] == outbox.get(again).result["status"] == "cancelled"
    assert tickets_for(server, ticket)[0][1] == "cancelled"


def test_a_rating_lost_on_the_way_back_is_the_same_rating(server, client, open_outbox):
    outbox = open_outbox()
    ticket = take(outbox, "youth-counsel")
    outbox.deliver(client)
    issued = ticket_id(outbox, ticket)
    while (called := staff_call_next(server)) is not None and called["id"] != issued:
        staff_action(server, called["id"], "start")
        staff_action(server, called["id"], "finish", {"note": "served"})
    staff_action(server, issued, "start")
    staff_action(server, issued, "finish", {"note": "served"})
    rating = outbox.add("rating", {"ticket_id": issued, "rating": 4})
    assert outbox.deliver(LosingClient(client, "rate")).unavailable is not None
    assert outbox.deliver(client, now=later()).delivered == 1
    assert outbox.get(rating).result["status"] == "done"
    assert server_rows(server, "SELECT rating FROM ticket WHERE id = :id", id=issued)[0][0] == 4


def test_heartbeats_are_coalesced_and_the_newest_answer_is_kept(server, client, open_outbox, nowhere):
    outbox = open_outbox()
    for beat in range(4):  # the network is down
        outbox.add("heartbeat", {"app_version": f"test-{beat}", "health": {}})
        outbox.deliver(nowhere)
    assert len(outbox.pending("heartbeat")) == 1
    assert outbox.deliver(client, now=later()).delivered == 1
    rows = server_rows(server, "SELECT app_version, last_seen_at FROM kiosk WHERE name = 'test-kiosk'")
    assert rows[0][0] == "test-3" and rows[0][1] is not None
    answer = outbox.last_result("heartbeat")
    assert isinstance(answer, dict) and "commands" in answer
    outbox.add("heartbeat", {"app_version": "test-4", "health": {}})
    outbox.deliver(client)
    newest = outbox.last_result("heartbeat")
    assert newest["kiosk"] == answer["kiosk"] == "test-kiosk" and newest["last_seen_at"] >= answer["last_seen_at"]


def test_two_deliveries_at_once_send_each_record_once(server, client, open_outbox):
    outbox = open_outbox()
    tickets = [take(outbox, "business-support") for _ in range(3)]
    for ticket in tickets:
        for n in range(3):
            say(outbox, ticket, f"line {n}")
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(outbox.deliver(client).delivered)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 12 and outbox.pending() == []
    for ticket in tickets:
        assert len(tickets_for(server, ticket)) == 1
        assert chat_of(server, ticket_id(outbox, ticket)) == [("text", f"line {n}") for n in range(3)]


def test_the_kiosk_file_is_in_wal_mode_with_full_sync(open_outbox, tmp_path):
    outbox = open_outbox()
    with outbox._lock:  # the test reads the connection's settings as SQLite has them
        assert outbox._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert (tmp_path / "kiosk" / "outbox.db").exists()
