"""A headset at home as a device of its own: its token for a server, registered once and kept in the user's
config folder.

``home_token(server)`` gives the token stored for that server, or registers this device with the server
(``POST /api/v1/home-devices``: nothing personal is sent) and stores the new token in
``$XDG_CONFIG_HOME/madang/home-devices.json`` (``~/.config/madang/home-devices.json`` by default), readable by
the user alone (mode 0600), keyed by the server's URL. When the server later refuses the token (staff revoked
it), ``forget_home_token(server)`` drops it, so that the next ``home_token(server)`` registers again.

The file looks like ``{"http://city.example": {"token": "...", "name": "home-7f3a2c", "id": 12}}``; deleting it
forgets every server's token.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from madang.content.errors import MadangError

from .api_types import HomeDevice, ServerRefused, ServerUnavailable
from .errors import KioskError
from .server_client import KioskApiClient

FILE_NAME = "home-devices.json"
REGISTER_TIMEOUT = 10.0


def default_config_dir() -> Path:
    """``$XDG_CONFIG_HOME/madang``, or ``~/.config/madang`` when it is unset (or not an absolute path)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "madang"


def tokens_file(config_dir: Path | None = None) -> Path:
    return (config_dir or default_config_dir()) / FILE_NAME


def server_key(server: str) -> str:
    """The server's URL as the file keys it: scheme and host in lower case, no trailing slash."""
    parts = urllib.parse.urlsplit(server.strip())
    return urllib.parse.urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
    )


def home_token(
    server: str,
    *,
    config_dir: Path | None = None,
    app_version: str | None = None,
    timeout: float = REGISTER_TIMEOUT,
) -> str:
    """The token of this home device for ``server``: the stored one, or a new registration that is then stored.

    Raises ``KioskError`` with what to do when the address is not a URL, the server cannot be reached, refuses
    (too many registrations: when to try again), or the stored file cannot be read or written."""
    path = tokens_file(config_dir)
    key = server_key(server)
    stored = _read(path)
    entry = stored.get(key)
    if isinstance(entry, dict) and isinstance(entry.get("token"), str) and entry["token"]:
        return entry["token"]
    device = _register(key, app_version=app_version or _app_version(), timeout=timeout)
    stored[key] = {"token": device.token, "name": device.name, "id": device.id}
    _write(path, stored)
    return device.token


def forget_home_token(server: str, *, config_dir: Path | None = None) -> bool:
    """Forgets the stored token for ``server`` (after the server refused it); whether there was one. The file
    goes when no server is left in it."""
    path = tokens_file(config_dir)
    stored = _read(path)
    if stored.pop(server_key(server), None) is None:
        return False
    if stored:
        _write(path, stored)
    else:
        path.unlink(missing_ok=True)
    return True


def _register(server: str, *, app_version: str | None, timeout: float) -> HomeDevice:
    try:
        client = KioskApiClient(server, None, timeout=timeout)
    except MadangError as error:
        raise KioskError(f"cannot register this headset: {error}") from None
    try:
        return client.register_home_device(app_version=app_version)
    except ServerRefused as refusal:
        if refusal.status == 429:
            raise KioskError(
                f"the service at {server} has had too many new headsets register just now: "
                f"try again {_when(refusal.retry_after)}"
            ) from None
        raise KioskError(
            f"the service at {server} refused to register this headset (HTTP {refusal.status}, {refusal.code}): "
            f"{refusal.detail}; check that --server is the address your city's service gave you"
        ) from None
    except ServerUnavailable as error:
        raise KioskError(
            f"cannot reach the service at {server} to register this headset: check the internet connection and "
            f"the --server address your city's service gave you, then try again (details: {error})"
        ) from None


def _when(seconds: int | None) -> str:
    if seconds is None:
        return "later"
    if seconds < 90:
        return f"in {seconds} seconds"
    return f"in about {-(-seconds // 60)} minutes"


def _app_version() -> str | None:
    try:
        return version("madang")[:40]
    except PackageNotFoundError:
        return None


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise KioskError(
            f"cannot read the saved headset tokens in {path} ({error.strerror}): check its permissions"
        ) from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise KioskError(
            f"the saved headset tokens in {path} are damaged: delete that file, and this headset registers again"
        )
    return data


def _write(path: Path, stored: dict) -> None:
    """Writes the whole file anew, readable by the user alone (0600), replacing the old one in one step."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".home-devices-", suffix=".json", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(stored, out, indent=2, sort_keys=True)
                out.write("\n")
            Path(temporary).chmod(0o600)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise KioskError(
            f"cannot save this headset's token in {path} ({error.strerror}): check that the folder is writable"
        ) from None
