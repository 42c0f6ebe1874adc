"""Home devices, on SQLite and PostgreSQL: a headset registers itself with nothing personal, within a rate limit
kept in the database (per client address and overall, answered 429 with Retry-After), then uses the kiosk API
like a kiosk (a ticket and a consultation) until staff revoke it on the kiosks page."""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from sqlmodel import select

from madang.admin_web.app import create_app
from madang.admin_web.db import read_session, write_session
from madang.admin_web.errors import TooManyRequests
from madang.admin_web.models import AuditEntry, DeviceKind, HomeRegistration, Kiosk, utcnow
from madang.admin_web.services import home_devices
from madang.admin_web.services.auth import token_hash

from .test_staff_admin_pages import row_of, signed_in, text_values

API = "/api/v1"
HOME_NAME = re.compile(r"^home-[0-9a-f]{6}$")
LIMITS = home_devices.RegistrationLimits(per_address=5, address_seconds=3600, overall=30, overall_seconds=60)


def register(client, body: dict | None = None, address: str = "127.0.0.1"):
    return client.post(f"{API}/home-devices", json=body or {}, environ_base={"REMOTE_ADDR": address})


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def devices(engine) -> list[Kiosk]:
    with read_session(engine) as session:
        return list(session.exec(select(Kiosk).where(Kiosk.kind == DeviceKind.home)))


def test_a_headset_registers_itself_with_nothing_personal(client, engine):
    answer = register(client, {"app_version": "0.7.1"}, address="198.51.100.23")
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert set(body) == {"id", "name", "token"} and HOME_NAME.match(body["name"]) and len(body["token"]) >= 40
    assert register(client).status_code == 201  # the body is optional
    [device, _] = sorted(devices(engine), key=lambda d: d.id)
    assert (device.id, device.name, device.app_version) == (body["id"], body["name"], "0.7.1")
    assert device.token_hash == token_hash(body["token"]) and device.revoked_at is None

    personal = register(client, {"app_version": "0.7.1", "name": "김서울", "phone": "010-1234-5678"})
    assert personal.status_code == 422 and personal.get_json()["error"] == "invalid"
    assert "name: Extra inputs are not permitted" in personal.get_json()["detail"]
    assert len(devices(engine)) == 2

    stored = text_values(engine)
    for secret in (body["token"], "198.51.100.23", "김서울", "010-1234-5678"):
        assert not [value for value in stored if secret in value], f"{secret!r} is stored"
    with read_session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.target == body["name"])).one()
    assert (entry.actor, entry.action, entry.address) == ("home-device", "home-device.register", "")


def test_one_address_gets_429_with_retry_after_and_others_still_register(client):
    for _ in range(LIMITS.per_address):
        assert register(client, address="203.0.113.5").status_code == 201
    refused = register(client, address="203.0.113.5")
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert refused.get_json() == {
        "error": "too_many_requests",
        "detail": "too many home devices were registered from this network address: "
        f"try again in {refused.headers['Retry-After']} seconds",
    }
    assert register(client, address="203.0.113.6").status_code == 201


def test_all_addresses_together_get_429_at_the_global_cap(settings, engine):
    app = create_app(dataclasses.replace(settings, home_registration_global_limit=3), engine=engine)
    client = app.test_client()
    for n in range(3):
        assert register(client, address=f"192.0.2.{n}").status_code == 201
    refused = register(client, address="192.0.2.99")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["detail"].startswith("too many home devices are registering right now: try again in")


def test_the_window_slides_and_old_registrations_are_deleted(engine):
    key = home_devices.address_key("203.0.113.7", secret="s")
    start = utcnow() - timedelta(hours=2)
    for minutes in (0, 10, 20, 30, 40):
        with write_session(engine) as session:
            home_devices.register_home_device(
                session, address_key=key, limits=LIMITS, now=start + timedelta(minutes=minutes)
            )
    with pytest.raises(TooManyRequests) as refused, write_session(engine) as session:
        home_devices.register_home_device(session, address_key=key, limits=LIMITS, now=start + timedelta(minutes=50))
    assert refused.value.retry_after == 10 * 60  # when the first of the five leaves the hour
    with write_session(engine) as session:  # 61 minutes on, the first has left the window
        home_devices.register_home_device(session, address_key=key, limits=LIMITS, now=start + timedelta(minutes=61))
    with write_session(engine) as session:  # two hours on, the first five are deleted
        home_devices.register_home_device(session, address_key=key, limits=LIMITS, now=start + timedelta(hours=2))
    with read_session(engine) as session:
        kept = session.exec(select(HomeRegistration.at).order_by(HomeRegistration.at)).all()
    assert kept == [start + timedelta(minutes=61), start + timedelta(hours=2)]
    assert len(devices(engine)) == 7


