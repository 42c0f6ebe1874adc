"""The database: staff, kiosks, content versions, and the consultation queues with their period log.

Times are timezone-aware UTC (``utcnow()``) on every engine; days and months are Seoul's
(``madang.content.contract.SEOUL``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, e.g. 2026-11-22T06:43:58Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Role(StrEnum):
    admin = "admin"  # everything, including staff and kiosks
    editor = "editor"  # content: edit, preview, publish, roll back
    counselor = "counselor"  # queues and consultations


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=80)
    role: Role
    password_hash: str
    language: str = Field(default="ko", max_length=2)
    failed_logins: int = 0
    locked_until: datetime | None = None
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class StaffToken(SQLModel, table=True):
    """An API token acting as one staff user. Only its SHA-256 is stored."""

    __tablename__ = "staff_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who did what, when: every staff action that changes something."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=80)
    target: str = Field(default="", max_length=200)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    address: str = Field(default="", max_length=64)


class DeviceKind(StrEnum):
    kiosk = "kiosk"
    home = "home"  # a headset at home, registered by itself


class Kiosk(SQLModel, table=True):
    __tablename__ = "kiosk"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=120)
    kind: DeviceKind = DeviceKind.kiosk
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_seen_at: datetime | None = None
    content_version: int | None = None
    app_version: str | None = Field(default=None, max_length=40)
    health: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    started_at: datetime | None = None  # when its client last started, as it reported
    pinned_content_version: int | None = None  # staff pushed this version; None follows the newest published
    restart_requested_at: datetime | None = None  # staff asked for a restart; cleared once it started again


class HomeRegistration(SQLModel, table=True):
    """One home device registered itself, kept only as long as the rate limit looks back. The client's address
    is kept as a keyed hash (HMAC with the secret key), never in clear, and the row is deleted after the window."""

    __tablename__ = "home_registration"
    id: int | None = Field(default=None, primary_key=True)
    address_key: str = Field(index=True, max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)


class QueueService(SQLModel, table=True):
    """A service that gives tickets, imported from the content pack."""

    __tablename__ = "queue_service"
    id: str = Field(primary_key=True, max_length=60)
    prefix: str = Field(unique=True, max_length=1)
    name_ko: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    average_minutes: int = 10


class Counter(SQLModel, table=True):
    __tablename__ = "counter"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)


class CounterService(SQLModel, table=True):
    __tablename__ = "counter_service"
    counter_id: int = Field(foreign_key="counter.id", primary_key=True)
    service_id: str = Field(foreign_key="queue_service.id", primary_key=True, max_length=60)


class NumberSeries(SQLModel, table=True):
    """The last ticket number given per service and day (T-001, T-002, ...)."""

    __tablename__ = "number_series"
    service_id: str = Field(foreign_key="queue_service.id", primary_key=True, max_length=60)
    day: date = Field(primary_key=True)
    last_number: int = 0


class TicketStatus(StrEnum):
    waiting = "waiting"  # in line for its service
    called = "called"  # a counter called it; the citizen is on the way
    in_consultation = "in_consultation"  # a counselor is serving the citizen
    on_hold = "on_hold"  # the consultation is paused (e.g. fetching a document); the counter keeps it
    transferred = "transferred"  # moved to another service, keeping its place (a period, then waiting)
    done = "done"  # finished
    no_show = "no_show"  # called, recalled twice, never came
    cancelled = "cancelled"  # withdrawn by the citizen or staff


ACTIVE_AT_COUNTER = (TicketStatus.called, TicketStatus.in_consultation, TicketStatus.on_hold)
OPEN_STATUSES = (TicketStatus.waiting, *ACTIVE_AT_COUNTER)
_ACTIVE_SQL = "status IN ('called', 'in_consultation', 'on_hold')"


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "idempotency_key", name="uq_ticket_kiosk_idempotency"),
        Index("ix_ticket_queue", "service_id", "status", "priority", "queued_at"),
        # a counter serves one citizen at a time
        Index(
            "uq_ticket_active_counter",
            "counter_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )
    id: str = Field(primary_key=True, max_length=32)
    number: str = Field(max_length=12)
    service_id: str = Field(foreign_key="queue_service.id", max_length=60)
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    idempotency_key: str | None = Field(default=None, max_length=100)
    lang: str = Field(default="ko", max_length=2)
    needs: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    priority: int = 0  # 1 for declared accessibility needs
    status: TicketStatus = TicketStatus.waiting
    counter_id: int | None = Field(default=None, foreign_key="counter.id")
    recalls: int = 0
    issued_at: datetime = Field(default_factory=utcnow)
    queued_at: datetime = Field(default_factory=utcnow)  # kept on transfer: the place in line
    called_at: datetime | None = None
    served_at: datetime | None = None
    closed_at: datetime | None = None
    closing_note: str | None = Field(default=None, sa_column=Column(Text))
    rating: int | None = None


class TicketPeriod(SQLModel, table=True):
    """One stretch of a ticket in one status. Every change closes a period and opens the next."""

    __tablename__ = "ticket_period"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="ticket.id", index=True, max_length=32)
    status: TicketStatus
    service_id: str = Field(max_length=60)
    counter_id: int | None = None
    actor: str = Field(default="", max_length=80)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class TicketEvent(SQLModel, table=True):
    """What a ticket's subscribers are told, in order; the id is the server-sent event id."""

    __tablename__ = "ticket_event"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="ticket.id", index=True, max_length=32)
    at: datetime = Field(default_factory=utcnow)
    type: str = Field(max_length=20)
    data: str = Field(sa_column=Column(Text, nullable=False))


class MessageSender(StrEnum):
    staff = "staff"
    citizen = "citizen"


class Message(SQLModel, table=True):
    __tablename__ = "message"
    # a kiosk's retry with the same Idempotency-Key gives the stored message, never a second one
    __table_args__ = (UniqueConstraint("ticket_id", "idempotency_key", name="uq_message_ticket_idempotency"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="ticket.id", index=True, max_length=32)
    at: datetime = Field(default_factory=utcnow)
    sender: MessageSender
    author: str = Field(default="", max_length=80)
    kind: str = Field(default="text", max_length=10)  # text | quick | audio
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    audio_id: str | None = Field(default=None, foreign_key="audio_clip.id", max_length=32)
    idempotency_key: str | None = Field(default=None, max_length=100)


class AudioClip(SQLModel, table=True):
    """A citizen's recorded voice memo (attached to a consultation or a proposal)."""

    __tablename__ = "audio_clip"
    id: str = Field(primary_key=True, max_length=32)
    ticket_id: str = Field(foreign_key="ticket.id", index=True, max_length=32)
    content_type: str = Field(max_length=60)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ContentDraft(SQLModel, table=True):
    """The working copy of the content pack that editors change before publishing."""

    __tablename__ = "content_draft"
    path: str = Field(primary_key=True, max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=80)


class ContentBlob(SQLModel, table=True):
    __tablename__ = "content_blob"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ContentVersion(SQLModel, table=True):
    """An immutable published version: a manifest of files by hash."""

    __tablename__ = "content_version"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=80)
    note: str = Field(default="", max_length=300)
    rolled_back_from: int | None = None
    manifest: str = Field(sa_column=Column(Text, nullable=False))
