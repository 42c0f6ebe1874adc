"""What each screen offers a citizen, as built from the content: its options and the commands it hears.

The same menus feed the validator (no two options on one screen may share a phrase), the kiosk's
screens and the recogniser's per-screen grammar.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loader import ContentPack, Entry
from .schema import Text, VoicePhrases
from .source import NodePath

ACTIONS_SET = "actions"
# kinds an `offers:` id may name, in the order they are looked up
OFFERABLE_KINDS = ("tax", "document", "landmark", "event", "service")


@dataclass(frozen=True)
class Option:
    """Something a citizen can choose or say on a screen. ``element`` is its element id on the screen."""

    element: str
    label: Text
    voice: VoicePhrases
    origin: Entry
    node: NodePath  # the item's node below ``origin.node`` ("" for the item itself)

    def phrase_line(self, lang: str, index: int) -> int:
        return self.origin.line(*self.node, "voice", lang, index)

    def where(self) -> str:
        return f"{self.origin.source.display}:{self.origin.line(*self.node)}"


@dataclass(frozen=True)
class Menu:
    screen: str
    options: tuple[Option, ...]
    commands: tuple[Option, ...]

    @property
    def everything(self) -> tuple[Option, ...]:
        """Commands first: a clash is then reported on the option, not on the command every screen shares."""
        return self.commands + self.options


def item_option(entry: Entry) -> Option:
    return Option(f"{entry.kind}:{entry.id}", entry.item.name, entry.item.voice, entry, ())


def command_options(pack: ContentPack, set_id: str) -> list[Option]:
    entry = pack.entry("phrase-set", set_id)
    if entry is None:
        return []
    return [
        Option(command.id, command.label, command.voice, entry, ("commands", index))
        for index, command in enumerate(entry.item.commands)
    ]


def global_commands(pack: ContentPack) -> list[Option]:
    return [
        option
        for entry in pack.entries["phrase-set"]
        if entry.item.everywhere
        for option in command_options(pack, entry.id)
    ]


def find_offer(pack: ContentPack, item_id: str) -> Entry | None:
    for kind in OFFERABLE_KINDS:
        entry = pack.entry(kind, item_id)
        if entry is not None:
            return entry
    return None


def home_menu(pack: ContentPack) -> Menu:
    home = pack.get("space", pack.info.home) if pack.info_entry else None
    services = [pack.entry("service", service_id) for service_id in (home.services if home else [])]
    options = tuple(item_option(entry) for entry in services if entry is not None)
    return Menu("home", options, tuple(global_commands(pack)))


def service_menu(pack: ContentPack, service_id: str) -> Menu:
    service = pack.get("service", service_id)
    actions = {option.element: option for option in command_options(pack, ACTIONS_SET)}
    options = [actions[action.value] for action in service.actions if action.value in actions]
    offered = [find_offer(pack, offer) for offer in service.offers]
    options += [item_option(entry) for entry in offered if entry is not None]
    return Menu(f"service:{service_id}", tuple(options), tuple(global_commands(pack)))


def screen_menu(pack: ContentPack, screen_id: str) -> Menu:
    screen = pack.get("screen", screen_id)
    heard = [option for set_id in (screen.listens if screen else []) for option in command_options(pack, set_id)]
    return Menu(screen_id, tuple(heard), tuple(global_commands(pack)))


def all_menus(pack: ContentPack) -> list[Menu]:
    menus = [home_menu(pack)]
    menus += [service_menu(pack, service.id) for service in pack.services]
    menus += [screen_menu(pack, screen.id) for screen in pack.screens if screen.id != "home"]
    return menus
