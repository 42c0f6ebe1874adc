"""The counselor's live consultation queue: choose a counter, call the next ticket, move it along, and chat.

Every page works with plain form posts that redirect back. With JavaScript, ``queues.js`` follows the
counter's event stream and refreshes the page regions that changed, without moving keyboard focus.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, abort, flash, g, get_flashed_messages, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from madang.content.contract import SEOUL

from ..context import engine, settings
from ..db import read_session, write_session
from ..errors import ApiError, Conflict, NotFound
from ..i18n import translate
from ..models import Counter, Message, QueueService, Role, Ticket, TicketStatus, iso
from ..services import chat, queue
from . import (
    add_to_menu,
    audited,
    lang,
    login_required,
    queue_texts,  # noqa: F401  (registers the texts)
    staff,
)

STAFF = (Role.counselor, Role.admin)
POLL_SECONDS = 0.2  # how often the stream looks for a new ticket event
FULL_CHECK_SECONDS = 2.0  # ratings leave no ticket event: look at the whole counter this often
KEEPALIVE_SECONDS = 15.0
MAX_MESSAGE = 2000
MAX_NOTE = 4000

add_to_menu("staff.queues", "nav.queues", *STAFF)


class RefusedError(Exception):
    """A request this page turns down with its own (translated) message."""

    def __init__(self, key: str, status: int = 422, **values: object) -> None:
        super().__init__(key)
        self.key, self.status, self.values = key, status, values


@dataclass
class Feedback:
    """What the last action said, shown at the top of the page region it concerns."""

    region: str  # waiting | ticket | chat
    messages: list[tuple[str, str | None]]  # (text, its language when it differs from the page's)
    alert: bool = False


@dataclass
class CounterState:
    """Everything the counter page shows, read in one session."""

    counter: Counter
    services: dict[str, QueueService]  # every service that gives tickets, by id
    waiting: list[tuple[str, int]]  # (service id, people waiting) for this counter's services
    ticket: Ticket | None
    messages: list[Message]
    recent: list[Ticket]

    @property
    def version(self) -> str:
        """Changes whenever anything on the page would change."""
        current = self.ticket
        raw = [
            self.waiting,
            [current.id, current.status.value, current.recalls, current.service_id] if current else None,
            [message.id for message in self.messages],
            [[ticket.id, ticket.status.value, ticket.rating, ticket.closing_note] for ticket in self.recent],
        ]
        return hashlib.sha256(json.dumps(raw).encode()).hexdigest()[:16]


def load_state(db: Session, counter_id: int) -> CounterState:
    counter = db.get(Counter, counter_id)
    if counter is None:
        raise NotFound(f"no counter with id {counter_id}")
    ticket = queue.at_counter(db, counter_id)
    return CounterState(
        counter=counter,
        services={service.id: service for service in queue.services(db)},
        waiting=[(sid, queue.waiting_count(db, sid)) for sid in queue.counter_service_ids(db, counter_id)],
        ticket=ticket,
        messages=chat.messages(db, ticket_id=ticket.id) if ticket else [],
        recent=queue.closed_at_counter(db, counter_id),
    )


def _state_or_404(counter_id: int) -> CounterState:
    with read_session(engine()) as db:
        try:
            return load_state(db, counter_id)
        except NotFound:
            abort(404)


def _service_name(service: QueueService | None, service_id: str, language: str) -> str:
    if service is None:
        return service_id
    return (service.name_en if language == "en" else service.name_ko) or service_id


def _helpers(services: dict[str, QueueService]) -> dict:
    """Formatting for templates, in the page's language."""
    current = lang()

    def service_name(service_id: str) -> str:
        return _service_name(services.get(service_id), service_id, current)

    def needs(ticket: Ticket) -> list[str]:
        return [translate(f"queues.need.{need}", current) for need in json.loads(ticket.needs)]

    def clock(moment: datetime | None) -> str:
        if moment is None:
            return ""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(SEOUL).strftime("%H:%M")

    return {
        "service_name": service_name,
        "needs": needs,
        "clock": clock,
        "iso": iso,
        "max_recalls": queue.RECALLS_BEFORE_NO_SHOW,
    }


def _counter_page(state: CounterState, feedback: Feedback | None, status: int = 200):
    form = request.form if request.method == "POST" else {}
    page = render_template("queues/counter.html", state=state, feedback=feedback, form=form, **_helpers(state.services))
    return page, status


# Pages


@staff.get("/queues")
@login_required(*STAFF)
def queues():
    with read_session(engine()) as db:
        rows = [
            (
                counter,
                [(sid, queue.waiting_count(db, sid)) for sid in service_ids],
                queue.at_counter(db, counter.id),
            )
            for counter, service_ids in queue.counters(db)
        ]
        services = {service.id: service for service in queue.services(db)}
    return render_template("queues/index.html", rows=rows, **_helpers(services))


