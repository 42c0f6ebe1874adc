"""Staff web: the published versions, and rolling back to an earlier one (after a confirmation step)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from ..context import engine
from ..db import read_session, write_session
from ..models import ContentVersion
from ..services import content_store
from . import login_required, staff
from .content import EDITORS, record


@staff.get("/content/versions")
@login_required(*EDITORS)
def content_versions():
    with read_session(engine()) as db:
        found = content_store.versions(db)
    return render_template("content/versions.html", versions=found, live=found[0].id if found else None)


@staff.get("/content/versions/<int:number>/rollback")
@login_required(*EDITORS)
def content_rollback_confirm(number: int):
    version, live = _version(number)
    if version.id == live:
        flash(("content.rollback.live", {}), "content")
        return redirect(url_for("staff.content_versions"))
    return render_template("content/rollback.html", version=version)


@staff.post("/content/versions/<int:number>/rollback")
@login_required(*EDITORS)
def content_rollback(number: int):
    version, live = _version(number)
    if version.id == live:
        flash(("content.rollback.live", {}), "content")
        return redirect(url_for("staff.content_versions"))
    restore = request.form.get("restore_draft") == "1"
    with write_session(engine()) as db:
        created = content_store.rollback(db, version_id=number, actor=g.user.name)
        files = content_store.version_files(db, created)
        pack, _ = content_store.check_files(files)
        if pack is not None:
            content_store.sync_queue_services(db, pack)
        if restore:
            content_store.restore_draft(db, version_id=number, actor=g.user.name)
        record(db, "content.rollback", f"version:{created.id}", from_version=number, draft_restored=restore)
    flash(("content.rollback.done", {"old": number, "number": created.id}), "content")
    return redirect(url_for("staff.content_versions"))


def _version(number: int) -> tuple[ContentVersion, int | None]:
    with read_session(engine()) as db:
        version = db.get(ContentVersion, number)
        current = content_store.current_version(db)
    if version is None:
        abort(404)
    return version, current.id if current else None
