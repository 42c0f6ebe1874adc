"""Staff actions over the API (staff token): call next, and move a called ticket along."""

from __future__ import annotations

from flask import g, jsonify

from ..context import engine
from ..db import write_session
from ..errors import NotFound
from ..models import Role
from ..services import queue
from . import api
from .access import requires
from .schemas import FinishCreate, TransferCreate, parse_body
from .tickets import ticket_public

STAFF = (Role.counselor, Role.admin)
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database


@api.post("/counters/<int:counter_id>/call-next")
@requires(roles=STAFF)
def call_next(counter_id: int):
    if counter_id > MAX_ID:
        raise NotFound(f"no counter with id {counter_id}")
    with write_session(engine()) as session:
        ticket = queue.call_next(session, counter_id=counter_id, actor=g.principal.name)
        if ticket is None:
            return "", 204
        return jsonify(ticket_public(session, ticket))


ACTIONS = {
    "recall": queue.recall,
    "no-show": queue.no_show,
    "start": queue.start,
    "hold": queue.hold,
    "resume": queue.resume,
}


@api.post("/tickets/<ticket_id>/<any(recall, 'no-show', start, hold, resume):action>")
@requires(roles=STAFF)
def ticket_action(ticket_id: str, action: str):
    with write_session(engine()) as session:
        ticket = ACTIONS[action](session, ticket_id=ticket_id, actor=g.principal.name)
        return jsonify(ticket_public(session, ticket))


@api.post("/tickets/<ticket_id>/finish")
@requires(roles=STAFF)
def finish(ticket_id: str):
    body = parse_body(FinishCreate)
    with write_session(engine()) as session:
        ticket = queue.finish(session, ticket_id=ticket_id, actor=g.principal.name, note=body.note)
        return jsonify(ticket_public(session, ticket))


@api.post("/tickets/<ticket_id>/transfer")
@requires(roles=STAFF)
def transfer(ticket_id: str):
    body = parse_body(TransferCreate)
    with write_session(engine()) as session:
        ticket = queue.transfer(session, ticket_id=ticket_id, service_id=body.service_id, actor=g.principal.name)
        return jsonify(ticket_public(session, ticket))
