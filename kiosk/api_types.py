"""What the kiosk API gives and how it fails, as plain data: flows use these without any HTTP code.

- ``ServerUnavailable``: the server cannot be reached, takes too long, fails (5xx) or answers with something
  that is not the API's JSON. The kiosk can go on offline (e.g. take a call-back request) and try again later.
- ``ServerRefused``: the API answered 4xx with its ``{"error", "detail"}`` body. Trying again will not help.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from madang.content.errors import MadangError


class ServerUnavailable(MadangError):  # noqa: N818 - the kiosk's name for it
    """The admin web cannot be used now: no answer, a timeout, a server error, or an answer that is not the API."""


class ServerRefused(MadangError):  # noqa: N818 - the kiosk's name for it
    """The kiosk API refused the request (4xx) with its error ``code`` and a ``detail`` that says why; for 429,
    ``retry_after`` is the seconds the server asked to wait (its Retry-After header), when it said."""

    def __init__(self, message: str, *, status: int, code: str, detail: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after


class SavedForLater(ServerUnavailable):
    """Not delivered yet, but kept on this kiosk (its outbox): it is sent, once, as soon as the server answers
    again. ``key`` is the kept record's; ``ticket`` the ticket when the server issued it while a part waits."""

    def __init__(self, message: str, *, key: str, ticket: TicketInfo | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.ticket = ticket


@dataclass(frozen=True)
class TicketInfo:
    id: str
    number: str
    service_id: str
    status: str
    position: int | None  # 1 for the next to be called; None when not waiting
    estimated_wait_s: int | None
    counter: str | None  # the counter's name once the ticket is called
    recalls: int

    @classmethod
    def from_json(cls, data: dict) -> TicketInfo:
        """A ticket from the API's JSON; ``ValueError`` when a field is missing or of the wrong type."""
        return cls(
            id=_field(data, "id", str),
            number=_field(data, "number", str),
            service_id=_field(data, "service_id", str),
            status=_field(data, "status", str),
            position=_field(data, "position", int, optional=True),
            estimated_wait_s=_field(data, "estimated_wait_s", int, optional=True),
            counter=_field(data, "counter", str, optional=True),
            recalls=_field(data, "recalls", int),
        )


@dataclass(frozen=True)
class ChatMessage:
    id: int
    sender: str  # "citizen" or "staff"
    kind: str  # "text", "quick" or "audio"
    text: str
    at: str  # ISO 8601, UTC
    audio_url: str | None  # the voice memo's path on the server, for kind "audio"

    @classmethod
    def from_json(cls, data: dict) -> ChatMessage:
        """A chat message from the API's JSON; ``ValueError`` when a field is missing or of the wrong type."""
        return cls(
            id=_field(data, "id", int),
            sender=_field(data, "sender", str),
            kind=_field(data, "kind", str),
            text=_field(data, "text", str),
            at=_field(data, "at", str),
            audio_url=_field(data, "audio_url", str, optional=True),
        )


@dataclass(frozen=True)
class HomeDevice:
    """A home device as registered: its id and generated name on the server, and its token (given only once)."""

    id: int
    name: str
    token: str

    @classmethod
    def from_json(cls, data: dict) -> HomeDevice:
        return cls(id=_field(data, "id", int), name=_field(data, "name", str), token=_field(data, "token", str))


def _field(data: Any, name: str, kind: type, *, optional: bool = False) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    if name not in data:
        raise ValueError(f"the field '{name}' is missing")
    value = data[name]
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"the field '{name}' is {value!r}, not a {kind.__name__}")
    return value
