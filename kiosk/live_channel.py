"""One ticket followed live: the admin web's server-sent events (``GET /api/v1/tickets/<id>/events``) read on a
thread of their own, with the standard library alone.

The stream is parsed as the HTML standard's event-stream format says (fields ``id``, ``event``, ``data`` over
several lines, ``retry``, comments; lines ended by CRLF, LF or CR). After a dropped connection, a server error or
a restart, the channel connects again with ``Last-Event-ID`` (the server sends what came after it), waiting the
server's ``retry`` time, doubled for each failed attempt up to a few seconds, with jitter so that a fleet of kiosks
does not come back at once. An event whose id was already delivered is never delivered again. A closed ticket's
stream ends and the channel stops; so does a refusal (4xx) that asking again cannot change.
"""

from __future__ import annotations

import codecs
import http.client
import logging
import random
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .live_feed import ChannelEvent, ChannelOpener

if TYPE_CHECKING:
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)

API = "/api/v1"
CLOSED = ("done", "no_show", "cancelled")
RETRY_SECONDS = 1.0  # until the server says otherwise with ``retry:``
MAX_BACKOFF_SECONDS = 5.0
CONNECT_SECONDS = 5.0
READ_SECONDS = 45.0  # the server sends a comment every 15 s when nothing happens: three missed is a dead link
RETRYABLE_REFUSALS = (408, 429)


@dataclass(frozen=True)
class SseEvent:
    """An event as the stream format defines it: ``id`` is set only when the event's own lines named one."""

    type: str
    data: str
    id: str | None
    last_event_id: str


class SseParser:
    """The HTML standard's event-stream interpretation, fed bytes as they come; ``feed`` gives complete events.

    ``retry`` holds the last reconnection time the stream asked for, in seconds (None until it asks).
    """

    def __init__(self, last_event_id: str = "") -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._text = ""
        self._first = True  # a byte order mark is dropped at the very start only
        self._after_cr = False  # a CR ended the last line: an LF right after it belongs to that line end
        self.last_event_id = last_event_id
        self.retry: float | None = None
        self._reset()

    def _reset(self) -> None:
        self._type = ""
        self._data: list[str] = []
        self._id: str | None = None

    def feed(self, chunk: bytes) -> list[SseEvent]:
        text = self._decoder.decode(chunk)
        if self._first and text:
            self._first = False
            text = text.removeprefix("\ufeff")
        self._text += text
        return list(self._lines())

    def _lines(self) -> Iterator[SseEvent]:
        while self._text:
            if self._after_cr and self._text.startswith("\n"):
                self._text = self._text[1:]
            self._after_cr = False
            end = min((at for at in (self._text.find("\r"), self._text.find("\n")) if at >= 0), default=-1)
            if end < 0:
                return
            line, ending = self._text[:end], self._text[end]
            self._text = self._text[end + 1 :]
            self._after_cr = ending == "\r"
            event = self._line(line)
            if event is not None:
                yield event

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: the server keeping the connection alive
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._type = value
        elif field == "data":
            self._data.append(value)
        elif field == "id" and "\0" not in value:
            self._id = value
            self.last_event_id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self.retry = int(value) / 1000
        return None

    def _dispatch(self) -> SseEvent | None:
        if not self._data:  # an event needs data; a block of other fields only sets them
            self._reset()
            return None
        event = SseEvent(self._type or "message", "\n".join(self._data), self._id, self.last_event_id)
        self._reset()
        return event


