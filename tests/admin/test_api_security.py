"""Who may call each kiosk API route, on SQLite and PostgreSQL, and that no secret is stored in clear.

``ALLOWED`` is the expectation table, read from the ``requires(...)`` decorators of admin_web/api and kept
explicit here: a new route under /api/v1 without an entry fails ``test_every_api_route_has_an_expectation``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import LargeBinary, MetaData, String, Text, inspect, select
from sqlmodel import select as sql_select

from madang.admin_web.db import read_session, write_session
from madang.admin_web.models import Kiosk, Role, StaffToken, StaffUser
from madang.admin_web.services import audit, auth, kiosks

API = "/api/v1"
KIOSK, ADMIN, EDITOR, COUNSELOR = "kiosk", "admin", "editor", "counselor"
EVERYONE = frozenset({"anonymous", "unknown", "revoked-kiosk", KIOSK, ADMIN, EDITOR, COUNSELOR})
PUBLIC = EVERYONE
CONTENT = frozenset({KIOSK, ADMIN, EDITOR})  # requires(kiosk=True, roles=(admin, editor))
KIOSK_ONLY = frozenset({KIOSK})  # requires(kiosk=True)
FOLLOW = frozenset({KIOSK, COUNSELOR, ADMIN})  # requires(kiosk=True, roles=STAFF)
STAFF = frozenset({COUNSELOR, ADMIN})  # requires(roles=STAFF)
ACTIONS = ("recall", "no-show", "start", "hold", "resume")

# (method, rule) -> who gets through. Everyone else gets 401 (no, unknown or revoked token) or 403.
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/api/v1/content/manifest"): CONTENT,
    ("GET", "/api/v1/content/files/<sha256>"): CONTENT,
    ("POST", "/api/v1/tickets"): KIOSK_ONLY,
    ("GET", "/api/v1/tickets/<ticket_id>"): FOLLOW,
    ("POST", "/api/v1/tickets/<ticket_id>/cancel"): KIOSK_ONLY,
    ("POST", "/api/v1/tickets/<ticket_id>/rating"): KIOSK_ONLY,
    ("GET", "/api/v1/tickets/<ticket_id>/events"): FOLLOW,
    ("GET", "/api/v1/tickets/<ticket_id>/messages"): FOLLOW,
    ("POST", "/api/v1/tickets/<ticket_id>/messages"): FOLLOW,
    ("POST", "/api/v1/tickets/<ticket_id>/audio"): KIOSK_ONLY,
    ("GET", "/api/v1/tickets/<ticket_id>/audio/<audio_id>"): FOLLOW,
    ("POST", "/api/v1/counters/<int:counter_id>/call-next"): STAFF,
    ("POST", "/api/v1/tickets/<ticket_id>/<any(recall, 'no-show', start, hold, resume):action>"): STAFF,
    ("POST", "/api/v1/tickets/<ticket_id>/finish"): STAFF,
    ("POST", "/api/v1/tickets/<ticket_id>/transfer"): STAFF,
    ("POST", "/api/v1/kiosks/heartbeat"): KIOSK_ONLY,
    ("GET", "/api/v1/kiosks"): frozenset({ADMIN}),  # requires(roles=(admin,))
    ("POST", "/api/v1/home-devices"): PUBLIC,  # a headset registers itself (rate limited)
    ("GET", "/api/v1/openapi.json"): PUBLIC,
}
UNKNOWN = {
    "ticket_id": uuid.uuid4().hex,
    "audio_id": uuid.uuid4().hex,
    "sha256": "0" * 64,
    "counter_id": 987654,
}


def api_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def urls_for(app, method: str, rule_text: str, **values) -> list[str]:
    """Every concrete URL of one rule (each choice of an ``any(...)`` part), with ``values`` for its ids."""
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and method in r.methods)
    choices = [{}]
    for name, converter in rule._converters.items():
        options = sorted(converter.items) if hasattr(converter, "items") else [values.get(name, UNKNOWN.get(name))]
        choices = [{**chosen, name: option} for chosen in choices for option in options]
    adapter = app.url_map.bind("localhost")
    return [adapter.build(rule.endpoint, chosen, method=method) for chosen in choices]


def assert_error_shape(response, status: int) -> None:
    assert response.status_code == status, (response.request.method, response.request.path, response.get_data())
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "detail"}, body
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["detail"], str) and body["detail"]


@pytest.fixture
def callers(fleet, engine) -> dict[str, dict[str, str]]:
    revoked = fleet.kiosk("revoked-kiosk")
    with write_session(engine) as session:
        kiosk = session.exec(sql_select(Kiosk).where(Kiosk.name == "revoked-kiosk")).one()
        kiosks.revoke_kiosk(session, kiosk_id=kiosk.id)
    return {
        "anonymous": {},
        "unknown": {"Authorization": f"Bearer {auth.new_secret()}"},
        "revoked-kiosk": revoked,
        KIOSK: fleet.kiosk("kiosk-1"),
        ADMIN: fleet.staff("boss", Role.admin),
        EDITOR: fleet.staff("writer", Role.editor),
        COUNSELOR: fleet.staff("clerk", Role.counselor),
    }


def test_every_api_route_has_an_expectation(app):
    routes = set(api_routes(app))
    assert routes - set(ALLOWED) == set(), "a new /api/v1 route: add who may call it to ALLOWED"
    assert set(ALLOWED) - routes == set(), "ALLOWED names a route that no longer exists"


def test_each_route_lets_in_exactly_the_allowed_callers(app, client, callers):
    for method, rule in api_routes(app):
        allowed = ALLOWED[(method, rule)]
        for url in urls_for(app, method, rule):
            for who, headers in callers.items():
                response = client.open(url, method=method, headers=headers, json={})
                if who in allowed:
                    assert response.status_code not in (401, 403), (who, method, url, response.get_json())
                elif who in ("anonymous", "unknown", "revoked-kiosk"):
                    assert_error_shape(response, 401)
                    assert response.headers["WWW-Authenticate"].startswith("Bearer")
                else:
                    assert_error_shape(response, 403)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer two words", "Bearer\tx"],
    ids=["empty", "bearer-only", "bearer-space", "basic", "other-scheme", "two-words", "tab"],
)
def test_malformed_authorization_is_401(client, fleet, header):
    fleet.kiosk()
    response = client.get(f"{API}/content/manifest", headers={"Authorization": header})
    assert_error_shape(response, 401)


def test_revoked_staff_token_and_disabled_user_are_401(client, fleet, engine):
    revoked, disabled = fleet.staff("revoked", Role.admin), fleet.staff("disabled", Role.admin)
    with write_session(engine) as session:
        revoked_user = session.exec(sql_select(StaffUser).where(StaffUser.name == "revoked")).one()
        token = session.exec(sql_select(StaffToken).where(StaffToken.user_id == revoked_user.id)).one()
        token.revoked_at = datetime.now(UTC)
        session.add(token)
        user = session.exec(sql_select(StaffUser).where(StaffUser.name == "disabled")).one()
        user.disabled = True
        session.add(user)
    for headers in (revoked, disabled):
        assert_error_shape(client.get(f"{API}/content/manifest", headers=headers), 401)


def test_a_kiosk_cannot_touch_another_kiosks_ticket(client, fleet):
    mine, theirs, clerk = fleet.kiosk("kiosk-a"), fleet.kiosk("kiosk-b"), fleet.staff()
    counter = fleet.counter("창구 1", "tax-square")
    taken = client.post(
        f"{API}/tickets", json={"service_id": "tax-square"}, headers={**mine, "Idempotency-Key": "shared-key"}
    )
    ticket = taken.get_json()
    assert client.post(f"{API}/counters/{counter}/call-next", headers=clerk).get_json()["id"] == ticket["id"]
    assert client.post(f"{API}/tickets/{ticket['id']}/start", headers=clerk).status_code == 200
    memo = client.post(
        f"{API}/tickets/{ticket['id']}/audio", data=b"RIFF....WAVE", content_type="audio/wav", headers=mine
    )
    assert memo.status_code == 201
    audio_id = memo.get_json()["audio_url"].rsplit("/", 1)[1]
    for (method, rule), allowed in ALLOWED.items():
        if "<ticket_id>" not in rule or KIOSK not in allowed:
            continue
        for url in urls_for(client.application, method, rule, ticket_id=ticket["id"], audio_id=audio_id):
            body = {"rating": 5} if url.endswith("/rating") else {"text": "hello"}
            response = client.open(url, method=method, headers=theirs, json=body)
            assert_error_shape(response, 403)
            assert "another kiosk" in response.get_json()["detail"]
    after = client.get(f"{API}/tickets/{ticket['id']}", headers=mine).get_json()
    assert after["status"] == "in_consultation", "the other kiosk changed nothing"
    messages = client.get(f"{API}/tickets/{ticket['id']}/messages", headers=mine).get_json()
    assert [m["kind"] for m in messages] == ["audio"]
    # the same idempotency key from another kiosk is another ticket, never the first kiosk's
    again = client.post(
        f"{API}/tickets", json={"service_id": "tax-square"}, headers={**theirs, "Idempotency-Key": "shared-key"}
    )
    assert again.status_code == 201 and again.get_json()["id"] != ticket["id"]


def test_errors_outside_the_routes_keep_the_shape(client, fleet):
    kiosk = fleet.kiosk()
    assert_error_shape(client.get(f"{API}/nothing-here", headers=kiosk), 404)
    assert_error_shape(client.delete(f"{API}/tickets", headers=kiosk), 405)
    assert_error_shape(client.put(f"{API}/content/manifest", headers=kiosk), 405)
    assert_error_shape(client.post(f"{API}/counters/not-a-number/call-next", headers=kiosk), 404)


def text_values(engine) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text and bytes value in every table of the database."""
    values = []
    tables = inspect(engine).get_table_names()
    with read_session(engine) as session:
        metadata = MetaData()
        metadata.reflect(bind=session.connection(), only=tables)
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | LargeBinary)]
            if not columns:
                continue
            for row in session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    text = bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else value
                    if text is not None:
                        values.append((table.name, column.name, text))
    return values


