"""Kiosk journey fixtures: the real admin server (`madang admin serve`) and kiosks connected to it.

One SQLite server serves every journey, session and protocol test of this folder (``kiosk_server``): starting
one takes about 10 s, so the modules share it, and each test leaves its queue empty (open tickets are
cancelled or finished afterwards), so no test sees another's tickets. The PostgreSQL server
(``postgres_kiosk_server``) skips with the reason when no PostgreSQL answers, except under CI, where it fails.

``Citizen`` is a kiosk driven by one modality only: touch, the keypad, or speech.
"""

from __future__ import annotations

import re
import urllib.request
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from madang.kiosk.server_client import KioskApiClient, ServerRefused
from tests.live_server import API, LiveServer, postgres_database_url, server_rows, staff_action, start_live_server

from .driver import KioskDriver

MODALITIES = ("touch", "keypad", "voice")
TICKET_NUMBER = re.compile(r"^[A-Z]-\d{3}$")


# --- servers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def kiosk_server(tmp_path_factory) -> Iterator[LiveServer]:
    with start_live_server(tmp_path_factory.mktemp("kiosk-server")) as live:
        yield live


@pytest.fixture(scope="package")
def postgres_kiosk_server(tmp_path_factory) -> Iterator[LiveServer]:
    with (
        postgres_database_url() as url,
        start_live_server(tmp_path_factory.mktemp("pg-server"), database_url=url) as live,
    ):
        yield live


def _settled(live: LiveServer) -> Iterator[LiveServer]:
    live.start()  # again, if a test stopped it
    yield live
    live.start()
    close_open_tickets(live)


@pytest.fixture
def server(kiosk_server) -> Iterator[LiveServer]:
    """The SQLite server, running, with an empty queue after the test."""
    yield from _settled(kiosk_server)


@pytest.fixture
def postgres_server(postgres_kiosk_server) -> Iterator[LiveServer]:
    yield from _settled(postgres_kiosk_server)


# --- reading the server's database, as the staff web shows it --------------------------------------------


def close_open_tickets(live: LiveServer) -> None:
    """Cancels every ticket still waiting, called or on hold, and finishes every consultation, so that the
    counter is free and the next test's ticket is the only one in line."""
    client = KioskApiClient(live.url, live.kiosk_token, timeout=10)
    rows = server_rows(
        live, "SELECT id, status FROM ticket WHERE status IN ('waiting', 'called', 'in_consultation', 'on_hold')"
    )
    for ticket_id, status in rows:
        if status == "in_consultation":
            staff_action(live, ticket_id, "finish", {"note": "closed by the test"})
        else:
            try:
                client.cancel(ticket_id)
            except ServerRefused:  # another kiosk's ticket: never made by these tests
                staff_action(live, ticket_id, "finish", {"note": "closed by the test"})


def rating_of(live: LiveServer, ticket_id: str) -> int | None:
    return server_rows(live, "SELECT rating FROM ticket WHERE id = :id", id=ticket_id)[0][0]


def staff_download(live: LiveServer, url: str) -> bytes:
    """A file the staff web plays (a voice memo), fetched with the counselor's token."""
    path = url if url.startswith("/") else f"{API}/{url}"
    request = urllib.request.Request(
        f"{live.url}{path}", headers={"Authorization": f"Bearer {live.staff_token}"}, method="GET"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


# --- kiosks ------------------------------------------------------------------------------------------------


@pytest.fixture
def open_kiosk(tmp_path) -> Iterator[Callable[..., KioskDriver]]:
    """Builds kiosks as `madang kiosk` does (each with its own local store); closed after the test."""
    built: list[KioskDriver] = []

    def open_kiosk(live: LiveServer | None = None, **options) -> KioskDriver:
        data_dir = tmp_path / f"kiosk-{len(built)}"
        server = {"server": live.url, "token": live.kiosk_token} if live is not None else {}
        built.append(KioskDriver.build(data_dir, **server, **options))
        return built[-1]

    yield open_kiosk
    for driver in built:
        driver.kiosk.services.close()


@dataclass
class Citizen:
    """A kiosk used through one modality only: every choice is a touch, a keypad walk, or a spoken phrase."""

    kiosk: KioskDriver
    modality: str

    def choose(self, target: str) -> list[dict]:
        if self.modality == "touch":
            return self.kiosk.touch_anywhere(target)
        if self.modality == "keypad":
            return self.kiosk.key_to(target)
        return self.kiosk.voice_to(target)

    def write(self, field: str, value: str) -> list[dict]:
        """Text into a field: touched or reached by keypad first; by voice, the kiosk's only field takes it."""
        if self.modality != "voice":
            self.choose(field)
        return self.kiosk.type_text(value)


@pytest.fixture(params=MODALITIES)
def modality(request) -> str:
    return request.param


# --- helpers ------------------------------------------------------------------------------------------------


def tick_until(
    kiosk: KioskDriver, done: Callable[[list[dict]], bool], *, step: float = 1.0, limit: float = 30.0
) -> list[dict]:
    """Ticks the kiosk's clock ``step`` seconds at a time until ``done(events so far)``; the events."""
    events: list[dict] = []
    waited = 0.0
    while waited < limit:
        events += kiosk.tick(step)
        waited += step
        if done(events):
            return events
    raise AssertionError(f"after {limit:g} s on {kiosk.screen_id!r} it did not happen; said: {kiosk.spoken(events)}")


def said(events: list[dict]) -> str:
    """Everything spoken in ``events``, one line each."""
    return "\n".join(event["text"] for event in events if event["type"] == "speech")


def screen_text(kiosk: KioskDriver) -> str:
    """Everything the current screen shows, as one text."""
    return "\n".join([kiosk.screen["title"], *(f"{e['label']} {e['value'] or ''}" for e in kiosk.screen["elements"])])


def make_wav(path: Path, seconds: float = 0.5, rate: int = 16_000) -> Path:
    """A small mono 16-bit WAV file: a rising tone, as a microphone would record it."""
    frames = bytearray()
    for index in range(int(seconds * rate)):
        sample = ((index * 37) % 2000) - 1000
        frames += sample.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(rate)
        recording.writeframes(bytes(frames))
    return path
