"""Kiosk heartbeats (versions and health; the answer carries staff's commands) and the fleet's state for admins."""

from __future__ import annotations

from flask import g, jsonify

from ..context import engine
from ..db import read_session, write_session
from ..models import Role, iso
from ..services import fleet
from ..services.kiosks import commands
from ..services.kiosks import heartbeat as record_heartbeat
from . import api
from .access import requires
from .schemas import Heartbeat, parse_body


@api.post("/kiosks/heartbeat")
@requires(kiosk=True)
def heartbeat():
    body = parse_body(Heartbeat)
    with write_session(engine()) as session:
        kiosk = record_heartbeat(
            session,
            kiosk_id=g.principal.kiosk_id,
            content_version=body.content_version,
            app_version=body.app_version,
            health=body.health.model_dump(mode="json", exclude_none=True),
            started_at=body.started_at,
        )
        return jsonify(
            {"kiosk": kiosk.name, "last_seen_at": iso(kiosk.last_seen_at), "commands": commands(session, kiosk)}
        )


@api.get("/kiosks")
@requires(roles=(Role.admin,))
def kiosks():
    with read_session(engine()) as session:
        state = fleet.fleet(session)
    return jsonify(
        {"published_content_version": state.published, "kiosks": [device.as_json() for device in state.devices]}
    )
