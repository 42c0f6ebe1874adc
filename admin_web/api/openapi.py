"""GET /api/v1/openapi.json: the kiosk API described from the same models the endpoints validate with."""

from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel

from . import api
from .schemas import (
    ErrorBody,
    FinishCreate,
    Heartbeat,
    HeartbeatPublic,
    HomeDeviceCreate,
    HomeDevicePublic,
    KioskListPublic,
    ManifestPublic,
    MessageCreate,
    MessagePublic,
    RatingCreate,
    TicketCreate,
    TicketPublic,
    TransferCreate,
)

MODELS: list[type[BaseModel]] = [
    TicketCreate,
    TicketPublic,
    MessageCreate,
    MessagePublic,
    RatingCreate,
    Heartbeat,
    HeartbeatPublic,
    KioskListPublic,
    HomeDeviceCreate,
    HomeDevicePublic,
    ManifestPublic,
    TransferCreate,
    FinishCreate,
    ErrorBody,
]
REF = "#/components/schemas/{model}"


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    text = {
        400: "malformed request",
        401: "missing or unknown token",
        403: "the token's role may not do this",
        404: "unknown id",
        409: "not possible in the ticket's current state",
        422: "invalid fields",
        429: "too many registrations: try again after Retry-After seconds",
    }
    return {str(status): {"description": text[status], **_json(_ref(ErrorBody))} for status in statuses}


def _operation(
    summary: str,
    ok: dict,
    *,
    body: type[BaseModel] | None = None,
    errors=(401, 403, 404),
    params: tuple[dict, ...] = (),
    security: str = "bearer",
) -> dict:
    operation = {"summary": summary, "responses": {**ok, **_errors(*errors)}, "security": [{security: []}]}
    if body is not None:
        operation["requestBody"] = {"required": False, **_json(_ref(body))}
        operation["responses"].update(_errors(400, 422))
    if params:
        operation["parameters"] = list(params)
    return operation


TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}
COUNTER_ID = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
AUDIO_TYPES = ("audio/wav", "audio/ogg", "audio/webm")
BINARY = {"type": "string", "format": "binary"}
EVENT_ID = {"type": "string", "pattern": "^[0-9]{1,10}$"}
# one server-sent event, as a client parses it: `data` is JSON text (a status, a message or a position)
EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["status", "message", "position"]},
        "id": EVENT_ID,
        "data": {"type": "string", "contentMediaType": "application/json"},
        "retry": {"type": "integer"},
    },
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
}
# optional on messages and voice memos: a kiosk sends one so that its retry after a lost answer is no second message
MESSAGE_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "printable, at most 100 characters; one key per message, unique within the ticket",
    "schema": {"type": "string", "maxLength": 100},
}
MESSAGE = {"description": "the new message", **_json(_ref(MessagePublic))}
MESSAGE_BEFORE = {"description": "the message posted before with this Idempotency-Key", **_json(_ref(MessagePublic))}
TICKET = {"description": "the ticket", **_json(_ref(TicketPublic))}


def _register_home_device() -> dict:
    operation = _operation(
        "Register a home device (a headset at home; public, rate limited per client address). Nothing personal "
        "is asked; the answer holds the device's token, shown only this once.",
        {"201": {"description": "the new device", **_json(_ref(HomeDevicePublic))}},
        body=HomeDeviceCreate,
        errors=(429,),
    )
    operation["security"] = []
    operation["responses"]["429"]["headers"] = {
        "Retry-After": {"description": "seconds until a registration is possible", "schema": {"type": "integer"}}
    }
    return operation


