"""Request and response bodies of the kiosk API; the OpenAPI document is built from these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from flask import request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ApiError, Invalid
from ..models import TicketStatus


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketCreate(Body):
    service_id: str = Field(min_length=1, max_length=60)
    lang: Literal["ko", "en"] = "ko"
    needs: list[str] = Field(default_factory=list, max_length=10)


class TicketPublic(BaseModel):
    id: str
    number: str
    service_id: str
    status: TicketStatus
    position: int | None = Field(description="1 for the next to be called; null when not waiting")
    estimated_wait_s: int | None
    lang: str
    needs: list[str]
    counter: str | None
    recalls: int
    issued_at: str


class MessageCreate(Body):
    text: str = Field(min_length=1, max_length=2000)
    kind: Literal["text", "quick"] = "text"


class MessagePublic(BaseModel):
    id: int
    sender: Literal["staff", "citizen"]
    author: str
    kind: Literal["text", "quick", "audio"]
    text: str
    audio_url: str | None
    at: str


class RatingCreate(Body):
    rating: int = Field(ge=1, le=5)


VERSION = Field(default=None, ge=0, le=2**31 - 1)
Scalar = str | int | float | bool | None


class PartHealth(BaseModel):
    """One part of a kiosk (microphone, speaker, ...). A part its mode does not use says ``"used": false``."""

    model_config = ConfigDict(extra="ignore")  # a newer kiosk's extra fields are dropped, never refused
    ok: bool
    used: bool = True
    detail: str = Field(default="", max_length=300)


class ContentHealth(PartHealth):
    version: int | None = VERSION


class OutboxHealth(BaseModel):
    """What the kiosk still has to send: records waiting, the oldest one's age, and records the server refused."""

    model_config = ConfigDict(extra="ignore")
    backlog: int = Field(ge=0, le=2**31 - 1)
    oldest_age_s: float = Field(default=0.0, ge=0, le=10**9)
    failed: int = Field(default=0, ge=0, le=2**31 - 1)


class Health(BaseModel):
    """The known parts, plus free keys: a part of the same shape (checked like the others) or a plain value. A plain
    value in place of a known part (what older kiosks send, e.g. ``"microphone": "ok"``) is kept and shown as is."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"maxProperties": 30})
    __pydantic_extra__: dict[str, PartHealth | Scalar] = Field(init=False)
    microphone: PartHealth | Scalar = None
    speaker: PartHealth | Scalar = None
    recogniser: PartHealth | Scalar = None
    renderer: PartHealth | Scalar = None
    content: ContentHealth | Scalar = None
    outbox: OutboxHealth | Scalar = None

    @model_validator(mode="after")
    def _few_short_keys(self) -> Health:
        extra = self.__pydantic_extra__ or {}
        if len(extra) > 24 or any(len(key) > 40 for key in extra):
            raise ValueError("health holds at most 24 extra keys of at most 40 characters")
        for value in extra.values():
            if isinstance(value, str) and len(value) > 300:
                raise ValueError("a health value has at most 300 characters")
        return self


class Heartbeat(Body):
    content_version: int | None = VERSION
    app_version: str | None = Field(default=None, max_length=40)
    started_at: AwareDatetime | None = Field(
        default=None, description="when the kiosk's client started (ISO 8601 with a time zone)"
    )
    health: Health = Field(default_factory=Health)

    @field_validator("started_at")
    @classmethod
    def _in_utc(cls, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            moment = None
        if moment is None or not 2000 <= moment.year <= 2999:
            raise ValueError("started_at must be a moment between the years 2000 and 2999")
        return moment


class Commands(BaseModel):
    restart: bool = Field(description="staff asked for a restart: end at the next idle moment with exit status 75")
    content_version: int | None = Field(
        description="the content version this kiosk should run: the staff's pin, else the newest published"
    )


class HeartbeatPublic(BaseModel):
    kiosk: str
    last_seen_at: str
    commands: Commands


class AlertPublic(BaseModel):
    kind: Literal["never_seen", "silent", "unhealthy", "backlog", "refused", "content_behind"]
    part: str | None = Field(description="the health part, for 'unhealthy'")
    message: dict[Literal["ko", "en"], str] = Field(description="what is wrong and what to do, in Korean and English")


class KioskStatePublic(BaseModel):
    id: int
    name: str
    kind: Literal["kiosk", "home"]
    state: Literal["ok", "attention", "silent", "never_seen", "revoked"]
    last_seen_at: str | None
    started_at: str | None
    app_version: str | None
    content_version: int | None = Field(description="the version it shows, as it last reported")
    target_content_version: int | None = Field(description="the version it should run")
    pinned_content_version: int | None = Field(description="a version staff pushed; null follows the newest")
    restart_requested_at: str | None
    health: dict = Field(description="its last health report, as sent")
    alerts: list[AlertPublic]


class KioskListPublic(BaseModel):
    published_content_version: int | None
    kiosks: list[KioskStatePublic]


class HomeDeviceCreate(Body):
    """A home device registers itself: nothing about the person is asked, and nothing else is accepted."""

    app_version: str | None = Field(default=None, max_length=40)


class HomeDevicePublic(BaseModel):
    id: int
    name: str = Field(description="generated, e.g. home-7f3a2c")
    token: str = Field(description="the device's token, shown only in this answer; send it as a Bearer token")


class ManifestFile(BaseModel):
    path: str
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class ManifestPublic(BaseModel):
    version: int
    published_at: str
    files: list[ManifestFile]


class TransferCreate(Body):
    service_id: str = Field(min_length=1, max_length=60)


class FinishCreate(Body):
    note: str | None = Field(default=None, max_length=4000)


class ErrorBody(BaseModel):
    error: str
    detail: str


def parse_body(model: type[Body]) -> Body:
    """The JSON body as ``model``: 400 when it is not JSON, 422 naming each invalid field."""
    if not request.data:
        data = {}
    else:
        data = request.get_json(silent=True)
        if data is None:
            raise ApiError(
                "the body is not valid JSON: send a JSON object with Content-Type application/json",
                code="malformed_json",
                status=400,
            )
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    if _has_nul(data):
        raise Invalid("the body may not contain the NUL character (\\u0000): databases cannot store it in text")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors())
        raise Invalid(fields) from None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False
