"""Call-back requests kept on the kiosk while the admin web cannot be reached, and delivered later.

A citizen who cannot take a ticket leaves a phone number for a service. The request is one row of a local
SQLite file (WAL), with a random key. Once the server answers, ``deliver`` takes a ticket with that key as
its Idempotency-Key (the server gives the same ticket for the same key) and posts the number to the ticket's
chat, so the staff call back. Every step is recorded in the row, so a crash or a lost answer repeats only
what is safe to repeat: the ticket comes from its key, and a message that may have been sent is looked up
in the chat before it is sent again. Once delivered, the phone number is erased from the file; only the key,
the service and the ticket number stay.

One kiosk process uses the file; within it, every method may be called from any thread.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from madang.content.contract import SEOUL
from madang.content.errors import MadangError

from .api_types import ServerRefused, ServerUnavailable

if TYPE_CHECKING:
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)

LANGS = ("ko", "en")
MAX_NOTE = 500
SCHEMA = """
CREATE TABLE IF NOT EXISTS callback_request (
    key TEXT PRIMARY KEY,           -- the Idempotency-Key of its ticket
    service_id TEXT NOT NULL,
    lang TEXT NOT NULL,
    phone TEXT,                     -- NULL once delivered
    note TEXT,                      -- NULL once delivered
    created_at TEXT NOT NULL,       -- ISO 8601, UTC
    ticket_id TEXT,                 -- set once a ticket was taken
    ticket_number TEXT,
    message_tried_at TEXT,          -- set before the message is sent: it may be on the server from then on
    delivered_at TEXT               -- set once the message is on the server
)
"""


@dataclass(frozen=True)
class CallbackRequest:
    key: str
    service_id: str
    lang: str
    phone: str  # "" once delivered (erased)
    created_at: str  # ISO 8601, UTC
    delivered_number: str | None  # the ticket's number once delivered
    note: str | None = None


class CallbackStore:
    """The call-back requests in the SQLite file at ``path`` (``":memory:"`` keeps them in memory only)."""

    def __init__(self, path: Path | str) -> None:
        memory = str(path) == ":memory:"
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._lock = threading.RLock()  # one connection, shared by the kiosk's threads
        self._delivering = threading.Lock()  # one delivery at a time, so no message is sent twice
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a request taken must survive a power cut
            self._db.execute("PRAGMA secure_delete=ON")  # an erased phone number is overwritten, not just freed
            self._db.execute(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> CallbackStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, *, service_id: str, lang: str, phone: str, note: str | None = None) -> CallbackRequest:
        """Keeps a new request; ``MadangError`` when the phone number is not one (the message says how to type it)."""
        if not service_id.strip():
            raise MadangError("a call-back request needs a service: choose one first")
        if lang not in LANGS:
            raise MadangError(f"the language '{lang}' is not one the staff answer in: use one of {', '.join(LANGS)}")
        if note is not None and len(note) > MAX_NOTE:
            raise MadangError(f"the note is longer than {MAX_NOTE} characters: shorten it")
        request = CallbackRequest(
            key=uuid.uuid4().hex,
            service_id=service_id.strip(),
            lang=lang,
            phone=normalize_phone(phone),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            delivered_number=None,
            note=(note.strip() or None) if note else None,
        )
        with self._lock:
            self._db.execute(
                "INSERT INTO callback_request (key, service_id, lang, phone, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (request.key, request.service_id, request.lang, request.phone, request.note, request.created_at),
            )
        return request

    def pending(self) -> list[CallbackRequest]:
        """The requests not delivered yet, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM callback_request WHERE delivered_at IS NULL ORDER BY created_at, rowid"
            ).fetchall()
        return [_request(row) for row in rows]

    def get(self, key: str) -> CallbackRequest | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM callback_request WHERE key = ?", (key,)).fetchone()
        return _request(row) if row else None

    def mark_delivered(self, key: str, ticket_number: str) -> None:
        """Records the delivery and erases the phone number and note from the file (and from its WAL)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute(
                "UPDATE callback_request SET delivered_at = coalesce(delivered_at, ?), ticket_number = ?,"
                " phone = NULL, note = NULL WHERE key = ?",
                (now, ticket_number, key),
            )
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the old pages in the WAL held the number

    def deliver(self, client: KioskApiClient) -> int:
        """Delivers the pending requests, oldest first, and returns how many were delivered.

        Stops at the first ``ServerUnavailable`` (the rest wait for the next try). A request the server
        refuses is logged and stays pending; none is ever dropped.
        """
        delivered = 0
        with self._delivering:
            for request in self.pending():
                try:
                    self._deliver_one(client, request.key)
                except ServerUnavailable as error:
                    log.info("call-back requests wait for the server: %s", error)
                    break
                except ServerRefused as error:
                    log.warning("call-back request %s (%s) stays pending: %s", request.key, request.service_id, error)
                    continue
                delivered += 1
        return delivered

    def _deliver_one(self, client: KioskApiClient, key: str) -> None:
        row = self._row(key)
        # always asked again: the same key gives the same ticket, and nothing is lost if the last answer was
        ticket = client.take_ticket(service_id=row["service_id"], lang=row["lang"], needs=[], idempotency_key=key)
        with self._lock:
            self._db.execute(
                "UPDATE callback_request SET ticket_id = ?, ticket_number = ? WHERE key = ?",
                (ticket.id, ticket.number, key),
            )
        text = callback_text(row["phone"], row["note"], row["created_at"])
        if row["message_tried_at"] is None or not any(
            message.sender == "citizen" and message.text == text for message in client.messages(ticket.id)
        ):
            with self._lock:
                self._db.execute(
                    "UPDATE callback_request SET message_tried_at = ? WHERE key = ?",
                    (datetime.now(UTC).isoformat(timespec="seconds"), key),
                )
            client.send_message(ticket.id, text)
        self.mark_delivered(key, ticket.number)

    def _row(self, key: str) -> sqlite3.Row:
        with self._lock:
            return self._db.execute("SELECT * FROM callback_request WHERE key = ?", (key,)).fetchone()


def callback_text(phone: str, note: str | None, created_at: str) -> str:
    """What the staff read in the ticket's chat, e.g. "[전화 요청 / call-back] 010-1234-5678 (요청 시각 /
    requested at 2026-11-22 15:43 KST)"."""
    when = datetime.fromisoformat(created_at).astimezone(SEOUL).strftime("%Y-%m-%d %H:%M KST")
    text = f"[전화 요청 / call-back] {phone} (요청 시각 / requested at {when})"
    return f"{text}\n{note}" if note else text


