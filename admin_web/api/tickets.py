"""Tickets for kiosks: take one (idempotent), follow it live, chat with staff, rate the consultation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Response, g, jsonify, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..context import engine
from ..context import settings as current_settings
from ..db import read_session, write_session
from ..errors import ApiError, Invalid
from ..models import Counter, Message, Role, Ticket, TicketStatus, iso
from ..services import chat, queue
from ..services.waiting import estimated_wait_seconds, position
from . import api
from .access import check_ticket_access, requires
from .events import event_stream
from .schemas import MessageCreate, RatingCreate, TicketCreate, parse_body

STAFF = (Role.counselor, Role.admin)
EVENT_ID = re.compile(r"[0-9]{1,10}")  # ASCII digits
MAX_EVENT_ID = 2**31 - 1  # event ids are 32-bit integers in every database


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header (None when absent or blank); 422 when it is not a usable key."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > 100:
        raise Invalid("the Idempotency-Key header is longer than 100 characters")
    if not key.isprintable():
        raise Invalid("the Idempotency-Key header may hold only printable characters")
    return key


def ticket_public(session, ticket: Ticket) -> dict:
    counter = session.get(Counter, ticket.counter_id) if ticket.counter_id else None
    place = position(session, ticket)
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service_id": ticket.service_id,
        "status": ticket.status.value,
        "position": place,
        "estimated_wait_s": estimated_wait_seconds(session, ticket, place),
        "lang": ticket.lang,
        "needs": json.loads(ticket.needs),
        "counter": counter.name if counter else None,
        "recalls": ticket.recalls,
        "issued_at": iso(ticket.issued_at),
    }


@api.post("/tickets")
@requires(kiosk=True)
def create_ticket():
    key = idempotency_key()
    if key is None:
        raise ApiError(
            "the Idempotency-Key header is required: send a new random key per ticket request",
            code="idempotency_key_required",
            status=400,
        )
    body = parse_body(TicketCreate)
    try:
        with write_session(engine()) as session:
            ticket, created = queue.issue_ticket(
                session,
                service_id=body.service_id,
                kiosk_id=g.principal.kiosk_id,
                idempotency_key=key,
                lang=body.lang,
                needs=body.needs,
                actor=g.principal.name,
            )
            payload = ticket_public(session, ticket)
    except IntegrityError:  # the same key raced in from a retry: answer with the ticket that won
        with read_session(engine()) as session:
            ticket, created = queue.issue_ticket(
                session, service_id=body.service_id, kiosk_id=g.principal.kiosk_id, idempotency_key=key
            )
            payload = ticket_public(session, ticket)
    response = jsonify(payload)
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_ticket", ticket_id=payload["id"])
    return response


@api.get("/tickets/<ticket_id>")
@requires(kiosk=True, roles=STAFF)
def get_ticket(ticket_id: str):
    with read_session(engine()) as session:
        ticket = queue.get_ticket(session, ticket_id)
        check_ticket_access(ticket)
        return jsonify(ticket_public(session, ticket))


@api.post("/tickets/<ticket_id>/cancel")
@requires(kiosk=True)
def cancel_ticket(ticket_id: str):
    """Withdraws the kiosk's ticket; a ticket already cancelled is answered as it is (a retry after a lost answer)."""
    with write_session(engine()) as session:
        ticket = queue.get_ticket(session, ticket_id)
        check_ticket_access(ticket)
        session.refresh(ticket, with_for_update=True)  # locked, as it is now: a racing retry waits, then sees it
        if ticket.status != TicketStatus.cancelled:
            ticket = queue.cancel(session, ticket_id=ticket_id, actor=g.principal.name)
        return jsonify(ticket_public(session, ticket))


@api.post("/tickets/<ticket_id>/rating")
@requires(kiosk=True)
def rate_ticket(ticket_id: str):
    body = parse_body(RatingCreate)
    with write_session(engine()) as session:
        check_ticket_access(queue.get_ticket(session, ticket_id))
        ticket = queue.rate(session, ticket_id=ticket_id, rating=body.rating)
        return jsonify(ticket_public(session, ticket))


