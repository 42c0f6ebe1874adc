"""`madang voice selftest`: speak every phrase a screen listens for with espeak-ng and see what the kiosk makes of it.

Each screen's grammar is built exactly as the kiosk builds it: a real kiosk (``build_kiosk``) is touched to the
screen and asked for ``recogniser_choices()``. Every phrase is synthesised at several espeak-ng settings, run
through the recogniser with that grammar, and judged with the kiosk's own acceptance (``snap`` for options,
``answer`` for yes and no). The pseudo-screen ``answers`` is the yes/no grammar of a confirmation question.

espeak-ng's voice is robotic: the figures are a floor and a way to compare phrasings, not field accuracy.
A phrase that never comes back as its own choice is worth rewording; one heard as another choice sounds too
much like it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from madang.kiosk.app import Kiosk
from madang.kiosk.build import build_kiosk
from madang.kiosk.listening import body_choices
from madang.kiosk.navigate import UnknownScreenError, touch
from madang.kiosk.protocol import Utterance
from madang.kiosk.voice_match import STRICT, Acceptance, answer, normalise, snap

from .recogniser import SAMPLE_RATE, Recogniser, Transcript
from .wav import wav_pcm

if TYPE_CHECKING:
    import vosk

ANSWERS_SCREEN = "answers"  # the yes/no grammar of a confirmation question
ESPEAK_VOICES = {"ko": "ko", "en": "en-us"}
TRAILING_SILENCE = b"\0" * SAMPLE_RATE  # half a second, as VoskHearing adds after a file
MAX_WORKERS = 4
_NOT_WORD = re.compile(r"[^\w]+")  # how the recogniser splits a phrase into words


class SelftestUnavailable(RuntimeError):  # noqa: N818 - said to the user as is
    """The self-test cannot run here (no espeak-ng, no model); the message says what to install."""


# --------------------------------------------------------------------------------------------- synthetic voices
@dataclass(frozen=True)
class VoiceSetting:
    """One espeak-ng speaker: a voice variant (timbre), a rate in words per minute and a pitch (0-99)."""

    variant: str
    rate: int
    pitch: int

    def voice(self, lang: str) -> str:
        base = ESPEAK_VOICES[lang]
        return f"{base}+{self.variant}" if self.variant else base

    def label(self, lang: str) -> str:
        return f"{self.voice(lang)} {self.rate} wpm pitch {self.pitch}"


SETTINGS = (
    VoiceSetting("", 165, 50),
    VoiceSetting("m3", 130, 35),
    VoiceSetting("f2", 200, 65),
    VoiceSetting("f4", 150, 80),
)


class Espeak:
    """espeak-ng's command line, to 16 kHz PCM; each (text, setting) synthesised once."""

    def __init__(self, lang: str, folder: Path) -> None:
        if shutil.which("espeak-ng") is None:
            raise SelftestUnavailable(
                "espeak-ng is not installed: run `sudo apt-get install espeak-ng libespeak-ng1` (or `make setup`)"
            )
        self.lang = lang
        self.folder = folder
        self._cache: dict[tuple[str, VoiceSetting], bytes] = {}

    def pcm(self, text: str, setting: VoiceSetting) -> bytes:
        key = (text, setting)
        if key not in self._cache:
            self._cache[key] = self._synthesise(text, setting)
        return self._cache[key]

    def wav(self, text: str, setting: VoiceSetting, path: Path) -> Path:
        command = ["espeak-ng", "-v", setting.voice(self.lang), "-s", str(setting.rate), "-p", str(setting.pitch)]
        done = subprocess.run([*command, "-w", str(path), text], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not path.is_file():
            raise SelftestUnavailable(f"espeak-ng could not speak {text!r}: {done.stderr.strip() or done.returncode}")
        return path

    def _synthesise(self, text: str, setting: VoiceSetting) -> bytes:
        path = self.wav(text, setting, self.folder / "phrase.wav")
        try:
            return wav_pcm(path)
        finally:
            path.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------- screens
@dataclass(frozen=True)
class Grammar:
    """What the recogniser hears on one screen, and how the kiosk accepts what it heard there."""

    screen: str
    choices: dict[str, tuple[str, ...]]
    answers_only: bool  # a question is open: only an exact yes or no counts

    @property
    def phrases(self) -> list[str]:
        return list(dict.fromkeys(phrase for phrases in self.choices.values() for phrase in phrases))

    def accept(self, transcript: Transcript, acceptance: Acceptance = STRICT) -> str | None:
        if self.answers_only:
            return answer(transcript.text, self.choices.items())
        return snap(transcript.text, self.choices.items(), transcript.confidences, acceptance)

    def decide(self, heard: Sequence[Transcript], acceptance: Acceptance = STRICT) -> str | None:
        """The choice the kiosk acts on first: the first utterance it accepts (an earlier one is not understood)."""
        for transcript in heard:
            choice = self.accept(transcript, acceptance)
            if choice is not None:
                return choice
        return None


def kiosk_grammar(kiosk: Kiosk, screen: str | None = None) -> Grammar:
    """The grammar the kiosk gives the recogniser now, with its acceptance rule."""
    question = kiosk.pending is not None or kiosk.scan is not None
    return Grammar(screen or kiosk.laid_out.screen.id, kiosk.recogniser_choices(), question)


@contextmanager
def fresh_kiosk(lang: str = "ko", pack_dir: Path | None = None) -> Iterator[Kiosk]:
    """A kiosk as `madang kiosk` builds it (offline, its store in a temporary folder), started, in ``lang``."""
    with tempfile.TemporaryDirectory(prefix="madang-selftest-") as folder:
        kiosk = build_kiosk(data_dir=Path(folder), pack_dir=pack_dir)
        kiosk.start()
        if lang != kiosk.lang:
            touch(kiosk, "language")
        yield kiosk


def service_ids(kiosk: Kiosk) -> list[str]:
    """The services on the home screen (the kiosk must be on it)."""
    return [element.id for element in body_choices(kiosk.laid_out) if element.id.startswith("service:")]


def screen_ids(lang: str = "ko", pack_dir: Path | None = None) -> list[str]:
    with fresh_kiosk(lang, pack_dir) as kiosk:
        return ["home", "settings", *service_ids(kiosk), ANSWERS_SCREEN]


def go_to(kiosk: Kiosk, screen: str) -> None:
    """From the home screen to ``screen`` (an id of ``screen_ids``), by touch; ``answers``: an option said and
    waiting for yes or no."""
    if screen == ANSWERS_SCREEN:
        first = body_choices(kiosk.laid_out)[0]
        kiosk.handle(Utterance(first.voice[0], kiosk.lang))
        if kiosk.pending is None:
            raise RuntimeError(f"saying {first.voice[0]!r} on the home screen did not ask for a confirmation")
        return
    if screen != "home":
        touch(kiosk, screen)
    if kiosk.laid_out.screen.id != screen:
        raise UnknownScreenError(f"touching {screen!r} led to screen {kiosk.laid_out.screen.id!r}")


def grammars(screens: Sequence[str] | None, lang: str = "ko", pack_dir: Path | None = None) -> list[Grammar]:
    """The grammar of each screen asked for (every screen when None); an unknown id raises ``UnknownScreenError``."""
    known = screen_ids(lang, pack_dir)
    wanted = list(screens) if screens else known
    unknown = [screen for screen in wanted if screen not in known]
    if unknown:
        raise UnknownScreenError(f"no screen {unknown[0]!r}: choose one of {', '.join(known)}")
    found = []
    for screen in wanted:
        with fresh_kiosk(lang, pack_dir) as kiosk:
            go_to(kiosk, screen)
            found.append(kiosk_grammar(kiosk, screen))
    return found


# --------------------------------------------------------------------------------------------- listening
class Listener:
    """One recogniser, given each grammar in turn; a clip is heard as the kiosk hears a WAV file."""

    def __init__(self, model: vosk.Model) -> None:
        self.recogniser = Recogniser(model)
        self.audio_seconds = 0.0  # of every clip heard, with the trailing silence
        self.busy_seconds = 0.0  # spent recognising them

    def hear(self, grammar: Grammar, pcm: bytes) -> list[Transcript]:
        started = time.perf_counter()
        self.recogniser.listen_for(grammar.phrases)
        heard = self.recogniser.transcribe(pcm + TRAILING_SILENCE)
        self.busy_seconds += time.perf_counter() - started
        self.audio_seconds += (len(pcm) + len(TRAILING_SILENCE)) / 2 / SAMPLE_RATE
        return heard

    def unknown_words(self, grammar: Grammar) -> list[str]:
        words = {word for phrase in grammar.phrases for word in _NOT_WORD.sub(" ", phrase.casefold()).split()}
        return sorted(word for word in words if not self.recogniser.knows(word))


class Listeners:
    """A recogniser per core on one model (Vosk decodes without holding the GIL): many clips heard at once."""

    def __init__(self, model: vosk.Model, workers: int | None = None) -> None:
        count = workers or max(1, min(MAX_WORKERS, os.cpu_count() or 1))
        self.all = [Listener(model) for _ in range(count)]

    def hear_all(self, grammar: Grammar, clips: Sequence[bytes]) -> list[list[Transcript]]:
        """What each clip was heard as, in order."""
        count = len(self.all)
        with ThreadPoolExecutor(count) as pool:
            parts = list(
                pool.map(lambda i: [self.all[i].hear(grammar, clip) for clip in clips[i::count]], range(count))
            )
        heard: list[list[Transcript]] = [[] for _ in clips]
        for i, part in enumerate(parts):
            heard[i::count] = part
        return heard

    def _hear_each(self, index: int, grammar: Grammar, clips: Sequence[bytes]) -> list[list[Transcript]]:
        return [self.all[index].hear(grammar, clip) for clip in clips]

    def unknown_words(self, grammar: Grammar) -> list[str]:
        return self.all[0].unknown_words(grammar)

    @property
    def real_time_factor(self) -> float:
        audio = sum(listener.audio_seconds for listener in self.all)
        return sum(listener.busy_seconds for listener in self.all) / audio if audio else 0.0


def load(lang: str) -> vosk.Model:
    from .models import ModelUnavailable, load_model

    try:
        return load_model(lang)
    except ModelUnavailable as error:
        raise SelftestUnavailable(str(error)) from None


# --------------------------------------------------------------------------------------------- results
@dataclass
class PhraseResult:
    choice: str
    phrase: str
    itself: int = 0  # the transcript was the phrase itself
    right: int = 0  # accepted as the phrase's own choice
    rejected: int = 0  # not understood
    wrong: Counter[str] = field(default_factory=Counter)  # accepted as another choice
    heard: list[str] = field(default_factory=list)  # each transcript, "" for nothing
    rejected_as: Counter[str] = field(default_factory=Counter)  # what the rejected ones were heard as

    @property
    def utterances(self) -> int:
        return self.right + self.rejected + sum(self.wrong.values())

    def add(self, heard: Sequence[Transcript], choice: str | None) -> None:
        text = " / ".join(transcript.text for transcript in heard)
        self.heard.append(text)
        self.itself += any(normalise(t.text) == normalise(self.phrase) for t in heard)
        if choice is None:
            self.rejected += 1
            self.rejected_as[text] += 1
        elif choice == self.choice:
            self.right += 1
        else:
            self.wrong[choice] += 1

    def as_dict(self) -> dict:
        return {
            "choice": self.choice,
            "phrase": self.phrase,
            "utterances": self.utterances,
            "itself": self.itself,
            "right": self.right,
            "rejected": self.rejected,
            "wrong": dict(self.wrong),
            "heard": self.heard,
        }


@dataclass
class ScreenResult:
    grammar: Grammar
    phrases: list[PhraseResult]
    unknown_words: list[str]

    @property
    def screen(self) -> str:
        return self.grammar.screen

    def total(self, what: str) -> int:
        if what == "wrong":
            return sum(sum(p.wrong.values()) for p in self.phrases)
        return sum(getattr(p, what) for p in self.phrases)

    def summary(self) -> dict:
        counts = {what: self.total(what) for what in ("utterances", "itself", "right", "rejected", "wrong")}
        never = [p.phrase for p in self.phrases if p.right == 0]
        return {**counts, "choices": len(self.grammar.choices), "phrases": len(self.phrases), "never_back": never}

    def as_dict(self) -> dict:
        return {
            "screen": self.screen,
            "acceptance": "answer" if self.grammar.answers_only else "snap",
            "summary": self.summary(),
            "unknown_words": self.unknown_words,
            "phrases": [p.as_dict() for p in self.phrases],
        }


def check_screen(
    grammar: Grammar, listeners: Listeners, espeak: Espeak, settings: Sequence[VoiceSetting] = SETTINGS
) -> ScreenResult:
    results = [PhraseResult(choice, phrase) for choice, phrases in grammar.choices.items() for phrase in phrases]
    jobs = [(result, setting) for result in results for setting in settings]
    clips = [espeak.pcm(result.phrase, setting) for result, setting in jobs]
    for (result, _), heard in zip(jobs, listeners.hear_all(grammar, clips), strict=True):
        result.add(heard, grammar.decide(heard))
    return ScreenResult(grammar, results, listeners.unknown_words(grammar))


def run_selftest(
    screens: Sequence[str] | None = None,
    lang: str = "ko",
    settings: Sequence[VoiceSetting] = SETTINGS,
    pack_dir: Path | None = None,
) -> list[ScreenResult]:
    """Every phrase of each screen (all when None) at every setting. Raises ``UnknownScreenError`` for a bad id,
    ``SelftestUnavailable`` when espeak-ng or the model is missing."""
    chosen = grammars(screens, lang, pack_dir)
    with tempfile.TemporaryDirectory(prefix="madang-selftest-") as folder:
        espeak = Espeak(lang, Path(folder))
        listeners = Listeners(load(lang))
        return [check_screen(grammar, listeners, espeak, settings) for grammar in chosen]


# --------------------------------------------------------------------------------------------- reporting
def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part})" if whole else "-"


