"""The kiosk's words, all from the content pack: screen texts in the session language and command phrases."""

from __future__ import annotations

from dataclasses import dataclass

from madang.content.loader import ContentPack
from madang.content.menus import command_options

from .errors import KioskError


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Command:
    id: str
    label: str
    voice: tuple[str, ...]


class UiTexts:
    def __init__(self, pack: ContentPack) -> None:
        self.pack = pack
        self._screens = {screen.id: screen for screen in pack.screens}
        self._commands = {
            option.element: option for phrase_set in pack.phrase_sets for option in command_options(pack, phrase_set.id)
        }

    def _screen(self, screen_id: str):
        try:
            return self._screens[screen_id]
        except KeyError:
            raise KioskError(
                f"the content pack has no screen '{screen_id}': add it to ui/screens.yaml (see content/README.md)"
            ) from None

    def title(self, screen_id: str, lang: str, **values: object) -> str:
        return self._screen(screen_id).title.get(lang).format_map(_Blank(values))

    def prompt(self, screen_id: str, lang: str, **values: object) -> str:
        return self._screen(screen_id).prompt.get(lang).format_map(_Blank(values))

    def text(self, screen_id: str, key: str, lang: str, **values: object) -> str:
        texts = self._screen(screen_id).texts
        if key not in texts:
            raise KioskError(
                f"screen '{screen_id}' in ui/screens.yaml has no text '{key}': add it under that screen's texts"
            )
        return texts[key].get(lang).format_map(_Blank(values))

    def command(self, command_id: str, lang: str) -> Command:
        option = self._commands.get(command_id)
        if option is None:
            raise KioskError(f"the content pack has no command '{command_id}': add it to ui/phrases.yaml")
        return Command(command_id, option.label.get(lang), tuple(option.voice.get(lang)))
