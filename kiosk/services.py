"""The outside world as flows see it: the admin web's kiosk API and the local call-back store.

Without a configured server every server call raises ``ServerUnavailable``, so flows take the same
offline path as when the network is down; call-back requests are always kept locally first.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from madang.content.errors import MadangError

from .api_types import ChatMessage, ServerRefused, ServerUnavailable, TicketInfo
from .callbacks import CallbackStore

if TYPE_CHECKING:  # the HTTP client is built at the edge (build.py); the core never imports it
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)


class CallbackStoreError(MadangError):
    """The local store could not keep a call-back request (a full or broken disk): staff must be called."""


NO_SERVER = "this kiosk has no server configured: start it with --server URL --token TOKEN"


class KioskServices:
    def __init__(self, client: KioskApiClient | None, callbacks: CallbackStore) -> None:
        self.client = client
        self.callbacks = callbacks
        self.notes: dict[str, str] = {}  # ticket id -> a note not yet delivered with it

    def _api(self) -> KioskApiClient:
        if self.client is None:
            raise ServerUnavailable(NO_SERVER)
        return self.client

    def take_ticket(self, *, service_id: str, lang: str, needs: list[str], key: str, note: str | None) -> TicketInfo:
        ticket = self._api().take_ticket(service_id=service_id, lang=lang, needs=needs, idempotency_key=key)
        if note:
            self.notes[ticket.id] = note
            self._send_notes()
        return ticket

    def _send_notes(self) -> None:
        """A note that goes with a ticket (the document requested) is sent once the ticket exists."""
        for ticket_id, note in list(self.notes.items()):
            try:
                self._api().send_message(ticket_id, note)
            except ServerUnavailable:
                return
            except ServerRefused as refused:
                log.warning("the server refused the note for ticket %s: %s", ticket_id, refused.detail)
            del self.notes[ticket_id]

    def ticket(self, ticket_id: str) -> TicketInfo:
        fresh = self._api().ticket(ticket_id)
        if self.notes:
            self._send_notes()
        return fresh

    def messages(self, ticket_id: str) -> list[ChatMessage]:
        return self._api().messages(ticket_id)

    def send_message(self, ticket_id: str, text: str, *, kind: str = "text") -> ChatMessage:
        return self._api().send_message(ticket_id, text, kind=kind)

    def send_audio(self, ticket_id: str, data: bytes) -> ChatMessage:
        return self._api().send_audio(ticket_id, data)

    def cancel(self, ticket_id: str) -> TicketInfo:
        return self._api().cancel(ticket_id)

    def rate(self, ticket_id: str, rating: int) -> TicketInfo:
        return self._api().rate(ticket_id, rating)

    def request_callback(self, *, service_id: str, lang: str, phone: str) -> None:
        """Keep the request on the kiosk first (a ``MadangError`` when even that fails), then try to deliver."""
        try:
            self.callbacks.add(service_id=service_id, lang=lang, phone=phone)
        except sqlite3.Error as error:
            raise CallbackStoreError(f"the call-back request could not be saved on this kiosk ({error})") from None
        self.deliver_callbacks()

    def deliver_callbacks(self) -> int:
        if self.client is None or not self.callbacks.pending():
            return 0
        return self.callbacks.deliver(self.client)

    def report_staff_call(self) -> None:
        """Tell the admin web (its kiosks page) that a citizen asked for a person; best effort."""
        if self.client is None:
            return
        try:
            self.client.heartbeat(health={"assistance": "requested"})
        except (ServerUnavailable, ServerRefused) as error:
            log.warning("could not report the staff call to the server: %s", error)
