"""Staff web: edit one item's texts and voice phrases in the draft, and preview its kiosk screen."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from ..context import engine
from ..db import write_session
from ..errors import NotFound
from ..services import content_edit, content_fields, content_preview, content_review
from . import login_required, staff
from .content import EDITORS, load_draft, record

KINDS = set(content_review.KIND_ORDER)


def _find(kind: str, item_id: str) -> tuple[dict[str, str], content_review.Item]:
    if kind not in KINDS:
        abort(404)
    files, _ = load_draft()
    item = content_review.find(files, kind, item_id)
    if item is None:
        abort(404)
    return files, item


@staff.get("/content/<kind>/<item_id>")
@login_required(*EDITORS)
def content_item(kind: str, item_id: str):
    files, item = _find(kind, item_id)
    return _render_item(files, item, base=content_edit.digest(files[item.path]))


@staff.post("/content/<kind>/<item_id>")
@login_required(*EDITORS)
def content_item_save(kind: str, item_id: str):
    files, item = _find(kind, item_id)
    form = {name: value for name, value in request.form.items() if name not in {"csrf_token", "base"}}
    try:
        with write_session(engine()) as db:
            edit = content_edit.edit_item(
                db,
                path=item.path,
                kind=kind,
                item_id=item_id,
                form=form,
                base=request.form.get("base", ""),
                actor=g.user.name,
            )
            if edit.changed:
                record(db, "content.edit", f"{kind}:{item_id}", file=item.path, fields=edit.changed)
    except NotFound:
        abort(404)
    if edit.conflict:
        return _render_item(files, item, base=edit.base, values=form, conflict=True), 409
    files = {**files, item.path: edit.text}
    saved = content_review.find(files, kind, item_id) or item
    mine = [problem for problem in content_review.check(files)[1] if problem.concerns(saved)]
    if mine:
        return _render_item(files, saved, base=edit.base, values=form, announce=True, changed=bool(edit.changed))
    flash(("content.item.saved" if edit.changed else "content.item.unchanged", {}), "content")
    return redirect(url_for("staff.content_item", kind=kind, item_id=item_id))


def _render_item(
    files: dict[str, str],
    item: content_review.Item,
    *,
    base: str,
    values: dict[str, str] | None = None,
    conflict: bool = False,
    announce: bool = False,
    changed: bool = False,
) -> str:
    _, problems = content_review.check(files)
    mine = [problem for problem in problems if problem.concerns(item)]
    found = content_fields.groups(item.kind, item.data)
    return render_template(
        "content/item.html",
        item=item,
        groups=found,
        values=values or {},
        problems=mine,
        links=content_fields.link_problems(found, [problem.sub for problem in mine]),
        others=len(problems) - len(mine),
        base=base,
        conflict=conflict,
        announce=announce,
        changed=changed,
    )


@staff.get("/content/<kind>/<item_id>/preview")
@login_required(*EDITORS)
def content_preview_page(kind: str, item_id: str):
    files, item = _find(kind, item_id)
    easy = request.args.get("reading") == "easy"
    pack, problems = content_review.check(files)
    screens = []
    if pack is not None:
        screens = [content_preview.screen(pack, kind, item_id, lang, easy) for lang in ("ko", "en")]
    mine = [problem for problem in problems if problem.concerns(item)]
    return render_template(
        "content/preview.html",
        item=item,
        easy=easy,
        screens=[screen for screen in screens if screen is not None],
        problems=mine,
    )
