"""An item's screen as the kiosk presents it: its title, prompt and texts, and the options it offers with the
phrases a citizen can say (from ``madang.content.menus``, the same menus the recogniser listens for)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from madang.content.loader import ContentPack
from madang.content.menus import Option, command_options, global_commands, home_menu, item_option, service_menu
from madang.content.menus import screen_menu as listens_menu
from madang.content.schema import PLACEHOLDER, ReadableText, Text
from madang.content.show import HEADINGS

SAY_FALLBACK = {"ko": "말씀하세요: {phrases}", "en": "Say: {phrases}"}


@dataclass(frozen=True)
class Choice:
    label: str
    say: str  # e.g. "이렇게 말씀하세요: 세금, 지방세, 세금 상담"
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    heading: str
    lines: tuple[str, ...] = ()
    level: int = 0  # 1 for a block below the one before (an FAQ's question under "FAQs")


@dataclass(frozen=True)
class Screen:
    lang: str
    title: str
    prompt: str
    blocks: tuple[Block, ...]
    options: tuple[Choice, ...]
    commands: tuple[Choice, ...]  # heard on every screen
    offered_on: tuple[str, ...] = ()  # the service screens that offer this item


def screen(pack: ContentPack, kind: str, item_id: str, lang: str, easy: bool) -> Screen | None:
    """The screen of a valid item in ``lang``, with easy-read texts when ``easy``; None when it does not load."""
    entry = pack.entry(kind, item_id)
    if entry is None:
        return None
    return _Builder(pack, lang, easy).build(kind, entry.item)


class _Builder:
    def __init__(self, pack: ContentPack, lang: str, easy: bool) -> None:
        self.pack, self.lang, self.easy = pack, lang, easy

    def build(self, kind: str, item) -> Screen:
        self.kind = kind
        maker = getattr(self, "_" + kind.replace("-", "_"))
        return maker(item)

    # one method per kind ---------------------------------------------------------------------------------

    def _service(self, item) -> Screen:
        blocks = [Block("", (self.t(item.summary),)), self.block("description", item.description)]
        faqs = [faq for faq in self.pack.faqs if faq.service == item.id]
        if faqs:
            blocks.append(Block(self.screen_text("service", "faqs") or self.heading("faqs")))
            blocks += [Block(self.t(faq.question), (self.t(faq.answer),), level=1) for faq in faqs]
        title, prompt = self.titled("service", self.t(item.name), service=self.t(item.name))
        return self.make(title, prompt, blocks, service_menu(self.pack, item.id).options)

    def _landmark(self, item) -> Screen:
        blocks = [Block("", (self.t(item.summary),)), self.block("description", item.description)]
        blocks.append(self.block("audio_description", item.audio_description))
        for name in ("when", "location"):
            if getattr(item, name, None) is not None:
                blocks.append(self.block(name, getattr(item, name)))
        if item.facts:
            facts = self.screen_text("landmark", "facts") or self.heading("facts")
            blocks.append(Block(facts, tuple(self.t(fact) for fact in item.facts)))
        if getattr(item, "visiting", None) is not None:
            visiting = self.screen_text("landmark", "visiting") or self.heading("visiting")
            blocks.append(Block(visiting, (self.t(item.visiting),)))
        title, prompt = self.titled("landmark", self.t(item.name), landmark=self.t(item.name))
        return self.make(title, prompt, blocks, ())

    _event = _landmark

    def _space(self, item) -> Screen:
        blocks = [self.block("description", item.description), self.block("audio_description", item.audio_description)]
        if self.pack.info_entry is not None and item.id == self.pack.info.home:
            title, prompt = self.titled("home", self.t(item.name))
            welcome = self.screen_text("home", "welcome")
            blocks = ([Block("", (welcome,))] if welcome else []) + blocks
            return self.make(title, prompt, blocks, home_menu(self.pack).options)
        services = [self.pack.entry("service", service_id) for service_id in item.services]
        return self.make(self.t(item.name), "", blocks, [item_option(entry) for entry in services if entry])

    def _document(self, item) -> Screen:
        blocks = [self.block("purpose", item.purpose), self.block("bring", item.bring)]
        return self.offered(item, blocks)

    def _tax(self, item) -> Screen:
        months = [f"{month}월" if self.lang == "ko" else calendar.month_name[month] for month in item.months]
        blocks = [self.block("description", item.description), Block(self.heading("months"), (", ".join(months),))]
        return self.offered(item, blocks)

    def _faq(self, item) -> Screen:
        service = self.pack.get("service", item.service)
        names = (self.t(service.name),) if service else ()
        return Screen(self.lang, self.t(item.question), "", (self.block("answer", item.answer),), (), (), names)

    def _screen(self, item) -> Screen:
        blocks = [Block(key, (self.t(text),)) for key, text in item.texts.items()]
        menu = home_menu(self.pack) if item.id == "home" else listens_menu(self.pack, item.id)
        return self.make(self.t(item.title), self.t(item.prompt), blocks, menu.options)

    def _phrase_set(self, item) -> Screen:
        options = command_options(self.pack, item.id)
        return Screen(self.lang, item.id, "", (), tuple(self.choice(option) for option in options), ())

    # helpers ---------------------------------------------------------------------------------------------

    def t(self, text: Text) -> str:
        if isinstance(text, ReadableText) and self.easy:
            return text.easy(self.lang)
        return text.get(self.lang)

    def heading(self, name: str) -> str:
        ko, en = HEADINGS[name]
        return en if self.lang == "en" else ko

    def block(self, name: str, text: Text) -> Block:
        return Block(self.heading(name), (self.t(text),))

    def screen_text(self, screen_id: str, key: str) -> str:
        screen = self.pack.get("screen", screen_id)
        text = screen.texts.get(key) if screen else None
        return text.get(self.lang) if text else ""

    def titled(self, screen_id: str, fallback: str, **values: str) -> tuple[str, str]:
        screen = self.pack.get("screen", screen_id)
        if screen is None:
            return fallback, ""
        return fill(screen.title.get(self.lang), **values), fill(screen.prompt.get(self.lang), **values)

    def choice(self, option: Option) -> Choice:
        phrases = tuple(option.voice.get(self.lang))
        pattern = self.screen_text("home", "say-one-of") or SAY_FALLBACK[self.lang]
        return Choice(option.label.get(self.lang), fill(pattern, phrases=", ".join(phrases)), phrases)

    def make(self, title: str, prompt: str, blocks: list[Block], options) -> Screen:
        commands = tuple(self.choice(option) for option in global_commands(self.pack))
        return Screen(self.lang, title, prompt, tuple(blocks), tuple(self.choice(o) for o in options), commands)

    def offered(self, item, blocks: list[Block]) -> Screen:
        """A tax or document: its own texts, and how it is offered on the service screens that offer it."""
        services = [service for service in self.pack.services if item.id in service.offers]
        option = self.choice(item_option(self.pack.entry(self.kind, item.id)))
        names = tuple(self.t(service.name) for service in services)
        return Screen(self.lang, self.t(item.name), "", tuple(blocks), (option,), (), names)


def fill(text: str, **values: str) -> str:
    """Put values into ``{placeholders}``; placeholders without a value stay as they are."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)
