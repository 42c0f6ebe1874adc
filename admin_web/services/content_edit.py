"""Change the texts of one item inside a draft YAML file, keeping its comments, quoting and layout.

Files are edited with ruamel.yaml's round trip: only the values that changed are written, long texts are
folded like the rest of the pack, and an emptied text is removed (so the validator reports it missing).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString
from sqlmodel import Session

from ..errors import NotFound
from . import content_store
from .content_fields import MODEL_OF, SECTION_OF, TEXT_PARTS, Input, Path, groups, is_text, shape

FOLD_WIDTH = 96  # display columns of a folded line (a Korean syllable counts as two)
LONG_TEXT = 90  # longer one-line texts are written folded (>-)
# plain words that other YAML readers (YAML 1.1) would not read as text
_NOT_TEXT = re.compile(r"(?i)y|n|yes|no|true|false|on|off|null|~|[-+]?[\d._:]+(e[-+]?\d+)?")


@dataclass(frozen=True)
class Edit:
    text: str  # the file after the edit; on a conflict, the file as it is now
    changed: list[str]  # names of the fields that changed
    conflict: bool  # the file changed after the editor opened it: nothing was written
    base: str  # digest of ``text``, to send back with the next save


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def edit_item(
    session: Session, *, path: str, kind: str, item_id: str, form: Mapping[str, str], base: str, actor: str
) -> Edit:
    """Write the editor's values of one item into its draft file. ``base`` is the digest of the file the
    editor saw; when someone saved the file since, nothing is written and ``conflict`` is set."""
    draft = content_store.lock_draft_file(session, path)
    if base and base != digest(draft.text):
        return Edit(draft.text, [], True, digest(draft.text))
    text, changed = apply_edits(draft.text, kind, item_id, form)
    if changed:
        content_store.save_draft_file(session, path=path, text=text, actor=actor)
    return Edit(text, changed, False, digest(text))


def yaml() -> YAML:
    handler = YAML(typ="rt", pure=True)
    handler.width = 4096
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.preserve_quotes = True
    return handler


def apply_edits(text: str, kind: str, item_id: str, form: Mapping[str, str]) -> tuple[str, list[str]]:
    """The file's new text with the submitted values of ``item_id``, and the names of the fields that changed.

    ``form`` maps field names (``summary.en``, ``voice.ko``) to what the editor typed; absent names are left
    alone. Voice phrases are one per line."""
    handler = yaml()
    document = handler.load(text)
    item = locate(document, kind, item_id)
    changed: list[str] = []
    for group in groups(kind, item):
        for field in group.inputs:
            if field.name not in form:
                continue
            if group.voice:
                wanted = phrases(form[field.name])
                if wanted != field.value.splitlines():
                    _set_phrases(item, MODEL_OF[kind], field.path, wanted)
                    changed.append(field.name)
            else:
                wanted = clean(form[field.name], field.multiline)
                if wanted != field.value:
                    _set_text(item, MODEL_OF[kind], field, wanted)
                    changed.append(field.name)
    if not changed:
        return text, []
    out = io.StringIO()
    handler.dump(document, out)
    return out.getvalue(), changed


def locate(document: Any, kind: str, item_id: str) -> CommentedMap:
    section = document.get(SECTION_OF[kind]) if isinstance(document, dict) else None
    for item in section if isinstance(section, list) else ():
        if isinstance(item, dict) and item.get("id") == item_id:
            return item
    raise NotFound(f"no {kind} '{item_id}' in this file")


def clean(value: str, multiline: bool) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not multiline:
        value = " ".join(value.split())
    return value


def phrases(value: str) -> list[str]:
    return [" ".join(line.split()) for line in value.splitlines() if line.strip()]


def _set_text(item: CommentedMap, model: type[BaseModel], field: Input, wanted: str) -> None:
    parent = _parent(item, model, field.path, create=bool(wanted))
    if parent is None:
        return
    key = field.path[-1]
    if not wanted:
        parent.pop(key, None)
        _drop_if_empty(item, model, field.path[:-1])
        return
    _put(parent, key, _scalar(wanted, parent.get(key)), list(TEXT_PARTS))


def _set_phrases(item: CommentedMap, model: type[BaseModel], path: Path, wanted: list[str]) -> None:
    parent = _parent(item, model, path, create=True)
    current = parent.get(path[-1])
    if isinstance(current, CommentedSeq):
        old = {str(phrase): phrase for phrase in current}
        values = [old.get(phrase, _scalar(phrase, None)) for phrase in wanted]
        if len(values) == len(current):
            for index, value in enumerate(values):
                if current[index] != value:
                    current[index] = value
        else:
            current[:] = values
        return
    sequence = CommentedSeq(_scalar(phrase, None) for phrase in wanted)
    sequence.fa.set_flow_style()
    _put(parent, path[-1], sequence, ["ko", "en"])


def _parent(item: CommentedMap, model: type[BaseModel], path: Path, *, create: bool) -> CommentedMap | None:
    """The mapping that holds the last step of ``path``; missing mappings are made when ``create``."""
    node: Any = item
    for depth, step in enumerate(path[:-1]):
        child = node[step] if isinstance(step, int) else node.get(step)
        if not isinstance(child, dict):
            if not create:
                return None
            child = CommentedMap()
            if isinstance(step, int):
                node[step] = child
            else:
                _put(node, step, child, _order(model, path[:depth]))
        node = child
    return node


def _drop_if_empty(item: CommentedMap, model: type[BaseModel], path: Path) -> None:
    """Remove a text that lost all its languages, when the schema says it is optional."""
    if not path or not isinstance(path[-1], str):
        return
    holder = _parent(item, model, path, create=False)
    if holder is None or holder.get(path[-1]) != {}:
        return
    owner = _type_at(model, path[:-1])
    if isinstance(owner, type) and issubclass(owner, BaseModel) and not is_text(owner):
        info = owner.model_fields.get(str(path[-1]))
        if info is not None and not info.is_required():
            del holder[path[-1]]


def _put(mapping: CommentedMap, key: str | int, value: Any, order: list[str]) -> None:
    """Set ``key``; a new key goes after the keys that come before it in ``order`` (the schema's order)."""
    if key in mapping:
        mapping[key] = value
        return
    before = order[: order.index(key)] if key in order else order
    position = 0
    for index, existing in enumerate(mapping):
        if existing in before:
            position = index + 1
    mapping.insert(position, key, value)


def _order(model: type[BaseModel], path: Path) -> list[str]:
    found = _type_at(model, path)
    if is_text(found):
        return list(TEXT_PARTS)
    return list(getattr(found, "model_fields", {}))


def _type_at(model: type[BaseModel], path: Path) -> Any:
    """The schema type found at ``path`` below ``model`` (list indexes and dict keys step into elements)."""
    current: Any = model
    pending: str | None = None
    for step in path:
        if pending is not None:  # the index or key of a list or dict field
            pending = None
            continue
        fields = getattr(current, "model_fields", {})
        if step not in fields:
            return None
        many, current = shape(fields[step].annotation)
        pending = many
    return current


def _scalar(text: str, old: Any) -> Any:
    """``text`` as a YAML scalar: quoted when other readers would not take it as text, folded when long."""
    if isinstance(old, str) and str(old) == text:
        return old
    if _NOT_TEXT.fullmatch(text):
        return DoubleQuotedScalarString(text)
    if "\n" in text:
        return LiteralScalarString(text)
    if isinstance(old, FoldedScalarString) or _width(text) > LONG_TEXT:
        folded = FoldedScalarString(text)
        folded.fold_pos = _fold_positions(text)
        return folded
    return text


def _width(text: str) -> int:
    return sum(_columns(ch) for ch in text)


def _columns(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _fold_positions(text: str) -> list[int]:
    """Where to break a folded text: at single spaces, so that no line is wider than FOLD_WIDTH."""
    positions: list[int] = []
    width = 0  # of the current line so far
    space, width_at_space = -1, 0
    for index, ch in enumerate(text):
        width += _columns(ch)
        if ch == " " and 0 < index < len(text) - 1 and text[index - 1] != " " and text[index + 1] != " ":
            space, width_at_space = index, width
        if width > FOLD_WIDTH and space >= 0:
            positions.append(space)
            width -= width_at_space
            space = -1
    return positions
