"""The draft as editors see it: its items by kind, and the validator's problems, each tied to its item.

Items are read from the YAML itself, not from the loaded pack, so an item that no longer validates can still
be listed, opened and fixed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from madang.content.loader import SECTIONS, ContentPack

from . import content_store

KIND_ORDER = ("service", "landmark", "event", "space", "document", "tax", "faq", "screen", "phrase-set")
TITLE_FIELDS = ("name", "title", "question", "label")
_PROBLEM = re.compile(
    r"(?P<file>[^:]+):(?P<line>\d+)(?::\d+)?: (?:(?P<field>(?:[^\s:\[\]]|\[[^\]]*\])+): )?(?P<message>.*)", re.S
)
_ITEM_FIELD = re.compile(r"(?P<section>[a-z_]+)\[(?P<id>[^\]]+)\](?:\.(?P<sub>.*))?")


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    path: str  # the draft file
    line: int
    end_line: int  # the last line that belongs to the item
    data: Any  # plain dicts, lists and scalars

    def title(self, lang: str) -> str:
        for name in TITLE_FIELDS:
            text = self.data.get(name)
            if isinstance(text, dict) and isinstance(text.get(lang), str) and text[lang].strip():
                return text[lang]
        return self.id


@dataclass(frozen=True)
class DraftProblem:
    """One validator problem, with the item it concerns and the field below that item (``summary.en``)."""

    file: str
    line: int
    field: str
    message: str
    kind: str | None = None
    item_id: str | None = None
    sub: str = ""

    def concerns(self, item: Item) -> bool:
        return (self.kind, self.item_id) == (item.kind, item.id)


def items(files: dict[str, str]) -> list[Item]:
    """Every item with an id in the draft, by kind in KIND_ORDER, then by file and position."""
    found = [item for path, text in files.items() for item in _parse(path, text)]
    return sorted(found, key=lambda item: (KIND_ORDER.index(item.kind), item.path, item.line))


def find(files: dict[str, str], kind: str, item_id: str) -> Item | None:
    return next((item for item in items(files) if (item.kind, item.id) == (kind, item_id)), None)


def check(files: dict[str, str]) -> tuple[ContentPack | None, list[DraftProblem]]:
    """Validate the draft like ``madang content validate``; every problem is tied to its item when possible."""
    return _check(tuple(sorted(files.items())))


@lru_cache(maxsize=8)
def _check(files: tuple[tuple[str, str], ...]) -> tuple[ContentPack | None, list[DraftProblem]]:
    pack, texts = content_store.check_files(dict(files))
    known = items(dict(files))
    return pack, [attribute(parse_problem(text), known) for text in texts]


def parse_problem(text: str) -> DraftProblem:
    """Read back a problem line, ``file:line: field: what is wrong and what to do``."""
    match = _PROBLEM.fullmatch(text)
    if match is None:
        return DraftProblem("", 0, "", text)
    return DraftProblem(match["file"], int(match["line"]), match["field"] or "", match["message"])


def attribute(problem: DraftProblem, known: list[Item]) -> DraftProblem:
    """Tie ``problem`` to an item: by its field (``services[tax-square]...``), else by its file and line."""
    match = _ITEM_FIELD.fullmatch(problem.field)
    if match and match["section"] in SECTIONS:
        kind = SECTIONS[match["section"]][0]
        if any((item.kind, item.id) == (kind, match["id"]) for item in known):
            return _tied(problem, kind, match["id"], match["sub"] or "")
    for item in known:
        if item.path == problem.file and item.line <= problem.line <= item.end_line:
            return _tied(problem, item.kind, item.id, "")
    return problem


def _tied(problem: DraftProblem, kind: str, item_id: str, sub: str) -> DraftProblem:
    return DraftProblem(problem.file, problem.line, problem.field, problem.message, kind, item_id, sub)


def version_files_differ(files: dict[str, str], manifest: dict | None) -> bool:
    """Whether the draft differs from a published manifest."""
    if manifest is None:
        return True
    published = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    drafted = {path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in files.items()}
    return published != drafted


@lru_cache(maxsize=256)
def _parse(path: str, text: str) -> tuple[Item, ...]:
    try:
        document = YAML(typ="rt", pure=True).load(text)
    except YAMLError:
        return ()
    if not isinstance(document, CommentedMap):
        return ()
    starts: list[tuple[int, str, int, Any]] = []
    boundaries = [document.lc.key(key)[0] + 1 for key in document]
    for section, value in document.items():
        if section not in SECTIONS or not isinstance(value, CommentedSeq):
            continue
        for index, raw in enumerate(value):
            line = value.lc.item(index)[0] + 1
            boundaries.append(line)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                starts.append((line, SECTIONS[section][0], index, raw))
    boundaries.sort()
    last_line = text.count("\n") + 1
    found = []
    for line, kind, _, raw in starts:
        end = next((start - 1 for start in boundaries if start > line), last_line)
        found.append(Item(kind, str(raw["id"]), path, line, end, _plain(raw)))
    return tuple(found)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return str(node) if isinstance(node, str) else node