KOREAN_PHONE = re.compile(r"02[0-9]{7,8}|0[13-9][0-9]{8,9}")  # Seoul (02) numbers are shorter
ANY_PHONE = re.compile(r"\+?[0-9]{9,15}")  # up to E.164's 15 digits, for visitors from abroad


def normalize_phone(phone: str) -> str:
    """A phone number as staff read it: a Korean one the usual way (010-1234-5678, 02-123-4567), any other
    one as its digits (with its leading +). ``MadangError`` when it is not a phone number."""
    digits = re.sub(r"[\s().-]", "", phone)
    if digits.startswith("+82"):
        digits = "0" + digits[3:].removeprefix("0")
    if KOREAN_PHONE.fullmatch(digits):
        if digits.startswith("02"):  # Seoul: 02-XXX-XXXX or 02-XXXX-XXXX
            return f"02-{digits[2:-4]}-{digits[-4:]}"
        return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"
    if ANY_PHONE.fullmatch(digits):
        return digits
    raise MadangError(f"'{phone}' is not a phone number: type 9 to 15 digits, e.g. 010-1234-5678")


def _request(row: sqlite3.Row) -> CallbackRequest:
    return CallbackRequest(
        key=row["key"],
        service_id=row["service_id"],
        lang=row["lang"],
        phone=row["phone"] or "",
        created_at=row["created_at"],
        delivered_number=row["ticket_number"] if row["delivered_at"] else None,
        note=row["note"],
    )
