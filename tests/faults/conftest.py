"""Fault fixtures: one real admin server (`madang admin serve`, SQLite) for the folder, the fault proxy in front of
it, extra kiosks, new content versions published mid-test, and what the server's database holds.

Tests stop and restart the server and publish versions, so each test reads the numbers it expects from the server
instead of assuming them. ``MADANG_FAULT_SEED`` repeats a randomised run's sequence of faults.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import time
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from madang.admin_web.db import make_engine, write_session
from madang.admin_web.models import ContentDraft
from madang.admin_web.services import content_store, kiosks
from madang.kiosk import outbox as outbox_module
from madang.kiosk.content_cache import ContentCache
from tests.live_server import LiveServer, running, server_rows, start_live_server

from .tcp_proxy import TcpProxy

# the files a new version changes: three content files the kiosk must download again
CHANGED_FILES = ("services/tax-square.yaml", "ui/phrases.yaml", "landmarks/deoksugung.yaml")
# the outbox's backoff in these tests: the same full jitter, capped at a fraction of a second
FAST_BASE_DELAY_S = 0.02
FAST_MAX_DELAY_S = 0.3


@pytest.fixture(scope="package")
def fault_server(tmp_path_factory) -> Iterator[LiveServer]:
    with start_live_server(tmp_path_factory.mktemp("fault-server")) as live:
        yield live


@pytest.fixture
def server(fault_server) -> Iterator[LiveServer]:
    """The server, running (again, if a test stopped it)."""
    yield from running(fault_server)


@pytest.fixture
def proxy(server) -> Iterator[TcpProxy]:
    """A fault proxy in front of the server; every request passes until the test says otherwise."""
    with TcpProxy(server.port) as proxy:
        yield proxy


@pytest.fixture
def fast_backoff(monkeypatch) -> None:
    """The outbox's backoff, capped at 0.3 s instead of a minute, so a test waits for retries no longer."""
    monkeypatch.setattr(outbox_module, "BASE_DELAY_S", FAST_BASE_DELAY_S)
    monkeypatch.setattr(outbox_module, "MAX_DELAY_S", FAST_MAX_DELAY_S)


@pytest.fixture
def fault_seed() -> int:
    """The seed of a randomised run: MADANG_FAULT_SEED, or a new one (printed, to repeat the run with it)."""
    seed = int(os.environ.get("MADANG_FAULT_SEED") or random.SystemRandom().randrange(2**32))
    print(f"fault seed: {seed} (repeat with MADANG_FAULT_SEED={seed})")
    return seed


# --- the server's database ---------------------------------------------------------------------------------


def register_kiosk(live: LiveServer, name: str | None = None) -> tuple[int, str]:
    """A new kiosk, as `madang admin create-kiosk NAME` registers it: its id and its token."""
    engine = make_engine(live.database_url)
    try:
        with write_session(engine) as session:
            kiosk, token = kiosks.register_kiosk(session, name=name or f"fault-kiosk-{uuid.uuid4().hex[:8]}")
            return kiosk.id, token
    finally:
        engine.dispose()


def publish(live: LiveServer, note: str) -> int:
    """Publishes a new content version in which CHANGED_FILES differ (a comment added), as the staff web's editor
    does (the draft saved, then published); its number."""
    engine = make_engine(live.database_url)
    try:
        with write_session(engine) as session:
            for path in CHANGED_FILES:
                draft = session.get(ContentDraft, path)
                content_store.save_draft_file(session, path=path, text=f"{draft.text}# {note}\n", actor="faults")
            return content_store.publish(session, actor="faults", note=note).id
    finally:
        engine.dispose()


def published(live: LiveServer, version: int | None = None) -> dict:
    """The manifest of ``version`` (default: the newest) as the server gives it to kiosks."""
    where = "ORDER BY id DESC LIMIT 1" if version is None else f"WHERE id = {int(version)}"
    number, manifest = server_rows(live, f"SELECT id, manifest FROM content_version {where}")[0]
    return {"version": number, "files": json.loads(manifest)["files"]}


def content_problems(cache: ContentCache, manifest: dict) -> list[str]:
    """Why the kiosk does not run ``manifest``'s version, verified: empty when its current version is that one and
    every file of it is there with the manifest's SHA-256."""
    if cache.current() != manifest["version"]:
        return [f"the kiosk runs content version {cache.current()}, not {manifest['version']}"]
    folder = cache.current_dir()
    problems = []
    for entry in manifest["files"]:
        path = Path(folder, entry["path"])
        if not path.is_file():
            problems.append(f"{entry['path']} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its SHA-256")
    return problems


# --- small things -----------------------------------------------------------------------------------------


def memo() -> bytes:
    """A tenth of a second of silence, as a WAV file: a voice memo."""
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(1600))
    return out.getvalue()


def wait_until(done, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:g} s"
        time.sleep(0.05)