def test_concurrent_registrations_never_pass_the_limit(engine):
    """Each thread has its own connection and transaction, as gunicorn's worker processes do."""
    key = home_devices.address_key("203.0.113.8", secret="s")
    start = threading.Barrier(12)
    outcomes: list[str] = []

    def attempt() -> None:
        start.wait()
        try:
            with write_session(engine) as session:
                home_devices.register_home_device(session, address_key=key, limits=LIMITS)
            outcomes.append("registered")
        except TooManyRequests:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["registered"] * 5
    assert len(devices(engine)) == 5


def test_a_home_device_takes_a_ticket_and_holds_a_consultation(client, fleet):
    token = register(client, {"app_version": "0.7.1"}).get_json()["token"]
    clerk, counter = fleet.staff(), fleet.counter("창구 1", "consult-120")
    taken = client.post(
        f"{API}/tickets",
        json={"service_id": "consult-120", "lang": "en", "needs": ["low-vision"]},
        headers=bearer(token, **{"Idempotency-Key": "home-1"}),
    )
    assert taken.status_code == 201, taken.get_json()
    ticket = taken.get_json()
    assert client.post(f"{API}/counters/{counter}/call-next", headers=clerk).get_json()["id"] == ticket["id"]
    assert client.post(f"{API}/tickets/{ticket['id']}/start", headers=clerk).status_code == 200
    said = client.post(f"{API}/tickets/{ticket['id']}/messages", json={"text": "Hello from 120"}, headers=clerk)
    assert said.status_code == 201
    reply = client.post(f"{API}/tickets/{ticket['id']}/messages", json={"text": "Hi"}, headers=bearer(token))
    assert reply.status_code == 201 and reply.get_json()["sender"] == "citizen"
    chat = client.get(f"{API}/tickets/{ticket['id']}/messages", headers=bearer(token)).get_json()
    assert [(m["sender"], m["text"]) for m in chat] == [("staff", "Hello from 120"), ("citizen", "Hi")]
    assert client.get(f"{API}/tickets/{ticket['id']}", headers=bearer(token)).get_json()["status"] == "in_consultation"
    assert client.get(f"{API}/content/manifest", headers=bearer(token)).status_code == 200
    beat = client.post(f"{API}/kiosks/heartbeat", json={"health": {"openxr": "ok"}}, headers=bearer(token))
    assert beat.status_code == 200


def test_staff_see_home_devices_apart_and_revoke_one(app, client, fleet, engine):
    kiosk_token = fleet.kiosk("lobby-kiosk")["Authorization"].removeprefix("Bearer ")
    home = register(client).get_json()
    admin = signed_in(app, fleet)
    admin.post("/language", data={"lang": "en", "next": "/kiosks"})
    html = admin.get("/kiosks").text
    kiosk_part, home_part = html.split('id="home-table"')
    assert home["name"] in home_part and home["name"] not in kiosk_part and "lobby-kiosk" not in home_part
    assert "Home devices, VR headsets (1)" in home_part and "Registered (Seoul time)" in home_part
    assert "Registered" not in kiosk_part  # kiosks keep their columns
    assert "Silent" not in row_of(html, home["name"])  # a headset at home is off most of the time: no alert
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d Never .* Active Revoke " + home["name"], row_of(html, home["name"]))

    confirm = admin.get(f"/kiosks/{home['id']}/revoke")
    assert "A home device can register itself again" in unescape(confirm.text)
    done = admin.post(f"/kiosks/{home['id']}/revoke", follow_redirects=True)
    assert f"The device '{home['name']}' was revoked." in unescape(done.text)
    assert "Revoked (" in row_of(done.text, home["name"])

    refused = client.post(f"{API}/kiosks/heartbeat", json={}, headers=bearer(home["token"]))
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.get_json() == {
        "error": "unauthorized",
        "detail": "this home device's token was revoked: forget it and register the device again "
        "(POST /api/v1/home-devices) for a new token",
    }
    assert client.post(f"{API}/kiosks/heartbeat", json={}, headers=bearer(kiosk_token)).status_code == 200
    again = register(client)
    assert again.status_code == 201 and again.get_json()["name"] != home["name"]
    with read_session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "kiosk.revoke")).one()
    assert (entry.actor, entry.target, '"kind": "home"' in entry.detail) == (admin.name, home["name"], True)


def test_revoking_a_home_device_needs_the_csrf_token(app, client, fleet):
    home = register(client).get_json()
    admin = signed_in(app, fleet)
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin.post(f"/kiosks/{home['id']}/revoke").status_code == 400
    assert client.post(f"{API}/kiosks/heartbeat", json={}, headers=bearer(home["token"])).status_code == 200
