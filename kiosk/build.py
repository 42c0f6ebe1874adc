"""Build a kiosk from its settings: the content pack, the server connection, the local store, the display.

Which content a kiosk starts with: with a server, the last verified version it synced (its content cache under
``<data dir>/content``; the one before it when that one no longer validates); without a server, or before the
first sync, the pack folder given (``--pack``, else ``MADANG_CONTENT_DIR``, else the shipped Seoul pack). A kiosk
of a fleet shows what its server published, whatever folder it was started with.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from madang.content.checks import validate_pack
from madang.content.cli import SHIPPED_PACK
from madang.content.contract import SEOUL
from madang.content.loader import ContentPack

from .app import Kiosk
from .content_cache import ContentCache, ContentCacheError
from .display import load_display
from .errors import KioskError
from .hearing import Hearing
from .live_channel import channel_opener
from .live_feed import LiveFeed
from .server_client import KioskApiClient
from .services import KioskServices

log = logging.getLogger(__name__)


def kiosk_data_dir(data_dir: Path | None = None) -> Path:
    """The kiosk's own folder (outbox, call-backs, content cache): ``data_dir``, MADANG_KIOSK_DATA_DIR or
    var/kiosk."""
    return Path(data_dir or os.environ.get("MADANG_KIOSK_DATA_DIR") or "var/kiosk")


def content_cache(data_dir: Path | None = None) -> ContentCache:
    """The content synced from the server, under ``<data dir>/content``."""
    return ContentCache(kiosk_data_dir(data_dir) / "content")


def cached_pack(cache: ContentCache) -> tuple[ContentPack, int] | None:
    """The newest usable synced version: the current one, else the last good one before it."""
    for version in cache.usable_versions():
        try:
            return cache.pack(version), version
        except ContentCacheError as error:
            log.warning("%s; trying the version before it", error)
    return None


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
    data_dir = kiosk_data_dir(data_dir)
    synced = cached_pack(content_cache(data_dir)) if server and token else None
    pack, version = synced or (_folder_pack(pack_dir), None)
    client = KioskApiClient(server, token) if server and token else None
    services = KioskServices.open(client, data_dir, LiveFeed(channel_opener(client)))
    display = load_display(display_path)
    now = now or datetime.now(SEOUL)
    return Kiosk(pack, services, display=display, now=now, hearing=hearing, content_version=version)


def _folder_pack(pack_dir: Path | None) -> ContentPack:
    pack_dir = pack_dir or Path(os.environ.get("MADANG_CONTENT_DIR") or SHIPPED_PACK)
    result, problems = validate_pack(pack_dir)
    if problems:
        raise KioskError(
            f"the content pack {pack_dir} has {len(problems)} problem(s), first: {problems[0]}; "
            f"run `madang content validate {pack_dir}`"
        )
    return result.pack
