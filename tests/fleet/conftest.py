"""Fleet fixtures: one real admin server (`madang admin serve`) for the folder, with an admin who acts through the
staff web as staff do (login, forms with their CSRF token) and through the staff API (`GET /api/v1/kiosks`), and
kiosks that send heartbeats over the kiosk API.

Each test registers kiosks of its own (``new_kiosk``), so no test sees another's alerts on its kiosks.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from madang.admin_web.db import make_engine, write_session
from madang.admin_web.models import Role
from madang.admin_web.services import auth
from madang.admin_web.services.kiosks import register_kiosk
from tests.live_server import API, LiveServer, start_live_server

ADMIN = "fleet-admin"
ADMIN_PASSWORD = "fleet admin pw 0001"


@dataclass
class FleetServer:
    live: LiveServer
    admin_token: str

    @property
    def url(self) -> str:
        return self.live.url

    def new_kiosk(self, prefix: str = "kiosk") -> tuple[str, str]:
        """Registers a kiosk (as `madang admin create-kiosk` does): its name and token."""
        name = f"{prefix}-{uuid.uuid4().hex[:6]}"
        engine = make_engine(self.live.database_url)
        try:
            with write_session(engine) as session:
                _, token = register_kiosk(session, name=name)
        finally:
            engine.dispose()
        return name, token

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", **({"Content-Type": "application/json"} if data else {})}
        request = urllib.request.Request(f"{self.url}{API}{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read() or b"null")

    def heartbeat(self, token: str, **body) -> dict:
        status, answer = self.call("POST", "/kiosks/heartbeat", token, body)
        assert status == 200, answer
        return answer

    def state(self, name: str) -> dict:
        """The kiosk as `GET /api/v1/kiosks` shows it to the admin."""
        status, fleet = self.call("GET", "/kiosks", self.admin_token)
        assert status == 200, fleet
        return next(kiosk for kiosk in fleet["kiosks"] if kiosk["name"] == name)

    def sql(self, statement: str, **params) -> list:
        engine = create_engine(self.live.database_url)
        try:
            with engine.begin() as connection:
                result = connection.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def kiosk_id(self, name: str) -> int:
        return self.sql("SELECT id FROM kiosk WHERE name = :name", name=name)[0][0]


@pytest.fixture(scope="package")
def fleet_server(tmp_path_factory) -> Iterator[FleetServer]:
    with start_live_server(tmp_path_factory.mktemp("fleet-server"), workers=1, threads=8) as live:
        engine = make_engine(live.database_url)  # as `madang admin create-user` and `create-token` do
        try:
            with write_session(engine) as session:
                auth.create_user(session, name=ADMIN, role=Role.admin, password=ADMIN_PASSWORD)
                token = auth.create_staff_token(session, user_name=ADMIN)
        finally:
            engine.dispose()
        yield FleetServer(live, token)


@dataclass
class StaffWeb:
    """The staff web in a browser's place: the admin's login session, forms posted with their CSRF token."""

    server: FleetServer
    opener: urllib.request.OpenerDirector = field(init=False)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/login", "/login", name=ADMIN, password=ADMIN_PASSWORD)

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.server.url}{path}", timeout=60) as response:
            return response.read().decode("utf-8")

    def post(self, page: str, action: str, **fields) -> tuple[int, str]:
        """Posts the form of ``page`` whose action is ``action``, with that page's CSRF token; the status and the
        page it leads to."""
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(page))
        body = urllib.parse.urlencode({"csrf_token": html.unescape(found.group(1)), **fields}).encode()
        try:
            with self.opener.open(f"{self.server.url}{action}", data=body, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode("utf-8")

    def post_without_token(self, action: str, **fields) -> int:
        try:
            with self.opener.open(f"{self.server.url}{action}", data=urllib.parse.urlencode(fields).encode()):
                return 200
        except urllib.error.HTTPError as error:
            with error:
                return error.code


@pytest.fixture
def staff_web(fleet_server) -> StaffWeb:
    return StaffWeb(fleet_server)


def page_text(page: str) -> str:
    """What a page says, as one line of text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def healthy(**parts) -> dict:
    """A full health report with every part working, changed by ``parts``."""
    report = {
        "microphone": {"ok": True, "detail": "listening"},
        "speaker": {"ok": True, "detail": "speaking"},
        "recogniser": {"ok": True, "detail": "ko model ready"},
        "renderer": {"ok": True, "detail": "terminal"},
        "content": {"ok": True, "version": 1, "detail": "v1"},
        "outbox": {"backlog": 0, "oldest_age_s": 0.0, "failed": 0},
    }
    return {**report, **parts}
