"""A headset at home registering itself with a real admin web (`madang admin serve`, through the CLI): the token
kept in the user's config folder (0600, keyed by server) and reused, forgotten after staff revoke it, and clear
errors when the server cannot be reached or has had too many registrations.

The module has a server of its own, because the rate limit counts every registration from 127.0.0.1 (five an
hour): the tests before the last register three devices, and the last one fills the limit on purpose.
"""

from __future__ import annotations

import json
import re
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from madang.admin_web.db import make_engine, write_session
from madang.admin_web.services import kiosks
from madang.kiosk.errors import KioskError
from madang.kiosk.home_device import default_config_dir, forget_home_token, home_token, tokens_file
from madang.kiosk.server_client import KioskApiClient, ServerRefused
from tests.live_server import LiveServer, free_port, start_live_server

from .conftest import server_rows


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    with start_live_server(tmp_path_factory.mktemp("home-server")) as live:
        yield live


def home_devices(server: LiveServer) -> list[tuple[int, str, str | None]]:
    return server_rows(server, "SELECT id, name, app_version FROM kiosk WHERE kind = 'home' ORDER BY id")


def revoke(server: LiveServer, device_id: int) -> None:
    """As the staff's revoke button does."""
    engine = make_engine(server.database_url)
    try:
        with write_session(engine) as session:
            kiosks.revoke_kiosk(session, kiosk_id=device_id)
    finally:
        engine.dispose()


def test_registers_once_and_keeps_the_token_for_the_user_alone(server, tmp_path):
    config = tmp_path / "config" / "madang"
    token = home_token(server.url, config_dir=config)
    path = tokens_file(config)
    assert path == config / "home-devices.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(config.stat().st_mode) == 0o700
    [(device_id, name, app_version)] = home_devices(server)
    assert json.loads(path.read_text()) == {server.url: {"token": token, "name": name, "id": device_id}}
    assert name.startswith("home-") and app_version  # the app's version, and nothing about the person

    assert home_token(server.url, config_dir=config) == token
    assert home_token(server.url.replace("http://", "HTTP://") + "/", config_dir=config) == token
    assert len(home_devices(server)) == 1, "a second call registers nothing"

    client = KioskApiClient(server.url, token, timeout=10)
    ticket = client.take_ticket(service_id="tax-square", lang="ko", needs=[], idempotency_key=uuid.uuid4().hex)
    assert ticket.status == "waiting" and ticket.number.startswith("T-")
    client.cancel(ticket.id)


def test_a_revoked_token_is_forgotten_and_the_headset_registers_again(server, tmp_path):
    other = "http://127.0.0.1:9"  # another server's token stays when this one is forgotten
    tokens_file(tmp_path).write_text(json.dumps({other: {"token": "elsewhere", "name": "home-000000", "id": 1}}))
    token = home_token(server.url, config_dir=tmp_path)
    device_id = json.loads(tokens_file(tmp_path).read_text())[server.url]["id"]
    revoke(server, device_id)
    with pytest.raises(ServerRefused) as refused:
        KioskApiClient(server.url, token, timeout=10).heartbeat()
    assert refused.value.status == 401 and "register the device again" in refused.value.detail

    assert forget_home_token(server.url, config_dir=tmp_path) is True
    assert forget_home_token(server.url, config_dir=tmp_path) is False
    assert list(json.loads(tokens_file(tmp_path).read_text())) == [other]
    assert stat.S_IMODE(tokens_file(tmp_path).stat().st_mode) == 0o600
    new = home_token(server.url, config_dir=tmp_path)
    assert new != token
    KioskApiClient(server.url, new, timeout=10).heartbeat(app_version="test")
    assert forget_home_token(other, config_dir=tmp_path) and forget_home_token(server.url, config_dir=tmp_path)
    assert not tokens_file(tmp_path).exists(), "the file goes with its last token"


def test_the_config_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert tokens_file() == tmp_path / "xdg" / "madang" / "home-devices.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_config_dir() == tmp_path / "home" / ".config" / "madang"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert default_config_dir() == tmp_path / "home" / ".config" / "madang"


def test_no_server_a_wrong_address_or_a_damaged_file_say_what_to_do(tmp_path):
    unused = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(
        KioskError, match=r"cannot reach the service at .* to register this headset: check the internet connection"
    ):
        home_token(unused, config_dir=tmp_path, timeout=2)
    assert not tokens_file(tmp_path).exists()
    with pytest.raises(KioskError, match="is not an http:// or https:// URL"):
        home_token("city.example", config_dir=tmp_path)
    tokens_file(tmp_path).write_text("{not json")
    with pytest.raises(KioskError, match="are damaged: delete that file, and this headset registers again"):
        home_token(unused, config_dir=tmp_path)


def test_too_many_registrations_say_when_to_try_again(server, tmp_path: Path):
    """Last in the module: it uses up the five registrations an hour that 127.0.0.1 may make."""
    for attempt in range(6):
        try:
            home_token(server.url, config_dir=tmp_path / f"headset-{attempt}")
        except KioskError as error:
            message = str(error)
            break
    else:
        pytest.fail("six registrations in a row from one address were all accepted")
    assert len(home_devices(server)) == 5  # with the earlier tests' three, when the whole module runs
    assert re.fullmatch(
        rf"the service at {re.escape(server.url)} has had too many new headsets register just now: "
        r"try again in about (5\d|60) minutes",
        message,
    ), message
    assert not tokens_file(tmp_path / f"headset-{attempt}").exists()