def advice(results: Sequence[ScreenResult]) -> list[str]:
    lines = []
    never = [f"{p.phrase!r} ({r.screen}: {p.choice})" for r in results for p in r.phrases if p.right == 0]
    if never:
        lines.append("phrases that never come back: consider rewording or removing: " + ", ".join(never))
    confused = [
        f"{p.phrase!r} ({r.screen}) heard as {', '.join(sorted(p.wrong))}"
        for r in results
        for p in r.phrases
        if p.wrong
    ]
    if confused:
        lines.append(
            "phrases taken for another choice (the yes/no question catches them, at the cost of a turn): "
            "make them sound more different: " + "; ".join(confused)
        )
    silent = [
        f"{p.phrase!r} ({r.screen})" for r in results for p in r.phrases if p.rejected_as.get("", 0) == p.utterances
    ]
    if silent:
        lines.append(
            "phrases heard as nothing at all, every time: the kiosk says nothing back (no 'not understood', so "
            "voice scanning never starts): " + ", ".join(silent)
        )
    deaf = [
        f"{choice} ({r.screen})"
        for r in results
        for choice in r.grammar.choices
        if not any(p.right for p in r.phrases if p.choice == choice)
    ]
    if deaf:
        lines.append(
            "choices that no phrase reached: citizens reach them only by voice scanning or touch: " + ", ".join(deaf)
        )
    unknown = sorted({word for r in results for word in r.unknown_words})
    if unknown:
        lines.append(
            "words the model does not know (the recogniser leaves their phrases out; run `madang content validate`): "
            + ", ".join(unknown)
        )
    return lines