def test_no_token_or_password_is_stored_in_clear(client, engine):
    """Users, tokens and kiosks created as the CLI creates them, then used; every text column is scanned."""
    secrets: dict[str, str] = {}
    with write_session(engine) as session:
        for name, role in (("admin", Role.admin), ("editor", Role.editor), ("kim", Role.counselor)):
            secrets[f"password of {name}"] = password = auth.generate_password()
            auth.create_user(session, name=name, role=role, password=password)
            audit.record(session, actor="cli", action="user.create", target=name, detail={"role": role.value})
        secrets["typed password"] = "a typed password 1234"
        auth.create_user(session, name="lee", role=Role.counselor, password=secrets["typed password"])
    with write_session(engine) as session:
        for name in ("admin", "kim"):
            secrets[f"token of {name}"] = auth.create_staff_token(session, user_name=name)
            audit.record(session, actor="cli", action="token.create", target=name)
        _, secrets["kiosk token"] = kiosks.register_kiosk(session, name="시청역 1번 출구")
        audit.record(session, actor="cli", action="kiosk.create", target="시청역 1번 출구")
    kiosk = {"Authorization": f"Bearer {secrets['kiosk token']}"}
    staff = {"Authorization": f"Bearer {secrets['token of kim']}"}
    with write_session(engine) as session:
        counter = kiosks.create_counter(session, name="창구 1", service_ids=["tax-square"]).id
    taken = client.post(f"{API}/tickets", json={"service_id": "tax-square"}, headers={**kiosk, "Idempotency-Key": "k1"})
    assert taken.status_code == 201
    assert client.post(f"{API}/counters/{counter}/call-next", headers=staff).status_code == 200
    assert client.post(f"{API}/kiosks/heartbeat", json={"app_version": "1"}, headers=kiosk).status_code == 200
    with read_session(engine) as session:
        stored = {user.name: user.password_hash for user in session.exec(sql_select(StaffUser))}
        hashes = set(session.exec(sql_select(StaffToken.token_hash)))
    assert all(value.startswith("$argon2") for value in stored.values())
    assert hashes == {auth.token_hash(secrets["token of admin"]), auth.token_hash(secrets["token of kim"])}
    values = text_values(engine)
    assert {table for table, _, _ in values} >= {"staff_user", "staff_token", "kiosk", "audit_entry", "ticket"}
    for what, secret in secrets.items():
        found = [(table, column) for table, column, value in values if secret in value]
        assert found == [], f"the {what} is stored in clear in {found}"
