"""Rules across items: unique ids, references that resolve, screens whose options can be told apart by voice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .contract import REQUIRED_COMMANDS, REQUIRED_SCREENS
from .loader import KINDS, ContentPack, Entry, LoadResult, load_pack
from .menus import OFFERABLE_KINDS, Menu, Option, all_menus
from .problems import Problem, suggest
from .schema import PLACEHOLDER, Action, Text

PROCEDURAL = re.compile(r"^procedural:[a-z0-9]+(?:-[a-z0-9]+)*$")


def validate_pack(root: Path | str) -> tuple[LoadResult, list[Problem]]:
    """Load ``root`` and check it: every problem in the pack, sorted by file and line."""
    result = load_pack(root)
    return result, sorted(set(result.problems) | set(check_pack(result.pack)))


def check_pack(pack: ContentPack) -> list[Problem]:
    """Every cross-item problem in ``pack``, sorted by file and line, without repeats."""
    problems: set[Problem] = set()
    for rule in (duplicate_ids, references, required_texts, queues, media_files, placeholders, reachability):
        problems.update(rule(pack))
    if pack.info_entry is not None and pack.get("space", pack.info.home) is not None:
        for menu in all_menus(pack):
            problems.update(voice_collisions(menu))
    return sorted(problems)


def duplicate_ids(pack: ContentPack) -> Iterator[Problem]:
    for kind in KINDS:
        first: dict[str, Entry] = {}
        for entry in pack.entries[kind]:
            if entry.id in first:
                earlier = first[entry.id]
                yield entry.problem(
                    f"duplicate {kind} id '{entry.id}', first defined at {earlier.source.display}:"
                    f"{earlier.line()}: give each {kind} its own id",
                    "id",
                )
            else:
                first[entry.id] = entry


def _missing(entry: Entry, kind: str, target: str, pack: ContentPack, *field: str | int) -> Iterator[Problem]:
    """A problem when ``target`` is not even declared (an invalid item is reported where it is written)."""
    if not pack.is_declared(kind, target):
        known = sorted(pack.declared[kind])
        yield entry.problem(
            f"refers to {kind} '{target}', which does not exist.{suggest(target, known)} Define it or correct the id",
            *field,
        )


def references(pack: ContentPack) -> Iterator[Problem]:
    if pack.unreadable:
        return
    info = pack.info_entry
    if info is not None:
        yield from _missing(info, "space", info.item.home, pack, "home")
    for rule in (_space_references, _offer_references, _other_references):
        yield from rule(pack)


def _space_references(pack: ContentPack) -> Iterator[Problem]:
    for entry in pack.entries["space"]:
        for field, kind in (("services", "service"), ("landmarks", "landmark")):
            for index, target in enumerate(getattr(entry.item, field)):
                yield from _missing(entry, kind, target, pack, field, index)


def _offer_references(pack: ContentPack) -> Iterator[Problem]:
    for entry in pack.entries["service"]:
        for index, target in enumerate(entry.item.offers):
            if not any(pack.is_declared(kind, target) for kind in OFFERABLE_KINDS):
                known = sorted(i for kind in OFFERABLE_KINDS for i in pack.declared[kind])
                yield entry.problem(
                    f"offers '{target}', which is not a tax, document, landmark, event or"
                    f" service.{suggest(target, known)} Define it or correct the id",
                    "offers",
                    index,
                )


def _other_references(pack: ContentPack) -> Iterator[Problem]:
    for entry in pack.entries["faq"]:
        yield from _missing(entry, "service", entry.item.service, pack, "service")
    for entry in pack.entries["event"]:
        if entry.item.landmark:
            yield from _missing(entry, "landmark", entry.item.landmark, pack, "landmark")
    for entry in pack.entries["screen"]:
        for index, target in enumerate(entry.item.listens):
            yield from _missing(entry, "phrase-set", target, pack, "listens", index)


def required_texts(pack: ContentPack) -> Iterator[Problem]:
    """Screens and commands the kiosk needs: a pack without them cannot be shown or spoken."""
    where = pack.info_entry
    if where is None or pack.unreadable:
        return
    for screen in REQUIRED_SCREENS:
        if not pack.is_declared("screen", screen):
            yield where.problem(f"the kiosk needs texts for screen '{screen}': add it under 'screens:'")
    for set_id, commands in REQUIRED_COMMANDS.items():
        phrase_set = pack.get("phrase-set", set_id)
        if phrase_set is None and pack.is_declared("phrase-set", set_id):
            continue  # the set is written but invalid: its own problems say why
        present = {command.id for command in phrase_set.commands} if phrase_set else set()
        for command in commands:
            if command not in present:
                yield where.problem(
                    f"the kiosk needs command '{command}' in phrase set '{set_id}': add it"
                    " with its label and voice phrases"
                )


def queues(pack: ContentPack) -> Iterator[Problem]:
    prefixes: dict[str, Entry] = {}
    for entry in pack.entries["service"]:
        service = entry.item
        if service.actions and service.queue is None:
            actions = ", ".join(action.value for action in service.actions)
            yield entry.problem(
                f"offers {actions} but has no queue: add 'queue:' with a ticket 'prefix:' letter", "actions"
            )
        if service.queue is None:
            continue
        earlier = prefixes.get(service.queue.prefix)
        if earlier is not None:
            yield entry.problem(
                f"ticket prefix '{service.queue.prefix}' is already used by service"
                f" '{earlier.id}': ticket numbers would be confused; choose another letter",
                "queue",
                "prefix",
            )
        prefixes.setdefault(service.queue.prefix, entry)
        if not set(service.actions) & {Action.consult, Action.request_document, Action.propose}:
            yield entry.problem(
                "has a queue but no action that gives a ticket: add 'actions: [consult]' or remove the queue", "queue"
            )


def media_files(pack: ContentPack) -> Iterator[Problem]:
    for entry in pack.all_entries():
        media = list(enumerate(getattr(entry.item, "media", []) or []))
        sign = getattr(entry.item, "sign_video", None)
        located = [(("media", index), item) for index, item in media]
        if sign is not None:
            located.append((("sign_video",), sign))
        for node, item in located:
            yield from _media_source(pack.root, entry, node, item.source)


def _media_source(root: Path, entry: Entry, node: tuple, source: str) -> Iterator[Problem]:
    if source.startswith("procedural:"):
        if not PROCEDURAL.match(source):
            yield entry.problem(
                f"'{source}' is not a valid procedural name: write procedural:<lower-case-name>", *node, "source"
            )
    elif not (root / source).is_file():
        yield entry.problem(
            f"media file '{source}' is not in the pack: put the file at {root / source} or"
            " correct the path (relative to the pack folder)",
            *node,
            "source",
        )


def placeholders(pack: ContentPack) -> Iterator[Problem]:
    for entry in pack.entries["screen"]:
        screen = entry.item
        texts: list[tuple[tuple, Text]] = [(("title",), screen.title), (("prompt",), screen.prompt)]
        texts += [(("texts", key), text) for key, text in screen.texts.items()]
        for node, text in texts:
            korean, english = set(PLACEHOLDER.findall(text.ko)), set(PLACEHOLDER.findall(text.en))
            if korean != english:
                only_ko = ", ".join(f"{{{name}}}" for name in sorted(korean - english)) or "none"
                only_en = ", ".join(f"{{{name}}}" for name in sorted(english - korean)) or "none"
                yield entry.problem(
                    f"placeholders differ between languages (only in ko: {only_ko}; only in en:"
                    f" {only_en}): use the same {{names}} in both",
                    *node,
                )


def reachability(pack: ContentPack) -> Iterator[Problem]:
    """Every service is at most two steps from home; every offerable item is offered somewhere."""
    if pack.info_entry is None or not pack.complete:
        return
    home = pack.get("space", pack.info.home)
    on_home = set(home.services) if home else set()
    offered = {offer for service in pack.services for offer in service.offers}
    from_home = {offer for service in pack.services if service.id in on_home for offer in service.offers}
    for entry in pack.entries["service"]:
        if home is not None and entry.id not in on_home | from_home:
            yield entry.problem(
                f"service '{entry.id}' cannot be reached from the home screen: add it to spaces[{home.id}].services",
                "id",
            )
    for kind in ("tax", "document", "landmark", "event"):
        for entry in pack.entries[kind]:
            if entry.id not in offered:
                yield entry.problem(
                    f"{kind} '{entry.id}' is not offered on any screen: add it to the"
                    " 'offers:' of the service it belongs to",
                    "id",
                )


def normalise(phrase: str) -> str:
    """How a phrase sounds for comparison: case, punctuation and spacing do not make two phrases differ."""
    return re.sub(r"[\s.,!?'\"~·]+", "", phrase.casefold())


def voice_collisions(menu: Menu) -> Iterator[Problem]:
    for lang in ("ko", "en"):
        heard: dict[str, Option] = {}
        for option in menu.everything:
            for index, phrase in enumerate(option.voice.get(lang)):
                key = normalise(phrase)
                other = heard.get(key)
                if other is None:
                    heard[key] = option
                    continue
                field = option.origin.field(*option.node, "voice", lang, index)
                if other is option:
                    message = f"the phrase '{phrase}' is listed twice for this option: remove one"
                else:
                    message = (
                        f"on screen '{menu.screen}' the phrase '{phrase}' also chooses {other.element}"
                        f" ({other.where()}): give each option its own phrases"
                    )
                yield Problem(option.origin.source.display, option.phrase_line(lang, index), field, message)
