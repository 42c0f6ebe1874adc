"""Messages between a citizen and staff during a consultation, and voice memos.

A message may carry an idempotency key (a kiosk's retry after a lost answer): the same key on the same ticket
gives the message already stored, and no second message, clip or event. The ticket's row lock orders two
requests with one key; the unique constraint (ticket_id, idempotency_key) catches what slips past it, and the
API answers that race with the message that won (``stored``).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from ..errors import Conflict, Invalid, NotFound
from ..models import AudioClip, Message, MessageSender, Ticket, TicketStatus, iso
from .queue import add_event

AUDIO_TYPES = {"audio/wav", "audio/x-wav", "audio/wave", "audio/ogg", "audio/webm", "audio/mpeg"}
MAX_AUDIO_BYTES = 8 * 1024 * 1024
CLOSED = {TicketStatus.done, TicketStatus.no_show, TicketStatus.cancelled}


def _locked_ticket(session: Session, ticket_id: str) -> Ticket:
    """The ticket, locked until the transaction ends, like every status change locks it: so one ticket's
    events are committed in the order of their ids, and a subscriber resuming after an id misses none."""
    ticket = session.exec(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()
    if ticket is None:
        raise NotFound(f"no ticket with id '{ticket_id}'")
    return ticket


def _check_open(ticket: Ticket) -> None:
    if ticket.status in CLOSED:
        raise Conflict(f"{ticket.number} is {ticket.status.value}: its conversation is closed")


def stored(session: Session, *, ticket_id: str, idempotency_key: str | None) -> Message | None:
    """The message already posted on this ticket with this idempotency key, if any."""
    if idempotency_key is None:
        return None
    return session.exec(
        select(Message).where(Message.ticket_id == ticket_id, Message.idempotency_key == idempotency_key)
    ).first()


def post(
    session: Session,
    *,
    ticket_id: str,
    sender: str,
    author: str,
    kind: str,
    text: str,
    audio_id: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[Message, bool]:
    """The new message (``True``), or the one already posted with this idempotency key (``False``): a retry
    is answered even once the conversation has closed, since the message was sent while it was open."""
    ticket = _locked_ticket(session, ticket_id)
    existing = stored(session, ticket_id=ticket_id, idempotency_key=idempotency_key)
    if existing is not None:
        return existing, False
    _check_open(ticket)
    message = Message(
        ticket_id=ticket_id,
        sender=MessageSender(sender),
        author=author,
        kind=kind,
        text=text,
        audio_id=audio_id,
        idempotency_key=idempotency_key,
    )
    session.add(message)
    session.flush()
    add_event(
        session,
        ticket_id=ticket_id,
        type="message",
        data={
            "id": message.id,
            "sender": sender,
            "kind": kind,
            "text": text,
            "author": author,
            "audio_id": audio_id,
            "at": iso(message.at),
        },
    )
    return message, True


def post_audio(
    session: Session, *, ticket_id: str, author: str, content_type: str, data: bytes, idempotency_key: str | None = None
) -> tuple[Message, bool]:
    """The new voice memo's message (``True``), or the one already posted with this idempotency key (``False``)."""
    ticket = _locked_ticket(session, ticket_id)
    existing = stored(session, ticket_id=ticket_id, idempotency_key=idempotency_key)
    if existing is not None:
        return existing, False
    if content_type not in AUDIO_TYPES:
        raise Invalid(f"unsupported audio type '{content_type or 'none'}': send one of {sorted(AUDIO_TYPES)}")
    if not data:
        raise Invalid("the voice memo is empty")
    if len(data) > MAX_AUDIO_BYTES:
        raise Invalid(f"the voice memo is larger than {MAX_AUDIO_BYTES // (1024 * 1024)} MB")
    _check_open(ticket)
    clip = AudioClip(id=uuid.uuid4().hex, ticket_id=ticket_id, content_type=content_type, size=len(data), data=data)
    session.add(clip)
    session.flush()
    return post(
        session,
        ticket_id=ticket_id,
        sender="citizen",
        author=author,
        kind="audio",
        text="",
        audio_id=clip.id,
        idempotency_key=idempotency_key,
    )


def messages(session: Session, *, ticket_id: str) -> list[Message]:
    return list(session.exec(select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)))


def audio(session: Session, *, ticket_id: str, audio_id: str) -> AudioClip:
    clip = session.get(AudioClip, audio_id)
    if clip is None or clip.ticket_id != ticket_id:
        raise NotFound(f"no voice memo '{audio_id}' on this ticket")
    return clip