def document() -> dict:
    schemas = {}
    for model in MODELS:
        schema = model.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    ticket_action = _operation(
        "Move a called ticket along (staff)", {"200": TICKET}, errors=(401, 403, 404, 409), params=(TICKET_ID,)
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "Madang kiosk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "a kiosk token or a staff API token"}
            },
        },
        "paths": {
            "/tickets": {
                "post": _operation(
                    "Take a ticket (kiosk). The same Idempotency-Key again returns the same ticket with 200.",
                    {"201": {"description": "a new ticket", **_json(_ref(TicketPublic))}, "200": TICKET},
                    body=TicketCreate,
                    params=(IDEMPOTENCY,),
                )
            },
            "/tickets/{ticket_id}": {
                "get": _operation("A ticket with live status and position", {"200": TICKET}, params=(TICKET_ID,))
            },
            "/tickets/{ticket_id}/events": {
                "get": _operation(
                    "Server-sent events: status changes and messages; Last-Event-ID resumes without loss",
                    {
                        "200": {
                            "description": "an event stream",
                            "content": {"text/event-stream": {"schema": EVENT}},
                        }
                    },
                    errors=(401, 403, 404, 422),
                    params=(
                        TICKET_ID,
                        {"name": "Last-Event-ID", "in": "header", "required": False, "schema": EVENT_ID},
                        {"name": "last_event_id", "in": "query", "required": False, "schema": EVENT_ID},
                    ),
                )
            },
            "/tickets/{ticket_id}/messages": {
                "get": _operation(
                    "The conversation",
                    {"200": {"description": "messages", **_json({"type": "array", "items": _ref(MessagePublic)})}},
                    params=(TICKET_ID,),
                ),
                "post": _operation(
                    "Send a message. With an Idempotency-Key, the same key on the same ticket again returns the "
                    "message already posted with 200 (even once the conversation has closed), never a second one.",
                    {"201": MESSAGE, "200": MESSAGE_BEFORE},
                    body=MessageCreate,
                    errors=(401, 403, 404, 409),
                    params=(TICKET_ID, MESSAGE_IDEMPOTENCY),
                ),
            },
            "/tickets/{ticket_id}/audio": {
                "post": {
                    **_operation(
                        "Send a voice memo (kiosk); the body is the audio. With an Idempotency-Key, the same key on "
                        "the same ticket again returns the memo's message already posted with 200, never a second one.",
                        {"201": MESSAGE, "200": MESSAGE_BEFORE},
                        errors=(401, 403, 404, 409, 422),
                        params=(TICKET_ID, MESSAGE_IDEMPOTENCY),
                    ),
                    "requestBody": {"required": True, "content": {kind: {"schema": BINARY} for kind in AUDIO_TYPES}},
                }
            },
            "/tickets/{ticket_id}/audio/{audio_id}": {
                "get": _operation(
                    "Play a voice memo",
                    {
                        "200": {
                            "description": "the recording",
                            "content": {"audio/*": {"schema": BINARY}},
                        }
                    },
                    params=(
                        TICKET_ID,
                        {"name": "audio_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    ),
                )
            },
            "/tickets/{ticket_id}/cancel": {
                "post": _operation(
                    "Withdraw a ticket (kiosk)", {"200": TICKET}, errors=(401, 403, 404, 409), params=(TICKET_ID,)
                )
            },
            "/tickets/{ticket_id}/rating": {
                "post": _operation(
                    "Rate a finished consultation (kiosk)",
                    {"200": TICKET},
                    body=RatingCreate,
                    errors=(401, 403, 404, 409),
                    params=(TICKET_ID,),
                )
            },
            **{
                f"/tickets/{{ticket_id}}/{action}": {"post": ticket_action}
                for action in ("recall", "no-show", "start", "hold", "resume")
            },
            "/tickets/{ticket_id}/finish": {
                "post": _operation(
                    "Finish a consultation with a note (staff)",
                    {"200": TICKET},
                    body=FinishCreate,
                    errors=(401, 403, 404, 409),
                    params=(TICKET_ID,),
                )
            },
            "/tickets/{ticket_id}/transfer": {
                "post": _operation(
                    "Move a ticket to another service, keeping its place (staff)",
                    {"200": TICKET},
                    body=TransferCreate,
                    errors=(401, 403, 404, 409),
                    params=(TICKET_ID,),
                )
            },
            "/counters/{counter_id}/call-next": {
                "post": _operation(
                    "Call the next waiting ticket to this counter (staff)",
                    {"200": TICKET, "204": {"description": "nobody is waiting"}},
                    errors=(401, 403, 404, 409),
                    params=(COUNTER_ID,),
                )
            },
            "/content/manifest": {
                "get": _operation(
                    "The published content version (ETag; If-None-Match gives 304)",
                    {
                        "200": {"description": "the manifest", **_json(_ref(ManifestPublic))},
                        "304": {"description": "unchanged"},
                    },
                    params=(
                        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
                    ),
                )
            },
            "/content/files/{sha256}": {
                "get": _operation(
                    "A content file by its SHA-256; `Range: bytes=N-` continues a cut download",
                    {
                        "200": {
                            "description": "the file",
                            "content": {"application/octet-stream": {"schema": BINARY}},
                        },
                        "206": {
                            "description": "the asked part of the file (Content-Range says which)",
                            "content": {"application/octet-stream": {"schema": BINARY}},
                        },
                        "416": {
                            "description": "the range starts at or after the file's end, or is malformed",
                            **_json(_ref(ErrorBody)),
                        },
                    },
                    params=(
                        {"name": "sha256", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}},
                    ),
                )
            },
            "/kiosks/heartbeat": {
                "post": _operation(
                    "Report versions and health (kiosk). The answer's commands say whether to restart (at the next "
                    "idle moment, exit status 75) and which content version to run. A pending restart is cleared by "
                    "a heartbeat from a run that started after the request.",
                    {"200": {"description": "recorded, with commands", **_json(_ref(HeartbeatPublic))}},
                    body=Heartbeat,
                    errors=(401, 403),
                )
            },
            "/kiosks": {
                "get": _operation(
                    "Every kiosk and home device with its state and alerts, in Korean and English (admin)",
                    {"200": {"description": "the fleet", **_json(_ref(KioskListPublic))}},
                    errors=(401, 403),
                )
            },
            "/home-devices": {"post": _register_home_device()},
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3", **_json({"type": "object"})}},
                }
            },
        },
    }


@api.get("/openapi.json")
def openapi_document():
    return jsonify(document())
