"""The kiosk's side of a spoken conversation: what the recogniser may hear on each screen, what a transcript
means, the yes/no confirmation, and voice scanning when speech keeps failing.

A part of ``Kiosk`` (its base class), kept apart because it is one job: it reads the kiosk's screen and state
and acts only through ``activate``, ``say`` and ``_show``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .compose import ANSWERS, VOICE_QUESTION, compose
from .flows.base import Context, Page
from .hearing import Heard, Hearing, Listening, UnreadableAudioError
from .layout import lay_out
from .listening import IMMEDIATE, body_choices, heard_elements, recogniser_choices
from .model import Element, LaidOutScreen
from .profile import Profile
from .protocol import ProtocolError
from .scanning import MISHEARD_BEFORE_SCAN, Scan, ScanChoice
from .voice_match import FRAGMENTS, answer, match, normalise, snap

if TYPE_CHECKING:
    from .texts import UiTexts


class VoiceDialogue:
    hearing: Hearing | None
    pending: Element | None  # an option heard by voice, waiting for yes or no
    scan: Scan | None  # choices read one at a time, after speech failed
    misheard: int  # utterances not understood in a row on this screen
    laid_out: LaidOutScreen
    profile: Profile
    stack: list[Page]
    ui: UiTexts

    def _transcribe(self, path: str) -> list[Heard]:
        reason = self.cannot_listen()
        if reason is not None:
            if self.lang != "ko":
                self.say(self.ui.text("kiosk", "voice-off", self.lang))
            raise ProtocolError("voice_unavailable", f"{reason}; touch, keys and text still work")
        try:
            return self.hearing.transcribe(path, self.lang, self.recogniser_phrases())  # type: ignore[union-attr]
        except UnreadableAudioError as error:
            raise ProtocolError("bad_audio", str(error)) from None

    def cannot_listen(self) -> str | None:
        """Why voice input is off in the session's language, or None when the kiosk can listen."""
        if self.hearing is None:
            return "speech recognition is off on this kiosk"
        return self.hearing.unavailable(self.lang)

    # ------------------------------------------------------------------ voice
    def recogniser_choices(self) -> dict[str, tuple[str, ...]]:
        """What the recogniser may hear now: yes and no while a question is open, else the screen's choices."""
        ctx = self.context()
        if self.pending is not None or self.scan is not None:
            return recogniser_choices(self.laid_out, ctx, answers_only=True)
        choices = recogniser_choices(self.laid_out, ctx, answers_only=False)
        if self.page.is_question:
            choices.update(recogniser_choices(self.laid_out, ctx, answers_only=True))
        return choices

    def listening(self) -> Listening:
        off = self.cannot_listen()
        return Listening(self.lang, () if off else tuple(self.recogniser_phrases()), off)

    def recogniser_phrases(self) -> list[str]:
        return list(dict.fromkeys(phrase for phrases in self.recogniser_choices().values() for phrase in phrases))

    def hear(self, heard: list[Heard]) -> None:
        """What the recogniser heard, each utterance snapped strictly to one of the phrases it was given.

        Speech it could not make into any phrase (an empty transcript) is not understood, like any other miss.
        """
        heard = [utterance for utterance in heard if normalise(utterance.text) not in FRAGMENTS] or [Heard("")]
        for utterance in heard:
            choices = self.recogniser_choices()
            if self.pending is not None or self.scan is not None:
                choice = answer(utterance.text, choices.items())
            else:
                choice = snap(utterance.text, choices.items(), utterance.confidences)
            exact = choice is not None and match(utterance.text, [(choice, choices[choice])]) == choice
            self.out.append({"type": "heard", "text": utterance.text, "choice": choice})
            self._voice_choice(choice, exact=exact)

    def _utterance(self, heard: str, lang: str) -> None:
        if lang != self.lang and self.pending is None and self._understood_in(lang, heard):
            self._switch_language()  # the citizen speaks the other language: the kiosk answers in it
        question_open = self.pending is not None or self.page.is_question or self.scan is not None
        listening = heard_elements(self.laid_out, self.context(), answers=question_open)
        self._voice_choice(match(heard, [(element_id, element.voice) for element_id, element in listening.items()]))

    def _voice_choice(self, choice: str | None, *, exact: bool = True) -> None:
        """Act on a choice heard; only an exact phrase of a harmless command acts without a question."""
        if self.scan is not None:
            self._scan_answer(choice)
        elif self.pending is not None:
            self._answer_pending(choice)
        elif choice is None:
            self._not_understood()
        elif (choice in IMMEDIATE and exact) or (choice in ANSWERS and self.page.is_question):
            self.misheard = 0
            self.activate(choice)
        else:  # every other choice is confirmed with yes or no before it acts
            self.misheard = 0
            self.pending = self._element(choice)
            self._show(VOICE_QUESTION)
            self.say(self.ui.text("kiosk", "confirm-choice", self.lang, choice=self.pending.label))

    def _element(self, element_id: str) -> Element:
        listening = heard_elements(self.laid_out, self.context(), answers=True)
        return listening[element_id]

    def _not_understood(self) -> None:
        self.misheard += 1
        if self.misheard < MISHEARD_BEFORE_SCAN:
            self.say(self.ui.text("kiosk", "not-understood", self.lang))
        else:
            self._start_scan()

    def _start_scan(self, first: Element | None = None) -> None:
        """Read the choices one at a time: ``first`` (a choice heard but not confirmed), the screen's own,
        then the commands of the control bar, ending with a person."""
        self.misheard = 0
        self.pending = None
        elements = [element for element in body_choices(self.laid_out) if first is None or element.id != first.id]
        choices = [ScanChoice(element.id, element.label) for element in ([first] if first else []) + elements]
        commands = ("back", "home") if len(self.stack) > 1 else ()
        for command in (*commands, "help", "settings", "call-staff"):
            if all(choice.element_id != command for choice in choices):
                choices.append(ScanChoice(command, self.ui.command(command, self.lang).label))
        self.scan = Scan(choices)
        self.say(self.ui.text("kiosk", "scan-start", self.lang))
        self._read_scan_choice()

    def _read_scan_choice(self) -> None:
        scan = self.scan
        assert scan is not None
        prompt = self.ui.text("kiosk", "scan-option", self.lang, choice=scan.current.label)
        self.say(prompt)
        scan.read(prompt, self.profile.spoken_rate)
        if self.laid_out.page_of(scan.current.element_id) is not None:
            self.focus = scan.current.element_id  # sighted helpers see which choice is being offered
            self._show(scan.current.element_id)

    def _scan_answer(self, choice: str | None) -> None:
        scan = self.scan
        assert scan is not None
        if choice == "yes":
            self.scan = None
            self.activate(scan.current.element_id)
        elif choice == "no":
            self._scan_next()
        else:
            self._read_scan_choice()

    def _scan_next(self) -> None:
        scan = self.scan
        assert scan is not None
        step = scan.advance()
        if step == "done":
            self.scan = None
            self.say(self.ui.text("kiosk", "scan-end", self.lang))
            return
        if step == "again":
            self.say(self.ui.text("kiosk", "scan-again", self.lang))
        self._read_scan_choice()

    def _understood_in(self, lang: str, heard: str) -> bool:
        """Whether ``heard`` is one of this screen's phrases in ``lang``, the language it was heard in."""
        profile = self.profile.with_lang(lang)
        ctx = Context(self.pack, self.ui, profile, self.now, self.services)
        screen = compose(self.page, ctx, pending=None, warning_seconds=None)
        laid_out = lay_out(screen, profile, self.display, self._paging_labels(lang), self.page_index)
        heard_there = heard_elements(laid_out, ctx, answers=self.page.is_question)
        return match(heard, [(element_id, element.voice) for element_id, element in heard_there.items()]) is not None

    def _answer_pending(self, choice: str | None) -> None:
        pending = self.pending
        if choice == "yes":
            self.pending = None
            self.misheard = 0
            self.activate(pending.id)
        elif choice == "no":
            self.pending = None
            self.misheard = 0
            self.say(self.ui.text("kiosk", "cancelled", self.lang))
        else:
            self.misheard += 1
            if self.misheard < MISHEARD_BEFORE_SCAN:
                self.say(self.ui.text("kiosk", "confirm-choice", self.lang, choice=pending.label))
            else:  # the answer is not getting through: read the choices, this one first
                self._start_scan(first=pending)
