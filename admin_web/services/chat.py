"""Messages between a citizen and staff during a consultation, and voice memos."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from ..errors import Conflict, Invalid, NotFound
from ..models import AudioClip, Message, MessageSender, Ticket, TicketStatus, iso
from .queue import add_event

AUDIO_TYPES = {"audio/wav", "audio/x-wav", "audio/wave", "audio/ogg", "audio/webm", "audio/mpeg"}
MAX_AUDIO_BYTES = 8 * 1024 * 1024
CLOSED = {TicketStatus.done, TicketStatus.no_show, TicketStatus.cancelled}


def _open_ticket(session: Session, ticket_id: str) -> Ticket:
    """The ticket, locked until the transaction ends, like every status change locks it: so one ticket's
    events are committed in the order of their ids, and a subscriber resuming after an id misses none."""
    ticket = session.exec(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()
    if ticket is None:
        raise NotFound(f"no ticket with id '{ticket_id}'")
    if ticket.status in CLOSED:
        raise Conflict(f"{ticket.number} is {ticket.status.value}: its conversation is closed")
    return ticket


def post(
    session: Session, *, ticket_id: str, sender: str, author: str, kind: str, text: str, audio_id: str | None = None
) -> Message:
    _open_ticket(session, ticket_id)
    message = Message(
        ticket_id=ticket_id, sender=MessageSender(sender), author=author, kind=kind, text=text, audio_id=audio_id
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
    return message


def post_audio(session: Session, *, ticket_id: str, author: str, content_type: str, data: bytes) -> Message:
    if content_type not in AUDIO_TYPES:
        raise Invalid(f"unsupported audio type '{content_type or 'none'}': send one of {sorted(AUDIO_TYPES)}")
    if not data:
        raise Invalid("the voice memo is empty")
    if len(data) > MAX_AUDIO_BYTES:
        raise Invalid(f"the voice memo is larger than {MAX_AUDIO_BYTES // (1024 * 1024)} MB")
    _open_ticket(session, ticket_id)
    clip = AudioClip(id=uuid.uuid4().hex, ticket_id=ticket_id, content_type=content_type, size=len(data), data=data)
    session.add(clip)
    session.flush()
    return post(session, ticket_id=ticket_id, sender="citizen", author=author, kind="audio", text="", audio_id=clip.id)


def messages(session: Session, *, ticket_id: str) -> list[Message]:
    return list(session.exec(select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)))


def audio(session: Session, *, ticket_id: str, audio_id: str) -> AudioClip:
    clip = session.get(AudioClip, audio_id)
    if clip is None or clip.ticket_id != ticket_id:
        raise NotFound(f"no voice memo '{audio_id}' on this ticket")
    return clip
