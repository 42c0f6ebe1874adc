"""Speech synthesis to a buffer: libespeak-ng through pyttsx3's binding, one engine per process, results cached.

pyttsx3's ``say()`` is never used: it shells out to ``aplay`` and cannot be timed or interrupted. The kiosk plays
the returned ``Speech`` itself (``madang.voice.speaker``), so it can time it, cut it off and mute the microphone.
"""

from __future__ import annotations

import ctypes
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .spoken_forms import for_speech

VOICES = {"ko": "ko", "en": "en-us"}
NORMAL_WPM = {"ko": 170, "en": 175}  # espeak-ng words per minute at spoken_rate 1.0
MIN_WPM, MAX_WPM = 80, 450  # what espeak-ng accepts
TRAILING_SILENCE_S = 0.1  # espeak-ng ends every text with ~0.3 s of silence; keep a short natural pause
SILENCE_LEVEL = 0.003
INSTALL_HINT = "sudo apt-get install espeak-ng libespeak-ng1"


class TtsUnavailable(RuntimeError):  # noqa: N818 - the kiosk's name for it
    """Speech cannot be synthesised; the message says what to install or fix."""


@dataclass(frozen=True, eq=False)
class Speech:
    samples: np.ndarray = field(repr=False)  # float32 mono in [-1, 1], read-only (cached speech is shared)
    sample_rate: int
    text: str  # as given, before spoken forms
    lang: str

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


def words_per_minute(lang: str, rate: float) -> int:
    """The kiosk's ``spoken_rate`` (0.5 to 2.0 times normal) as espeak-ng words per minute."""
    return round(min(MAX_WPM, max(MIN_WPM, NORMAL_WPM.get(lang, 175) * rate)))


# libespeak-ng is one library state per process: one engine, one lock, shared by every Synthesiser.
_engine_lock = threading.RLock()
_engine: _Engine | None = None


class _Engine:
    """libespeak-ng through pyttsx3's ctypes binding, in synchronous mode: ``synth`` returns the finished audio.

    pyttsx3's own run loop (``save_to_file`` + ``runAndWait``) was not reliable here: it runs espeak-ng
    asynchronously, so a rate set just before ``runAndWait`` was often cancelled by the loop's own stop call, the
    loop returns about 10 ms after synthesis starts (before a long text's file is written), and a stale stop flag
    made a later utterance end as "not completed".
    """

    def __init__(self) -> None:
        from pyttsx3.drivers import _espeak

        self.espeak = _espeak
        self.sample_rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 500)
        if self.sample_rate <= 0:
            raise RuntimeError("libespeak-ng could not start: its voice data (espeak-ng-data) is missing")
        try:  # a pyttsx3 engine made later in this process must not start espeak-ng a second time
            from pyttsx3.drivers.espeak import EspeakDriver

            EspeakDriver._moduleInitialized = True
            EspeakDriver._defaultVoice = "en-us"
        except ImportError:
            pass
        self._chunks: list[bytes] = []

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def synth(self, text: str, voice: str, wpm: int) -> np.ndarray:
        espeak = self.espeak
        if espeak.SetVoiceByName(voice.encode()) != 0:
            raise TtsUnavailable(f"espeak-ng has no voice {voice!r}: install it with `{INSTALL_HINT}`")
        espeak.SetParameter(espeak.RATE, wpm, 0)
        espeak.SetParameter(espeak.VOLUME, 100, 0)
        self._chunks = []
        espeak.SetSynthCallback(self._collect)  # the callback is global to the process: set it every time
        if espeak.Synth(text, flags=espeak.CHARS_UTF8 | espeak.ENDPAUSE) != 0:
            raise TtsUnavailable(f"espeak-ng could not speak {text!r}: reinstall it with `{INSTALL_HINT}`")
        espeak.Synchronize()  # returns at once in synchronous mode; waits if someone switched espeak-ng to async
        pcm = b"".join(self._chunks)
        return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _get_engine() -> _Engine:
    global _engine  # noqa: PLW0603
    if _engine is None:
        try:
            _engine = _Engine()
        except Exception as error:  # missing library or voice data: ImportError, OSError or RuntimeError
            raise TtsUnavailable(f"speech output is unavailable ({error}): install it with `{INSTALL_HINT}`") from None
    return _engine


class Synthesiser:
    """Text to ``Speech`` in Korean ("ko") or English ("en"); safe to call from several threads."""

    def __init__(self, cache_size: int = 128, voices: Mapping[str, str] | None = None) -> None:
        self.cache_size = cache_size
        self.voices = {**VOICES, **(voices or {})}  # espeak-ng voice names by language; a site may choose others
        self._cache: OrderedDict[tuple[str, str, float], Speech] = OrderedDict()
        with _engine_lock:
            _get_engine()

    def synthesise(self, text: str, lang: str = "ko", rate: float = 1.0) -> Speech:
        if lang not in self.voices:
            raise ValueError(f"no voice for language {lang!r}: Madang speaks {' or '.join(self.voices)}")
        key = (text, lang, round(rate, 2))
        with _engine_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            speech = self._synthesise(text, lang, rate)
            self._cache[key] = speech
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return speech

    __call__ = synthesise

    def _synthesise(self, text: str, lang: str, rate: float) -> Speech:
        spoken = for_speech(text, lang)
        if not spoken.strip():
            return Speech(_read_only(np.zeros(0, np.float32)), 22050, text, lang)
        engine = _get_engine()
        samples = engine.synth(spoken, self.voices[lang], words_per_minute(lang, rate))
        if not samples.any():
            raise TtsUnavailable(f"espeak-ng produced no audio for {text!r}: reinstall it with `{INSTALL_HINT}`")
        sample_rate = engine.sample_rate
        return Speech(_read_only(_trim_end(samples, sample_rate)), sample_rate, text, lang)


def _trim_end(samples: np.ndarray, rate: int) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > SILENCE_LEVEL)
    if loud.size == 0:
        return samples
    return samples[: min(len(samples), int(loud[-1]) + 1 + int(TRAILING_SILENCE_S * rate))]


def _read_only(samples: np.ndarray) -> np.ndarray:
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    samples.setflags(write=False)
    return samples
