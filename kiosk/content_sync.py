"""Bringing the server's content to the kiosk: the manifest (304 when unchanged), the missing files by hash with
resumed downloads, every file verified, and the version staged for the core to switch to at an idle moment.

Nothing here changes what the kiosk shows: ``offer`` hands a staged version to the core, which shows it at once
when nobody uses the kiosk, else when the session ends. Whatever fails, the version in use stays.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .api_types import ServerRefused, ServerUnavailable
from .content_cache import BrokenPackError, ContentCache, ContentCacheError, Manifest

if TYPE_CHECKING:
    from .app import Kiosk
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    """What one check did: ``unchanged`` (the kiosk has the server's version), ``staged`` (a version is ready
    to be switched to) or ``failed`` (``reason`` says why; the version in use stays)."""

    status: Literal["unchanged", "staged", "failed"]
    version: int | None = None
    reason: str = ""
    files: int = 0  # files downloaded by this check
    received: int = 0  # bytes received by this check

    def __str__(self) -> str:
        if self.status == "failed":
            return f"content sync failed: {self.reason}"
        return f"content {self.status} (version {self.version}, {self.files} file(s), {self.received} bytes)"


class ContentSync:
    """One kiosk's content sync. ``check`` and ``offer`` may be called from different threads (they take turns)."""

    def __init__(self, client: KioskApiClient, cache: ContentCache) -> None:
        self.client = client
        self.cache = cache
        self._lock = threading.Lock()
        self._etag: str | None = None  # of the last manifest whose version is staged
        self._target: int | None = None  # the version the server last said this kiosk should run
        self._broken: dict[int, str] = {}  # versions whose pack did not validate, and why
        self._in_view: int | None = None  # what the core showed at the last offer (its folder is kept)

    def check(self) -> SyncResult:
        with self._lock:
            result = self._check()
        if result.status == "failed":
            log.warning("%s", result)
        elif result.files:
            log.info("%s", result)
        return result

    def ready_version(self) -> int | None:
        """A staged version that the kiosk does not use yet (the server's choice, newer or pinned older)."""
        target = self._target
        if target is None or target in self._broken or not self.cache.has_version(target):
            return None
        return None if target == self.cache.current() else target

    def offer(self, kiosk: Kiosk) -> int | None:
        """Hands the ready version to the kiosk core (shown at once when idle, else when the session ends) and
        makes it the version the kiosk starts with. Call it on the thread that drives the core. Returns the
        version offered, or None when there is none (or its pack no longer validates: then it is never used)."""
        with self._lock:
            version = self.ready_version()
            if version is None:
                return None
            try:
                pack = self.cache.pack(version)
            except ContentCacheError as error:
                self._broken[version] = str(error)
                log.warning("%s", error)
                return None
            self.cache.switch(version)
            self._in_view = kiosk.content_version
            kiosk.offer_content(pack, version)
            return version

    # --- one check -------------------------------------------------------------------------------------------

    def _check(self) -> SyncResult:
        try:
            data, etag = self.client.content_manifest(self._etag)
        except (ServerUnavailable, ServerRefused) as error:
            return SyncResult("failed", reason=str(error))
        if data is None:
            return SyncResult("unchanged", version=self._target)
        try:
            manifest = Manifest.parse(data)
        except ContentCacheError as error:
            return SyncResult("failed", reason=str(error))
        self._target = manifest.version
        if manifest.version in self._broken:
            return SyncResult("failed", manifest.version, self._broken[manifest.version])
        files = received = 0
        if not self.cache.has_version(manifest.version):
            fetched = self._download(manifest)
            if isinstance(fetched, SyncResult):
                return fetched
            files, received = fetched
            try:
                self.cache.stage(manifest)
            except BrokenPackError as error:
                self._broken[manifest.version] = str(error)
                return SyncResult("failed", manifest.version, str(error), files, received)
            except ContentCacheError as error:
                return SyncResult("failed", manifest.version, str(error), files, received)
        self._etag = etag
        self.cache.cleanup(keep=(manifest.version, self._in_view))
        status = "unchanged" if manifest.version == self.cache.current() else "staged"
        return SyncResult(status, manifest.version, files=files, received=received)

    def _download(self, manifest: Manifest) -> tuple[int, int] | SyncResult:
        """Downloads every file of ``manifest`` the kiosk lacks: (files, bytes), or the failure. A cut stops at
        once (the partial file stays, to continue); a corrupt file is deleted and the others still come."""
        files = received = 0
        corrupt: list[str] = []
        missing = {entry.sha256: entry for entry in manifest.files if not self.cache.has_blob(entry.sha256)}
        for entry in missing.values():
            part = self.cache.part_path(entry.sha256)
            if part.is_file() and part.stat().st_size > entry.size:
                part.unlink()
            if not (part.is_file() and part.stat().st_size == entry.size):
                try:
                    received += self.client.download_content_file(entry.sha256, part)
                except (ServerUnavailable, ServerRefused) as error:
                    reason = f"{entry.path} of content version {manifest.version} did not arrive: {error}"
                    return SyncResult("failed", manifest.version, reason, files, received)
            if self.cache.accept_part(entry):
                files += 1
            else:
                corrupt.append(entry.path)
        if corrupt:
            reason = (
                f"{len(corrupt)} file(s) of content version {manifest.version} did not match their SHA-256 or size "
                f"and were deleted ({', '.join(corrupt[:3])}); they are downloaded again at the next check"
            )
            return SyncResult("failed", manifest.version, reason, files, received)
        return files, received
