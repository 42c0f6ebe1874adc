"""Staff web: the content pack's draft (its items and problems) and publishing it as a new version.

Editing one item and its preview are in ``content_items``; versions and rolling back in ``content_versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, g, redirect, render_template, request, url_for

from madang.content.contract import SEOUL

from ..context import engine
from ..db import read_session, write_session
from ..i18n import add_texts
from ..models import ContentVersion, Role
from ..services import audit, content_review, content_store
from . import add_to_menu, login_required, staff
from .content_texts import TEXTS

add_texts(TEXTS)
add_to_menu("staff.content", "nav.content", Role.editor, Role.admin)

EDITORS = (Role.editor, Role.admin)
NOTE_LIMIT = 300


def record(db, action: str, target: str, **detail) -> None:
    """Audit a change in the same transaction as the change itself."""
    audit.record(db, actor=g.user.name, action=action, target=target, detail=detail, address=request.remote_addr or "")


@staff.app_template_filter("seoul_time")
def seoul_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M KST")


def load_draft() -> tuple[dict[str, str], ContentVersion | None]:
    with read_session(engine()) as db:
        return content_store.draft_files(db), content_store.current_version(db)


@staff.get("/content", endpoint="content")
@login_required(*EDITORS)
def content_list():
    return _render_list()


@staff.post("/content/publish")
@login_required(*EDITORS)
def content_publish():
    note = request.form.get("note", "").strip()
    if len(note) > NOTE_LIMIT:
        return _render_list(note=note, note_error=True), 422
    try:
        with write_session(engine()) as db:
            version = content_store.publish(db, actor=g.user.name, note=note)
            record(db, "content.publish", f"version:{version.id}", note=note)
    except content_store.PublishRefused as refused:
        with write_session(engine()) as db:
            record(db, "content.publish_refused", "draft", problems=len(refused.problems))
        reasons = [content_review.parse_problem(text) for text in refused.problems]
        return _render_list(note=note, refused=reasons), 422
    flash(("content.publish.done", {"number": version.id}), "content")
    return redirect(url_for("staff.content"))


def _render_list(*, note: str = "", note_error: bool = False, refused: list | None = None) -> str:
    files, current = load_draft()
    _, problems = content_review.check(files)
    found = content_review.items(files)
    by_kind = {kind: [item for item in found if item.kind == kind] for kind in content_review.KIND_ORDER}
    counts: dict[tuple[str, str | None], int] = {}
    for problem in problems:
        key = (problem.kind or "", problem.item_id)
        counts[key] = counts.get(key, 0) + 1
    titles = {(item.kind, item.id): item.title for item in found}
    manifest = content_store.manifest(current) if current else None
    return render_template(
        "content/list.html",
        current=current,
        changed=content_review.version_files_differ(files, manifest),
        problems=problems,
        refused=refused,
        by_kind=by_kind,
        counts=counts,
        titles=titles,
        note=note,
        note_error=note_error,
        note_limit=NOTE_LIMIT,
    )


from . import content_items, content_versions  # noqa: E402, F401  (routes)
