"""A kiosk gets the published content from the real server: by hash, verified, resumed after a cut, switched
to at an idle moment, and never a corrupt or broken version (the version in use stays)."""

from __future__ import annotations

import hashlib
import json

import pytest

from madang.kiosk.content_cache import ContentCache, ContentCacheError, Manifest
from tests.live_server import LiveServer

from .conftest import NEW_NAME_KO, OLD_NAME_KO, kiosk_get, newest_version, published_files, server_sql

TAX = "service:tax-square"


def manifest_of(live: LiveServer, version: int) -> Manifest:
    return Manifest.parse({"version": version, "files": published_files(live, version)})


def unique_bytes(manifest: Manifest) -> tuple[int, int]:
    """How many distinct files a version has, and their bytes."""
    sizes = {entry.sha256: entry.size for entry in manifest.files}
    return len(sizes), sum(sizes.values())


def label(driver, element_id: str) -> str:
    return driver.element(element_id)["label"]


# --- the server ----------------------------------------------------------------------------------------------


def test_a_file_answers_byte_ranges_so_a_cut_download_can_continue(server):
    entry = published_files(server, newest_version(server))[0]
    path = f"/content/files/{entry['sha256']}"
    status, _, whole = kiosk_get(server, path)
    assert status == 200 and len(whole) == entry["size"]
    status, headers, rest = kiosk_get(server, path, {"Range": "bytes=100-"})
    assert status == 206 and rest == whole[100:]
    assert headers["Content-Range"] == f"bytes 100-{entry['size'] - 1}/{entry['size']}"
    status, headers, body = kiosk_get(server, path, {"Range": f"bytes={entry['size']}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{entry['size']}"
    assert json.loads(body)["error"] == "range_not_satisfiable"


def test_a_pinned_kiosk_gets_its_version_and_a_pin_to_a_missing_version_the_newest(server, versions, pin):
    pin(versions.old)
    status, headers, body = kiosk_get(server, "/content/manifest")
    assert status == 200 and json.loads(body)["version"] == versions.old and headers["ETag"] == f'"v{versions.old}"'
    assert kiosk_get(server, "/content/manifest", {"If-None-Match": f'"v{versions.old}"'})[0] == 304
    pin(versions.new + 1000)
    status, headers, body = kiosk_get(server, "/content/manifest")
    assert json.loads(body)["version"] == versions.new and headers["ETag"] == f'"v{versions.new}"'


# --- a kiosk syncing -------------------------------------------------------------------------------------------


def test_the_first_sync_downloads_every_file_and_an_idle_kiosk_shows_it_at_once(server, versions, synced, open_kiosk):
    kiosk = open_kiosk(synced.data_dir)
    assert kiosk.kiosk.content_version is None  # nothing synced yet: the shipped pack
    result = synced.sync.check()
    assert (result.status, result.version) == ("staged", versions.new)
    assert (result.files, result.received) == unique_bytes(manifest_of(server, versions.new))
    assert synced.sync.offer(kiosk.kiosk) == versions.new
    kiosk.tick(1)
    assert kiosk.kiosk.content_version == versions.new
    assert kiosk.screen_id == "home" and label(kiosk, TAX) == NEW_NAME_KO
    again = synced.sync.check()  # If-None-Match: 304, nothing downloaded
    assert (again.status, again.files, again.received) == ("unchanged", 0, 0)
    restarted = open_kiosk(synced.data_dir)  # starts with the verified version in its cache
    assert restarted.kiosk.content_version == versions.new and label(restarted, TAX) == NEW_NAME_KO


def test_a_new_version_downloads_only_the_changed_file_and_waits_for_the_session_to_end(
    server, versions, synced, open_kiosk, pin
):
    pin(versions.old)
    kiosk = open_kiosk(synced.data_dir)
    assert synced.sync.check().version == versions.old and synced.sync.offer(kiosk.kiosk) == versions.old
    kiosk.tick(1)
    kiosk.touch(TAX)  # a citizen is using the kiosk
    on_screen = kiosk.screen
    pin(None)  # staff follow the newest again
    result = synced.sync.check()
    assert (result.status, result.version) == ("staged", versions.new)
    assert (result.files, result.received) == (1, versions.changed_size)
    assert synced.sync.offer(kiosk.kiosk) == versions.new
    kiosk.tick(1)
    assert kiosk.kiosk.content_version == versions.old and kiosk.screen == on_screen
    kiosk.touch("home")
    assert label(kiosk, TAX) == OLD_NAME_KO  # not under the citizen's hands
    ended = kiosk.tick(121)  # the citizen walked away
    assert {"type": "session", "event": "ended"} in ended
    assert kiosk.kiosk.content_version == versions.new
    assert kiosk.screen_id == "home" and label(kiosk, TAX) == NEW_NAME_KO


def test_a_download_cut_short_continues_from_the_partial_file(server, versions, synced):
    manifest = manifest_of(server, versions.new)
    entry = max(manifest.files, key=lambda entry: entry.size)
    whole = kiosk_get(server, f"/content/files/{entry.sha256}")[2]
    kept = entry.size // 3
    synced.cache.part_path(entry.sha256).write_bytes(whole[:kept])  # what arrived before the cut
    result = synced.sync.check()
    files, size = unique_bytes(manifest)
    assert (result.status, result.files, result.received) == ("staged", files, size - kept)
    assert (synced.cache.blobs / entry.sha256).read_bytes() == whole
    assert not list(synced.cache.blobs.glob("*.part"))


def test_a_corrupt_partial_file_is_deleted_and_downloaded_again(server, versions, synced):
    manifest = manifest_of(server, versions.new)
    entry = manifest.files[0]
    part = synced.cache.part_path(entry.sha256)
    part.write_bytes(b"x" * entry.size)  # the right size, the wrong bytes
    failed = synced.sync.check()
    assert failed.status == "failed" and entry.path in failed.reason
    assert not part.exists() and not synced.cache.has_blob(entry.sha256)
    assert synced.sync.ready_version() is None and synced.cache.current() is None
    result = synced.sync.check()
    assert (result.status, result.files, result.received) == ("staged", 1, entry.size)


def test_a_corrupted_answer_from_the_server_is_rejected_and_the_version_in_use_stays(
    server, versions, synced, open_kiosk, pin
):
    pin(versions.old)
    kiosk = open_kiosk(synced.data_dir)
    synced.sync.check()
    synced.sync.offer(kiosk.kiosk)
    pin(None)
    changed = next(e for e in manifest_of(server, versions.new).files if e.path == versions.changed_path)
    good = server_sql(server, "SELECT data FROM content_blob WHERE sha256 = :sha", sha=changed.sha256)[0][0]
    bad = bytes(good[:-8]) + b"tampered"
    server_sql(server, "UPDATE content_blob SET data = :bad WHERE sha256 = :sha", bad=bad, sha=changed.sha256)
    try:
        failed = synced.sync.check()
    finally:
        server_sql(server, "UPDATE content_blob SET data = :good WHERE sha256 = :sha", good=good, sha=changed.sha256)
    assert failed.status == "failed" and versions.changed_path in failed.reason
    assert not synced.cache.has_blob(changed.sha256) and not synced.cache.part_path(changed.sha256).exists()
    assert synced.sync.ready_version() is None and synced.sync.offer(kiosk.kiosk) is None
    assert synced.cache.current() == versions.old and kiosk.kiosk.content_version == versions.old


def test_a_version_whose_pack_does_not_validate_is_never_used(server, versions, synced):
    assert synced.sync.check().version == versions.new
    synced.cache.switch(versions.new)
    files = published_files(server, versions.new)
    broken_text = b"services:\n  - id: tax-square\n    name: [unclosed\n"
    sha = hashlib.sha256(broken_text).hexdigest()
    files = [{**e, "sha256": sha, "size": len(broken_text)} if e["path"] == versions.changed_path else e for e in files]
    server_sql(
        server,
        "INSERT INTO content_blob (sha256, size, data) VALUES (:sha, :size, :data)",
        sha=sha,
        size=len(broken_text),
        data=broken_text,
    )
    server_sql(
        server,
        "INSERT INTO content_version (created_at, created_by, note, manifest) "
        "VALUES (CURRENT_TIMESTAMP, 'a test', 'broken', :manifest)",
        manifest=json.dumps({"files": files}),
    )
    broken = newest_version(server)
    try:
        failed = synced.sync.check()
        assert (failed.status, failed.version, failed.files) == ("failed", broken, 1)
        assert "problem" in failed.reason
        assert not synced.cache.has_version(broken) and synced.sync.ready_version() is None
        again = synced.sync.check()  # not downloaded nor checked again
        assert (again.status, again.files, again.received) == ("failed", 0, 0)
    finally:
        server_sql(server, "DELETE FROM content_version WHERE id = :id", id=broken)
        server_sql(server, "DELETE FROM content_blob WHERE sha256 = :sha", sha=sha)
    assert synced.cache.current() == versions.new
    assert not [path for path in synced.cache.versions.iterdir() if path.name.startswith(".tmp")]


def test_cleanup_keeps_the_version_in_use_and_the_last_good_one(server, versions, synced, pin):
    pin(versions.old)
    assert synced.sync.check().version == versions.old
    synced.cache.switch(versions.old)
    pin(None)
    assert synced.sync.check().version == versions.new
    synced.cache.switch(versions.new)
    old_tax = next(e for e in manifest_of(server, versions.old).files if e.path == versions.changed_path)
    stray = synced.cache.blobs / ("0" * 64 + ".part")
    stray.write_bytes(b"left by a download nobody needs")
    synced.cache.cleanup(part_age_s=0)
    assert synced.cache.usable_versions() == [versions.new, versions.old]
    assert synced.cache.has_blob(old_tax.sha256) and not stray.exists()
    (synced.cache.root / "current.json").write_text(json.dumps({"version": versions.new}))  # only one kept now
    synced.cache.cleanup()
    assert sorted(p.name for p in synced.cache.versions.iterdir()) == [str(versions.new), f"{versions.new}.json"]
    assert not synced.cache.has_blob(old_tax.sha256)


def test_a_manifest_that_would_write_outside_the_pack_is_refused(tmp_path):
    cache = ContentCache(tmp_path / "content")
    for path in ("../escape.yaml", "/etc/passwd", "services/../../x.yaml", "a\\b.yaml", ""):
        files = [{"path": path, "sha256": "0" * 64, "size": 1}]
        with pytest.raises(ContentCacheError, match="will not write"):
            cache.stage({"version": 1, "files": files})
    assert list(cache.versions.iterdir()) == []
