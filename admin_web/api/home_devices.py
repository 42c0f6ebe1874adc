"""POST /api/v1/home-devices: a headset at home registers itself (public, rate limited, no personal data).

The answer holds the device's token once; from then on the device uses the kiosk API like a kiosk. The audit
entry names the device, not the caller's address: a citizen's address is not kept (the rate limit keeps only a
keyed hash of it, for its window).
"""

from __future__ import annotations

from flask import jsonify, request

from ..context import engine
from ..context import settings as current_settings
from ..db import write_session
from ..services import audit, home_devices
from . import api
from .schemas import HomeDeviceCreate, parse_body

ACTOR = "home-device"  # who registers: the device itself, not a staff user


@api.post("/home-devices")
def register_home_device():
    body = parse_body(HomeDeviceCreate)
    settings = current_settings()
    key = home_devices.address_key(request.remote_addr or "", secret=settings.secret_key)
    with write_session(engine()) as session:
        device, token = home_devices.register_home_device(
            session,
            address_key=key,
            limits=home_devices.RegistrationLimits.from_settings(settings),
            app_version=body.app_version,
        )
        detail = {"id": device.id, "kind": device.kind.value, "app_version": body.app_version}
        audit.record(session, actor=ACTOR, action="home-device.register", target=device.name, detail=detail)
        payload = {"id": device.id, "name": device.name, "token": token}
    response = jsonify(payload)
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"  # the token must not stay in any cache
    return response
