"""What every page shares: the context it reads, the outcome it returns, and element builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from madang.content.loader import ContentPack

from ..model import Element, Role
from ..profile import Profile
from ..texts import UiTexts


class Services(Protocol):
    """What flows may ask of the outside world (the admin web, the local store); see kiosk/services.py."""

    def take_ticket(self, *, service_id: str, lang: str, needs: list[str], key: str, note: str | None): ...
    def ticket(self, ticket_id: str): ...
    def messages(self, ticket_id: str): ...
    def send_message(self, ticket_id: str, text: str, *, kind: str = "text"): ...
    def send_audio(self, ticket_id: str, data: bytes): ...
    def cancel(self, ticket_id: str): ...
    def rate(self, ticket_id: str, rating: int): ...
    def request_callback(self, *, service_id: str, lang: str, phone: str): ...
    def send_proposal(self, *, service_id: str, key: str, lang: str, note: str | None, memo: bytes | None): ...
    def follow(self, ticket_id: str) -> bool: ...
    def unfollow(self, ticket_id: str | None = None) -> None: ...
    def take_events(self) -> list: ...
    def streaming(self) -> bool: ...


@dataclass
class Context:
    pack: ContentPack
    ui: UiTexts
    profile: Profile
    now: datetime
    services: Services

    @property
    def lang(self) -> str:
        return self.profile.lang

    def readable(self, text) -> str:
        """A long text in the profile's form: easy-read in easy mode."""
        return text.easy(self.lang) if self.profile.easy_mode else text.get(self.lang)


@dataclass
class Outcome:
    """What a page wants after an action: another page, words to say, a page of the screen to show."""

    push: Page | None = None  # go forward to this page
    replace: Page | None = None  # go to this page, and leave the current one out of "back"
    back: bool = False
    say: list[str] = field(default_factory=list)
    focus: str | None = None
    show: str | None = None  # turn to the page of this element: what changed (a call, a message)
    profile: Profile | None = None  # the citizen changed a setting


class Page:
    """One screen of a flow. ``screen_id`` is the contract id seen by outside checks."""

    screen_id: str = ""
    is_question = False  # yes/no answers on this page act without a further confirmation
    keeps_session = False  # the idle timeout waits while this page follows a live ticket

    def title(self, ctx: Context) -> str:
        raise NotImplementedError

    def prompt(self, ctx: Context) -> str:
        return ""

    def elements(self, ctx: Context) -> list[Element]:
        raise NotImplementedError

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        return None

    def adjust(self, element_id: str, steps: int, ctx: Context) -> Outcome | None:
        """Left and right on a focused control: change its value. None when it has no value to change."""
        return None

    def enter_text(self, element_id: str, text: str, ctx: Context) -> Outcome | None:
        return None

    def audio(self, path: str, ctx: Context) -> Outcome | None:
        return None

    def tick(self, ctx: Context, seconds: float) -> Outcome | None:
        """Time passed on the kiosk's clock: follow live state."""
        return None


def text(element_id: str, label: str, role: Role = Role.text) -> Element:
    return Element(element_id, role, label)


def option(element_id: str, label: str, voice: list[str] | tuple[str, ...] = (), hint: str = "") -> Element:
    return Element(element_id, Role.option, label, hint=hint, voice=tuple(voice) or (label,))


def button(element_id: str, label: str, voice: list[str] | tuple[str, ...] = (), hint: str = "", **state) -> Element:
    return Element(element_id, Role.button, label, hint=hint, voice=tuple(voice) or (label,), **state)


def text_field(element_id: str, label: str, value: str, *, sensitive: bool = False) -> Element:
    """A text field; saying or touching its label focuses it for typing."""
    return Element(element_id, Role.input, label, voice=(label,), value=value, sensitive=sensitive)


def command_button(ctx: Context, command_id: str, role: Role = Role.button, **state) -> Element:
    command = ctx.ui.command(command_id, ctx.lang)
    return Element(command_id, role, command.label, voice=command.voice, **state)


def item_option(ctx: Context, kind: str, item) -> Element:
    return option(f"{kind}:{item.id}", item.name.get(ctx.lang), item.voice.get(ctx.lang))


VIEW_PREFIX = "view:"


def model_view(ctx: Context, item) -> list[Element]:
    """The item's first 3D model as a picture (``view:<model>``), described by its alt text; none without one."""
    model = next((media for media in getattr(item, "media", []) if media.type == "model"), None)
    if model is None or not model.source.startswith("procedural:"):
        return []
    return [Element(VIEW_PREFIX + model.source.removeprefix("procedural:"), Role.image, model.alt.get(ctx.lang))]