def phrase_line(result: PhraseResult) -> str:
    n = result.utterances
    wrong = sum(result.wrong.values())
    line = f"    {result.right}/{n} right  {result.itself}/{n} itself  {result.rejected} rejected  {wrong} wrong  "
    line += repr(result.phrase)
    if result.wrong:
        line += "  -> " + ", ".join(f"{choice} x{count}" for choice, count in result.wrong.most_common())
    if result.rejected_as:
        heard = (f"{text or '(nothing)'} x{count}" for text, count in result.rejected_as.most_common(3))
        line += f"  (rejected: {', '.join(heard)})"
    return line


def screen_text(result: ScreenResult) -> list[str]:
    summary = result.summary()
    n = summary["utterances"]
    how = "exact yes/no" if result.grammar.answers_only else "snap"
    lines = [
        f"{result.screen}: {summary['choices']} choices, {summary['phrases']} phrases, {n} utterances ({how})",
        f"  right {percent(summary['right'], n)}, rejected {percent(summary['rejected'], n)}, "
        f"wrong {percent(summary['wrong'], n)}; came back as itself {percent(summary['itself'], n)}; "
        f"{len(summary['never_back'])} phrase(s) never right",
    ]
    for choice in result.grammar.choices:
        lines.append(f"  {choice}")
        lines += [phrase_line(p) for p in result.phrases if p.choice == choice]
    return lines


