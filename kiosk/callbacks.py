"""Call-back requests: a citizen who cannot take a ticket leaves a phone number for a service.

A request is an outbox record of kind ``callback`` (kiosk/outbox.py): kept on the kiosk's disk first, then
delivered as a ticket taken with the record's key and the phone number posted to that ticket's chat, so the staff
call back. Once delivered, the number is erased from the kiosk. ``callback_payload`` checks what the citizen typed
and gives the record's payload; ``migrate_store`` moves the requests an older kiosk kept in its own file
(``callbacks.db``) into the outbox, with their keys, so none is lost or sent twice.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from madang.content.contract import SEOUL
from madang.content.errors import MadangError

if TYPE_CHECKING:
    from .outbox import Outbox

log = logging.getLogger(__name__)

LANGS = ("ko", "en")
MAX_NOTE = 500


def callback_payload(
    *, service_id: str, lang: str, phone: str, note: str | None = None, created_at: str | None = None
) -> dict:
    """The outbox payload of a request; ``MadangError`` when the phone number is not one (the message says how to
    type it), the language is not one the staff answer in, or the service is missing."""
    if not service_id.strip():
        raise MadangError("a call-back request needs a service: choose one first")
    if lang not in LANGS:
        raise MadangError(f"the language '{lang}' is not one the staff answer in: use one of {', '.join(LANGS)}")
    if note is not None and len(note) > MAX_NOTE:
        raise MadangError(f"the note is longer than {MAX_NOTE} characters: shorten it")
    return {
        "service_id": service_id.strip(),
        "lang": lang,
        "phone": normalize_phone(phone),
        "note": (note.strip() or None) if note else None,
        "created_at": created_at or datetime.now(UTC).isoformat(timespec="seconds"),
    }


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


def migrate_store(path: Path, outbox: Outbox) -> int:
    """Moves the undelivered requests of an older kiosk's call-back file at ``path`` into ``outbox`` (same keys:
    a ticket already taken for one is the same ticket), then deletes the file. How many were moved."""
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        try:
            rows = db.execute(
                "SELECT * FROM callback_request WHERE delivered_at IS NULL ORDER BY created_at, rowid"
            ).fetchall()
        except sqlite3.DatabaseError as error:
            log.warning("the old call-back file %s cannot be read (%s); it is left as it is", path, error)
            return 0
    for row in rows:
        payload = {
            "service_id": row["service_id"],
            "lang": row["lang"],
            "phone": row["phone"],
            "note": row["note"],
            "created_at": row["created_at"],
            # the older kiosk may have posted the number without a key: look for it before posting it again
            "message_maybe_sent": row["message_tried_at"] is not None,
        }
        outbox.add("callback", payload, key=row["key"])
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        part.unlink(missing_ok=True)
    if rows:
        log.info("moved %d call-back request(s) from %s into the outbox", len(rows), path)
    return len(rows)
