"""A ticket's events stream as the kiosk follows it: every event once, in order, through a dropped link and a
server restart; a prompt stop; a refusal that is not retried; a channel that ends with its ticket."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from madang.kiosk.live_channel import ChannelEvent, TicketChannel
from tests.live_server import staff_call_next, staff_message

from .conftest import event_ids, kiosk_client, take_ticket
from .relay import Relay

WAIT_S = 15.0


class Received:
    """The events a channel delivered, in order, to wait on from the test's thread."""

    def __init__(self) -> None:
        self.events: list[ChannelEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: ChannelEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for(self, found: Callable[[list[ChannelEvent]], bool], timeout: float = WAIT_S) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: found(self.events), timeout), [e.data for e in self.events]

    def texts(self) -> list[str]:
        return [event.json["text"] for event in self.events if event.type == "message"]

    def ids(self) -> list[str]:
        return [event.id for event in self.events if event.id is not None]


def test_a_dropped_link_and_a_server_restart_miss_no_event_and_repeat_none(server):
    ticket = take_ticket(server)
    received = Received()
    with Relay(server.port) as relay:
        channel = TicketChannel(relay.url, server.kiosk_token, ticket.id, received)
        channel.start()
        try:
            received.wait_for(lambda events: any(e.type == "status" for e in events))
            staff_message(server, ticket.id, "one")
            received.wait_for(lambda events: "one" in received.texts())
            before_cut = received.ids()[-1]

            relay.refusing = True  # the link goes down, and stays down while the counselor writes
            relay.cut()
            staff_message(server, ticket.id, "two")
            staff_message(server, ticket.id, "three")
            relay.refusing = False
            received.wait_for(lambda events: "three" in received.texts())
            before_restart = received.ids()[-1]

            server.stop()
            server.start()
            staff_message(server, ticket.id, "four")
            assert staff_call_next(server)["id"] == ticket.id
            received.wait_for(lambda events: events[-1].type == "status" and events[-1].json["status"] == "called")
        finally:
            channel.stop()
            channel.join(5)

    assert received.texts() == ["one", "two", "three", "four"]
    assert received.ids() == event_ids(server, ticket.id)  # each of the ticket's events once, in order
    assert relay.header(relay.heads[0], "Last-Event-ID") is None
    resumed_from = [relay.header(head, "Last-Event-ID") for head in relay.heads[1:]]
    assert resumed_from[0] == before_cut and resumed_from[-1] == before_restart, resumed_from
    assert channel.connects == len(relay.heads) >= 3


def test_the_channel_ends_with_its_ticket_and_stops_at_once(server):
    ticket = take_ticket(server)
    received = Received()
    channel = TicketChannel(server.url, server.kiosk_token, ticket.id, received)
    channel.start()
    assert channel.wait_connected(WAIT_S)
    kiosk_client(server).cancel(ticket.id)
    channel.join(WAIT_S)
    assert not channel.is_alive() and channel.closed
    assert [event.json["status"] for event in received.events if event.type == "status"] == ["waiting", "cancelled"]

    open_ticket = take_ticket(server)
    quiet = TicketChannel(server.url, server.kiosk_token, open_ticket.id, Received())
    quiet.start()
    assert quiet.wait_connected(WAIT_S)
    asked = time.monotonic()
    quiet.stop()  # the server has nothing to send: the read is blocked until the socket is shut
    quiet.join(2)
    assert not quiet.is_alive() and time.monotonic() - asked < 0.5


def test_a_refused_stream_is_not_asked_for_again(server):
    received = Received()
    unknown = TicketChannel(server.url, server.kiosk_token, "no-such-ticket", received)
    unknown.start()
    unknown.join(WAIT_S)
    assert not unknown.is_alive() and unknown.connects == 0 and received.events == []


def test_reconnecting_waits_the_servers_retry_time_doubled_up_to_a_cap_with_jitter():
    channel = TicketChannel("http://127.0.0.1:9", "token", "T", lambda event: None)
    for failures, longest in ((0, 1.0), (1, 2.0), (2, 4.0), (3, 5.0), (30, 5.0)):
        waits = [channel.backoff(failures) for _ in range(200)]
        assert longest / 2 <= min(waits) and max(waits) <= longest and len(set(waits)) > 1, failures
    channel.retry = 8.0  # the server asked for longer than the cap: it is honoured
    assert all(4.0 <= channel.backoff(0) <= 8.0 for _ in range(50))