def report_text(results: Sequence[ScreenResult], lang: str, settings: Sequence[VoiceSetting] = SETTINGS) -> str:
    lines = [
        f"Voice self-test ({lang}): every phrase spoken by espeak-ng at {len(settings)} settings "
        f"({'; '.join(s.label(lang) for s in settings)}),",
        "heard with the screen's grammar and judged as the kiosk judges it. Synthetic speech: a floor, not field "
        "accuracy.",
        "",
    ]
    for result in results:
        lines += [*screen_text(result), ""]
    lines.append("Summary")
    for result in results:
        summary = result.summary()
        n = summary["utterances"]
        lines.append(
            f"  {result.screen:<28} right {percent(summary['right'], n):>10}  rejected "
            f"{percent(summary['rejected'], n):>10}  wrong {percent(summary['wrong'], n):>9}"
        )
    lines += ["", "Advice"] + [f"  - {line}" for line in advice(results) or ["every phrase came back at least once"]]
    return "\n".join(lines)


def report_json(results: Sequence[ScreenResult], lang: str, settings: Sequence[VoiceSetting] = SETTINGS) -> dict:
    return {
        "lang": lang,
        "settings": [{"voice": s.voice(lang), "rate": s.rate, "pitch": s.pitch} for s in settings],
        "screens": [result.as_dict() for result in results],
        "advice": advice(results),
    }
