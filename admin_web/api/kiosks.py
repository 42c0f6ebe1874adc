"""Kiosk heartbeats: versions and health, so staff see each kiosk's state."""

from __future__ import annotations

from flask import g, jsonify

from ..context import engine
from ..db import write_session
from ..models import iso
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
            health=body.health,
        )
        return jsonify({"kiosk": kiosk.name, "last_seen_at": iso(kiosk.last_seen_at)})
