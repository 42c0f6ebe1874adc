"""Voice: how well the kiosk hears synthetic Korean, how often it acts wrongly, and how fast it answers.

Prints figures next to the goals; never fails on them. Run with `make bench` or
`.venv/bin/python tests/perf/voice_bench.py` (`--quick`: fewer utterances and journeys; `--no-live`: skip the
virtual sound devices; `--decoder-variants`: also compare decoder settings, about 4 more minutes).

The citizens are espeak-ng voices (the self-test's four settings of voice variant, rate and pitch): robotic and
far from real speakers, so every figure is a floor and a way to compare designs, not field accuracy.

1. First try: every phrase of every screen's grammar, built by a real kiosk (home, settings, each service, the
   consultation question `ticket:confirm`, and the yes/no answers of a voice confirmation), each spoken four
   times: clean by two voices, and with white noise and with babble (five espeak-ng talkers) at 10 dB SNR.
   Heard as `{"type":"audio"}` hears a file (the recogniser with the screen's grammar, half a second of silence
   after the clip) and judged as the kiosk judges it (`snap` for options, exact `answer` for yes and no).
   SNR is exact: the noise's power is set from the speech's power over its active 20 ms frames (within 40 dB of
   the loudest), and the mix has 0.3 s of noise before and after the speech.
2. Confirmation: an option accepted on the first try is confirmed by the same voice in the same noise, saying
   "네 맞아 요" when the kiosk's choice is right and "아니요 틀려 요" when it is wrong (asked twice at most).
   A wrong action is a wrong choice the kiosk acts on: heard yes to, or one that acts without a question
   (presentation commands; yes and no on a question page).
3. Unrelated speech: everyday Korean on five screens; accepted ones are followed by the next sentence (the
   conversation goes on at the kiosk's question).
4. Acceptance variants (cutoff, margin, confidence of `Acceptance` in kiosk/voice_match.py) re-scored on the
   same transcripts; with `--decoder-variants`, decoder settings (voice/models.py) on the clean utterances.
5. Voice-only journeys: an in-process kiosk (`build_kiosk` with `VoskHearing`, offline) fed WAV files through
   the protocol's `{"type":"audio"}`. The citizen says a phrase of the choice it wants (another phrase on each
   retry), answers the confirmation ("네 맞아 요" / "아니요 틀려 요"), and answers 네 at the right choice and
   아니요 otherwise when choices are read one at a time; an answer not understood is given in the other form
   next time (네 <-> 네 맞아 요); on a wrong screen it asks to go back. Time = the citizen's audio + the kiosk's speech
   (synthesised with `Synthesiser` for its length) + recognition time.
6. Live, over a private PulseAudio server (tests/voice/pulse.py): a kiosk in-process with `LiveVoice`, clips
   fed into the virtual microphone in real time (a home-screen phrase, then "아니요 틀려 요" to its question),
   one at a time once the kiosk is quiet (each reply is cut off once it has started); end of speech to the first
   sound of the reply (`LiveVoice.figures`: the recogniser's endpoint, the kiosk's step, synthesis and the
   output latency).
7. Start-up: from launching `madang kiosk --mode headless --audio` until the recording of the virtual speaker
   has the greeting's first loud sample (and, for comparison, until the greeting's speech event on stdout);
   its resident memory once the model is loaded (after it has heard one `{"type":"audio"}` clip).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests.voice.pulse

from madang.kiosk.app import Kiosk  # noqa: E402
from madang.kiosk.build import build_kiosk  # noqa: E402
from madang.kiosk.compose import ANSWERS  # noqa: E402
from madang.kiosk.listening import IMMEDIATE, PRESENTATION_COMMANDS  # noqa: E402
from madang.kiosk.protocol import ProtocolError, Touch, parse  # noqa: E402
from madang.kiosk.stepper import Stepper  # noqa: E402
from madang.kiosk.voice_match import STRICT, Acceptance  # noqa: E402
from madang.voice import devices, models  # noqa: E402
from madang.voice.hearing import VoskHearing  # noqa: E402
from madang.voice.live import LiveVoice, attach_live_voice  # noqa: E402
from madang.voice.models import ModelUnavailable, model_source  # noqa: E402
from madang.voice.recogniser import SAMPLE_RATE, Recogniser, Transcript  # noqa: E402
from madang.voice.selftest import (  # noqa: E402
    ANSWERS_SCREEN,
    SETTINGS,
    Espeak,
    Grammar,
    Listener,
    Listeners,
    SelftestUnavailable,
    VoiceSetting,
    fresh_kiosk,
    grammars,
    kiosk_grammar,
    touch,
)
from madang.voice.tts import Synthesiser  # noqa: E402
from madang.voice.wav import write_wav  # noqa: E402
from tests.voice.pulse import VirtualAudio, missing_tools  # noqa: E402

if TYPE_CHECKING:
    import vosk

MADANG = Path(sys.executable).parent / "madang"
NOW = datetime.fromisoformat("2026-06-15T10:00:00+09:00")  # June: the automobile tax is due
SEED = 20260615
SNR_DB = 10.0
PAD_S = 0.3
FRAME = SAMPLE_RATE // 50  # 20 ms
ACTIVE_DB = 40.0
NOT_WORD = re.compile(r"[^\w]+")  # how the recogniser splits a phrase into words
CONDITIONS = ("clean", "white", "babble")
TAKES = ("clean", "clean", "white", "babble")  # per phrase, each by the next voice setting
CONFIRM_YES, CONFIRM_NO = "네 맞아 요", "아니요 틀려 요"
SCAN_YES, SCAN_NO = "네", "아니요"
QUESTION_SCREEN = "ticket:confirm"
UNRELATED_SCREENS = ("home", "service:tax-square", "settings", QUESTION_SCREEN, ANSWERS_SCREEN)
UNRELATED = (
    "오늘 날씨가 참 좋네요", "점심 뭐 먹을까", "지하철역이 어디에 있어요", "화장실은 어디에 있나요",
    "커피 한 잔 하실래요", "내일 비가 온대요", "우리 아들이 학교에 갔어요", "주차장은 몇 층이에요",
    "버스가 늦게 오네요", "이 근처에 은행이 있나요", "엄마 빨리 와", "전화 좀 받아 봐", "배가 너무 고파요",
    "몇 시에 문을 닫아요", "사진 찍어도 돼요", "어제 드라마 봤어요", "강아지 산책시켜야 해요",
    "휴대폰 충전기 있어요", "친구를 기다리고 있어요", "여기 앉아도 되나요", "물 좀 주세요",
    "시청역 몇 번 출구예요", "오늘 너무 덥다", "감기에 걸린 것 같아요", "주말에 등산 가요", "택시 불러 줄까",
    "아이스크림 먹고 싶다", "회의가 몇 시지", "가방을 잃어버렸어요", "저녁에 삼겹살 먹자", "영화가 벌써 시작했어요",
    "조용히 좀 해 줄래", "손 씻고 올게요", "할머니 댁에 가요", "공원에 꽃이 많이 폈어요", "나중에 다시 올게요",
)  # fmt: skip
BABBLE_TEXTS = (
    "어제 시장에 갔는데 사람이 정말 많았어요 그래서 그냥 집으로 돌아왔지요",
    "다음 주에 부산으로 여행을 가려고 하는데 기차표가 벌써 다 팔렸대요",
    "우리 회사 앞에 새로 생긴 식당이 맛있다고 소문이 났더라고요",
    "아이들이 방학이라서 요즘은 아침마다 너무 바빠요",
    "주말에는 보통 한강에서 자전거를 타거나 책을 읽어요",
    "병원 예약을 했는데 시간을 잘못 알아서 다시 가야 해요",
)
BABBLE_TALKERS = 5
JOURNEYS = {  # what the citizen wants: the choices to make, from the home screen
    "tax consultation": ("service:tax-square", "consult"),
    "settings": ("settings",),
    "resident registration copy": ("service:documents", "document:resident-registration-copy"),
    "Deoksugung": ("service:tour", "landmark:deoksugung"),
    "proposal to the mayor": ("service:mayor-office", "propose"),
    "youth consultation": ("service:youth-counsel", "consult"),
}
MAX_TURNS = 60  # a voice-only citizen may hear every choice read twice, on two screens
CONFIRM_TRIES = 2
LIVE_CLIPS = 20
STARTS = 3
GOALS = {
    "wrong": "at most 0.5% of utterances",
    "journeys": "at least 95% complete",
    "reply": "p50 at most 500 ms",
    "startup": "at most 3 s",
}
ACCEPTANCE_VARIANTS = {
    "kiosk (cutoff 0.8, margin 0.15, confidence 0.5)": STRICT,
    "exact phrases only (cutoff 1.0)": Acceptance(cutoff=1.0),
    "cutoff 0.9": Acceptance(cutoff=0.9),
    "cutoff 0.7": Acceptance(cutoff=0.7),
    "cutoff 0.6, margin 0.1": Acceptance(cutoff=0.6, margin=0.1),
    "margin 0.25": Acceptance(margin=0.25),
    "confidence 0.7": Acceptance(min_confidence=0.7),
    "confidence 0.0": Acceptance(min_confidence=0.0),
}
DECODER_VARIANTS = {  # changes to voice/models.py DECODER_SETTINGS as it is when the benchmark runs
    "kiosk (voice/models.py)": {},
    "model's own settings (longer trailing silence)": None,
    "acoustic scale 0.5": {"--acoustic-scale": "0.5"},
    "acoustic scale 0.7": {"--acoustic-scale": "0.7"},
    "beam 13, max active 7000": {"--beam": "13.0", "--max-active": "7000"},
}
FRESH_VARIANT = "kiosk, with a new recogniser for every utterance"
DECODER_VARIANTS[FRESH_VARIANT] = {}


# --- voices and noise ----------------------------------------------------------------------------------------


def as_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def as_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def speech_power(samples: np.ndarray) -> float:
    """Mean power over the active 20 ms frames (within ``ACTIVE_DB`` of the loudest)."""
    frames = samples[: len(samples) // FRAME * FRAME].reshape(-1, FRAME)
    energy = (frames.astype(np.float64) ** 2).mean(axis=1)
    active = energy[energy >= energy.max() * 10 ** (-ACTIVE_DB / 10)]
    return float(active.mean())


class Mouth:
    """The synthetic citizens: espeak-ng at a voice setting, padded, clean or mixed with noise at ``SNR_DB``."""

    def __init__(self, espeak: Espeak, seed: int = SEED) -> None:
        self.espeak = espeak
        self.rng = np.random.default_rng(seed)
        talkers = [SETTINGS[i % len(SETTINGS)] for i in range(len(BABBLE_TEXTS))]
        self.babble_bank = [
            as_float(espeak.pcm(text, voice)) for text, voice in zip(BABBLE_TEXTS, talkers, strict=True)
        ]
        self.snrs: list[float] = []  # as mixed, to show that the SNR is what it says

    def say(self, text: str, setting: VoiceSetting, condition: str) -> bytes:
        speech = as_float(self.espeak.pcm(text, setting))
        pad = np.zeros(int(PAD_S * SAMPLE_RATE), np.float32)
        clean = np.concatenate([pad, speech, pad])
        if condition == "clean":
            return as_pcm(clean)
        noise = self.white(len(clean)) if condition == "white" else self.babble(len(clean))
        power = speech_power(speech)
        noise *= np.sqrt(power / 10 ** (SNR_DB / 10) / float(np.mean(noise.astype(np.float64) ** 2)))
        self.snrs.append(10 * np.log10(power / float(np.mean(noise.astype(np.float64) ** 2))))
        mixed = clean + noise
        peak = float(np.abs(mixed).max())
        return as_pcm(mixed / peak * 0.95 if peak > 0.95 else mixed)  # scaling both keeps the SNR

    def white(self, length: int) -> np.ndarray:
        return self.rng.standard_normal(length).astype(np.float32)

    def babble(self, length: int) -> np.ndarray:
        total = np.zeros(length, np.float32)
        for index in self.rng.choice(len(self.babble_bank), BABBLE_TALKERS, replace=False):
            talker = self.babble_bank[index]
            start = int(self.rng.integers(len(talker)))
            track = np.tile(np.roll(talker, -start), length // len(talker) + 1)[:length]
            total += track / np.sqrt(float(np.mean(talker.astype(np.float64) ** 2)))
        return total


def seconds_of(pcm: bytes) -> float:
    return len(pcm) / 2 / SAMPLE_RATE


# --- 1 to 3. utterances on each screen -----------------------------------------------------------------------


@dataclass
class Trial:
    grammar: Grammar
    choice: str | None  # what the citizen meant; None for unrelated speech
    phrase: str
    setting: VoiceSetting
    condition: str
    heard: list[Transcript] = field(default_factory=list)
    decided: str | None = None
    confirmed: str = ""  # "acted", "cancelled", "unanswered", or "" (no question asked)

    @property
    def outcome(self) -> str:
        if self.decided is None:
            return "rejected"
        return "right" if self.decided == self.choice else "wrong"

    @property
    def acts_at_once(self) -> bool:
        """Acted on without a yes/no question (a no to a voice confirmation only cancels it)."""
        if self.decided is None:
            return False
        if self.grammar.answers_only:
            return self.decided == "yes"
        return self.decided in IMMEDIATE or self.decided in ANSWERS

    @property
    def acted(self) -> bool:
        return self.acts_at_once or self.confirmed == "acted"

    @property
    def wrong_action(self) -> bool:
        return self.acted and self.decided != self.choice


def question_grammar() -> Grammar:
    with fresh_kiosk() as kiosk:
        touch(kiosk, "service:tax-square")
        touch(kiosk, "consult")
        return kiosk_grammar(kiosk, QUESTION_SCREEN)


def screen_grammars() -> dict[str, Grammar]:
    found = {grammar.screen: grammar for grammar in grammars(None)}
    answers = found.pop(ANSWERS_SCREEN)
    return {**found, QUESTION_SCREEN: question_grammar(), ANSWERS_SCREEN: answers}


def option_trials(grammar: Grammar, takes: Sequence[str]) -> list[Trial]:
    trials = []
    pairs = [(choice, phrase) for choice, phrases in grammar.choices.items() for phrase in phrases]
    for index, (choice, phrase) in enumerate(pairs):
        for take, condition in enumerate(takes):
            setting = SETTINGS[(index + take) % len(SETTINGS)]
            trials.append(Trial(grammar, choice, phrase, setting, condition))
    return trials


def unrelated_trials(grammar: Grammar) -> list[Trial]:
    return [
        Trial(grammar, None, text, SETTINGS[index % len(SETTINGS)], CONDITIONS[index % len(CONDITIONS)])
        for index, text in enumerate(UNRELATED)
    ]


def hear_trials(trials: Sequence[Trial], listeners: Listeners, mouth: Mouth) -> None:
    by_grammar: dict[str, list[Trial]] = {}
    for trial in trials:
        by_grammar.setdefault(trial.grammar.screen, []).append(trial)
    for group in by_grammar.values():
        clips = [mouth.say(t.phrase, t.setting, t.condition) for t in group]
        for trial, heard in zip(group, listeners.hear_all(group[0].grammar, clips), strict=True):
            trial.heard = heard
            trial.decided = trial.grammar.decide(heard)


def confirm(trials: Sequence[Trial], answers: Grammar, listeners: Listeners, mouth: Mouth, reply: Callable) -> None:
    """The yes/no question after each accepted option that does not act at once; ``reply(trial, attempt)`` is what
    the citizen says to it."""
    asked = [t for t in trials if t.decided is not None and not t.acts_at_once and not t.grammar.answers_only]
    for attempt in range(CONFIRM_TRIES):
        if not asked:
            return
        clips = [mouth.say(reply(t, attempt), t.setting, t.condition) for t in asked]
        for trial, heard in zip(asked, listeners.hear_all(answers, clips), strict=True):
            said = answers.decide(heard)
            trial.confirmed = {"yes": "acted", "no": "cancelled"}.get(said or "", "unanswered")
        asked = [t for t in asked if t.confirmed == "unanswered"]


def citizen_reply(trial: Trial, attempt: int) -> str:
    return CONFIRM_YES if trial.decided == trial.choice else CONFIRM_NO


def bystander_reply(trial: Trial, attempt: int) -> str:
    """The conversation goes on: the sentence after this one."""
    return UNRELATED[(UNRELATED.index(trial.phrase) + 1 + attempt) % len(UNRELATED)]


# --- 4. variants ---------------------------------------------------------------------------------------------


def rescored(trials: Sequence[Trial], acceptance: Acceptance) -> Counter[str]:
    counts: Counter[str] = Counter()
    for trial in trials:
        decided = trial.grammar.decide(trial.heard, acceptance)
        if trial.choice is None:
            counts["unrelated accepted"] += decided is not None
            counts["unrelated"] += 1
        else:
            counts["utterances"] += 1
            counts["right" if decided == trial.choice else "rejected" if decided is None else "wrong"] += 1
    return counts


class FreshListener(Listener):
    """A new recogniser for every clip: no speaker adaptation carried over from the clips heard before."""

    def __init__(self, model: vosk.Model) -> None:
        super().__init__(model)
        self.model = model

    def hear(self, grammar: Grammar, pcm: bytes) -> list[Transcript]:
        self.recogniser = Recogniser(self.model)
        return super().hear(grammar, pcm)


def variant_listeners(name: str) -> Listeners:
    model = models.load_model("ko")
    listeners = Listeners(model)
    if name == FRESH_VARIANT:
        listeners.all = [FreshListener(model) for _ in listeners.all]
    return listeners


def decoder_variants(option: Sequence[Trial], unrelated: Sequence[Trial], mouth: Mouth) -> dict[str, Counter[str]]:
    clean = [t for t in option if t.condition == "clean"]
    results = {}
    saved = dict(models.DECODER_SETTINGS)
    try:
        for name, changes in DECODER_VARIANTS.items():
            models.DECODER_SETTINGS.clear()
            models.DECODER_SETTINGS.update({} if changes is None else {**saved, **changes})
            listeners = variant_listeners(name)
            copies = [Trial(t.grammar, t.choice, t.phrase, t.setting, t.condition) for t in (*clean, *unrelated)]
            hear_trials(copies, listeners, mouth)
            results[name] = rescored(copies, STRICT)
            del listeners
    finally:
        models.DECODER_SETTINGS.clear()
        models.DECODER_SETTINGS.update(saved)
    return results


# --- 5. voice-only journeys ----------------------------------------------------------------------------------


@dataclass
class Journey:
    name: str
    steps: tuple[str, ...]
    screens: tuple[str, ...]  # the screen before each step, then the goal
    setting: VoiceSetting
    condition: str
    turns: int = 0
    citizen_s: float = 0.0
    kiosk_s: float = 0.0
    recognition_s: float = 0.0
    audio_s: float = 0.0
    scanned: bool = False
    wrong_actions: list[str] = field(default_factory=list)
    silent_turns: int = 0  # the kiosk heard nothing at all and said nothing back
    done: bool = False
    tries: Counter[str] = field(default_factory=Counter)
    ended: str = ""  # what the kiosk was doing when the journey ended

    @property
    def seconds(self) -> float:
        return self.citizen_s + self.kiosk_s + self.recognition_s


def journey_screens(steps: Sequence[str]) -> tuple[str, ...]:
    with fresh_kiosk() as kiosk:
        screens = [kiosk.laid_out.screen.id]
        for step in steps:
            touch(kiosk, step)
            screens.append(kiosk.laid_out.screen.id)
        return tuple(screens)


class VoiceCitizen:
    """Someone who can only speak, at an in-process kiosk fed WAV files through the protocol."""

    def __init__(self, journey: Journey, kiosk: Kiosk, mouth: Mouth, folder: Path, speak_s: Callable) -> None:
        self.journey = journey
        self.kiosk = kiosk
        self.mouth = mouth
        self.folder = folder
        self.speak_s = speak_s  # the length of the kiosk's speech events

    def target(self) -> str:
        screen = self.kiosk.laid_out.screen.id
        screens = self.journey.screens
        return self.journey.steps[screens.index(screen)] if screen in screens[:-1] else "back"

    def next_words(self) -> str | None:
        kiosk, journey = self.kiosk, self.journey
        if kiosk.laid_out.screen.id == journey.screens[-1]:
            return None
        target = self.target()
        if kiosk.scan is not None:
            journey.scanned = True
            offered = kiosk.scan.current.element_id
            return self.answer(f"scan:{offered}:{kiosk.scan.rounds}", offered == target)
        if kiosk.pending is not None:
            return self.answer(f"confirm:{kiosk.pending.id}", kiosk.pending.id == target)
        phrases = kiosk.recogniser_choices()[target]
        tries = journey.tries[target]
        journey.tries[target] += 1
        return phrases[(journey.turns + tries) % len(phrases)]

    def answer(self, question: str, yes: bool) -> str:
        """네 or 아니요: the short form first while choices are read, the long one first at a confirmation; the
        other form when the same answer was not understood the time before."""
        forms = (SCAN_YES, CONFIRM_YES) if yes else (SCAN_NO, CONFIRM_NO)
        if question.startswith("confirm"):
            forms = forms[::-1]
        key = f"{self.kiosk.laid_out.screen.id}:{question}"
        tries = self.journey.tries[key]
        self.journey.tries[key] += 1
        return forms[tries % 2]

    def say(self, words: str) -> list[dict]:
        journey = self.journey
        pcm = self.mouth.say(words, journey.setting, journey.condition)
        path = self.folder / f"turn-{journey.turns}.wav"
        write_wav(path, pcm)
        journey.turns += 1
        journey.citizen_s += seconds_of(pcm)
        journey.audio_s += seconds_of(pcm) + 0.5
        started = time.perf_counter()
        try:
            events = self.kiosk.handle(parse(json.dumps({"type": "audio", "path": str(path)})))
        except ProtocolError as error:
            events = self.kiosk.error(error)
        journey.recognition_s += time.perf_counter() - started
        path.unlink()
        return events

    def walk(self) -> Journey:
        journey = self.journey
        while journey.turns < MAX_TURNS:
            words = self.next_words()
            if words is None:
                journey.done = True
                break
            before, target = self.kiosk.laid_out.screen.id, self.target()
            events = self.say(words)
            journey.kiosk_s += sum(self.speak_s(e) for e in events if e["type"] == "speech")
            journey.silent_turns += not any(e["type"] == "heard" for e in events)
            journey.wrong_actions += self.wrong_actions(events, before, target)
        kiosk = self.kiosk
        doing = "reading choices" if kiosk.scan else "asking yes/no" if kiosk.pending else "listening"
        journey.ended = f"{kiosk.laid_out.screen.id}, {doing}"
        return journey

    def wrong_actions(self, events: list[dict], before: str, target: str) -> list[str]:
        after = self.kiosk.laid_out.screen.id
        screens = self.journey.screens
        expected = screens[screens.index(before) + 1] if before in screens[:-1] else None
        wrong = [f"{before} -> {after}"] if after not in (before, expected) and target != "back" else []
        heard = [e["choice"] for e in events if e["type"] == "heard"]
        return wrong + [f"{choice} at once" for choice in heard if choice in IMMEDIATE and choice != target]


def journeys(hearing: VoskHearing, mouth: Mouth, folder: Path, quick: bool) -> list[Journey]:
    synthesiser = Synthesiser(cache_size=2048)

    def speak_s(event: dict) -> float:
        return synthesiser.synthesise(event["text"], event["lang"], event["rate"]).seconds

    plans = []
    for name, steps in JOURNEYS.items():
        screens = journey_screens(steps)
        for index, setting in enumerate(SETTINGS[: 2 if quick else len(SETTINGS)]):
            for condition in ("clean", CONDITIONS[1 + index % 2]):
                plans.append(Journey(name, steps, screens, setting, condition))
    walked = []
    for number, journey in enumerate(plans):
        data = folder / f"journey-{number}"
        kiosk = build_kiosk(data_dir=data, now=NOW, hearing=hearing)
        kiosk.start()
        walked.append(VoiceCitizen(journey, kiosk, mouth, folder, speak_s).walk())
        shutil.rmtree(data, ignore_errors=True)
    return walked


# --- 6. live, over virtual sound devices ---------------------------------------------------------------------


def live_latencies(
    audio: VirtualAudio, hearing: VoskHearing, mouth: Mouth, phrases: Sequence[str], folder: Path
) -> tuple[list[float], str]:
    devices.rescan()
    problems: list[str] = []
    live = LiveVoice(hearing, report=problems.append)
    if live.microphone is None or not live.can_speak:
        live.close()
        return [], "; ".join(problems) or "no audio devices"
    kiosk = build_kiosk(data_dir=folder / "live", now=NOW, hearing=hearing)
    stepper = Stepper(kiosk)
    stepper.followers.append(attach_live_voice(kiosk, live)(stepper.send))
    heard: list[str] = []
    stepper.followers.append(lambda events: heard.extend(e["text"] for e in events if e["type"] == "heard"))
    try:
        stepper.start()
        quiet(live)
        for number in range(LIVE_CLIPS):
            with stepper.lock:
                question = kiosk.pending is not None or kiosk.scan is not None
                away = kiosk.laid_out.screen.id != "home"
            if away:
                stepper.send(Touch("home"))
                quiet(live)
            words = CONFIRM_NO if question else phrases[number % len(phrases)]
            path = folder / f"live-{number}.wav"
            write_wav(path, mouth.say(words, SETTINGS[0], "clean"))
            count = len(live.figures.reply_latencies)
            audio.feed(path)
            deadline = time.monotonic() + 5
            while len(live.figures.reply_latencies) == count and time.monotonic() < deadline:
                time.sleep(0.02)
            live.speaker.interrupt()  # the reply has started: the rest of it is not measured
            quiet(live)
    finally:
        live.close()
    return [s * 1000 for s in live.figures.reply_latencies], f"{len(heard)} utterances heard of {LIVE_CLIPS} fed"


def quiet(live: LiveVoice, settle: float = 0.4) -> None:
    live.speaker.wait_until_quiet(timeout=60)
    time.sleep(settle)
    live.speaker.wait_until_quiet(timeout=60)


# --- 7. start-up and memory ----------------------------------------------------------------------------------


@dataclass
class Start:
    sound_s: float | None = None  # launch to the first loud sample on the virtual speaker
    speech_event_s: float | None = None  # launch to the first speech event on stdout
    screen_s: float | None = None
    memory_kib: dict[str, int] = field(default_factory=dict)
    problem: str = ""


def first_loud(path: Path, threshold: float = 0.01) -> int | None:
    samples = as_float(path.read_bytes()[: path.stat().st_size // 2 * 2])
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return int(loud[0]) if loud.size else None


def start_once(audio: VirtualAudio, folder: Path, clip: Path) -> Start:
    result = Start()
    lines: list[tuple[float, dict]] = []
    command = [
        str(MADANG),
        "kiosk",
        "--mode",
        "headless",
        "--audio",
        "--data-dir",
        str(folder),
        "--today",
        "2026-06-15",
    ]
    with audio.capture() as capture, (folder.parent / f"{folder.name}.log").open("w") as log:
        launched = time.monotonic()
        process = subprocess.Popen(
            command, env={**os.environ, **audio.env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            text=True,
        )  # fmt: skip
        reader = threading.Thread(target=lambda: read_lines(process, lines), daemon=True)
        reader.start()
        try:
            deadline = launched + 30
            while result.sound_s is None and time.monotonic() < deadline:
                index = first_loud(capture.path)
                if index is not None:
                    result.sound_s = capture.began_at + index / capture.rate - launched
                time.sleep(0.02)
            result.speech_event_s = first_time(lines, "speech", launched)
            result.screen_s = first_time(lines, "screen", launched)
            process.stdin.write(json.dumps({"type": "audio", "path": str(clip)}) + "\n")
            process.stdin.flush()
            deadline = time.monotonic() + 30
            while first_time(lines, "heard", launched) is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if first_time(lines, "heard", launched) is None:
                result.problem = "the kiosk did not hear the clip sent to it"
            status = Path(f"/proc/{process.pid}/status").read_text().splitlines()
            fields = dict(line.split(":", 1) for line in status if ":" in line)
            result.memory_kib = {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}
        finally:
            try:
                process.stdin.write('{"type":"quit"}\n')
                process.stdin.close()
                process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
    return result


def read_lines(process: subprocess.Popen, lines: list[tuple[float, dict]]) -> None:
    for line in process.stdout:
        lines.append((time.monotonic(), json.loads(line)))


def first_time(lines: list[tuple[float, dict]], kind: str, since: float) -> float | None:
    return next((at - since for at, event in list(lines) if event["type"] == kind), None)


# --- the run -------------------------------------------------------------------------------------------------


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part} of {whole})" if whole else "  -   (none)"


def ms_percentiles(values: Sequence[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):6.0f} ms  p95 {p95:6.0f} ms  max {ordered[-1]:6.0f} ms  (n={len(ordered)})"


def goal(name: str, met: bool | None) -> str:
    verdict = "not measured" if met is None else "meets it" if met else "MISSES it"
    return f"   goal: {GOALS[name]} -> {verdict}"


def print_first_try(option: Sequence[Trial], answer_trials: Sequence[Trial], left_out: set[str]) -> None:
    screens = len({t.grammar.screen for t in option})
    print(f"1. First try: {len(option)} option and command utterances on {screens} screens, by condition")
    hearable = [t for t in option if t.phrase not in left_out]
    for condition in ("all", *CONDITIONS, "hearable"):
        chosen = hearable if condition == "hearable" else [t for t in option if condition in ("all", t.condition)]
        counts = Counter(t.outcome for t in chosen)
        print(
            f"  {condition:<8} accepted and right {share(counts['right'], len(chosen))}  rejected "
            f"{share(counts['rejected'], len(chosen))}  wrong before confirmation {share(counts['wrong'], len(chosen))}"
        )
    print(f"  (hearable: without the {len(left_out)} phrases the recogniser leaves out, as they have a word the model "
          f"does not know: {', '.join(sorted(left_out)[:3])}...)")  # fmt: skip
    print("  by screen (all conditions)")
    for screen in dict.fromkeys(t.grammar.screen for t in option):
        chosen = [t for t in option if t.grammar.screen == screen]
        counts = Counter(t.outcome for t in chosen)
        print(
            f"    {screen:<26} right {share(counts['right'], len(chosen))}  rejected "
            f"{share(counts['rejected'], len(chosen))}  wrong {share(counts['wrong'], len(chosen))}"
        )
    never = sorted(
        {(t.grammar.screen, t.phrase) for t in option}
        - {(t.grammar.screen, t.phrase) for t in option if t.outcome == "right"}
    )
    print(f"  phrases never accepted as their choice in any of their {len(TAKES)} takes: {len(never)}")
    print("    " + ", ".join(f"{phrase} ({screen})" for screen, phrase in never))
    counts = Counter(t.outcome for t in answer_trials)
    swapped = Counter((t.choice, t.decided) for t in answer_trials if t.outcome == "wrong")
    n = len(answer_trials)
    print(
        f"  yes/no at a voice confirmation ({n}): right {share(counts['right'], n)}  rejected "
        f"{share(counts['rejected'], n)}  swapped {share(counts['wrong'], n)} {dict(swapped) or ''}"
    )


def print_confirmation(option: Sequence[Trial], answer_trials: Sequence[Trial]) -> None:
    everything = [*option, *answer_trials]
    wrong = [t for t in everything if t.wrong_action]
    right = sum(t.acted and t.decided == t.choice for t in option)
    cancelled_right = sum(t.confirmed == "cancelled" and t.decided == t.choice for t in option)
    unanswered = sum(t.confirmed == "unanswered" for t in option)
    caught = sum(t.confirmed == "cancelled" and t.decided != t.choice for t in option)
    print("2. After the yes/no confirmation (the citizen answers '네 맞아 요' or '아니요 틀려 요')")
    print(f"  options acted on, right                 {share(right, len(option))}")
    print(f"  wrong choices caught by the question     {share(caught, sum(t.outcome == 'wrong' for t in option))}")
    print(f"  right choices cancelled (heard no)       {share(cancelled_right, len(option))}")
    print(f"  question unanswered after {CONFIRM_TRIES} tries        {share(unanswered, len(option))}")
    harmless = sum(t.decided in PRESENTATION_COMMANDS for t in wrong)
    print(f"  wrong actions (of every utterance)       {share(len(wrong), len(everything))}")
    print(f"    of which presentation commands acting at once (repeat, slower...): {harmless}; the rest: "
          f"{share(len(wrong) - harmless, len(everything))}")  # fmt: skip
    for trial in wrong:
        how = "at once" if trial.acts_at_once else "after a yes"
        print(f"    {trial.grammar.screen}: {trial.phrase!r} -> {trial.decided} ({how}; {trial.condition})")
    print(goal("wrong", len(wrong) <= 0.005 * len(everything)))


def print_unrelated(unrelated: Sequence[Trial]) -> None:
    accepted = [t for t in unrelated if t.decided is not None]
    acted = [t for t in unrelated if t.acted]
    print(f"3. Unrelated speech: {len(UNRELATED)} everyday sentences on {len(UNRELATED_SCREENS)} screens")
    print(f"  accepted as a choice                     {share(len(accepted), len(unrelated))}")
    print(f"  accepted and then acted (should be ~0)   {share(len(acted), len(unrelated))}")
    for trial in accepted:
        print(f"    {trial.grammar.screen}: {trial.phrase!r} heard {trial.heard[0].text!r} -> {trial.decided}"
              f"{' (acted)' if trial.acted else ''}")  # fmt: skip


def print_variants(title: str, results: dict[str, Counter[str]]) -> None:
    print(title)
    for name, counts in results.items():
        n = counts["utterances"]
        print(
            f"  {name:<50} right {share(counts['right'], n)}  wrong {share(counts['wrong'], n)}  "
            f"unrelated accepted {share(counts['unrelated accepted'], counts['unrelated'])}"
        )


def print_journeys(walked: Sequence[Journey]) -> None:
    done = [j for j in walked if j.done]
    print(f"5. Voice-only journeys: {len(walked)} ({len(JOURNEYS)} goals x voices x clean/noisy)")
    print(f"  completed                                {share(len(done), len(walked))}")
    print(goal("journeys", len(done) >= 0.95 * len(walked)))
    if done:
        seconds = sorted(j.seconds for j in done)
        print(
            f"  time to the goal: median {statistics.median(seconds):5.1f} s, max {seconds[-1]:5.1f} s "
            f"(citizen audio {statistics.median(j.citizen_s for j in done):.1f} s + kiosk speech "
            f"{statistics.median(j.kiosk_s for j in done):.1f} s + recognition "
            f"{statistics.median(j.recognition_s for j in done):.2f} s, medians)"
        )
        print(f"  turns: median {statistics.median(j.turns for j in done):.0f}, max {max(j.turns for j in done)}; "
              f"voice scanning used in {sum(j.scanned for j in walked)} journeys")  # fmt: skip
    for condition in CONDITIONS:
        group = [j for j in walked if j.condition == condition]
        print(f"  {condition:<7} completed {share(sum(j.done for j in group), len(group))}")
    wrong = [action for j in walked for action in j.wrong_actions]
    print(f"  wrong actions on the way: {len(wrong)} {wrong or ''}")
    for name in JOURNEYS:
        group = [j for j in walked if j.name == name]
        finished = [j.seconds for j in group if j.done]
        median = f"median {statistics.median(finished):5.1f} s" if finished else "-"
        print(f"    {name:<28} {sum(j.done for j in group)}/{len(group)} done, {median}, "
              f"turns {[j.turns for j in group]}")  # fmt: skip
    for journey in walked:
        if not journey.done:
            print(f"    not completed: {journey.name}, {journey.setting.label('ko')}, {journey.condition}: after "
                  f"{journey.turns} turns ({journey.silent_turns} heard as nothing) on {journey.ended}")  # fmt: skip


def print_live(latencies: Sequence[float], note: str) -> None:
    print(f"6. Live over virtual audio: end of speech to the first sound of the reply ({note})")
    print(f"  {ms_percentiles(latencies)}")
    print(goal("reply", statistics.median(latencies) <= 500 if latencies else None))


def print_starts(starts: Sequence[Start]) -> None:
    print(f"7. Start-up of `madang kiosk --mode headless --audio` ({len(starts)} runs) and its memory")
    sounds = [s.sound_s for s in starts if s.sound_s is not None]
    events = [s.speech_event_s for s in starts if s.speech_event_s is not None]
    if sounds:
        print(
            f"  launch to the greeting heard on the virtual speaker: median {statistics.median(sounds):.2f} s "
            f"(min {min(sounds):.2f}, max {max(sounds):.2f})"
        )
    if events:
        print(f"  launch to the greeting's speech event on stdout:     median {statistics.median(events):.2f} s")
    print(goal("startup", statistics.median(sounds) <= 3.0 if sounds else None))
    memory = [s.memory_kib for s in starts if s.memory_kib]
    if memory:
        rss = statistics.median(m["VmRSS"] for m in memory) / 1024
        peak = max(m["VmHWM"] for m in memory) / 1024
        print(f"  resident memory with the model loaded: VmRSS median {rss:.0f} MiB, peak VmHWM {peak:.0f} MiB")
    for problem in {s.problem for s in starts if s.problem}:
        print(f"  note: {problem}")


@contextmanager
def virtual_audio(wanted: bool) -> Iterator[VirtualAudio | None]:
    """A private PulseAudio server as this process's sound devices, started before sounddevice is first imported
    (PortAudio lists devices once); None when not wanted or its tools are missing."""
    if not wanted:
        yield None
        return
    missing = missing_tools()
    if missing:
        print(f"(virtual audio skipped: {', '.join(missing)} missing)")
        yield None
        return
    try:
        audio = VirtualAudio().start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        print(f"(virtual audio skipped: {error})")
        yield None
        return
    try:
        with audio.as_default():
            yield audio
    finally:
        audio.stop()


def unavailable() -> str | None:
    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed (sudo apt-get install espeak-ng)"
    try:
        model_source("ko")
    except ModelUnavailable as error:
        return str(error)
    return None


def left_out(trials: Sequence[Trial], listeners: Listeners) -> set[str]:
    """The phrases the recogniser drops from its grammar: a word the model does not know."""
    unknown = {word for grammar in {t.grammar.screen: t.grammar for t in trials}.values()
               for word in listeners.unknown_words(grammar)}  # fmt: skip
    return {t.phrase for t in trials if set(NOT_WORD.sub(" ", t.phrase.casefold()).split()) & unknown}


def utterances(
    option: list[Trial], answer_trials: list[Trial], unrelated: list[Trial], listeners: Listeners, mouth: Mouth
) -> None:
    """Sections 1 to 4."""
    answers = answer_trials[0].grammar
    hear_trials([*option, *answer_trials, *unrelated], listeners, mouth)
    confirm(option, answers, listeners, mouth, citizen_reply)
    confirm(unrelated, answers, listeners, mouth, bystander_reply)
    snrs = mouth.snrs
    print(
        f"Citizens: espeak-ng, {len(SETTINGS)} settings ({'; '.join(s.label('ko') for s in SETTINGS)}); "
        f"noisy clips mixed at {min(snrs):.2f} to {max(snrs):.2f} dB SNR ({len(snrs)} clips)"
    )
    print_first_try(option, answer_trials, left_out(option, listeners))
    print_confirmation(option, answer_trials)
    print_unrelated(unrelated)
    variants = {name: rescored([*option, *unrelated], a) for name, a in ACCEPTANCE_VARIANTS.items()}
    print_variants("4. Acceptance variants on the same transcripts (before confirmation)", variants)


def took(since: float) -> float:
    print(f"   (this part took {time.monotonic() - since:.0f} s)")
    return time.monotonic()


def run(audio: VirtualAudio | None, folder: Path, quick: bool) -> None:
    clock = time.monotonic()
    hearing = VoskHearing()
    listeners = Listeners(hearing.model("ko"))
    mouth = Mouth(Espeak("ko", folder))
    screens = screen_grammars()
    answers = screens.pop(ANSWERS_SCREEN)
    takes = TAKES[::2] if quick else TAKES
    option = [t for grammar in screens.values() for t in option_trials(grammar, takes)]
    answer_trials = option_trials(answers, takes * 2)
    unrelated = [
        t for screen in UNRELATED_SCREENS for t in unrelated_trials({**screens, ANSWERS_SCREEN: answers}[screen])
    ]
    utterances(option, answer_trials, unrelated, listeners, mouth)
    clock = took(clock)
    if "--decoder-variants" in sys.argv:
        title = "   Decoder variants (clean utterances and unrelated speech, kiosk acceptance)"
        print_variants(title, decoder_variants(option, unrelated, mouth))
        clock = took(clock)
    walked = journeys(hearing, mouth, folder, quick)
    print_journeys(walked)
    journey_rtf = sum(j.recognition_s for j in walked) / sum(j.audio_s for j in walked)
    print(
        f"   real-time factor of recognition: {listeners.real_time_factor:.3f} per clip in 1.-4. "
        f"({len(listeners.all)} recognisers in parallel on {os.cpu_count()} cores), "
        f"{journey_rtf:.3f} in the journeys (the whole audio message, one at a time)"
    )
    clock = took(clock)
    if audio is None:
        print("6. and 7. skipped (no virtual audio)")
        return
    home = [t.phrase for t in option if t.grammar.screen == "home" and t.outcome == "right"]
    try:
        latencies, note = live_latencies(audio, hearing, mouth, list(dict.fromkeys(home)), folder)
        print_live(latencies, note)
        clip = folder / "startup-clip.wav"
        write_wav(clip, mouth.say("도움말", SETTINGS[0], "clean"))
        print_starts([start_once(audio, folder / f"start-{n}", clip) for n in range(1 if quick else STARTS)])
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:  # figures only: say why one is missing
        print(f"6. or 7. stopped: {error}")
    took(clock)


def main() -> None:
    began = time.monotonic()
    reason = unavailable()
    if reason:
        print(f"voice benchmark skipped: {reason}")
        return
    folder = Path(tempfile.mkdtemp(prefix="madang-voice-bench-"))
    try:
        with virtual_audio("--no-live" not in sys.argv) as audio:
            run(audio, folder, "--quick" in sys.argv)
    except SelftestUnavailable as error:
        print(f"voice benchmark skipped: {error}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"(the whole benchmark took {time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
