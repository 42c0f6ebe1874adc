"""Request and response bodies of the kiosk API; the OpenAPI document is built from these."""

from __future__ import annotations

from typing import Literal

from flask import request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class Heartbeat(Body):
    content_version: int | None = Field(default=None, ge=0, le=2**31 - 1)
    app_version: str | None = Field(default=None, max_length=40)
    health: dict[str, str | int | float | bool | None] = Field(default_factory=dict, max_length=50)


class HeartbeatPublic(BaseModel):
    kiosk: str
    last_seen_at: str


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
