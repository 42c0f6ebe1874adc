"""Load a content pack folder: every YAML file, every section, every item, each with its position."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from . import schema
from .errors import ContentError
from .problems import Problem, describe_validation_error, suggest
from .source import NodePath, SourceFile, YamlSyntaxError, read_yaml, yaml_files

# section name in a file -> (kind, model)
SECTIONS: dict[str, tuple[str, type[BaseModel]]] = {
    "services": ("service", schema.Service),
    "spaces": ("space", schema.Space),
    "landmarks": ("landmark", schema.Landmark),
    "events": ("event", schema.Event),
    "documents": ("document", schema.Document),
    "taxes": ("tax", schema.Tax),
    "faqs": ("faq", schema.Faq),
    "screens": ("screen", schema.Screen),
    "phrase_sets": ("phrase-set", schema.PhraseSet),
}
PACK_SECTION = "pack"
KINDS = [kind for kind, _ in SECTIONS.values()]


@dataclass(frozen=True)
class Entry:
    """One loaded item and where it came from."""

    section: str
    item: Any
    source: SourceFile
    node: NodePath

    @property
    def kind(self) -> str:
        return SECTIONS[self.section][0] if self.section in SECTIONS else self.section

    @property
    def id(self) -> str:
        return self.item.id

    def line(self, *sub: str | int) -> int:
        return self.source.line_of((*self.node, *sub))

    def field(self, *sub: str | int) -> str:
        label = self.section if self.section == PACK_SECTION else f"{self.section}[{self.id}]"
        return ".".join([label, *(str(part) for part in sub)])

    def problem(self, message: str, *sub: str | int) -> Problem:
        return Problem(self.source.display, self.line(*sub), self.field(*sub), message)


@dataclass
class ContentPack:
    """The items of a pack. ``declared`` holds every id written in the files, valid or not, so that a broken
    item is reported once, not again by every reference to it; ``unreadable`` is set when a file could not be
    parsed at all (its ids are unknown)."""

    root: Path
    info_entry: Entry | None = None
    entries: dict[str, list[Entry]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    declared: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    unreadable: bool = False
    complete: bool = True

    def is_declared(self, kind: str, item_id: str) -> bool:
        return item_id in self.declared[kind]

    @property
    def info(self) -> schema.PackInfo:
        if self.info_entry is None:
            raise ContentError(f"{self.root} has no 'pack:' section: add pack.yaml (see content/README.md)")
        return self.info_entry.item

    def items(self, kind: str) -> list[Any]:
        return [entry.item for entry in self.entries[kind]]

    def entry(self, kind: str, item_id: str) -> Entry | None:
        return next((entry for entry in self.entries[kind] if entry.id == item_id), None)

    def get(self, kind: str, item_id: str) -> Any | None:
        found = self.entry(kind, item_id)
        return found.item if found else None

    def all_entries(self) -> list[Entry]:
        return [entry for kind in KINDS for entry in self.entries[kind]]

    def __len__(self) -> int:
        return sum(len(entries) for entries in self.entries.values())

    services = property(lambda self: self.items("service"))
    spaces = property(lambda self: self.items("space"))
    landmarks = property(lambda self: self.items("landmark"))
    events = property(lambda self: self.items("event"))
    documents = property(lambda self: self.items("document"))
    taxes = property(lambda self: self.items("tax"))
    faqs = property(lambda self: self.items("faq"))
    screens = property(lambda self: self.items("screen"))
    phrase_sets = property(lambda self: self.items("phrase-set"))


@dataclass
class LoadResult:
    pack: ContentPack
    problems: list[Problem]


def load_pack(root: Path | str) -> LoadResult:
    """Read every YAML file below ``root``. Content mistakes become problems; an unusable folder raises."""
    root = Path(root)
    if not root.exists():
        raise ContentError(f"content folder {root} does not exist: give the path of a content pack, e.g. content/")
    if not root.is_dir():
        raise ContentError(f"{root} is not a folder: give the folder that holds the pack's YAML files")
    files = list(yaml_files(root))
    if not files:
        raise ContentError(f"{root} holds no .yaml files: it is not a content pack (the Seoul pack is in content/)")
    pack = ContentPack(root=root)
    problems: list[Problem] = []
    sources = []
    for path in files:
        try:
            sources.append(read_yaml(path, display=str(path)))
        except YamlSyntaxError as error:
            problems.append(error.problem)
            pack.unreadable = True
    if not problems and all(source.data is None for source in sources):
        raise ContentError(f"{root} is an empty pack: its YAML files hold no items (see content/README.md)")
    for source in sources:
        problems.extend(_load_file(source, pack))
    pack.complete = not problems
    if pack.info_entry is None and not pack.unreadable:
        problems.append(
            Problem(
                str(root),
                1,
                "pack",
                "no 'pack:' section found: add pack.yaml with id, name,"
                " version, home and languages (see content/README.md)",
            )
        )
    return LoadResult(pack=pack, problems=problems)


def _load_file(source: SourceFile, pack: ContentPack) -> list[Problem]:
    data = source.data
    if data is None:
        return [Problem(source.display, 1, "", "the file is empty: add sections such as 'services:' or delete it")]
    if not isinstance(data, dict):
        return [
            Problem(
                source.display,
                1,
                "",
                "a content file must be a mapping of sections such as"
                " 'services:' or 'landmarks:', each holding a list of items",
            )
        ]
    problems: list[Problem] = []
    for section, value in data.items():
        node = (section,)
        if section == PACK_SECTION:
            problems.extend(_load_pack_info(source, value, pack))
        elif section not in SECTIONS:
            choices = [*SECTIONS, PACK_SECTION]
            problems.append(
                Problem(
                    source.display,
                    source.line_of(node),
                    section,
                    f"unknown section '{section}'.{suggest(section, choices)} Sections are: {', '.join(choices)}",
                )
            )
        elif not isinstance(value, list):
            problems.append(
                Problem(
                    source.display,
                    source.line_of(node),
                    section,
                    "a section holds a list of items: start each item with '- id: ...'",
                )
            )
        else:
            for index, raw in enumerate(value):
                problems.extend(_load_item(source, section, (*node, index), raw, pack))
    return problems


def _load_item(source: SourceFile, section: str, node: NodePath, raw: Any, pack: ContentPack) -> list[Problem]:
    model = SECTIONS[section][1]
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(raw_id, str):
        pack.declared[SECTIONS[section][0]].add(raw_id)
    label = f"{section}[{raw_id}]" if isinstance(raw_id, str) else f"{section}[item {node[-1] + 1}]"
    if not isinstance(raw, dict):
        return [
            Problem(
                source.display,
                source.line_of(node),
                label,
                "an item must be a mapping of fields ('id: ...', 'name: ...'), not a single value",
            )
        ]
    try:
        item = model.model_validate(raw)
    except ValidationError as error:
        return _validation_problems(error, model, source, node, label)
    pack.entries[SECTIONS[section][0]].append(Entry(section, item, source, node))
    return []


def _load_pack_info(source: SourceFile, raw: Any, pack: ContentPack) -> list[Problem]:
    node: NodePath = (PACK_SECTION,)
    if pack.info_entry is not None:
        first = pack.info_entry
        return [
            Problem(
                source.display,
                source.line_of(node),
                PACK_SECTION,
                f"a second 'pack:' section (the first is at {first.source.display}:{first.line()}): keep one",
            )
        ]
    try:
        info = schema.PackInfo.model_validate(raw)
    except ValidationError as error:
        return _validation_problems(error, schema.PackInfo, source, node, PACK_SECTION)
    pack.info_entry = Entry(PACK_SECTION, info, source, node)
    return []


def _validation_problems(
    error: ValidationError, model: type[BaseModel], source: SourceFile, node: NodePath, label: str
) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        where = (*node, *loc)
        field = ".".join([label, *(str(part) for part in loc)])
        allowed = _allowed_fields(model, loc)
        message = describe_validation_error(detail, allowed)
        problems.append(Problem(source.display, source.line_of(where), field, message))
    return problems


def _allowed_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """The fields accepted where ``loc`` points (for 'did you mean' hints on unknown fields)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        current = _model_in(fields[part].annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as ``list[Media] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
