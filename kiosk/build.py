"""Build a kiosk from its settings: the content pack, the server connection, the local store, the display."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from madang.content.checks import validate_pack
from madang.content.cli import SHIPPED_PACK
from madang.content.contract import SEOUL

from .app import Kiosk
from .callbacks import CallbackStore
from .display import load_display
from .errors import KioskError
from .hearing import Hearing
from .server_client import KioskApiClient
from .services import KioskServices


def build_kiosk(
    *,
    server: str | None = None,
    token: str | None = None,
    display_path: str | None = None,
    pack_dir: Path | None = None,
    data_dir: Path | None = None,
    now: datetime | None = None,
    hearing: Hearing | None = None,
) -> Kiosk:
    if bool(server) != bool(token):
        raise KioskError("give both --server URL and --token TOKEN (from `madang admin create-kiosk NAME`), or neither")
    pack_dir = pack_dir or Path(os.environ.get("MADANG_CONTENT_DIR") or SHIPPED_PACK)
    result, problems = validate_pack(pack_dir)
    if problems:
        raise KioskError(
            f"the content pack {pack_dir} has {len(problems)} problem(s), first: {problems[0]}; "
            f"run `madang content validate {pack_dir}`"
        )
    data_dir = data_dir or Path(os.environ.get("MADANG_KIOSK_DATA_DIR") or "var/kiosk")
    client = KioskApiClient(server, token) if server and token else None
    services = KioskServices(client, CallbackStore(data_dir / "callbacks.db"))
    display = load_display(display_path)
    return Kiosk(result.pack, services, display=display, now=now or datetime.now(SEOUL), hearing=hearing)
