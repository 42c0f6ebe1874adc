"""Everything the kiosk sends to the admin web, kept on its disk first and delivered in order, exactly once.

A record is one row of a local SQLite file (WAL, ``synchronous=FULL``: once ``add`` returns, a power cut does not
lose it), with a random key that is sent as its Idempotency-Key (a message, a voice memo, a ticket) or that makes
the request harmless to repeat by its nature (a cancel, a rating, a heartbeat). Delivery records the server's
answer only after it came, so a crash between sending and recording sends the same key again, and the server
answers with what it already has: nothing arrives twice.

Records of one ``stream`` (a ticket's local key) go in the order they were added: a record is sent only once every
earlier record of its stream is delivered or refused for good. A record may name its ticket by the key of the
``ticket`` record that takes it (``payload["ticket_key"]``), and waits for that ticket to exist.

When the server cannot be reached the round stops, and the record waits ``random() * min(60 s, 0.5 s * 2**n)``
after its n-th failed try (full jitter, so a fleet coming back does not knock all at once); 408 and 429 wait for
the server's Retry-After. Another refusal (4xx) will not change on a retry: the record is kept for a week, marked
failed with the server's reason, logged and counted (the fleet's heartbeat reports it), and the records after it
go on.

Kinds and their payloads (``ticket_id`` names a ticket the server issued, ``ticket_key`` one this kiosk takes):
- ``ticket``: ``service_id, lang, needs``; result: the ticket (TicketInfo as JSON). A ticket withdrawn
  (``withdraw``) before it was delivered is taken with its key and cancelled at once (nobody is called who left).
- ``message``: ``text, kind``; ``audio``: ``content_type``, the recording as ``body``; result: the ChatMessage.
- ``rating``: ``rating``; ``cancel``: nothing more; result: the ticket.
- ``callback``: ``service_id, lang, phone, note, created_at``: takes a ticket with the record's key and posts
  the phone number to its chat with the key ``<key>:message``; once delivered the number and note are erased.
- ``heartbeat``: the keyword arguments of ``client.heartbeat``; result: its answer (the server's commands).
  Adding one replaces any heartbeat not yet delivered.

One kiosk process uses the file; every method may be called from any thread.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from madang.content.errors import MadangError

from .api_types import ServerRefused, ServerUnavailable
from .callbacks import callback_text

if TYPE_CHECKING:
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)

KINDS = ("ticket", "message", "audio", "rating", "cancel", "callback", "heartbeat")
TICKET_KINDS = ("message", "audio", "rating", "cancel")  # records that act on a ticket
BASE_DELAY_S = 0.5
MAX_DELAY_S = 60.0
RETRY_LATER = {408, 429}  # the server asks to come back: not a refusal of the record
KEEP_DELIVERED_S = 24 * 3600.0  # delivered tickets, ratings, cancels: enough to follow a day's tickets
KEEP_PERSONAL_S = 600.0  # delivered messages, memos, call-backs: the flow has read the answer by then
KEEP_REFUSED_S = 7 * 24 * 3600.0  # refused records: reported in heartbeats for a week, then forgotten
PRUNE_EVERY_S = 60.0
PERSONAL_FIELDS = ("text", "phone", "note")

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,           -- sent as the Idempotency-Key
    kind TEXT NOT NULL,
    stream TEXT NOT NULL,               -- records of one stream are sent in seq order
    ref TEXT,                           -- the key of the ticket record this one names
    ticket_id TEXT,                     -- the server's ticket: named, or issued for this record
    payload TEXT NOT NULL,              -- JSON
    body BLOB,
    created_at REAL NOT NULL,           -- unix time, like every time here
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    not_before REAL,                    -- the server's Retry-After: kept even when a citizen waits
    last_error TEXT,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    delivered_at REAL,
    failed_at REAL,                     -- refused for good: kept for staff, never sent again
    refusal TEXT,                       -- JSON {status, code, detail} of that refusal
    result TEXT                         -- JSON: the server's answer
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (delivered_at, failed_at, seq);
CREATE INDEX IF NOT EXISTS outbox_ticket ON outbox (ticket_id);
"""
COLUMNS = (
    "seq, key, kind, stream, ref, ticket_id, payload, created_at, attempts, next_attempt_at, not_before,"
    " last_error, withdrawn, delivered_at, failed_at, refusal, result"
)
OPEN = "delivered_at IS NULL AND failed_at IS NULL"


class OutboxError(MadangError):
    """A record the outbox cannot take (an unknown kind, a payload without its ticket)."""


