"""The texts an editor can change in one content item, found by walking the item's schema over its YAML data.

A field's ``name`` is its dotted path inside the item (``summary.en``, ``media.0.alt.ko``,
``commands.2.voice.en``): the same path the validator writes after ``services[tax-square].``.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from madang.content.loader import SECTIONS
from madang.content.schema import ReadableText, Text, VoicePhrases

MODEL_OF: dict[str, type[BaseModel]] = dict(SECTIONS.values())
SECTION_OF: dict[str, str] = {kind: section for section, (kind, _) in SECTIONS.items()}
TEXT_PARTS = ("ko", "en", "easy_ko", "easy_en")
LANGUAGE_OF = {"ko": "ko", "en": "en", "easy_ko": "ko", "easy_en": "en"}
# texts short enough for a one-line input; every other text gets a text area
ONE_LINE = {"name", "title", "label", "question", "alt", "hours", "when"}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Input:
    """One form input: a text in one language, or the voice phrases of one language (one per line)."""

    path: Path
    part: str  # ko | en | easy_ko | easy_en
    value: str
    multiline: bool

    @property
    def name(self) -> str:
        return ".".join(str(step) for step in self.path)

    @property
    def dom_id(self) -> str:
        return "f-" + "".join(ch if ch.isalnum() else "-" for ch in self.name)

    @property
    def lang(self) -> str:
        return LANGUAGE_OF[self.part]


@dataclass(frozen=True)
class Group:
    """A text with its languages (a fieldset), or a list of voice phrases."""

    path: Path
    label: str  # text key, e.g. content.field.summary
    params: dict[str, Any] = field(default_factory=dict)
    voice: bool = False
    inputs: tuple[Input, ...] = ()
    optional: bool = False  # the schema lets the whole text be left out

    @property
    def name(self) -> str:
        return ".".join(str(step) for step in self.path)


def groups(kind: str, item: Any) -> list[Group]:
    """Every editable text of ``item`` (plain or round-trip YAML data), in schema order."""
    return list(_walk(MODEL_OF[kind], item, ()))


def shape(annotation: Any) -> tuple[str | None, Any]:
    """(``"list"``, ``"dict"`` or None, the element type) of an annotation such as ``list[Media] | None``."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        return shape(inner[0]) if len(inner) == 1 else (None, annotation)
    if origin is Annotated:
        return shape(get_args(annotation)[0])
    if origin is list:
        return "list", _bare(get_args(annotation)[0])
    if origin is dict:
        return "dict", _bare(get_args(annotation)[1])
    return None, annotation


def _bare(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def is_text(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Text)


def _walk(model: type[BaseModel], raw: Any, path: Path) -> Iterator[Group]:
    for name, info in model.model_fields.items():
        many, kind = shape(info.annotation)
        value = raw.get(name) if isinstance(raw, dict) else None
        here = (*path, name)
        if kind is VoicePhrases:
            yield _voice_group(here, value, raw)
        elif is_text(kind) and many == "list":
            for index in range(len(value) if isinstance(value, list) else 0):
                yield _text_group((*here, index), kind, value[index], raw)
        elif is_text(kind) and many == "dict":
            for key in value if isinstance(value, dict) else ():
                yield _text_group((*here, str(key)), kind, value[key], raw)
        elif is_text(kind):
            yield _text_group(here, kind, value, raw, optional=not info.is_required())
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            if many == "list" and isinstance(value, list):
                for index, element in enumerate(value):
                    yield from _walk(kind, element, (*here, index))
            elif many is None and isinstance(value, dict):
                yield from _walk(kind, value, here)


def _text_group(path: Path, kind: type[Text], value: Any, parent: Any, *, optional: bool = False) -> Group:
    parts = TEXT_PARTS if issubclass(kind, ReadableText) else TEXT_PARTS[:2]
    named = "texts" if path[-2:-1] == ("texts",) else [step for step in path if isinstance(step, str)][-1]
    multiline = named not in ONE_LINE
    inputs = tuple(Input((*path, part), part, _text(value, part), multiline) for part in parts)
    label, params = _label(path, parent)
    return Group(path, label, params, inputs=inputs, optional=optional)


def _voice_group(path: Path, value: Any, parent: Any) -> Group:
    inputs = tuple(Input((*path, lang), lang, "\n".join(_phrases(value, lang)), True) for lang in ("ko", "en"))
    label, params = _label(path, parent)
    return Group(path, label, params, voice=True, inputs=inputs)


def _text(value: Any, part: str) -> str:
    found = value.get(part) if isinstance(value, dict) else None
    return "" if found is None or isinstance(found, dict | list) else str(found)


def _phrases(value: Any, lang: str) -> list[str]:
    found = value.get(lang) if isinstance(value, dict) else None
    return [str(phrase) for phrase in found] if isinstance(found, list) else []


def _label(path: Path, parent: Any) -> tuple[str, dict[str, Any]]:
    """The text key (and its values) that names a group, e.g. 'Fact 2' or 'Command "home": voice phrases'."""
    head = path[0]
    if head == "facts":
        return "content.field.fact", {"n": int(path[1]) + 1}
    if head == "texts":
        return "content.field.text", {"text_id": path[1]}
    if head == "media":
        return "content.field.media_alt", {"n": int(path[1]) + 1}
    if head == "sign_video":
        return "content.field.sign_video_alt", {}
    if head == "contact":
        return "content.field.hours", {}
    if head == "commands":
        command_id = parent.get("id") if isinstance(parent, dict) else path[1]
        return f"content.field.command_{path[-1]}", {"id": command_id}
    return f"content.field.{head}", {}


@dataclass
class ProblemLinks:
    """Where each problem (by its index) is shown: beside one input, or at the top of a group's fieldset."""

    by_input: dict[str, list[int]] = field(default_factory=dict)
    by_group: dict[str, list[int]] = field(default_factory=dict)
    anchor: dict[int, str] = field(default_factory=dict)  # the input a problem links to

    def described_by(self, group: Group, target: Input) -> list[int]:
        return self.by_group.get(group.name, []) + self.by_input.get(target.name, [])


def link_problems(found: list[Group], subs: list[str]) -> ProblemLinks:
    """Tie problems to inputs by their field below the item (``summary.en``, ``voice.ko.2``, ``summary``)."""
    links = ProblemLinks()
    for index, sub in enumerate(subs):
        target = _input_for(found, sub)
        if target is not None:
            links.by_input.setdefault(target.name, []).append(index)
            links.anchor[index] = target.dom_id
            continue
        group = next((group for group in found if _below(sub, group.name)), None)
        if group is not None:
            links.by_group.setdefault(group.name, []).append(index)
            links.anchor[index] = group.inputs[0].dom_id
    return links


def _input_for(found: list[Group], sub: str) -> Input | None:
    return next((target for group in found for target in group.inputs if _below(sub, target.name)), None)


def _below(sub: str, name: str) -> bool:
    return bool(sub) and (sub == name or sub.startswith(name + "."))
