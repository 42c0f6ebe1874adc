"""The kiosk: one object that takes input events (touch, keypad, text, speech, time) and returns output events.

It holds the page stack, the profile, focus and the session. Views (headless JSON, terminal, GL, XR) read
the laid-out screen it produces; inputs from every modality become the same activations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from madang.content.loader import ContentPack

from .compose import ANSWERS, VOICE_QUESTION, compose
from .display import Display
from .flows.base import Context, Outcome, Page
from .flows.help import HelpPage
from .flows.home import HomePage
from .flows.settings import SettingsPage
from .focus import focus_ring, moved
from .hearing import Hearing, Spoken
from .layout import PAGE_NEXT, PAGE_PREVIOUS, PAGE_STATUS, PagingLabels, lay_out
from .model import Element, LaidOutScreen, Role, Screen, Zone
from .profile import Profile
from .protocol import Audio, Headset, InputEvent, Key, ProtocolError, Quit, TextInput, Tick, Touch, Utterance
from .scanning import Scan
from .services import KioskServices
from .session import SessionClock
from .speech import reading, spoken
from .texts import UiTexts
from .views import screen_event, ticket_event
from .voice_dialogue import VoiceDialogue

DELIVERY_RETRY_S = 30.0  # what waits in the outbox is tried again this often when no worker sends it


class Kiosk(VoiceDialogue):
    def __init__(
        self,
        pack: ContentPack,
        services: KioskServices,
        *,
        display: Display | None = None,
        now: datetime,
        session: SessionClock | None = None,
        hearing: Hearing | None = None,
        content_version: int | None = None,
    ) -> None:
        self.pack = pack
        self.content_version = content_version  # the published version shown; None for a pack from a folder
        self._offered_content: tuple[ContentPack, int] | None = None  # waits for the session to end
        self.ui = UiTexts(pack)
        self.services = services
        self.display = display or Display()
        self.now = now
        self.session = session or SessionClock()
        self.hearing = hearing
        self.profile = Profile()
        self.headset = False
        self.stack: list[Page] = [HomePage()]
        self.page_index = 0
        self.focus: str | None = None
        self.pending: Element | None = None  # an option heard by voice, waiting for yes or no
        self.scan: Scan | None = None  # choices read one at a time, after speech failed twice
        self.misheard = 0  # utterances not understood in a row on this screen
        self.last_spoken: list[str] = []
        self.since_delivery = 0.0
        self.out: list[dict] = []
        self._last_screen: dict | None = None
        self._last_ticket: dict | None = None
        self.laid_out = self._lay_out()

    # ------------------------------------------------------------------ state
    @property
    def page(self) -> Page:
        return self.stack[-1]

    def context(self) -> Context:
        return Context(self.pack, self.ui, self.profile, self.now, self.services)

    @property
    def lang(self) -> str:
        return self.profile.lang

    def screen(self) -> Screen:
        warning = self.session.seconds_left if self.session.warned else None
        return compose(self.page, self.context(), pending=self.pending, warning_seconds=warning)

    def _paging_labels(self, lang: str) -> PagingLabels:
        return PagingLabels(*(self.ui.text("kiosk", key, lang) for key in ("page-previous", "page-next", "page-of")))

    def _lay_out(self) -> LaidOutScreen:
        laid_out = lay_out(self.screen(), self.profile, self.display, self._paging_labels(self.lang), self.page_index)
        self.page_index = laid_out.page
        return laid_out

    # ------------------------------------------------------------------ output
    def say(self, *lines: str) -> None:
        lines = tuple(line for line in lines if line)
        for line in lines:
            self.out.append({"type": "speech", "text": line, "lang": self.lang, "rate": self.profile.spoken_rate})
            self.out.append({"type": "caption", "text": line})
        if lines:
            self.last_spoken = list(lines)

    def _announce_screen(self) -> None:
        """On arriving at a screen: its title and prompt; with voice guidance, everything in reading order."""
        screen = self.laid_out.screen
        lines = [screen.title]
        if screen.prompt and screen.prompt != screen.title:
            lines.append(screen.prompt)
        if self.profile.voice_guidance:
            shown = [placed.element for placed in self.laid_out.visible if placed.element.id != "title"]
            lines += [line for line in reading(shown, self.ui, self.lang, private=self.headset) if line not in lines]
        self.say(*lines)

    def _say_this(self):
        """How each choice shows the words to say for it, when the kiosk listens."""
        if self.hearing is None:
            return None
        return lambda phrase: self.ui.text("kiosk", "say-this", self.lang, phrase=phrase)

    def _flush(self) -> list[dict]:
        self.laid_out = self._lay_out()
        events = self.out
        self.out = []
        screen = screen_event(self.laid_out, self.profile, self.display, self.focus, self._say_this())
        if screen != self._last_screen:
            events.insert(0, screen)
            self._last_screen = screen
        live = getattr(self.page, "live", None)
        ticket = ticket_event(live.ticket) if live is not None else None
        if ticket is not None and ticket != self._last_ticket:
            events.append(ticket)
            self._last_ticket = ticket
        return events

    # ------------------------------------------------------------------ input
    def start(self) -> list[dict]:
        """The first screen, before anyone uses the kiosk, and the greeting that says how to begin."""
        self.say(self.ui.title("kiosk", self.lang), self.ui.prompt("kiosk", self.lang))
        return self._flush()

    def handle(self, event: InputEvent | Spoken) -> list[dict]:
        if isinstance(event, Tick):
            self._tick(event.seconds)
            return self._flush()
        if isinstance(event, Headset):
            self._headset(event.plugged)
            return self._flush()
        if isinstance(event, Quit):
            return []
        self._begin_session()
        try:
            self._dispatch(event)
        finally:  # any input, even a bad one, shows the citizen is still here
            self._still_here()
        return self._flush()

    def _dispatch(self, event: InputEvent | Spoken) -> None:
        if isinstance(event, Touch):
            self._touch(event.target)
        elif isinstance(event, Key):
            self._key(event.key)
        elif isinstance(event, TextInput):
            self._text(event.text)
        elif isinstance(event, Utterance):
            self._utterance(event.text, event.lang or self.lang)
        elif isinstance(event, Audio):
            self._audio(event.path)
        elif isinstance(event, Spoken) and event.lang == self.lang:  # else heard with another language's words
            self.hear(list(event.utterances))

    def error(self, error: ProtocolError) -> list[dict]:
        return [error.event(), *self._flush()]

    def _begin_session(self) -> None:
        if not self.session.active:
            self.session.start()
            self.out.append({"type": "session", "event": "started"})
            self.say(self.ui.text("home", "welcome", self.lang))
            self._announce_screen()

    def _still_here(self) -> None:
        """After an input handled on the warning screen (more time, finish, anything): the session goes on."""
        if self.session.active and self.session.touch():
            self.out.append({"type": "session", "event": "extended"})
            self.say(self.ui.text("kiosk", "more-time-given", self.lang))
            self.laid_out = self._lay_out()

    def _touch(self, target: str) -> None:
        placed = self.laid_out.placed(target)
        if placed is None and self.laid_out.page_of(target) is not None:
            raise ProtocolError("not_visible", f"{target!r} is on another page of this screen: turn the page first")
        if placed is None:
            raise ProtocolError("unknown_target", f"no element {target!r} on screen {self.laid_out.screen.id!r}")
        if not placed.element.actionable:
            raise ProtocolError("not_actionable", f"{target!r} is a {placed.element.role} and cannot be activated")
        self.focus = target if placed.element.zone is Zone.body else self.focus
        self.activate(target)

    def _key(self, key: str) -> None:
        if key in ("up", "down"):
            self._move_focus(1 if key == "down" else -1)
        elif key in ("left", "right"):
            steps = 1 if key == "right" else -1
            outcome = self.page.adjust(self.focus, steps, self.context()) if self.focus else None
            if outcome is not None:
                self._apply(outcome)
            else:
                self._move_focus(steps)
        elif key == "enter":
            if self.focus is None or self.laid_out.page_of(self.focus) is None:
                self._move_focus(1)
            else:
                self.activate(self.focus)
        elif key in ("back", "home", "help"):
            self.activate(key)
        elif key in ("volume-up", "volume-down"):
            self._step("volume", 1 if key == "volume-up" else -1, "volume")

    def _move_focus(self, steps: int) -> None:
        self.focus = moved(focus_ring(self.laid_out), self.focus, steps)
        if self.focus is None:
            return
        page = self.laid_out.page_of(self.focus)
        if page is not None and self.laid_out.placed(self.focus) is None:
            self.page_index = page
            self.laid_out = self._lay_out()
        placed = self.laid_out.placed(self.focus)
        if placed is not None:
            self.say(spoken(placed.element, self.ui, self.lang, private=self.headset))

    def _text(self, value: str) -> None:
        target = self._input_target()
        outcome = self.page.enter_text(target, value, self.context())
        if outcome is None:
            raise ProtocolError("no_input", f"{target!r} does not take typed text")
        outcome.focus = outcome.focus or target  # the field typed into is shown and focused
        self._apply(outcome)
        typed = self.screen().element(target)
        if typed is not None:
            self.say(spoken(typed, self.ui, self.lang, private=self.headset))

    def text_field(self) -> Element | None:
        """The text field typing goes into: the focused one, else the screen's only one."""
        inputs = [e for e in self.laid_out.screen.elements if e.role is Role.input and e.enabled]
        focused = next((e for e in inputs if e.id == self.focus), None)
        return focused or (inputs[0] if len(inputs) == 1 else None)

    def _input_target(self) -> str:
        field = self.text_field()
        if field is not None:
            return field.id
        if not any(e.role is Role.input and e.enabled for e in self.laid_out.screen.elements):
            raise ProtocolError("no_input", f"screen {self.laid_out.screen.id!r} has no text field")
        raise ProtocolError("no_input", "this screen has several text fields: focus one first (keypad or touch)")

    def _audio(self, path: str) -> None:
        if not Path(path).is_file():
            raise ProtocolError("bad_audio", f"no audio file at {path}: give the path of a WAV file")
        outcome = self.page.audio(path, self.context())
        if outcome is not None:  # a voice memo the page was recording
            self._apply(outcome)
            return
        self.hear(self._transcribe(path))

    # ------------------------------------------------------------------ actions
    def activate(self, element_id: str) -> None:
        """One action, whatever input asked for it."""
        if element_id != VOICE_QUESTION and element_id not in ANSWERS:
            self.pending = None
            self.scan = None
        if self.pending is not None and element_id in ANSWERS:
            self._answer_pending(element_id)
            return
        if self._global(element_id):
            return
        element = self.laid_out.screen.element(element_id)
        if element is not None and element.role is Role.input:
            self.focus = element_id
            self._show(element_id)
            self.say(spoken(element, self.ui, self.lang, private=self.headset))
            return
        outcome = self.page.activate(element_id, self.context())
        if outcome is not None:
            self._apply(outcome)

    def _global(self, element_id: str) -> bool:
        """The actions every screen has; False when ``element_id`` is the page's own."""
        action = {
            "home": lambda: self._go(stack=[self.stack[0]]),
            "back": self._back,
            "help": lambda: self._go(stack=[*self.stack, HelpPage()]),
            "settings": lambda: self._go(stack=[*self.stack, SettingsPage()]),
            "call-staff": self._call_staff,
            "language": self._switch_language,
            PAGE_NEXT: lambda: self._turn_page(1),
            PAGE_PREVIOUS: lambda: self._turn_page(-1),
            "repeat": lambda: self.say(*self.last_spoken),
            "slower": lambda: self._step("speech_rate", -1, "slower"),
            "faster": lambda: self._step("speech_rate", 1, "faster"),
            "louder": lambda: self._step("volume", 1, "volume"),
            "softer": lambda: self._step("volume", -1, "volume"),
            "bigger-text": lambda: self._step("text_scale", 1, "text-size"),
            "more-time": lambda: None,  # the input itself extended the session
            "finish": self.end_session,
        }.get(element_id)
        if action is None:
            return False
        action()
        return True

    def _back(self) -> None:
        if self.session.warned or len(self.stack) == 1:
            self.say(self.ui.text("kiosk", "nothing-here", self.lang))
        else:
            self._go(stack=self.stack[:-1])

    def _call_staff(self) -> None:
        self.services.report_staff_call()
        self._go(stack=[*self.stack, HelpPage(staff_called=True)])

    def _switch_language(self) -> None:
        self._set_profile(self.profile.with_lang("en" if self.lang == "ko" else "ko"))
        self._announce_screen()
        if self.hearing is not None and self.hearing.unavailable(self.lang) is not None:
            self.say(self.ui.text("kiosk", "voice-off", self.lang))

    def _turn_page(self, steps: int) -> None:
        self.page_index += steps
        self.laid_out = self._lay_out()
        status = self.laid_out.placed(PAGE_STATUS)
        if status is not None:
            self.say(status.element.label)
        if self.profile.voice_guidance:
            self.say(*reading(self._page_body(), self.ui, self.lang, private=self.headset))

    def _page_body(self) -> list[Element]:
        return [p.element for p in self.laid_out.visible if p.element.zone is Zone.body and p.element.id != "title"]

    def _show(self, element_id: str) -> None:
        """Turn to the page that holds ``element_id``, so what changed is what is shown."""
        self.laid_out = self._lay_out()
        page = self.laid_out.page_of(element_id)
        if page is not None and page != self.page_index:
            self.page_index = page
            self.laid_out = self._lay_out()

    def _step(self, setting: str, steps: int, said_as: str) -> None:
        """A graded setting one step up or down, said back with its new value."""
        self._set_profile(self.profile.stepped(setting, steps))
        label = self.ui.command(said_as, self.lang).label
        self.say(f"{label}: {round(getattr(self.profile, setting) * 100)}%")

    def _apply(self, outcome: Outcome) -> None:
        if outcome.profile is not None:
            self._set_profile(outcome.profile)
        if outcome.push is not None:
            self._go(stack=[*self.stack, outcome.push], say=outcome.say)
        elif outcome.replace is not None:
            self._go(stack=[*self.stack[:-1], outcome.replace], say=outcome.say)
        elif outcome.back and len(self.stack) > 1:
            self._go(stack=self.stack[:-1], say=outcome.say)
        else:
            self.say(*outcome.say)
        if outcome.focus is not None:
            self.focus = outcome.focus
            self._show(outcome.focus)
        elif outcome.show is not None:
            self._show(outcome.show)

    def _go(self, *, stack: list[Page], say: list[str] | None = None) -> None:
        self.stack = stack
        self.page_index = 0
        self.focus = None
        self.pending = None
        self.scan = None
        self.misheard = 0
        self.laid_out = self._lay_out()
        self.say(*(say or []))
        self._announce_screen()

    def use_profile(self, profile: Profile) -> list[dict]:
        """Start with ``profile`` (the command line's ``--profile``); a session's end resets it as usual."""
        self._set_profile(profile)
        return self._flush()

    def _set_profile(self, profile: Profile) -> None:
        """A new profile lays the screen out again, on the page that keeps the focused element in view."""
        self.profile = profile
        if self.focus is None:
            self.laid_out = self._lay_out()
        else:
            self._show(self.focus)

    def _headset(self, plugged: bool) -> None:
        if plugged == self.headset:
            return
        self.headset = plugged
        self.say(self.ui.text("kiosk", "headset-on" if plugged else "headset-off", self.lang))

    # ------------------------------------------------------------------ content
    def offer_content(self, pack: ContentPack, version: int) -> bool:
        """A new content version: shown at once (on the home screen) when nobody uses the kiosk, else when the
        session ends, so nobody sees a screen change under them. True when it is shown at once."""
        self._offered_content = (pack, version)
        if self.session.active:
            return False
        self._back_home()
        return True

    def _back_home(self) -> None:
        """The home screen, with the content version offered meanwhile, if any."""
        if self._offered_content is not None:
            self.pack, self.content_version = self._offered_content
            self.ui = UiTexts(self.pack)
            self._offered_content = None
        self.stack = [HomePage()]
        self.page_index = 0
        self.focus = None
        self.pending = None
        self.scan = None
        self.laid_out = self._lay_out()

    # ------------------------------------------------------------------ time
    def _tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        outcome = self.page.tick(self.context(), seconds)
        if outcome is not None:
            self._apply(outcome)
        if self.scan is not None and self.scan.elapse(seconds):
            self._scan_next()
        self.since_delivery += seconds
        if self.since_delivery >= DELIVERY_RETRY_S:
            self.since_delivery = 0.0
            self.services.deliver_pending()
        waiting = self.scan is not None or (self.page.keeps_session and self.pending is None)
        due = self.session.advance(seconds, paused=waiting)
        if due == "warning":
            self.out.append({"type": "session", "event": "warning"})
            self.page_index = 0
            self.focus = "more-time"
            self._show("more-time")
            self._announce_screen()
        elif due == "timeout":
            self.end_session()

    def end_session(self) -> None:
        """Wipe everything the citizen entered; reset profile and volume; back to the start."""
        if self.session.active:
            self.say(self.ui.text("kiosk", "session-ended", self.lang))
            self.out.append({"type": "session", "event": "ended"})
        self.session.end()
        self.services.unfollow()  # the ticket's live events are no longer anyone's to hear
        self.profile = Profile()
        self.misheard = 0
        self.last_spoken = []
        self._last_ticket = None
        self._back_home()
