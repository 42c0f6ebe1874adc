"""A content file whose bytes were changed on the way is never used: the kiosk keeps the version it runs, and
the next clean download verifies."""

from __future__ import annotations

from madang.kiosk.content_cache import ContentCache
from madang.kiosk.content_sync import ContentSync
from madang.kiosk.server_client import KioskApiClient

from .conftest import CHANGED_FILES, content_problems, publish, published
from .tcp_proxy import CONTENT_FILES, Fault


def synced_kiosk(server, proxy, tmp_path) -> tuple[ContentCache, ContentSync]:
    """A kiosk running the newest version, downloaded through the proxy without faults."""
    cache = ContentCache(tmp_path / "kiosk" / "content")
    sync = ContentSync(KioskApiClient(proxy.url, server.kiosk_token, timeout=2), cache)
    result = sync.check()
    assert result.status == "staged", result
    cache.switch(result.version)
    assert content_problems(cache, published(server)) == []
    return cache, sync


def test_a_corrupted_file_is_rejected_and_the_old_version_kept(server, proxy, tmp_path):
    cache, sync = synced_kiosk(server, proxy, tmp_path)
    old = published(server)
    new = published(server, publish(server, "corrupted on the way"))
    changed = {entry["sha256"] for entry in new["files"]} - {entry["sha256"] for entry in old["files"]}
    assert len(changed) == len(CHANGED_FILES)

    proxy.always(Fault("corrupt"))  # every content file's body has one byte flipped
    result = sync.check()
    proxy.wait_idle()
    assert result.status == "failed" and "SHA-256" in result.reason, result
    assert proxy.counts["corrupt"] == len(changed)
    assert sync.ready_version() is None and not cache.has_version(new["version"])
    assert not any(cache.has_blob(sha) or cache.part_path(sha).exists() for sha in changed)  # nothing kept of them
    assert content_problems(cache, old) == []  # the kiosk still runs the old version, intact

    proxy.calm()
    result = sync.check()
    assert result.status == "staged" and result.version == new["version"], result
    assert result.files == len(changed)
    cache.switch(result.version)
    assert content_problems(cache, new) == []
    assert cache.previous() == old["version"]


def test_a_corrupted_resumed_download_is_rejected_whole_and_fetched_again(server, proxy, tmp_path):
    """A cut leaves the first part of a file; its continuation comes corrupted: the joined file fails its SHA-256,
    so all of it is deleted (which part was bad cannot be known) and the next try fetches it from the start."""
    cache, sync = synced_kiosk(server, proxy, tmp_path)
    old = published(server)
    new = published(server, publish(server, "cut, then corrupted"))
    first = next(entry for entry in new["files"] if entry["path"] == CHANGED_FILES[0])

    proxy.inject(Fault("cut", limit=2000), path=CONTENT_FILES + first["sha256"])
    result = sync.check()
    assert result.status == "failed", result
    part = cache.part_path(first["sha256"])
    kept = part.stat().st_size
    assert 0 < kept < first["size"]  # the first part, kept to continue

    proxy.inject(Fault("corrupt"), path=CONTENT_FILES + first["sha256"])
    result = sync.check()
    proxy.wait_idle()
    assert result.status == "failed" and "SHA-256" in result.reason, result
    resumed = [seen for seen in proxy.seen if seen.path.endswith(first["sha256"]) and seen.fault.kind == "corrupt"]
    assert [seen.range for seen in resumed] == [f"bytes={kept}-"]  # it continued where the cut stopped
    assert not part.exists() and not cache.has_blob(first["sha256"])
    assert content_problems(cache, old) == []

    result = sync.check()
    assert result.status == "staged" and result.version == new["version"], result
    whole = [seen for seen in proxy.seen if seen.path.endswith(first["sha256"])][-1]
    assert whole.range is None  # fetched again from its start
    cache.switch(result.version)
    assert content_problems(cache, new) == []
