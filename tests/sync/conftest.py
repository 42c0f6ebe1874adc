"""Content sync fixtures: one real admin server (`madang admin serve`) for the folder, an editor who publishes
through the staff web as staff do, and kiosk-side content caches.

Tests change what is published (new versions, pins), so each one reads the version it expects from the server
instead of assuming numbers.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from madang.kiosk.content_cache import ContentCache
from madang.kiosk.content_sync import ContentSync
from madang.kiosk.server_client import KioskApiClient
from tests.kiosk.driver import KioskDriver
from tests.live_server import API, LiveServer, start_live_server

EDITOR = "editor"
EDITOR_PASSWORD = "editor pw 0001 sync"


@pytest.fixture(scope="package")
def content_server(tmp_path_factory) -> Iterator[LiveServer]:
    with start_live_server(tmp_path_factory.mktemp("content-server"), workers=1, threads=8) as live:
        live.madang("admin", "create-user", EDITOR, "--role", "editor", stdin=EDITOR_PASSWORD)
        yield live


@pytest.fixture
def server(content_server) -> LiveServer:
    content_server.start()  # again, if a test stopped it
    return content_server


@dataclass
class StaffWeb:
    """The staff web in a browser's place: a login session with its cookie, forms posted with their CSRF token."""

    live: LiveServer
    opener: urllib.request.OpenerDirector = field(init=False)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/login", "/login", name=EDITOR, password=EDITOR_PASSWORD)

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.live.url}{path}", timeout=60) as response:
            return response.read().decode("utf-8")

    def post(self, form_page: str, path: str, **fields: str) -> str:
        page = self.get(form_page)
        data = {"csrf_token": _form_value(page, "csrf_token"), **fields}
        if 'name="base"' in page:
            data.setdefault("base", _form_value(page, "base"))
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(f"{self.live.url}{path}", data=body, timeout=120) as response:
            return response.read().decode("utf-8")

    def edit_and_publish(self, kind: str, item_id: str, note: str, **fields: str) -> int:
        """Saves ``fields`` of one item in the draft and publishes it; the new version's number."""
        self.post(f"/content/{kind}/{item_id}", f"/content/{kind}/{item_id}", **fields)
        self.post("/content", "/content/publish", note=note)
        return newest_version(self.live)


def _form_value(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)[1])


@pytest.fixture(scope="package")
def staff_web(content_server) -> StaffWeb:
    return StaffWeb(content_server)


# --- the server's database, as the staff web shows it ------------------------------------------------------


def server_sql(live: LiveServer, sql: str, **params) -> list:
    engine = create_engine(live.database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def newest_version(live: LiveServer) -> int:
    return server_sql(live, "SELECT max(id) FROM content_version")[0][0]


def published_files(live: LiveServer, version: int) -> list[dict]:
    manifest = server_sql(live, "SELECT manifest FROM content_version WHERE id = :id", id=version)[0][0]
    return json.loads(manifest)["files"]


def kiosk_get(live: LiveServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """GET /api/v1``path`` with the kiosk's token: status, headers, body."""
    request = urllib.request.Request(
        f"{live.url}{API}{path}", headers={"Authorization": f"Bearer {live.kiosk_token}", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


# --- kiosks ------------------------------------------------------------------------------------------------


@dataclass
class SyncedKiosk:
    """A kiosk's data folder with its content cache and sync against the server."""

    data_dir: Path
    cache: ContentCache
    sync: ContentSync


@pytest.fixture
def synced(server, tmp_path) -> SyncedKiosk:
    data_dir = tmp_path / "kiosk"
    cache = ContentCache(data_dir / "content")
    return SyncedKiosk(data_dir, cache, ContentSync(KioskApiClient(server.url, server.kiosk_token, timeout=10), cache))


# --- published versions ----------------------------------------------------------------------------------

NEW_NAME_KO = "세금 광장 안내"
OLD_NAME_KO = "세금 광장"


@dataclass(frozen=True)
class Versions:
    """Two published versions that differ in one file: the tax service, renamed in ``new`` by an editor."""

    old: int
    new: int
    changed_path: str
    changed_size: int


@pytest.fixture(scope="package")
def versions(content_server, staff_web) -> Versions:
    old = newest_version(content_server)
    new = staff_web.edit_and_publish("service", "tax-square", "rename the tax service", **{"name.ko": NEW_NAME_KO})
    assert new == old + 1, "the staff web did not publish"
    before = {entry["path"]: entry["sha256"] for entry in published_files(content_server, old)}
    changed = [entry for entry in published_files(content_server, new) if before.get(entry["path"]) != entry["sha256"]]
    assert [entry["path"] for entry in changed] == ["services/tax-square.yaml"]
    return Versions(old, new, changed[0]["path"], changed[0]["size"])


@pytest.fixture
def pin(server) -> Iterator:
    """Pins the test kiosk to a version, as staff do on the kiosks page (None follows the newest); unpinned
    after the test."""

    def pin(version: int | None) -> None:
        server_sql(server, "UPDATE kiosk SET pinned_content_version = :v WHERE name = 'test-kiosk'", v=version)

    yield pin
    pin(None)


@pytest.fixture
def open_kiosk(server, tmp_path) -> Iterator:
    """Builds a kiosk connected to the server as `madang kiosk` does, on a data folder (its content cache);
    closed after the test."""
    built: list[KioskDriver] = []

    def open_kiosk(data_dir: Path) -> KioskDriver:
        built.append(KioskDriver.build(data_dir, server=server.url, token=server.kiosk_token))
        return built[-1]

    yield open_kiosk
    for driver in built:
        driver.kiosk.services.close()
