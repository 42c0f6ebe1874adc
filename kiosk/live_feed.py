"""The ticket a kiosk follows live, as the core sees it: the events that came, in order, and a wake-up.

The channel itself (HTTP, a thread: kiosk/live_channel.py) is opened through the ``ChannelOpener`` the edge gives
(build.py), so the core never imports the network.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

MAX_QUEUED = 500  # events kept for the core; a core that takes none keeps only the newest


@dataclass(frozen=True)
class ChannelEvent:
    """One server-sent event of a ticket: ``type`` is ``status``, ``message`` or ``position``; ``id`` is the
    event's own id (None for the unnumbered ``position``); ``data`` the text as sent (JSON on this server)."""

    ticket_id: str
    type: str
    data: str
    id: str | None = None

    @property
    def json(self) -> dict:
        """The data as a JSON object; empty when it is not one."""
        try:
            value = json.loads(self.data)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


class Channel(Protocol):
    ticket_id: str

    @property
    def connected(self) -> bool: ...

    @property
    def stopped(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


ChannelOpener = Callable[[str, Callable[[ChannelEvent], None]], Channel]


class LiveFeed:
    """The ticket a kiosk follows live: one channel at a time, its events kept in order until the core takes them,
    and a wake-up called (on the channel's thread) when events wait, so the core takes them at once."""

    def __init__(self, open_channel: ChannelOpener | None = None) -> None:
        self.open_channel = open_channel  # None: no server or no token, nothing to follow
        self.channel: Channel | None = None
        self._events: deque[ChannelEvent] = deque(maxlen=MAX_QUEUED)
        self._wakeup: Callable[[], None] | None = None
        self._woken = False  # a wake-up was asked for and its events are not taken yet
        self._lock = threading.Lock()

    @property
    def following(self) -> str | None:
        channel = self.channel
        return channel.ticket_id if channel is not None and not channel.stopped else None

    @property
    def connected(self) -> bool:
        channel = self.channel
        return channel is not None and channel.connected

    @property
    def streaming(self) -> bool:
        """A stream is open and a wake-up is set: each event reaches the core at once."""
        return self._wakeup is not None and self.connected

    def set_wakeup(self, wakeup: Callable[[], None] | None) -> None:
        self._wakeup = wakeup

    def follow(self, ticket_id: str) -> bool:
        """Follows ``ticket_id`` (the one followed before, if another, is left, its events dropped); False when
        there is nothing to follow it with."""
        if self.open_channel is None:
            return False
        with self._lock:
            if self.channel is not None and self.channel.ticket_id == ticket_id and not self.channel.stopped:
                return True
            old = self.channel
            self._events.clear()
            self._woken = False
            channel = self.open_channel(ticket_id, lambda event: self._on_event(channel, event))
            self.channel = channel
        if old is not None:
            old.stop()
        channel.start()
        return True

    def unfollow(self, ticket_id: str | None = None) -> None:
        with self._lock:
            if self.channel is None or ticket_id not in (None, self.channel.ticket_id):
                return
            channel, self.channel = self.channel, None
            self._events.clear()
            self._woken = False
        if channel is not None:
            channel.stop()

    def take(self) -> list[ChannelEvent]:
        with self._lock:
            events = list(self._events)
            self._events.clear()
            self._woken = False
        return events

    def _on_event(self, channel: Channel, event: ChannelEvent) -> None:
        with self._lock:
            if channel is not self.channel:
                return  # a channel left a moment ago
            self._events.append(event)
            wake = self._wakeup if not self._woken else None
            self._woken = self._woken or wake is not None
        if wake is None:
            return
        try:
            wake()
        except Exception:
            log.exception("waking the kiosk for ticket %s's event failed", event.ticket_id)
            with self._lock:
                self._woken = False