@api.get("/tickets/<ticket_id>/events")
@requires(kiosk=True, roles=STAFF)
def ticket_events(ticket_id: str):
    last = request.headers.get("Last-Event-ID") or request.args.get("last_event_id") or "0"
    if not EVENT_ID.fullmatch(last) or int(last) > MAX_EVENT_ID:
        raise Invalid("Last-Event-ID must be the id of an event already received (a whole number)")
    with read_session(engine()) as session:
        check_ticket_access(queue.get_ticket(session, ticket_id))
    settings = current_settings()
    stream = event_stream(engine(), ticket_id, int(last), settings)
    return Response(
        stream, mimetype="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


def message_public(message: Message) -> dict:
    audio = (
        url_for("api.get_audio", ticket_id=message.ticket_id, audio_id=message.audio_id) if message.audio_id else None
    )
    return {
        "id": message.id,
        "sender": message.sender.value,
        "author": message.author,
        "kind": message.kind,
        "text": message.text,
        "audio_url": audio,
        "at": iso(message.at),
    }


@api.get("/tickets/<ticket_id>/messages")
@requires(kiosk=True, roles=STAFF)
def list_messages(ticket_id: str):
    with read_session(engine()) as session:
        check_ticket_access(queue.get_ticket(session, ticket_id))
        return jsonify([message_public(m) for m in chat.messages(session, ticket_id=ticket_id)])


@api.post("/tickets/<ticket_id>/messages")
@requires(kiosk=True, roles=STAFF)
def post_message(ticket_id: str):
    """A message; with an Idempotency-Key, the same key again answers 200 with the message already posted."""
    key = idempotency_key()
    body = parse_body(MessageCreate)
    sender = "citizen" if g.principal.kind == "kiosk" else "staff"

    def post(session) -> tuple[Message, bool]:
        check_ticket_access(queue.get_ticket(session, ticket_id))
        return chat.post(
            session,
            ticket_id=ticket_id,
            sender=sender,
            author=g.principal.name,
            kind=body.kind,
            text=body.text,
            idempotency_key=key,
        )

    return _posted_once(ticket_id, key, post)


@api.post("/tickets/<ticket_id>/audio")
@requires(kiosk=True)
def upload_audio(ticket_id: str):
    """A voice memo from the citizen: the raw audio as the body (audio/wav, audio/ogg or audio/webm)."""
    key = idempotency_key()
    content_type = (request.mimetype or "").lower()
    data = request.get_data(cache=False)

    def post(session) -> tuple[Message, bool]:
        check_ticket_access(queue.get_ticket(session, ticket_id))
        return chat.post_audio(
            session,
            ticket_id=ticket_id,
            author=g.principal.name,
            content_type=content_type,
            data=data,
            idempotency_key=key,
        )

    return _posted_once(ticket_id, key, post)


def _posted_once(ticket_id: str, key: str | None, post: Callable[[Session], tuple[Message, bool]]):
    """201 with a new message, or 200 with the one a retry with the same key already posted. When the same key
    raced in at once, the unique constraint stops the second insert, and the answer is the message that won."""
    try:
        with write_session(engine()) as session:
            message, created = post(session)
            payload = message_public(message)
    except IntegrityError:
        with read_session(engine()) as session:
            message = chat.stored(session, ticket_id=ticket_id, idempotency_key=key)
            if message is None:  # not a race on the key: another constraint failed
                raise
            payload, created = message_public(message), False
    return jsonify(payload), 201 if created else 200


@api.get("/tickets/<ticket_id>/audio/<audio_id>")
@requires(kiosk=True, roles=STAFF)
def get_audio(ticket_id: str, audio_id: str):
    with read_session(engine()) as session:
        check_ticket_access(queue.get_ticket(session, ticket_id))
        clip = chat.audio(session, ticket_id=ticket_id, audio_id=audio_id)
        return Response(clip.data, mimetype=clip.content_type, headers={"Cache-Control": "private, max-age=3600"})
