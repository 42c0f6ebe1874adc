"""The editable draft of the content pack, and immutable published versions (a manifest of hashed files)."""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from madang.content.checks import validate_pack
from madang.content.loader import ContentPack
from madang.content.problems import Problem
from madang.content.source import yaml_files
from madang.voice.vocabulary import check_vocabulary

from ..errors import Invalid, NotFound
from ..models import ContentBlob, ContentDraft, ContentVersion, QueueService, iso, utcnow

log = logging.getLogger(__name__)


class PublishRefused(Invalid):
    code = "content_problems"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) must be fixed before publishing: " + "; ".join(problems[:5]))
        self.problems = problems


def import_pack(session: Session, *, root: Path, actor: str) -> int:
    """Replace the draft with the YAML files of the pack at ``root``; returns how many files."""
    for draft in session.exec(select(ContentDraft)).all():
        session.delete(draft)
    session.flush()
    count = 0
    for path in yaml_files(root):
        text = path.read_text(encoding="utf-8")
        session.add(ContentDraft(path=path.relative_to(root).as_posix(), text=text, updated_by=actor))
        count += 1
    return count


def draft_files(session: Session) -> dict[str, str]:
    return {draft.path: draft.text for draft in session.exec(select(ContentDraft).order_by(ContentDraft.path))}


def save_draft_file(session: Session, *, path: str, text: str, actor: str) -> None:
    draft = session.get(ContentDraft, path)
    if draft is None:
        raise NotFound(f"no draft file '{path}'")
    draft.text = text
    draft.updated_at = utcnow()
    draft.updated_by = actor
    session.add(draft)


def check_files(files: dict[str, str]) -> tuple[ContentPack | None, list[str]]:
    """Validate files exactly as ``madang content validate`` does; problems name the file and line."""
    with tempfile.TemporaryDirectory(prefix="madang-draft-") as folder:
        root = Path(folder) / "draft"
        for relative, text in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if not files:
            return None, ["the draft holds no files: import a content pack first"]
        result, problems = validate_pack(root)
        problems = sorted(set(problems) | set(vocabulary_problems(result.pack)))
        prefix = f"{root}/"
        return result.pack, [str(problem).replace(prefix, "") for problem in problems]


def vocabulary_problems(pack: ContentPack) -> list[Problem]:
    """Voice phrase words the speech model does not know (a short-lived model process, then a cache file: this
    worker never holds the model). Without a model the check is skipped, with a warning in the log."""
    checked = check_vocabulary(pack)
    for note in checked.notes:
        log.warning("%s", note)
    return checked.problems


def publish(session: Session, *, actor: str, note: str = "") -> ContentVersion:
    files = draft_files(session)
    pack, problems = check_files(files)
    if problems or pack is None:
        raise PublishRefused(problems)
    entries = []
    for relative, text in files.items():
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        if session.get(ContentBlob, digest) is None:
            session.add(ContentBlob(sha256=digest, size=len(data), data=data))
        entries.append({"path": relative, "sha256": digest, "size": len(data)})
    version = ContentVersion(created_by=actor, note=note, manifest=json.dumps({"files": entries}))
    session.add(version)
    session.flush()
    sync_queue_services(session, pack)
    return version


def rollback(session: Session, *, version_id: int, actor: str) -> ContentVersion:
    """Publish an earlier version's files again as a new version (history stays immutable)."""
    earlier = session.get(ContentVersion, version_id)
    if earlier is None:
        raise NotFound(f"no content version {version_id}")
    version = ContentVersion(
        created_by=actor,
        note=f"roll back to version {version_id}",
        rolled_back_from=version_id,
        manifest=earlier.manifest,
    )
    session.add(version)
    session.flush()
    return version


def current_version(session: Session) -> ContentVersion | None:
    return session.exec(select(ContentVersion).order_by(ContentVersion.id.desc()).limit(1)).first()


def manifest(version: ContentVersion) -> dict:
    files = json.loads(version.manifest)["files"]
    return {"version": version.id, "published_at": iso(version.created_at), "files": files}


def blob(session: Session, sha256: str) -> ContentBlob:
    found = session.get(ContentBlob, sha256)
    if found is None:
        raise NotFound(f"no content file with sha256 {sha256}")
    return found


def sync_queue_services(session: Session, pack: ContentPack) -> None:
    """Every service of the pack that has a queue gives tickets; its prefix and names follow the pack."""
    for service in pack.services:
        if service.queue is None:
            continue
        row = session.get(QueueService, service.id) or QueueService(
            id=service.id, prefix=service.queue.prefix, name_ko="", name_en=""
        )
        row.prefix = service.queue.prefix
        row.name_ko, row.name_en = service.name.ko, service.name.en
        row.average_minutes = service.queue.average_minutes
        session.add(row)


def versions(session: Session) -> list[ContentVersion]:
    """Every published version, newest first."""
    return list(session.exec(select(ContentVersion).order_by(ContentVersion.id.desc())))


def version_files(session: Session, version: ContentVersion) -> dict[str, str]:
    """The files of a published version, by path."""
    return {
        entry["path"]: blob(session, entry["sha256"]).data.decode("utf-8")
        for entry in json.loads(version.manifest)["files"]
    }


def restore_draft(session: Session, *, version_id: int, actor: str) -> dict[str, str]:
    """Make the draft hold exactly the files of a published version; returns those files."""
    version = session.get(ContentVersion, version_id)
    if version is None:
        raise NotFound(f"no content version {version_id}")
    files = version_files(session, version)
    for draft in session.exec(select(ContentDraft)).all():
        if draft.path not in files:
            session.delete(draft)
    for path, text in files.items():
        draft = session.get(ContentDraft, path)
        if draft is None:
            session.add(ContentDraft(path=path, text=text, updated_by=actor))
        elif draft.text != text:
            save_draft_file(session, path=path, text=text, actor=actor)
    return files


def lock_draft_file(session: Session, path: str) -> ContentDraft:
    """The draft file, locked until the transaction ends (a concurrent edit waits instead of being lost)."""
    statement = select(ContentDraft).where(ContentDraft.path == path).with_for_update()
    draft = session.exec(statement.execution_options(populate_existing=True)).first()
    if draft is None:
        raise NotFound(f"no draft file '{path}'")
    return draft