class TicketChannel(threading.Thread):
    """Follows ``ticket_id`` on the admin web at ``base_url`` with the kiosk's ``token``; ``on_event`` is called
    on this thread for each new event, in order. ``stop()`` ends it at once, from any thread."""

    def __init__(
        self,
        base_url: str,
        token: str,
        ticket_id: str,
        on_event: Callable[[ChannelEvent], None],
        *,
        max_backoff: float = MAX_BACKOFF_SECONDS,
    ) -> None:
        super().__init__(name=f"ticket-channel-{ticket_id}", daemon=True)
        parts = urllib.parse.urlsplit(base_url.strip().rstrip("/"))
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"the admin web's address {base_url!r} is not an http:// or https:// URL")
        self._parts = parts
        self.path = f"{parts.path}{API}/tickets/{urllib.parse.quote(ticket_id, safe='')}/events"
        self._token = token
        self.ticket_id = ticket_id
        self.on_event = on_event
        self.max_backoff = max_backoff
        self.last_event_id = ""  # sent as Last-Event-ID on every reconnection
        self.retry = RETRY_SECONDS
        self.closed = False  # the ticket has ended: its stream ends and the channel with it
        self.connects = 0  # streams opened (the first and every reconnection)
        self._delivered: int | None = None  # the highest numeric id delivered
        self._opened = False  # the last attempt opened a stream
        self._connected = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None

    def __repr__(self) -> str:  # never shows the token
        return f"TicketChannel({self.ticket_id!r}, connected={self.connected})"

    @property
    def connected(self) -> bool:
        """Whether a stream is open now: events come as they happen."""
        return self._connected.is_set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Ends the channel: its connection is shut at once, so a blocked read returns; nothing is delivered after.
        Does not wait for the thread (``join`` does), so it is safe from ``on_event`` or whatever that calls."""
        self._stopped.set()
        with self._lock:
            sock = self._socket
        if sock is not None:
            with suppress(OSError):  # not connected yet, or already gone
                sock.shutdown(socket.SHUT_RDWR)

    # --- the thread ---------------------------------------------------------------------------------------

    def run(self) -> None:
        failures = 0  # attempts in a row that opened no stream
        while not self._stopped.is_set():
            try:
                self._stream()
            except Refused as refused:
                log.warning("ticket %s: the server refused its events (%s); not following it", self.ticket_id, refused)
                break
            except (OSError, http.client.HTTPException, Unavailable) as error:
                if not self._stopped.is_set():
                    log.info("ticket %s: the events stream dropped (%s); connecting again", self.ticket_id, error)
            except Exception:  # never let the thread die silently with the kiosk still relying on it
                log.exception("ticket %s: the events stream failed", self.ticket_id)
            if self.closed:
                break
            failures = 0 if self._opened else failures + 1
            self._stopped.wait(self.backoff(failures))
        self._stopped.set()

    def backoff(self, failures: int) -> float:
        """Seconds before connecting again: the server's retry time, doubled for each failed attempt in a row and
        capped (never below what the server asked), with jitter: between half of that and all of it."""
        longest = max(self.max_backoff, self.retry)
        wait = min(longest, self.retry * 2 ** min(failures, 16))
        return wait / 2 + random.uniform(0, wait / 2)

    def _stream(self) -> None:
        """One connection, read until it ends (or fails: the error is raised)."""
        self._opened = False
        connection = self._connection()
        try:
            headers = {
                "Accept": "text/event-stream",
                "Cache-Control": "no-cache",
                "Authorization": f"Bearer {self._token}",
            }
            if self.last_event_id:
                headers["Last-Event-ID"] = self.last_event_id
            connection.connect()
            with self._lock:
                self._socket = connection.sock
            if self._stopped.is_set():
                return
            connection.request("GET", self.path, headers=headers)
            response = connection.getresponse()
            self._check(response)
            self._opened = True
            self.connects += 1
            self._connected.set()
            log.debug("ticket %s: following its events from id %r", self.ticket_id, self.last_event_id or "0")
            parser = SseParser(self.last_event_id)
            while not self._stopped.is_set():
                chunk = response.read1(65536)
                if not chunk:
                    return
                for event in parser.feed(chunk):
                    self._deliver(event)
                if parser.retry is not None:
                    self.retry = parser.retry
        finally:
            self._connected.clear()
            with self._lock:
                self._socket = None
            connection.close()

    def _connection(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(self._parts.hostname, self._parts.port, timeout=CONNECT_SECONDS)
        connect = connection.connect

        def connect_then_wait_longer() -> None:  # a quick connect, then a read timeout the keep-alives fit in
            connect()
            connection.sock.settimeout(READ_SECONDS)

        connection.connect = connect_then_wait_longer  # type: ignore[method-assign]
        return connection

    def _check(self, response: http.client.HTTPResponse) -> None:
        status = response.status
        if status == 200 and response.headers.get_content_type() == "text/event-stream":
            return
        detail = response.read(2000).decode("utf-8", "replace").strip()
        if 400 <= status < 500 and status not in RETRYABLE_REFUSALS:
            raise Refused(f"HTTP {status}: {detail}")
        raise Unavailable(f"HTTP {status} {response.headers.get_content_type()}")

    def _deliver(self, event: SseEvent) -> None:
        if event.id is not None:
            self.last_event_id = event.id
            number = int(event.id) if event.id.isascii() and event.id.isdigit() else None
            if number is not None and self._delivered is not None and number <= self._delivered:
                return  # already delivered on an earlier connection
            if number is not None:
                self._delivered = number
        delivered = ChannelEvent(self.ticket_id, event.type, event.data, event.id)
        if delivered.type == "status" and delivered.json.get("status") in CLOSED:
            self.closed = True
        if not self._stopped.is_set():
            self.on_event(delivered)


class Refused(Exception):  # noqa: N818 - the server's answer, not a fault of the channel
    """The server refused the stream (4xx other than 408 and 429): connecting again would not change it."""


class Unavailable(Exception):  # noqa: N818 - the server's state, not a fault of the channel
    """The server answered with an error (5xx, 408, 429) or with something that is not an event stream."""


def channel_opener(client: KioskApiClient | None) -> ChannelOpener | None:
    """How a LiveFeed opens a ticket's channel with ``client``'s address and token (None without a token)."""
    if client is None or client.token is None:
        return None
    base_url, token = client.base_url, client.token
    return lambda ticket_id, on_event: TicketChannel(base_url, token, ticket_id, on_event)
