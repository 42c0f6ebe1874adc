"""Find an item by id and present it as readable text in one language."""

from __future__ import annotations

import difflib
from typing import Any

from .errors import ContentError
from .loader import KINDS, PACK_SECTION, ContentPack, Entry
from .menus import ACTIONS_SET, command_options, find_offer
from .schema import Contact, Media, Queue, ReadableText, Text, VoicePhrases, month_name

HEADINGS: dict[str, tuple[str, str]] = {
    "summary": ("요약", "Summary"),
    "description": ("설명", "Description"),
    "purpose": ("쓰임", "What it is for"),
    "answer": ("답", "Answer"),
    "easy": ("쉬운 말", "Easy read"),
    "audio_description": ("소리로 듣는 모습", "Audio description"),
    "voice": ("이렇게 말씀하세요", "You can say"),
    "actions": ("할 수 있는 일", "What you can do"),
    "offers": ("고를 수 있는 것", "Options"),
    "queue": ("번호표", "Tickets"),
    "contact": ("연락처", "Contact"),
    "bring": ("준비물", "What to bring"),
    "months": ("내는 달", "Usually paid in"),
    "when": ("때", "When"),
    "location": ("위치", "Location"),
    "visiting": ("찾아가는 법", "Visiting"),
    "facts": ("알아 두면 좋은 사실", "Facts"),
    "media": ("그림과 모형", "Images and models"),
    "sign_video": ("수어 영상", "Sign-language video"),
    "services": ("서비스", "Services"),
    "landmarks": ("명소", "Landmarks"),
    "service": ("서비스", "Service"),
    "landmark": ("명소", "Landmark"),
    "prompt": ("안내 말", "Prompt"),
    "listens": ("듣는 명령", "Listens for"),
    "texts": ("문구", "Texts"),
    "commands": ("명령", "Commands"),
    "faqs": ("자주 묻는 질문", "Frequently asked questions"),
    "home": ("첫 화면", "Home space"),
    "version": ("판", "Version"),
}
KIND_NAMES = {
    "service": ("서비스", "service"),
    "space": ("공간", "space"),
    "landmark": ("명소", "landmark"),
    "event": ("행사", "event"),
    "document": ("민원서류", "document"),
    "tax": ("지방세", "local tax"),
    "faq": ("자주 묻는 질문", "FAQ"),
    "screen": ("화면", "screen"),
    "phrase-set": ("명령 모음", "phrase set"),
    PACK_SECTION: ("콘텐츠 묶음", "content pack"),
}
SKIPPED = {"id", "name", "title", "question", "label", "languages"}


def find_entry(pack: ContentPack, wanted: str) -> Entry:
    """Find ``wanted`` as ``id`` or ``kind:id``; raise a ContentError that suggests ids when it is unknown."""
    candidates = [entry for entry in _every_entry(pack) if wanted in {entry.id, f"{entry.kind}:{entry.id}"}]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = ", ".join(f"{entry.kind}:{entry.id}" for entry in candidates)
        raise ContentError(f"'{wanted}' names more than one item ({names}): give one of these")
    known = [entry.id for entry in _every_entry(pack)]
    close = difflib.get_close_matches(wanted, known, n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ContentError(f"no item with id '{wanted}' in {pack.root}.{hint} 'madang content list' shows every id")


def _every_entry(pack: ContentPack) -> list[Entry]:
    return ([pack.info_entry] if pack.info_entry else []) + pack.all_entries()


def render(pack: ContentPack, entry: Entry, lang: str) -> str:
    item = entry.item
    title = next((getattr(item, name) for name in ("name", "title", "question", "label") if hasattr(item, name)), None)
    kind = KIND_NAMES[entry.kind][1 if lang == "en" else 0]
    heading = title.get(lang) if isinstance(title, Text) else entry.id
    lines = [f"{heading} ({kind}: {entry.id})", ""]
    for name in type(item).model_fields:
        value = getattr(item, name)
        if name in SKIPPED or value in (None, [], {}):
            continue
        lines += _field(pack, name, value, lang)
    if entry.kind == "service":
        faqs = [faq for faq in pack.faqs if faq.service == entry.id]
        if faqs:
            lines += [_heading("faqs", lang)]
            for faq in faqs:
                lines += [f"  Q. {faq.question.get(lang)}", f"  A. {faq.answer.get(lang)}"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _heading(name: str, lang: str) -> str:
    ko, en = HEADINGS.get(name, (name, name))
    return f"{en if lang == 'en' else ko}:"


def _field(pack: ContentPack, name: str, value: Any, lang: str) -> list[str]:
    if isinstance(value, ReadableText):
        return [_heading(name, lang), f"  {value.get(lang)}", _heading("easy", lang), f"  {value.easy(lang)}", ""]
    if isinstance(value, Text):
        return [_heading(name, lang), f"  {value.get(lang)}", ""]
    if isinstance(value, VoicePhrases):
        return [_heading(name, lang), "  " + ", ".join(f'"{phrase}"' for phrase in value.get(lang)), ""]
    if isinstance(value, Media):
        return [_heading(name, lang), f"  {value.alt.get(lang)} [{value.type.value}: {value.source}]", ""]
    if isinstance(value, list):
        return [_heading(name, lang), *(f"  - {_describe(pack, name, element, lang)}" for element in value), ""]
    if isinstance(value, dict):
        return [
            _heading(name, lang),
            *(f"  {key}: {_describe(pack, name, text, lang)}" for key, text in value.items()),
            "",
        ]
    return [_heading(name, lang), f"  {_describe(pack, name, value, lang)}", ""]


def _describe(pack: ContentPack, field: str, value: Any, lang: str) -> str:
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Media):
        return f"{value.alt.get(lang)} [{value.type.value}: {value.source}]"
    if field == "actions":
        labels = {option.element: option.label for option in command_options(pack, ACTIONS_SET)}
        label = labels.get(value.value)
        return label.get(lang) if label else value.value
    if field == "months":
        return month_name(value, lang)
    if field == "commands":
        return f"{value.label.get(lang)} ({value.id}): " + ", ".join(f'"{p}"' for p in value.voice.get(lang))
    if isinstance(value, str) and field in {"offers", "services", "landmarks", "service", "landmark", "home"}:
        target = _named(pack, field, value)
        return f"{target.name.get(lang)} ({value})" if target is not None else value
    if isinstance(value, Queue):
        if lang == "en":
            return f"numbered like {value.prefix}-017, about {value.average_minutes} minutes each"
        return f"{value.prefix}-017 같은 번호, 한 사람에 약 {value.average_minutes}분"
    if isinstance(value, Contact):
        names = {"phone": ("전화", "phone"), "hours": ("시간", "hours"), "web": ("누리집", "web")}
        parts = [
            f"{names[key][lang == 'en']} {val.get(lang) if isinstance(val, Text) else val}"
            for key, val in value
            if val is not None
        ]
        return ", ".join(parts)
    if hasattr(value, "model_dump"):
        parts = [f"{key}: {val.get(lang) if isinstance(val, Text) else val}" for key, val in value if val is not None]
        return ", ".join(parts)
    return str(value)


def _named(pack: ContentPack, field: str, value: str) -> Any:
    if field == "offers":
        entry = find_offer(pack, value)
        return entry.item if entry else None
    kind = {"services": "service", "landmarks": "landmark", "home": "space"}.get(field, field)
    return pack.get(kind, value) if kind in KINDS else None
