"""The outside world as flows see it: the admin web's kiosk API, and the outbox everything sent goes through.

Whatever the kiosk sends (a ticket, a message, a voice memo, a rating, a cancel, a proposal, a call-back request)
is kept in the outbox on the kiosk's disk first (kiosk/outbox.py), then delivered. What a citizen waits for is
sent at once, on the caller's thread; the rest by the outbox's worker (``start_delivery``), or by the core's
periodic ``deliver_pending`` when no worker runs. A flow tells the outcomes apart by what it gets:
- the server's answer (a TicketInfo, a ChatMessage): it was delivered now;
- ``SavedForLater`` (a ``ServerUnavailable``): kept on the kiosk and sent once, when the server answers again;
- ``ServerRefused``: the server refused it; the reason is in ``detail`` (the record is kept for staff);
- ``ServerUnavailable`` from ``take_ticket``: no ticket now. A ticket is never kept for later (a number the
  server did not issue is never shown): the request is withdrawn, and if it reaches the server later it is
  cancelled at once, so nobody is called who left.

Without a configured server every server call raises ``ServerUnavailable``, so flows take the same offline path
as when the network is down; call-back requests and proposals are kept all the same.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from madang.content.errors import MadangError

from .api_types import ChatMessage, SavedForLater, ServerRefused, ServerUnavailable, TicketInfo
from .callbacks import callback_payload, migrate_store
from .live_feed import ChannelEvent, LiveFeed
from .outbox import Outbox, Record
from .outbox_worker import OutboxWorker

if TYPE_CHECKING:  # the HTTP client is built at the edge (build.py); the core never imports it
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)


class LocalStoreError(MadangError):
    """The kiosk could not keep a request on its disk (a full or broken disk): staff must be called."""


NO_SERVER = "this kiosk has no server configured: start it with --server URL --token TOKEN"
SAVED = "kept on this kiosk: it is sent as soon as the server answers again"


class KioskServices:
    def __init__(self, client: KioskApiClient | None, outbox: Outbox, live: LiveFeed | None = None) -> None:
        self.client = client
        self.outbox = outbox
        self.worker: OutboxWorker | None = None
        self.live = live or LiveFeed()  # the ticket followed live, its events waiting for the core

    @classmethod
    def open(cls, client: KioskApiClient | None, data_dir: Path, live: LiveFeed | None = None) -> KioskServices:
        """The services with the outbox in ``data_dir``/outbox.db (the call-back requests an older kiosk kept in
        ``data_dir``/callbacks.db are moved into it)."""
        outbox = Outbox(Path(data_dir) / "outbox.db")
        migrate_store(Path(data_dir) / "callbacks.db", outbox)
        return cls(client, outbox, live)

    def close(self) -> None:
        self.live.unfollow()
        self.stop_delivery()
        self.outbox.close()

    # --- delivery ------------------------------------------------------------------------------------------

    def start_delivery(self) -> OutboxWorker | None:
        """Starts the outbox's worker thread (None without a server): from then on it delivers what waits."""
        if self.client is not None and self.worker is None:
            self.worker = OutboxWorker(self.outbox, self.client)
            self.worker.start()
        return self.worker

    def stop_delivery(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()

    def deliver_pending(self) -> None:
        """Delivers what waits and is due: the worker does it when it runs, else this thread does, now."""
        if self.worker is not None:
            self.worker.wake()
        elif self.client is not None:
            self.outbox.deliver(self.client)

    def _deliver_now(self, key: str) -> Record:
        """Sends the record's stream at once (a citizen waits) and gives the record as it is then."""
        record = self._record(key)
        if self.client is not None and record.state == "pending":
            self.outbox.deliver(self.client, stream=record.stream)
            record = self._record(key)
        if record.state == "pending" and self.worker is not None:
            self.worker.wake()  # it takes over, with its backoff
        return record

    def _record(self, key: str) -> Record:
        record = self.outbox.get(key)
        if record is None:  # only a bug could lose it: it was committed before
            raise LocalStoreError(f"the outbox lost its record '{key}'")
        return record

    def _queue(self, kind: str, payload: dict, *, key: str | None = None, body: bytes | None = None) -> str:
        try:
            return self.outbox.add(kind, payload, key=key, body=body, notify=False)
        except sqlite3.Error as error:
            raise LocalStoreError(f"this kiosk could not keep what it should send ({error})") from None

    def _answer(self, record: Record) -> Any:
        """The server's answer to a delivered record; SavedForLater or ServerRefused else."""
        if record.state == "delivered":
            return record.result
        if record.state == "failed":
            raise _refused(record)
        raise SavedForLater(f"{SAVED} ({record.last_error or 'not sent yet'})", key=record.key)

    def _api(self) -> KioskApiClient:
        if self.client is None:
            raise ServerUnavailable(NO_SERVER)
        return self.client

    # --- the ticket followed live (the server's events stream) -----------------------------------------------

    def set_wakeup(self, wakeup: Callable[[], None] | None) -> None:
        """What to call (on the channel's thread) when events wait: the runner ticks the core with ``Tick(0.0)``."""
        self.live.set_wakeup(wakeup)

    def follow(self, ticket_id: str) -> bool:
        """Follows ``ticket_id``'s events live (instead of any ticket followed before); False without a server."""
        return self.live.follow(ticket_id)

    def unfollow(self, ticket_id: str | None = None) -> None:
        """Stops following the ticket followed (only if it is ``ticket_id``, when given)."""
        self.live.unfollow(ticket_id)

    def take_events(self) -> list[ChannelEvent]:
        """The followed ticket's events that came since the last call, in order."""
        return self.live.take()

    def streaming(self) -> bool:
        """Whether the followed ticket's events reach the core as they come: a stream is open and the runner wakes
        the core for them. Else the core only learns what happened when it asks (its poll)."""
        return self.live.streaming

    # --- what flows ask -------------------------------------------------------------------------------------

    def take_ticket(self, *, service_id: str, lang: str, needs: list[str], key: str, note: str | None) -> TicketInfo:
        """The ticket the server issued now for this request, with its ``note`` (the document asked for) sent after
        it. ``ServerUnavailable`` when it could not be issued now: the request is withdrawn (see above)."""
        self._api()  # without a server nothing is kept: no ticket will ever come of it
        self._queue("ticket", {"service_id": service_id, "lang": lang, "needs": list(needs)}, key=key)
        if note:
            self._queue("message", {"ticket_key": key, "text": note, "kind": "text"}, key=f"{key}:note")
        record = self._deliver_now(key)
        if record.state == "pending" and self.outbox.withdraw(key):
            raise ServerUnavailable(record.last_error or "the ticket could not be issued now")
        if record.state == "failed":
            raise _refused(record)
        record = self._record(key)
        if record.withdrawn:  # this request was given up before: a new one needs a new key
            raise ServerUnavailable("this ticket request was withdrawn: ask for a ticket again")
        return TicketInfo.from_json(record.result)

    def send_proposal(
        self, *, service_id: str, key: str, lang: str, note: str | None, memo: bytes | None
    ) -> TicketInfo:
        """A proposal: a ticket (its number is the receipt) with the text (``note``) and the voice ``memo`` in its
        chat. The ticket when every part went now; ``SavedForLater`` when a part waits on the kiosk (``ticket``
        set when the server issued it already); ``ServerRefused`` when the server refused a part."""
        self._queue("ticket", {"service_id": service_id, "lang": lang, "needs": []}, key=key)
        keys = [key]
        if note:
            keys.append(self._queue("message", {"ticket_key": key, "text": note, "kind": "text"}, key=f"{key}:text"))
        if memo:
            keys.append(
                self._queue("audio", {"ticket_key": key, "content_type": "audio/wav"}, key=f"{key}:memo", body=memo)
            )
        self._deliver_now(key)
        records = [self._record(part) for part in keys]
        refused = next((record for record in records if record.state == "failed"), None)
        if refused is not None:
            raise _refused(refused)
        ticket = TicketInfo.from_json(records[0].result) if records[0].state == "delivered" else None
        if ticket is None or any(record.state == "pending" for record in records):
            raise SavedForLater(SAVED, key=key, ticket=ticket)
        return ticket

    def ticket(self, ticket_id: str) -> TicketInfo:
        return self._api().ticket(ticket_id)

    def messages(self, ticket_id: str) -> list[ChatMessage]:
        return self._api().messages(ticket_id)

    def send_message(self, ticket_id: str, text: str, *, kind: str = "text") -> ChatMessage:
        """The message as the server posted it; ``SavedForLater`` or ``ServerRefused`` (see above)."""
        return ChatMessage.from_json(self._send("message", {"ticket_id": ticket_id, "text": text, "kind": kind}))

    def send_audio(self, ticket_id: str, data: bytes, *, content_type: str = "audio/wav") -> ChatMessage:
        """The voice memo's message as the server posted it; ``SavedForLater`` or ``ServerRefused``."""
        payload = {"ticket_id": ticket_id, "content_type": content_type}
        return ChatMessage.from_json(self._send("audio", payload, body=bytes(data)))

    def cancel(self, ticket_id: str) -> TicketInfo:
        """The ticket as the server has it now (cancelled, or closed already); ``SavedForLater`` or
        ``ServerRefused``."""
        return TicketInfo.from_json(self._send("cancel", {"ticket_id": ticket_id}))

    def rate(self, ticket_id: str, rating: int) -> TicketInfo:
        """The rated ticket; ``SavedForLater`` or ``ServerRefused``."""
        return TicketInfo.from_json(self._send("rating", {"ticket_id": ticket_id, "rating": rating}))

    def _send(self, kind: str, payload: dict, *, body: bytes | None = None) -> Any:
        self._api()
        return self._answer(self._deliver_now(self._queue(kind, payload, body=body)))

    def request_callback(self, *, service_id: str, lang: str, phone: str) -> None:
        """Keeps the request on the kiosk (``MadangError`` for a wrong number, ``LocalStoreError`` when it cannot be
        kept), then delivers it when the server answers."""
        payload = callback_payload(service_id=service_id, lang=lang, phone=phone)
        self._queue("callback", payload)
        self.deliver_pending()

    def report_staff_call(self) -> None:
        """Tells the admin web (its kiosks page) that a citizen asked for a person, with a heartbeat; best effort.
        It repeats the newest heartbeat's report (versions, health) with the request added, so the page loses
        nothing until the next regular heartbeat."""
        if self.client is None:
            return
        try:
            newest = self.outbox.latest("heartbeat")
            payload = dict(newest.payload) if newest else {}
            payload["health"] = {**payload.get("health", {}), "assistance": "requested"}
            self.outbox.add("heartbeat", payload)
        except sqlite3.Error as error:
            log.warning("could not keep the staff call for the server: %s", error)
            return
        self.deliver_pending()


def _refused(record: Record) -> ServerRefused:
    """The server's refusal of a record, as the flows know it."""
    refusal = record.refusal or {"status": 400, "code": "refused", "detail": record.last_error or "refused"}
    return ServerRefused(
        f"the admin web refused this kiosk's {record.kind} ({refusal['code']}): {refusal['detail']}",
        status=refusal["status"],
        code=refusal["code"],
        detail=refusal["detail"],
    )