@dataclass(frozen=True)
class Record:
    seq: int
    key: str
    kind: str
    stream: str
    ref: str | None
    ticket_id: str | None
    payload: dict
    created_at: float
    attempts: int
    next_attempt_at: float
    not_before: float | None
    last_error: str | None
    withdrawn: bool
    delivered_at: float | None
    failed_at: float | None
    refusal: dict | None
    result: Any

    @property
    def state(self) -> str:
        """``pending``, ``delivered`` or ``failed``."""
        if self.delivered_at is not None:
            return "delivered"
        return "failed" if self.failed_at is not None else "pending"

    def due_at(self, *, urgent: bool = False) -> float:
        """When it may be sent; ``urgent`` (a citizen waits for it) skips the backoff, not the server's wait."""
        wait = 0.0 if urgent else self.next_attempt_at
        return max(wait, self.not_before or 0.0)


@dataclass(frozen=True)
class Backlog:
    count: int  # records not delivered yet (heartbeats aside)
    oldest_age_s: float  # how long the oldest of them has waited; 0.0 when none
    failed: int  # records refused for good, kept for staff


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # refused for good in this round
    unavailable: str | None = None  # why the round stopped early: the server could not be reached


class Outbox:
    """The records in the SQLite file at ``path`` (``":memory:"`` keeps them in memory only)."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.RLock()  # one connection, shared by the kiosk's threads
        self._changed = threading.Condition(self._lock)  # a stream's record is no longer in flight
        self._in_flight: dict[str, str] = {}  # stream -> the key being sent
        self._pruned_at = float("-inf")
        self._listeners: list[Callable[[], None]] = []
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a record added must survive a power cut
            self._db.execute("PRAGMA secure_delete=ON")  # an erased phone number is overwritten, not just freed
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """``listener()`` is called after each record added (the worker wakes up)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # --- adding ------------------------------------------------------------------------------------------

    def add(
        self,
        kind: str,
        payload: dict,
        *,
        stream: str | None = None,
        body: bytes | None = None,
        key: str | None = None,
        notify: bool = True,
    ) -> str:
        """Keeps a record (committed to disk before it returns) and gives its key. A key already kept is the same
        record: it is not added twice. ``notify=False`` leaves the listeners asleep (the caller sends it at once)."""
        if kind not in KINDS:
            raise OutboxError(f"unknown outbox record kind '{kind}': use one of {', '.join(KINDS)}")
        key = key or uuid.uuid4().hex
        ref, ticket_id = payload.get("ticket_key"), payload.get("ticket_id")
        if kind in TICKET_KINDS and not (ref or ticket_id):
            raise OutboxError(f"a {kind} record names its ticket: give ticket_id or ticket_key")
        if ref and stream not in (None, ref):
            raise OutboxError("a record that waits for its ticket goes in that ticket's stream (its key)")
        now = self._clock()
        with self._transaction():
            if stream is None:
                stream = self._default_stream(kind, key, ref, ticket_id)
            if kind == "heartbeat":  # only the newest one matters
                self._db.execute(
                    "DELETE FROM outbox WHERE kind = 'heartbeat' AND delivered_at IS NULL AND key IS NOT ?",
                    (self._in_flight.get(stream),),
                )
            self._db.execute(
                "INSERT INTO outbox (key, kind, stream, ref, ticket_id, payload, body, created_at, next_attempt_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (key, kind, stream, ref, ticket_id, _dumps(payload), body, now, now),
            )
        if notify:
            self._notify()
        return key

    def _default_stream(self, kind: str, key: str, ref: str | None, ticket_id: str | None) -> str:
        if kind == "heartbeat":
            return "heartbeat"
        if ref:
            return ref
        if ticket_id:
            return self.stream_for_ticket(ticket_id)
        return key

    def stream_for_ticket(self, ticket_id: str) -> str:
        """The stream of a ticket the server issued: the local key of the record that took it, when this kiosk
        did (so its note and its messages keep one order), else the ticket's id."""
        with self._lock:
            row = self._db.execute(
                "SELECT stream FROM outbox WHERE kind IN ('ticket', 'callback') AND ticket_id = ?"
                " ORDER BY seq DESC LIMIT 1",
                (ticket_id,),
            ).fetchone()
        return row["stream"] if row else ticket_id

    def withdraw(self, key: str) -> bool:
        """The citizen left without the ticket of this ``ticket`` record: once delivered, it is cancelled at once,
        and the records waiting for it are dropped. False when it was delivered already (its ticket stands)."""
        with self._transaction():
            row = self._db.execute(
                "SELECT delivered_at FROM outbox WHERE key = ? AND kind = 'ticket'", (key,)
            ).fetchone()
            if row is None:
                raise OutboxError(f"no ticket record with key '{key}'")
            if row["delivered_at"] is not None:
                return False
            self._db.execute("UPDATE outbox SET withdrawn = 1 WHERE key = ?", (key,))
            self._db.execute(f"DELETE FROM outbox WHERE ref = ? AND {OPEN}", (key,))
        return True

    # --- reading -----------------------------------------------------------------------------------------

    def get(self, key: str) -> Record | None:
        with self._lock:
            row = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE key = ?", (key,)).fetchone()
        return _record(row) if row else None

    def result(self, key: str) -> Any:
        """The server's answer to a delivered record (JSON data), else None."""
        record = self.get(key)
        return record.result if record else None

    def pending(self, kind: str | None = None) -> list[Record]:
        """The records not delivered and not refused, oldest first."""
        where, params = (f"{OPEN} AND kind = ?", (kind,)) if kind else (OPEN, ())
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE {where} ORDER BY seq", params).fetchall()
        return [_record(row) for row in rows]

    def failed(self) -> list[Record]:
        """The records the server refused for good, oldest first: kept for staff."""
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE failed_at IS NOT NULL ORDER BY seq").fetchall()
        return [_record(row) for row in rows]

    def latest(self, kind: str) -> Record | None:
        """The newest record of ``kind`` still kept, whatever its state."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {COLUMNS} FROM outbox WHERE kind = ? ORDER BY seq DESC LIMIT 1", (kind,)
            ).fetchone()
        return _record(row) if row else None

    def last_result(self, kind: str) -> Any:
        """The answer to the newest delivered record of ``kind`` (for ``heartbeat``: the server's commands)."""
        with self._lock:
            row = self._db.execute(
                "SELECT result FROM outbox WHERE kind = ? AND delivered_at IS NOT NULL ORDER BY seq DESC LIMIT 1",
                (kind,),
            ).fetchone()
        return json.loads(row["result"]) if row and row["result"] is not None else None

    def backlog(self, *, now: float | None = None) -> Backlog:
        now = self._clock() if now is None else now
        with self._lock:
            waiting = self._db.execute(
                f"SELECT count(*), min(created_at) FROM outbox WHERE {OPEN} AND kind != 'heartbeat'"
            ).fetchone()
            failed = self._db.execute("SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL").fetchone()[0]
        oldest = waiting[1]
        return Backlog(count=waiting[0], oldest_age_s=max(0.0, now - oldest) if oldest else 0.0, failed=failed)

    def next_due(self) -> float | None:
        """When the next record may be sent (unix time; maybe past), or None when nothing waits."""
        with self._lock:
            heads = self._heads(None)
        return min((record.due_at() for record in heads), default=None)

    def _heads(self, stream: str | None) -> list[Record]:
        """The first open record of each stream (of ``stream`` only, when given) not being sent, oldest first."""
        where, params = (f"{OPEN} AND stream = ?", (stream,)) if stream else (OPEN, ())
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM outbox WHERE seq IN (SELECT min(seq) FROM outbox WHERE {where} GROUP BY stream)"
            " ORDER BY seq",
            params,
        ).fetchall()
        return [record for record in map(_record, rows) if record.stream not in self._in_flight]

    # --- delivering --------------------------------------------------------------------------------------

    def deliver(
        self, client: KioskApiClient, *, now: float | None = None, limit: int | None = None, stream: str | None = None
    ) -> DeliveryReport:
        """Sends the records that are due, each stream in order, until none is left, ``limit`` records were sent,
        or the server cannot be reached. With ``stream``, only that stream's records, at once (a citizen waits:
        the backoff is skipped, the server's Retry-After is not), after any of its records being sent elsewhere.
        ``now`` is the time the backoff is measured against (default: the clock's)."""
        report = DeliveryReport()
        server_answers = False  # once a record went through, every waiting record is worth a try in this round
        waits = 0  # for the worker sending one of the stream's records (the citizen's own, perhaps) right now
        while limit is None or report.delivered + report.failed < limit:
            moment = self._clock() if now is None else now
            record = self._claim(moment, stream=stream, urgent=stream is not None or server_answers)
            if record is None:
                if stream is not None and waits < 3 and self._wait_while_sent_elsewhere(stream):
                    waits += 1
                    continue
                break
            try:
                outcome = self._deliver_one(client, record, moment)
            finally:
                self._release(record)
            if outcome == "delivered":
                report.delivered += 1
                server_answers = True
            elif outcome == "failed":
                report.failed += 1
            else:
                report.unavailable = outcome
                break
        self._prune(self._clock() if now is None else now)
        return report

    def _wait_while_sent_elsewhere(self, stream: str) -> bool:
        """Waits while another thread sends a record of ``stream``; True when it had to."""
        with self._changed:
            if stream not in self._in_flight:
                return False
            self._changed.wait_for(lambda: stream not in self._in_flight, timeout=60.0)
            return True

    def _claim(self, now: float, *, stream: str | None, urgent: bool) -> Record | None:
        with self._lock:
            for head in self._heads(stream):
                if head.due_at(urgent=urgent) > now:
                    continue
                self._in_flight[head.stream] = head.key
                return head
        return None

    def _release(self, record: Record) -> None:
        with self._changed:
            self._in_flight.pop(record.stream, None)
            self._changed.notify_all()

    def _deliver_one(self, client: KioskApiClient, record: Record, now: float) -> str:
        """``delivered``, ``failed``, or why the server could not be reached (the round stops)."""
        try:
            self._send(client, record)
        except _TicketRefused as refused:
            self._fail(record, 424, "ticket_refused", f"its ticket could not be taken: {refused}")
            return "failed"
        except ServerUnavailable as error:
            self._retry(record, now, str(error))
            return str(error)
        except ServerRefused as refusal:
            if refusal.status in RETRY_LATER:
                self._retry(record, now, str(refusal), retry_after=refusal.retry_after)
                return str(refusal)
            if refusal.status == 401:  # the kiosk's token, not this record: nothing goes until it is fixed
                log.error("the server does not accept this kiosk's token; records wait: %s", refusal)
                self._retry(record, now, str(refusal))
                return str(refusal)
            self._fail(record, refusal.status, refusal.code, refusal.detail)
            return "failed"
        except Exception as error:  # a fault of this kiosk, not of the record's data: try again later, not at once
            log.exception("outbox record %s (%s) could not be sent", record.key, record.kind)
            self._retry(record, now, f"{type(error).__name__}: {error}")
            return str(error)
        return "delivered"

    def _ticket_of(self, record: Record) -> str:
        """The server's id of the ticket the record names (its ticket record is earlier in its stream, so it was
        delivered or refused before this one is sent)."""
        if record.ticket_id:
            return record.ticket_id
        taker = self.get(record.ref or "")
        if taker is not None and taker.state == "delivered" and taker.ticket_id:
            return taker.ticket_id
        raise _TicketRefused(taker.refusal["detail"] if taker and taker.refusal else "it was never issued")

    def _send(self, client: KioskApiClient, record: Record) -> None:
        payload, key = record.payload, record.key
        ticket_id = self._ticket_of(record) if record.kind in TICKET_KINDS else ""
        if record.kind == "ticket":
            ticket = client.take_ticket(
                service_id=payload["service_id"], lang=payload["lang"], needs=payload["needs"], idempotency_key=key
            )
            if not self._done(record, dataclasses.asdict(ticket), ticket.id):  # withdrawn: nobody waits for it
                self._done(record, _cancel(client, ticket.id), ticket.id, withdrawn=True)
        elif record.kind == "message":
            message = client.send_message(ticket_id, payload["text"], kind=payload["kind"], idempotency_key=key)
            self._done(record, dataclasses.asdict(message), ticket_id)
        elif record.kind == "audio":
            content_type = payload.get("content_type", "audio/wav")
            message = client.send_audio(ticket_id, self._body(key), content_type=content_type, idempotency_key=key)
            self._done(record, dataclasses.asdict(message), ticket_id)
        elif record.kind == "rating":
            self._done(record, dataclasses.asdict(client.rate(ticket_id, payload["rating"])), ticket_id)
        elif record.kind == "cancel":
            self._done(record, _cancel(client, ticket_id), ticket_id)
        elif record.kind == "callback":
            self._send_callback(client, record)
        elif record.kind == "heartbeat":
            self._done(record, client.heartbeat(**payload), None)

    def _send_callback(self, client: KioskApiClient, record: Record) -> None:
        payload, key = record.payload, record.key
        ticket = client.take_ticket(
            service_id=payload["service_id"], lang=payload["lang"], needs=[], idempotency_key=key
        )
        text = callback_text(payload["phone"], payload.get("note"), payload["created_at"])
        posted = None
        if payload.get("message_maybe_sent"):  # kept by an older kiosk that sent it without a key
            posted = next((m for m in client.messages(ticket.id) if m.sender == "citizen" and m.text == text), None)
        if posted is None:
            posted = client.send_message(ticket.id, text, idempotency_key=f"{key}:message")
        self._done(record, {"ticket_id": ticket.id, "number": ticket.number, "message_id": posted.id}, ticket.id)

    def _body(self, key: str) -> bytes:
        with self._lock:
            row = self._db.execute("SELECT body FROM outbox WHERE key = ?", (key,)).fetchone()
        return bytes(row["body"] or b"")

    def _done(self, record: Record, result: Any, ticket_id: str | None, *, withdrawn: bool = False) -> bool:
        """Records the delivery; False (nothing recorded) when a ticket was withdrawn meanwhile and is not
        cancelled yet (``withdrawn=True``: it is now)."""
        erase = record.kind in ("message", "audio", "callback")
        payload = {k: v for k, v in record.payload.items() if k not in PERSONAL_FIELDS} if erase else record.payload
        with self._transaction():
            if record.kind == "ticket" and not withdrawn:
                row = self._db.execute("SELECT withdrawn FROM outbox WHERE key = ?", (record.key,)).fetchone()
                if row is not None and row["withdrawn"]:
                    return False
            self._db.execute(
                "UPDATE outbox SET delivered_at = ?, result = ?, ticket_id = coalesce(?, ticket_id), payload = ?,"
                " body = CASE WHEN ? THEN NULL ELSE body END, last_error = NULL WHERE key = ?",
                (self._clock(), _dumps(result), ticket_id, _dumps(payload), erase, record.key),
            )
        if record.kind == "callback":
            with self._lock:  # the WAL's old pages held the phone number
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

    def _retry(self, record: Record, now: float, error: str, *, retry_after: int | None = None) -> None:
        delay = self._rng.random() * min(MAX_DELAY_S, BASE_DELAY_S * 2**record.attempts)
        not_before = now + retry_after if retry_after else None
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, not_before = ?, last_error = ?"
                " WHERE key = ?",
                (now + delay, not_before, error, record.key),
            )

    def _fail(self, record: Record, status: int, code: str, detail: str) -> None:
        log.warning("the server refused outbox record %s (%s); kept for staff: %s", record.key, record.kind, detail)
        refusal = {"status": status, "code": code, "detail": detail}
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET failed_at = ?, attempts = attempts + 1, last_error = ?, refusal = ? WHERE key = ?",
                (self._clock(), detail, _dumps(refusal), record.key),
            )

    def _prune(self, now: float) -> None:
        """Forgets delivered records once nobody needs them (the newest heartbeat answer stays), and refused ones
        (with what the citizen entered) after a week; at most once a minute."""
        if now - self._pruned_at < PRUNE_EVERY_S:
            return
        self._pruned_at = now
        with self._transaction():
            self._db.execute("DELETE FROM outbox WHERE failed_at < ?", (now - KEEP_REFUSED_S,))
            self._db.execute(
                "DELETE FROM outbox WHERE delivered_at < ? AND kind IN ('message', 'audio', 'callback')",
                (now - KEEP_PERSONAL_S,),
            )
            self._db.execute(
                "DELETE FROM outbox WHERE delivered_at < ? AND kind IN ('ticket', 'rating', 'cancel')",
                (now - KEEP_DELIVERED_S,),
            )
            self._db.execute(
                "DELETE FROM outbox WHERE kind = 'heartbeat' AND delivered_at IS NOT NULL AND seq <"
                " (SELECT max(seq) FROM outbox WHERE kind = 'heartbeat' AND delivered_at IS NOT NULL)"
            )

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


class _TicketRefused(Exception):  # noqa: N818 - not an error of the kiosk: a record's ticket was refused
    """The ticket a record waits for was refused for good, so the record cannot be sent either."""


def _cancel(client: KioskApiClient, ticket_id: str) -> dict:
    """The ticket cancelled; one that closed meanwhile (done, a no-show) or is being served cannot be, and is
    answered as it is: a retry would not change that."""
    try:
        return dataclasses.asdict(client.cancel(ticket_id))
    except ServerRefused as refusal:
        if refusal.status != 409:
            raise
        return dataclasses.asdict(client.ticket(ticket_id))


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _record(row: sqlite3.Row) -> Record:
    return Record(
        seq=row["seq"],
        key=row["key"],
        kind=row["kind"],
        stream=row["stream"],
        ref=row["ref"],
        ticket_id=row["ticket_id"],
        payload=json.loads(row["payload"]),
        created_at=row["created_at"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        not_before=row["not_before"],
        last_error=row["last_error"],
        withdrawn=bool(row["withdrawn"]),
        delivered_at=row["delivered_at"],
        failed_at=row["failed_at"],
        refusal=json.loads(row["refusal"]) if row["refusal"] else None,
        result=json.loads(row["result"]) if row["result"] is not None else None,
    )
