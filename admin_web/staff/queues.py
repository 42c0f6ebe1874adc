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
from datetime import UTC, datetime, timedelta, timezone

from flask import Response, abort, flash, g, get_flashed_messages, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..db import read_session, write_session
from ..errors import ApiError, Conflict, NotFound
from ..i18n import add_texts, translate
from ..models import Counter, Message, QueueService, Role, Ticket, TicketStatus, iso
from ..services import chat, queue
from . import add_to_menu, audited, engine, lang, login_required, settings, staff

STAFF = (Role.counselor, Role.admin)
SEOUL = timezone(timedelta(hours=9), "KST")
POLL_SECONDS = 0.2  # how often the stream looks for a new ticket event
FULL_CHECK_SECONDS = 2.0  # ratings leave no ticket event: look at the whole counter this often
KEEPALIVE_SECONDS = 15.0
MAX_MESSAGE = 2000
MAX_NOTE = 4000

add_to_menu("staff.queues", "nav.queues", *STAFF)

add_texts(
    {
        "queues.title": ("상담 대기열", "Consultation queues"),
        "queues.intro": ("일할 창구를 고르세요.", "Choose the counter you work at."),
        "queues.caption": (
            "창구, 서비스별 대기 인원, 지금 번호",
            "Counters, people waiting per service, current ticket",
        ),
        "queues.col.counter": ("창구", "Counter"),
        "queues.col.waiting": ("서비스별 대기", "Waiting per service"),
        "queues.col.current": ("지금 번호", "Current ticket"),
        "queues.no_counters": (
            "아직 창구가 없습니다. 관리자가 'madang admin create-counter'로 만듭니다.",
            "There are no counters yet. An administrator creates them with 'madang admin create-counter'.",
        ),
        "queues.none": ("없음", "None"),
        "queues.waiting_n": ("{service}: {count}명 대기", "{service}: {count} waiting"),
        "queues.current_of": ("{number} ({status})", "{number} ({status})"),
        "queues.back": ("창구 목록으로", "Back to all counters"),
        "queues.live": ("이 화면은 자동으로 새로 고쳐집니다.", "This page updates by itself."),
        "queues.refresh": ("새로 고침", "Refresh"),
        "queues.waiting.title": ("기다리는 사람", "Waiting"),
        "queues.call_next": ("다음 번호 부르기", "Call next"),
        "queues.nobody": ("기다리는 사람이 없습니다.", "Nobody is waiting."),
        "queues.ticket.title": ("지금 번호", "Current ticket"),
        "queues.ticket.none": (
            "이 창구에서 응대 중인 번호가 없습니다. 다음 번호를 부르세요.",
            "No ticket at this counter. Call the next one.",
        ),
        "queues.field.number": ("번호", "Number"),
        "queues.field.service": ("서비스", "Service"),
        "queues.field.status": ("상태", "Status"),
        "queues.field.lang": ("언어", "Language"),
        "queues.field.needs": ("필요한 도움", "Declared needs"),
        "queues.field.recalls": ("다시 부른 횟수", "Recalls"),
        "queues.recalls_of": ("{count}회 (최대 {max}회)", "{count} of {max}"),
        "queues.recall.hint": (
            "두 번 다시 불러도 오지 않으면 '오지 않음'으로 처리할 수 있습니다.",
            "After two recalls you can mark the ticket as a no-show.",
        ),
        "queues.lang.ko": ("한국어", "Korean"),
        "queues.lang.en": ("영어", "English"),
        "queues.status.waiting": ("대기", "waiting"),
        "queues.status.called": ("호출됨", "called"),
        "queues.status.in_consultation": ("상담 중", "in consultation"),
        "queues.status.on_hold": ("보류", "on hold"),
        "queues.status.transferred": ("이관됨", "transferred"),
        "queues.status.done": ("끝남", "done"),
        "queues.status.no_show": ("오지 않음", "no-show"),
        "queues.status.cancelled": ("취소됨", "cancelled"),
        "queues.need.wheelchair": ("휠체어", "wheelchair"),
        "queues.need.blind": ("시각 장애", "blind"),
        "queues.need.low-vision": ("저시력", "low vision"),
        "queues.need.deaf": ("청각 장애", "deaf"),
        "queues.need.sign-language": ("수어 통역", "sign language"),
        "queues.need.easy-read": ("쉬운 말", "easy read"),
        "queues.need.elderly": ("어르신", "elderly"),
        "queues.need.cognitive": ("인지 지원", "cognitive support"),
        "queues.need.other": ("기타 도움", "other help"),
        "queues.action.recall": ("다시 부르기", "Recall"),
        "queues.action.no-show": ("오지 않음으로 처리", "Mark as no-show"),
        "queues.action.start": ("상담 시작", "Start consultation"),
        "queues.action.hold": ("상담 보류", "Hold"),
        "queues.action.resume": ("상담 다시 시작", "Resume"),
        "queues.action.transfer": ("이관하기", "Transfer"),
        "queues.action.finish": ("상담 끝내기", "Finish consultation"),
        "queues.actions": ("번호 처리", "Ticket actions"),
        "queues.transfer.label": ("이관할 서비스", "Transfer to service"),
        "queues.transfer.choose": ("서비스를 고르세요", "Choose a service"),
        "queues.finish.note": ("마무리 메모", "Closing note"),
        "queues.finish.hint": (
            "상담한 내용과 안내한 것을 적으세요. 적지 않아도 됩니다.",
            "What was discussed and advised. You may leave it empty.",
        ),
        "queues.done.call-next": ("{number}번을 불렀습니다.", "Called {number}."),
        "queues.done.recall": ("{number}번을 다시 불렀습니다.", "Recalled {number}."),
        "queues.done.no-show": ("{number}번을 오지 않음으로 처리했습니다.", "{number} is marked as a no-show."),
        "queues.done.start": ("{number}번 상담을 시작했습니다.", "Consultation with {number} started."),
        "queues.done.hold": ("{number}번 상담을 보류했습니다.", "Consultation with {number} is on hold."),
        "queues.done.resume": ("{number}번 상담을 다시 시작했습니다.", "Consultation with {number} resumed."),
        "queues.done.transfer": ("{number}번을 '{service}'(으)로 이관했습니다.", "{number} moved to '{service}'."),
        "queues.done.finish": ("{number}번 상담을 끝냈습니다.", "Consultation with {number} finished."),
        "queues.done.message": ("메시지를 보냈습니다.", "Message sent."),
        "queues.error": ("할 수 없습니다.", "That did not work."),
        "queues.error.busy": (
            "이 창구는 이미 다른 번호를 응대하고 있습니다.",
            "This counter is already serving another ticket.",
        ),
        "queues.error.elsewhere": (
            "{number}번은 지금 이 창구의 번호가 아닙니다.",
            "{number} is not at this counter any more.",
        ),
        "queues.error.empty": ("보낼 메시지를 입력하세요.", "Type a message to send."),
        "queues.error.too_long": ("{max}자까지 쓸 수 있습니다.", "Use at most {max} characters."),
        "queues.error.no_service": ("이관할 서비스를 고르세요.", "Choose the service to transfer to."),
        "queues.chat.title": ("대화", "Conversation"),
        "queues.chat.none": (
            "응대 중인 번호가 생기면 여기에서 대화합니다.",
            "The conversation appears here when the counter serves a ticket.",
        ),
        "queues.chat.empty": ("아직 메시지가 없습니다.", "No messages yet."),
        "queues.chat.citizen": ("시민", "Citizen"),
        "queues.chat.staff": ("상담원 {name}", "Counselor {name}"),
        "queues.chat.quick": ("빠른 답", "quick reply"),
        "queues.chat.voice": ("음성 메모", "Voice memo"),
        "queues.chat.voice_at": ("{time} 시민 음성 메모", "Citizen's voice memo at {time}"),
        "queues.chat.download": ("음성 메모 내려받기", "Download the voice memo"),
        "queues.chat.message": ("보낼 메시지", "Message"),
        "queues.chat.send": ("보내기", "Send"),
        "queues.recent.title": ("최근 끝난 번호", "Recently closed"),
        "queues.recent.none": (
            "최근 12시간 동안 이 창구에서 끝난 번호가 없습니다.",
            "Nothing was closed at this counter in the last 12 hours.",
        ),
        "queues.recent.rating": ("평가: 5점 만점에 {rating}점", "Rating: {rating} of 5"),
        "queues.recent.no_rating": ("아직 평가하지 않았습니다.", "Not rated yet."),
        "queues.recent.note": ("메모: {note}", "Note: {note}"),
        "queues.announce.ticket": ("지금 번호 {number}: {status}", "Current ticket {number}: {status}"),
        "queues.announce.none": ("이 창구에서 응대 중인 번호가 없습니다.", "No ticket at this counter."),
    }
)


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