@staff.get("/queues/counters/<int:counter_id>")
@login_required(*STAFF)
def queue_counter(counter_id: int):
    state = _state_or_404(counter_id)
    flashed = [(category.removeprefix("queues:"), text) for category, text in get_flashed_messages(True)]
    said = [(region, text) for region, text in flashed if region in {"waiting", "ticket", "chat"}]
    feedback = Feedback(said[-1][0], [(text, None) for _, text in said]) if said else None
    return _counter_page(state, feedback)


@staff.get("/queues/counters/<int:counter_id>/regions")
@login_required(*STAFF)
def queue_regions(counter_id: int):
    """The page's live regions alone, for the script that keeps the page current."""
    state = _state_or_404(counter_id)
    page = render_template("queues/regions.html", state=state, feedback=None, form={}, **_helpers(state.services))
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@staff.get("/queues/counters/<int:counter_id>/stream")
@login_required(*STAFF)
def queue_stream(counter_id: int):
    """Server-sent events: a ``change`` event with the page version whenever the counter's page would change."""
    _state_or_404(counter_id)
    stream = counter_events(engine(), counter_id, settings().stream_seconds)
    return Response(
        stream, mimetype="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


def counter_events(source: Engine, counter_id: int, seconds: float) -> Iterator[str]:
    """Ends after ``seconds``; the browser reconnects and gets the current version first."""
    yield "retry: 1000\n\n"
    deadline = time.monotonic() + seconds
    last_event, last_version, checked_at, quiet_since = -1, None, 0.0, time.monotonic()
    while time.monotonic() < deadline:
        version = None
        with read_session(source) as db:
            latest = queue.latest_event_id(db)
            if latest != last_event or time.monotonic() - checked_at >= FULL_CHECK_SECONDS:
                last_event, checked_at = latest, time.monotonic()
                try:
                    version = load_state(db, counter_id).version
                except NotFound:
                    return
        if version is not None and version != last_version:
            last_version, quiet_since = version, time.monotonic()
            yield f"event: change\ndata: {json.dumps({'version': version})}\n\n"
        elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        time.sleep(POLL_SECONDS)


@staff.get("/queues/tickets/<ticket_id>/audio/<audio_id>")
@login_required(*STAFF)
def queue_audio(ticket_id: str, audio_id: str):
    with read_session(engine()) as db:
        try:
            clip = chat.audio(db, ticket_id=ticket_id, audio_id=audio_id)
        except NotFound:
            abort(404)
    response = Response(clip.data, mimetype=clip.content_type, headers={"Cache-Control": "private, max-age=3600"})
    return response.make_conditional(request, accept_ranges=True, complete_length=len(clip.data))


# Actions: each posts a form, changes the ticket through the queue services, is audited and redirects back.


def _back(counter_id: int, region: str, text: str, anchor: str = "feedback"):
    """Back to the counter page, which says ``text`` in ``region``; the browser lands on ``anchor``."""
    flash(text, f"queues:{region}")
    return redirect(url_for("staff.queue_counter", counter_id=counter_id, _anchor=anchor))


def _done(counter_id: int, region: str, key: str, anchor: str = "feedback", **values: object):
    return _back(counter_id, region, translate(f"queues.done.{key}", lang(), **values), anchor)


def _refused(counter_id: int, region: str, problem: ApiError | RefusedError, lead: str = "queues.error"):
    """The counter page again with the problem as an alert (and what was typed kept), with its status code."""
    if isinstance(problem, RefusedError):
        messages = [(translate(problem.key, lang(), **problem.values), None)]
    else:  # the queue services explain in English
        messages = [(translate(lead, lang()), None), (problem.detail, "en")]
    return _counter_page(_state_or_404(counter_id), Feedback(region, messages, alert=True), problem.status)


def _ticket_here(db: Session, counter_id: int, ticket_id: str) -> Ticket:
    ticket = queue.get_ticket(db, ticket_id)
    db.refresh(ticket, with_for_update=True)  # as the queue services will see it
    if ticket.counter_id != counter_id:
        raise RefusedError("queues.error.elsewhere", 409, number=ticket.number)
    return ticket


def _change(
    counter_id: int,
    ticket_id: str,
    action: str,
    region: str,
    *,
    do: Callable[[Session, Ticket], Ticket],
    then: Callable[[Ticket], ResponseReturnValue],
) -> ResponseReturnValue:
    """Apply ``do`` to a ticket at this counter in one transaction; audit it and answer with ``then``."""
    try:
        with write_session(engine()) as db:
            ticket = do(db, _ticket_here(db, counter_id, ticket_id))
    except (ApiError, RefusedError) as problem:
        return _refused(counter_id, region, problem)
    audited(f"queue.{action}", f"ticket:{ticket.id}", number=ticket.number, counter=counter_id)
    return then(ticket)


@staff.post("/queues/counters/<int:counter_id>/call-next")
@login_required(*STAFF)
def queue_call_next(counter_id: int):
    try:
        with write_session(engine()) as db:
            ticket = queue.call_next(db, counter_id=counter_id, actor=g.user.name)
    except NotFound:
        abort(404)
    except Conflict as problem:
        return _refused(counter_id, "waiting", problem, lead="queues.error.busy")
    except ApiError as problem:
        return _refused(counter_id, "waiting", problem)
    except IntegrityError:  # another clerk at this counter called at the same moment
        return _refused(counter_id, "waiting", RefusedError("queues.error.busy", 409))
    if ticket is None:
        return _back(counter_id, "waiting", translate("queues.nobody", lang()))
    audited("queue.call-next", f"ticket:{ticket.id}", number=ticket.number, counter=counter_id)
    return _done(counter_id, "ticket", "call-next", number=ticket.number)


@staff.get("/queues/counters/<int:counter_id>/call-next")
@staff.get("/queues/counters/<int:counter_id>/tickets/<ticket_id>/<action>")
@login_required(*STAFF)
def queue_action_page(counter_id: int, **_ignored: str):
    """An action's address opened directly (a reload, a language change): back to the counter page."""
    return redirect(url_for("staff.queue_counter", counter_id=counter_id))


MOVES = {
    "recall": queue.recall,
    "no-show": queue.no_show,
    "start": queue.start,
    "hold": queue.hold,
    "resume": queue.resume,
}


@staff.post(
    "/queues/counters/<int:counter_id>/tickets/<ticket_id>/<any(recall, 'no-show', start, hold, resume):action>"
)
@login_required(*STAFF)
def queue_move(counter_id: int, ticket_id: str, action: str):
    def do(db: Session, ticket: Ticket) -> Ticket:
        return MOVES[action](db, ticket_id=ticket.id, actor=g.user.name)

    def then(ticket: Ticket) -> ResponseReturnValue:
        region = "waiting" if ticket.status == TicketStatus.no_show else "ticket"
        return _done(counter_id, region, action, number=ticket.number)

    return _change(counter_id, ticket_id, action, "ticket", do=do, then=then)


@staff.post("/queues/counters/<int:counter_id>/tickets/<ticket_id>/transfer")
@login_required(*STAFF)
def queue_transfer(counter_id: int, ticket_id: str):
    service_id = request.form.get("service_id", "").strip()

    def do(db: Session, ticket: Ticket) -> Ticket:
        if not service_id:
            raise RefusedError("queues.error.no_service")
        return queue.transfer(db, ticket_id=ticket.id, service_id=service_id, actor=g.user.name)

    def then(ticket: Ticket) -> ResponseReturnValue:
        with read_session(engine()) as db:
            service = _service_name(db.get(QueueService, service_id), service_id, lang())
        return _done(counter_id, "waiting", "transfer", number=ticket.number, service=service)

    return _change(counter_id, ticket_id, "transfer", "ticket", do=do, then=then)


@staff.post("/queues/counters/<int:counter_id>/tickets/<ticket_id>/finish")
@login_required(*STAFF)
def queue_finish(counter_id: int, ticket_id: str):
    note = request.form.get("note", "").strip()

    def do(db: Session, ticket: Ticket) -> Ticket:
        if len(note) > MAX_NOTE:
            raise RefusedError("queues.error.too_long", max=MAX_NOTE)
        return queue.finish(db, ticket_id=ticket.id, actor=g.user.name, note=note or None)

    def then(ticket: Ticket) -> ResponseReturnValue:
        return _done(counter_id, "waiting", "finish", number=ticket.number)

    return _change(counter_id, ticket_id, "finish", "ticket", do=do, then=then)


@staff.post("/queues/counters/<int:counter_id>/tickets/<ticket_id>/messages")
@login_required(*STAFF)
def queue_message(counter_id: int, ticket_id: str):
    text = request.form.get("text", "").strip()

    def do(db: Session, ticket: Ticket) -> Ticket:
        if not text:
            raise RefusedError("queues.error.empty")
        if len(text) > MAX_MESSAGE:
            raise RefusedError("queues.error.too_long", max=MAX_MESSAGE)
        chat.post(db, ticket_id=ticket.id, sender="staff", author=g.user.name, kind="text", text=text)
        return ticket

    def then(_: Ticket) -> ResponseReturnValue:
        return _done(counter_id, "chat", "message", anchor="message")

    return _change(counter_id, ticket_id, "message", "chat", do=do, then=then)
