"""The kiosk's content on disk: verified files by hash, complete versions built from them, and a pointer to the
version in use that is switched atomically, the one before it kept as the last good version.

    root/blobs/<sha256>           a verified file (its SHA-256 and size matched the manifest); never changed
    root/blobs/<sha256>.part      a download in progress, continued with a Range request
    root/versions/<id>/           a complete pack that passed validate_pack (hard links to the blobs)
    root/versions/<id>.json       its manifest, written last: the version exists once this file does
    root/current.json             {"version": id, "previous": id | null}, replaced with os.replace after fsync

A version is built in a temporary folder from verified files only, renamed into place, validated there, and
only then gets its manifest. Anything interrupted leaves temporary names or a folder without a manifest
behind, which ``stage`` and ``cleanup`` remove.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from madang.content.checks import validate_pack
from madang.content.errors import ContentError, MadangError
from madang.content.loader import ContentPack

log = logging.getLogger(__name__)

SHA256 = re.compile(r"^[0-9a-f]{64}$")
PART = ".part"
TEMP_PREFIX = ".tmp-"
RESUME_WINDOW_S = 24 * 3600.0  # a partial download nobody needs is kept this long, in case its version comes back
CHUNK = 64 * 1024


class ContentCacheError(MadangError):
    """A manifest or a version that the kiosk cannot use; the version in use stays."""


class BrokenPackError(ContentCacheError):
    """A version whose files are all there and verified, but whose pack does not pass validate_pack."""

    def __init__(self, version: int, problems: list[str]) -> None:
        shown = "; ".join(problems[:3])
        super().__init__(f"content version {version} has {len(problems)} problem(s) and is not used: {shown}")
        self.version = version
        self.problems = problems


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    version: int
    files: tuple[FileEntry, ...]

    @classmethod
    def parse(cls, data: object) -> Manifest:
        """The server's manifest JSON, checked: hashes are SHA-256 hex, sizes whole numbers, paths relative and
        inside the pack (no ``..``), each path once."""
        shaped = isinstance(data, dict) and type(data.get("version")) is int and isinstance(data.get("files"), list)
        if not shaped:
            raise ContentCacheError("the content manifest is not {'version': int, 'files': [...]}")
        entries, seen = [], set()
        for item in data["files"]:
            if not isinstance(item, dict):
                raise ContentCacheError(f"a content manifest entry is not an object: {item!r}")
            path, sha, size = item.get("path"), item.get("sha256"), item.get("size")
            if not isinstance(sha, str) or not SHA256.match(sha):
                raise ContentCacheError(f"the content manifest names a file by {sha!r}, not a SHA-256")
            if type(size) is not int or size < 0:
                raise ContentCacheError(f"the content manifest gives {path!r} the size {size!r}")
            if not _safe_path(path) or path in seen:
                raise ContentCacheError(f"the content manifest holds the path {path!r}, which the kiosk will not write")
            seen.add(path)
            entries.append(FileEntry(path, sha, size))
        return cls(data["version"], tuple(entries))

    def as_json(self) -> dict:
        files = [{"path": e.path, "sha256": e.sha256, "size": e.size} for e in self.files]
        return {"version": self.version, "files": files}


def _safe_path(path: object) -> bool:
    if not isinstance(path, str) or not path or "\\" in path or not path.isprintable():
        return False
    parts = PurePosixPath(path).parts
    return not path.startswith("/") and all(part not in {"", ".", ".."} for part in parts)


class ContentCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.versions = self.root / "versions"
        self.pointer = self.root / "current.json"
        for folder in (self.blobs, self.versions):
            folder.mkdir(parents=True, exist_ok=True)
        self._loaded: tuple[int, ContentPack] | None = None  # the version stage last validated, loaded

    def __repr__(self) -> str:
        return f"ContentCache({str(self.root)!r})"

    # --- which version ---------------------------------------------------------------------------------------

    def _pointer(self) -> dict:
        try:
            data = json.loads(self.pointer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def current(self) -> int | None:
        """The version this kiosk uses: the pointer's, or the last good one when the pointer's is gone."""
        usable = self.usable_versions()
        return usable[0] if usable else None

    def previous(self) -> int | None:
        """The last good version before the current one (kept for a fall back)."""
        usable = self.usable_versions()
        return usable[1] if len(usable) > 1 else None

    def usable_versions(self) -> list[int]:
        """The current version and the one before it, those whose complete folders exist, in that order."""
        pointer = self._pointer()
        found = []
        for key in ("version", "previous"):
            version = pointer.get(key)
            if type(version) is int and version not in found and self.has_version(version):
                found.append(version)
        return found

    def current_dir(self) -> Path | None:
        version = self.current()
        return None if version is None else self.version_dir(version)

    def version_dir(self, version: int) -> Path:
        return self.versions / str(version)

    def has_version(self, version: int) -> bool:
        """Whether ``version`` was staged: every file verified and its pack validated."""
        return self.version_dir(version).is_dir() and self._manifest_path(version).is_file()

    def manifest(self, version: int) -> Manifest | None:
        try:
            return Manifest.parse(json.loads(self._manifest_path(version).read_text(encoding="utf-8")))
        except (OSError, ValueError, ContentCacheError):
            return None

    def _manifest_path(self, version: int) -> Path:
        return self.versions / f"{version}.json"

    # --- files -------------------------------------------------------------------------------------------------

    def has_blob(self, sha256: str) -> bool:
        return (self.blobs / sha256).is_file()

    def part_path(self, sha256: str) -> Path:
        """Where the download of ``sha256`` goes until it is verified (it continues from its size)."""
        return self.blobs / f"{sha256}{PART}"

    def accept_part(self, entry: FileEntry) -> bool:
        """Moves the finished download of ``entry`` into place when its size and SHA-256 match; else deletes it
        (a corrupt file is never used) and answers False."""
        part = self.part_path(entry.sha256)
        good = part.is_file() and part.stat().st_size == entry.size and _sha256(part) == entry.sha256
        if not good:
            part.unlink(missing_ok=True)
            return False
        part.replace(self.blobs / entry.sha256)
        _fsync_dir(self.blobs)
        return True

    # --- versions ----------------------------------------------------------------------------------------------

    def stage(self, manifest: Manifest | dict) -> Path:
        """Builds ``versions/<id>`` from verified files; raises ContentCacheError when a file is missing and
        BrokenPackError when the pack does not validate (nothing is left behind then)."""
        if not isinstance(manifest, Manifest):
            manifest = Manifest.parse(manifest)
        final = self.version_dir(manifest.version)
        if self.has_version(manifest.version):
            return final
        missing = [entry.path for entry in manifest.files if not self.has_blob(entry.sha256)]
        if missing:
            raise ContentCacheError(f"content version {manifest.version} misses {len(missing)} file(s): {missing[:3]}")
        building = self.versions / f"{TEMP_PREFIX}{manifest.version}-{uuid.uuid4().hex[:8]}"
        try:
            self._build(manifest, building)
            if final.exists():  # a folder without its manifest: left by an interrupted stage
                shutil.rmtree(final)
            building.rename(final)  # not a version yet: that takes its manifest, written once the pack validates
            _fsync_dir(self.versions)
            pack, problems = _validated(final)
            if pack is None:
                shutil.rmtree(final, ignore_errors=True)
                raise BrokenPackError(manifest.version, problems)
            _write_atomic(self._manifest_path(manifest.version), json.dumps(manifest.as_json()).encode())
        except OSError as error:
            shutil.rmtree(final, ignore_errors=True)
            raise ContentCacheError(f"content version {manifest.version} could not be built: {error}") from None
        finally:
            shutil.rmtree(building, ignore_errors=True)
        self._loaded = (manifest.version, pack)
        return final

    def _build(self, manifest: Manifest, folder: Path) -> None:
        folder.mkdir()
        for entry in manifest.files:
            target = folder / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.blobs / entry.sha256, target)
            except OSError:  # a file system without hard links
                shutil.copyfile(self.blobs / entry.sha256, target)
        for directory in sorted({p for p in folder.rglob("*") if p.is_dir()} | {folder}, reverse=True):
            _fsync_dir(directory)

    def pack(self, version: int) -> ContentPack:
        """The validated pack of a staged version; BrokenPackError when it does not pass validate_pack (any more)."""
        if not self.has_version(version):
            raise ContentCacheError(f"content version {version} is not on this kiosk")
        if self._loaded is not None and self._loaded[0] == version:  # just validated by stage
            return self._loaded[1]
        pack, problems = _validated(self.version_dir(version))
        if pack is None:
            raise BrokenPackError(version, problems)
        return pack

    def switch(self, version: int) -> None:
        """Makes ``version`` the one in use (an atomic replace of the pointer); the one before is kept."""
        if not self.has_version(version):
            raise ContentCacheError(f"content version {version} is not staged: it cannot be used")
        current = self.current()
        if current == version:
            return
        pointer = {"version": version, "previous": current}
        _write_atomic(self.pointer, json.dumps(pointer).encode())
        log.info("content version %s is now in use (last good: %s)", version, pointer["previous"])

    def cleanup(
        self, *, keep: Iterable[int | None] = (), wanted: Iterable[str] = (), part_age_s: float = RESUME_WINDOW_S
    ) -> int:
        """Removes temporary folders and files, versions other than the current one, the one before and
        ``keep``, files no kept version uses, and partial downloads older than ``part_age_s`` that are not
        ``wanted`` (hashes of a version still being downloaded). Returns how many entries it removed."""
        kept = {version for version in (*self.usable_versions(), *keep) if version is not None}
        removed = 0
        for entry in list(self.versions.iterdir()):
            name = entry.name.removesuffix(".json")
            if name.isdigit() and int(name) in kept:
                continue
            _remove(entry)
            removed += 1
        referenced = set(wanted)
        for version in kept:
            manifest = self.manifest(version)
            if manifest is not None:
                referenced.update(entry.sha256 for entry in manifest.files)
        now = time.time()
        for entry in list(self.blobs.iterdir()):
            if entry.name in referenced:
                continue
            if entry.name.endswith(PART):
                sha = entry.name.removesuffix(PART)
                if sha in referenced or (_age(entry, now) < part_age_s and SHA256.match(sha)):
                    continue
            _remove(entry)
            removed += 1
        for entry in self.root.glob(f"{TEMP_PREFIX}*"):  # a pointer write that was interrupted
            _remove(entry)
            removed += 1
        return removed


def _validated(folder: Path) -> tuple[ContentPack | None, list[str]]:
    """The pack in ``folder`` when it passes validate_pack, else None and its problems."""
    try:
        result, problems = validate_pack(folder)
    except ContentError as error:
        return None, [str(error)]
    prefix = f"{folder}/"
    return (None if problems else result.pack), [str(problem).replace(prefix, "") for problem in problems]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Writes a temporary file, fsyncs it, renames it over ``path`` and fsyncs the folder: after a crash the
    file is either the old one or the new one, whole."""
    temp = path.with_name(f"{TEMP_PREFIX}{path.name}-{uuid.uuid4().hex[:8]}")
    try:
        with temp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with suppress(OSError):  # not every platform opens folders
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
