"""Property tests of the kiosk API against its own OpenAPI document (schemathesis), on SQLite and PostgreSQL.

The document is what GET /api/v1/openapi.json of the real app serves. Every operation gets generated valid
and invalid requests, sent to the real app (one database per engine for the module) with a token that may
call it: no answer may be a 5xx, and every answer must use a documented status code, with a body that
matches the documented schema. Path ids are often real ones (tickets in several states, counters, content
files), so the code behind the lookups runs too.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from madang.admin_web.app import create_app
from madang.admin_web.config import Settings
from madang.admin_web.db import make_engine, write_session
from madang.admin_web.models import Role
from madang.admin_web.services import auth, kiosks, queue

from .conftest import PASSWORD, POSTGRES

API = "/api/v1"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
schemathesis.serializer.alias(["audio/wav", "audio/ogg", "audio/webm"], "application/octet-stream")
STAFF_ONLY = ("/call-next", "/recall", "/no-show", "/start", "/hold", "/resume", "/finish", "/transfer", "/kiosks")


def _settings(data_dir: Path, database_url: str) -> Settings:
    """Event streams end after a moment here: a generated request reads its stream to the end."""
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=uuid.uuid4().hex,
        cookie_secure=False,
        stream_seconds=0.2,
        stream_poll_seconds=0.05,
    )


def _served_document_app():
    """The real app, only to serve its OpenAPI document (which reads no database)."""
    folder = Path(tempfile.gettempdir())
    return create_app(_settings(folder, "sqlite:///:memory:"))


schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", _served_document_app())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def schema_app(request, tmp_path_factory):
    """The real app on a database of its own for this module, cloned from the published template."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("schema") / "madang.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        url, drop = f"sqlite:///{target}", None
    else:
        template = request.getfixturevalue("postgres_template")
        name = f"madang_schema_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url, drop = POSTGRES.rsplit("/", 1)[0] + f"/{name}", name
    engine = make_engine(url)
    app = create_app(_settings(tmp_path_factory.mktemp("data"), url), engine=engine)
    yield app
    engine.dispose()
    if drop:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')


@pytest.fixture(scope="module")
def world(schema_app) -> dict:
    """Tokens, counters, tickets in several states and content files, for generated requests to land on."""
    engine = schema_app.extensions["madang"]["engine"]
    with write_session(engine) as session:
        kiosk, kiosk_token = kiosks.register_kiosk(session, name="kiosk-1")
        auth.create_user(session, name="boss", role=Role.admin, password=PASSWORD)
        staff_token = auth.create_staff_token(session, user_name="boss")
        counters = [
            kiosks.create_counter(session, name=f"창구 {n}", service_ids=["tax-square", "consult-120"]).id
            for n in (1, 2, 3)
        ]
    with write_session(engine) as session:
        tickets = [
            queue.issue_ticket(session, service_id="tax-square", kiosk_id=kiosk.id, idempotency_key=f"world-{n}")[0].id
            for n in range(8)
        ]
        foreign, _ = queue.issue_ticket(session, service_id="consult-120", kiosk_id=None, idempotency_key=None)
    with write_session(engine) as session:  # called, in consultation, on hold; the rest wait
        for counter in counters:
            queue.call_next(session, counter_id=counter, actor="boss")
        queue.start(session, ticket_id=tickets[1], actor="boss")
        queue.start(session, ticket_id=tickets[2], actor="boss")
        queue.hold(session, ticket_id=tickets[2], actor="boss")
    kiosk_headers = {"Authorization": f"Bearer {kiosk_token}"}
    manifest = schema_app.test_client().get(f"{API}/content/manifest", headers=kiosk_headers).get_json()
    return {
        "kiosk": kiosk_headers,
        "staff": {"Authorization": f"Bearer {staff_token}"},
        "ticket_id": [*tickets, foreign.id],
        "counter_id": counters,
        "sha256": [entry["sha256"] for entry in manifest["files"][:3]],
    }


@schema.parametrize()
@schema.given(data=st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_the_api_keeps_its_documented_contract(case, data, schema_app, world):
    for name in ("ticket_id", "counter_id", "sha256"):
        if name in (case.path_parameters or {}) and data.draw(st.booleans(), label=f"a real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(world[name]), label=name)
    if isinstance(case.body, dict) and "service_id" in case.body and data.draw(st.booleans(), label="a real service"):
        case.body["service_id"] = data.draw(st.sampled_from(["tax-square", "consult-120"]), label="service_id")
    headers = world["staff"] if case.operation.path.endswith(STAFF_ONLY) else world["kiosk"]
    case.call_and_validate(app=schema_app, headers=headers, checks=CHECKS)


def test_every_route_is_documented():
    app = _served_document_app()
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        paths = [rule.rule.removeprefix(API)]
        for name, converter in rule._converters.items():
            choices = sorted(converter.items) if hasattr(converter, "items") else [f"{{{name}}}"]
            parts = [part for part in paths[0].split("/") if part.startswith("<") and part.rstrip(">").endswith(name)]
            paths = [path.replace(parts[0], choice) for path in paths for choice in choices]
        served |= {(method, path) for path in paths for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - documented == set(), "served but not in the OpenAPI document"
    assert documented - served == set(), "documented but not served"
