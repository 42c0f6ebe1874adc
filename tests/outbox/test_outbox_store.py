"""The outbox's file on its own: what it keeps, in which order it would send, how long it waits after a failure.

The server here is one that is not there (a port nothing listens on), so every try fails at once: these tests
need no admin server and take milliseconds.
"""

from __future__ import annotations

import random
import threading

import pytest

from madang.kiosk.outbox import BASE_DELAY_S, MAX_DELAY_S, OutboxError


class Clock:
    """A clock the test moves by hand (unix seconds)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class AlwaysMost(random.Random):
    """Full jitter at its upper bound: every wait is the whole backoff."""

    def random(self) -> float:
        return 1.0


def test_records_survive_reopening_and_a_key_is_kept_once(open_outbox, tmp_path):
    path = tmp_path / "kiosk" / "outbox.db"
    outbox = open_outbox(path)
    ticket = outbox.add("ticket", {"service_id": "tax-square", "lang": "ko", "needs": []})
    note = outbox.add("message", {"ticket_key": ticket, "text": "주민등록등본", "kind": "text"}, key=f"{ticket}:n")
    assert outbox.add("message", {"ticket_key": ticket, "text": "again", "kind": "text"}, key=f"{ticket}:n") == note
    outbox.close()
    again = open_outbox(path)
    kept = again.pending()
    assert [(record.key, record.kind, record.stream) for record in kept] == [
        (ticket, "ticket", ticket),
        (note, "message", ticket),  # it waits for its ticket, in the ticket's stream
    ]
    assert kept[1].payload["text"] == "주민등록등본" and len(ticket) == 32
    assert again.backlog(now=kept[0].created_at + 5).count == 2


def test_a_record_must_say_its_kind_and_its_ticket(open_outbox):
    outbox = open_outbox(":memory:")
    with pytest.raises(OutboxError, match="unknown outbox record kind"):
        outbox.add("fax", {})
    with pytest.raises(OutboxError, match="ticket_id or ticket_key"):
        outbox.add("message", {"text": "hello", "kind": "text"})
    with pytest.raises(OutboxError, match="stream"):
        outbox.add("rating", {"ticket_key": "k", "rating": 5}, stream="elsewhere")
    assert outbox.pending() == []


def test_heartbeats_are_coalesced_and_left_out_of_the_backlog(open_outbox):
    clock = Clock()
    outbox = open_outbox(":memory:", clock=clock)
    for beat in range(5):
        outbox.add("heartbeat", {"health": {"beat": beat}})
        clock.now += 30
    waiting = outbox.pending("heartbeat")
    assert len(waiting) == 1 and waiting[0].payload == {"health": {"beat": 4}}
    outbox.add("cancel", {"ticket_id": "abc"})
    clock.now += 12
    backlog = outbox.backlog()
    assert (backlog.count, backlog.oldest_age_s, backlog.failed) == (1, 12.0, 0)


def test_the_backoff_doubles_up_to_a_minute_with_full_jitter(open_outbox, nowhere):
    clock = Clock()
    most = open_outbox(":memory:", clock=clock, rng=AlwaysMost())
    key = most.add("cancel", {"ticket_id": "abc"})
    waits = []
    for _ in range(10):
        record = most.get(key)
        clock.now = record.next_attempt_at  # due now
        report = most.deliver(nowhere)
        assert report.delivered == 0 and "does not answer" in report.unavailable
        waits.append(round(most.get(key).next_attempt_at - clock.now, 6))
    assert waits == [min(MAX_DELAY_S, BASE_DELAY_S * 2**attempt) for attempt in range(10)]
    assert waits[-1] == MAX_DELAY_S and most.get(key).attempts == 10

    jittered = open_outbox(":memory:", clock=clock, rng=random.Random(7))
    keys = [jittered.add("cancel", {"ticket_id": f"t{n}"}) for n in range(40)]
    for _ in keys:  # one failed try each: a round stops at the first failure
        jittered.deliver(nowhere)
    delays = [jittered.get(key).next_attempt_at - clock.now for key in keys]
    assert all(0.0 <= delay <= BASE_DELAY_S for delay in delays)
    assert len({round(delay, 6) for delay in delays}) == len(delays)  # spread, not one instant for all


def test_a_record_not_due_is_not_sent_until_its_time(open_outbox, nowhere):
    clock = Clock()
    outbox = open_outbox(":memory:", clock=clock, rng=AlwaysMost())
    key = outbox.add("cancel", {"ticket_id": "abc"})
    outbox.deliver(nowhere)
    outbox.deliver(nowhere)  # not due again yet: no second try
    assert outbox.get(key).attempts == 1
    assert outbox.next_due() == clock.now + BASE_DELAY_S
    outbox.deliver(nowhere, stream=outbox.get(key).stream)  # a citizen waits: it is tried at once
    assert outbox.get(key).attempts == 2


def test_records_of_one_stream_wait_for_the_earlier_ones(open_outbox, nowhere):
    clock = Clock()
    outbox = open_outbox(":memory:", clock=clock)
    ticket = outbox.add("ticket", {"service_id": "tax-square", "lang": "ko", "needs": []})
    outbox.add("message", {"ticket_key": ticket, "text": "one", "kind": "text"})
    other = outbox.add("cancel", {"ticket_id": "elsewhere"})
    for _ in range(2):
        clock.now += 1000
        outbox.deliver(nowhere)  # the oldest record is tried first, and the round stops when it fails
    attempts = {record.kind: record.attempts for record in outbox.pending()}
    assert attempts == {"ticket": 2, "message": 0, "cancel": 0}
    outbox.deliver(nowhere, stream=outbox.get(other).stream)  # one stream alone: the others are not tried
    attempts = {record.kind: record.attempts for record in outbox.pending()}
    assert attempts == {"ticket": 2, "message": 0, "cancel": 1}


def test_a_withdrawn_ticket_drops_what_waited_for_it(open_outbox):
    outbox = open_outbox(":memory:")
    ticket = outbox.add("ticket", {"service_id": "tax-square", "lang": "ko", "needs": []})
    outbox.add("message", {"ticket_key": ticket, "text": "a note", "kind": "text"})
    assert outbox.withdraw(ticket) is True
    [kept] = outbox.pending()
    assert kept.key == ticket and kept.withdrawn
    with pytest.raises(OutboxError):
        outbox.withdraw("no-such-key")


def test_many_threads_add_at_once_and_each_record_is_kept(open_outbox):
    outbox = open_outbox()
    keys: list[str] = []

    def add_some() -> None:
        for n in range(25):
            keys.append(outbox.add("cancel", {"ticket_id": f"{threading.get_ident()}-{n}"}))

    threads = [threading.Thread(target=add_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(record.key for record in outbox.pending()) == sorted(keys) and len(keys) == 100
