"""The kiosk's live voice: what it says goes to the speaker, what the microphone hears goes to the kiosk.

Each part that is missing (speaker, microphone, speech synthesis, the model) is reported once, in words that
say what to do, and the kiosk runs without it: captions always work, and touch and keys always work.
The microphone is ignored while the kiosk speaks, unless the citizen talks over it (barge-in), which stops
the speech and keeps what they said.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from madang.kiosk.app import Kiosk
from madang.kiosk.hearing import Heard, Listening, Spoken
from madang.kiosk.stepper import Voice

from .devices import AudioUnavailable
from .hearing import VoskHearing
from .microphone import CHUNK_SECONDS, Microphone, level
from .recogniser import Recogniser
from .speaker import Speaker
from .tts import Speech, Synthesiser, TtsUnavailable

BARGE_IN_DBFS = -35.0  # a citizen talking over the kiosk, close to the microphone
BARGE_IN_S = 0.24  # of loud input before the kiosk stops talking
VOICED_DBFS = -45.0  # input above this level (and well above the room's noise) counts as speech
ABOVE_NOISE_DB = 12.0  # how far above the room's noise floor speech must be
MIN_SPEECH_S = 0.3  # voiced audio that the recogniser makes nothing of counts as speech only this long
END_SILENCE_S = 0.4  # of quiet after speech ends the utterance, if the model has not ended it sooner
LOOKBACK_CHUNKS = 5  # audio kept from before a barge-in, so the start of the words is not lost


@dataclass
class VoiceFigures:
    """Timings for the benchmark and the logs (seconds)."""

    reply_latencies: list[float] = field(default_factory=list)  # end of speech -> first sound of the reply


class LiveVoice:
    def __init__(
        self,
        hearing: VoskHearing,
        *,
        microphone: str | None = None,
        speaker: str | None = None,
        report: Callable[[str], None] = print,
    ) -> None:
        self.hearing = hearing
        self.report = report
        self.figures = VoiceFigures()
        self.problems: list[str] = []
        self.tts = self._part("speech output", Synthesiser)
        self.speaker = self._part("speech output", lambda: Speaker(speaker, on_start=self._reply_started))
        self.microphone = self._part("voice input", lambda: Microphone(microphone))
        self._listening = Listening("ko", (), "the kiosk has not started yet")
        self._awaiting_reply: float | None = None
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def _part(self, what: str, make: Callable):
        try:
            return make()
        except (AudioUnavailable, TtsUnavailable) as error:
            message = f"{what} is off: {error}"
            self.problems.append(message)
            self.report(message)
            return None

    @property
    def can_speak(self) -> bool:
        return self.tts is not None and self.speaker is not None

    # ------------------------------------------------------------------ speaking
    def follow(self, events: list[dict], listening: Listening, volume: float) -> None:
        """After each kiosk step: say its speech events, and listen for what its screen listens for now."""
        if listening.off is not None and listening.off != self._listening.off and listening.lang == "ko":
            self.report(f"voice input is off: {listening.off}")
        self._listening = listening
        if not self.can_speak:
            return
        self.speaker.volume = volume
        if any(event["type"] == "screen" for event in events) and any(e["type"] == "speech" for e in events):
            self.speaker.interrupt()  # like a screen reader: what is said about the old screen stops
        for event in events:
            if event["type"] == "speech":
                self.speak(event["text"], event["lang"], event["rate"])

    def speak(self, text: str, lang: str, rate: float) -> None:
        try:
            speech = self.tts.synthesise(text, lang, rate)
        except TtsUnavailable as error:
            self.report(f"speech output failed: {error}")
            return
        self.speaker.say(speech)

    def awaiting_reply(self, speech_ended_at: float) -> None:
        self._awaiting_reply = speech_ended_at

    def _reply_started(self, _speech: Speech, started_at: float) -> None:
        awaited, self._awaiting_reply = self._awaiting_reply, None
        if awaited is not None:
            self.figures.reply_latencies.append(started_at - awaited)

    # ------------------------------------------------------------------ listening
    def start(self, deliver: Callable[[Spoken], None]) -> None:
        """Listen on a thread of its own; ``deliver`` is called with each utterance heard."""
        if self.microphone is None:
            return
        try:
            self.microphone.start()
        except AudioUnavailable as error:
            self.report(f"voice input is off: {error}")
            self.microphone = None
            return
        self._thread = threading.Thread(target=self._listen, args=(deliver,), name="madang-listen", daemon=True)
        self._thread.start()

    def _listen(self, deliver: Callable[[Spoken], None]) -> None:
        ear = _Ear(self)
        while not self._stopped.is_set():
            chunk = self.microphone.read(timeout=0.2)
            if chunk is not None:
                spoken = ear.hear(chunk, self._listening)
                if spoken is not None:
                    deliver(spoken)

    def close(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for part in (self.microphone, self.speaker):
            if part is not None:
                part.close()


class _Ear:
    """The listening thread's state: one utterance at a time, in the grammar in force when it began."""

    def __init__(self, voice: LiveVoice) -> None:
        self.voice = voice
        self.recognisers: dict[str, Recogniser] = {}
        self.lookback: deque[bytes] = deque(maxlen=LOOKBACK_CHUNKS)
        self.loud = 0.0
        self.listening: Listening | None = None  # of the utterance in progress
        self.voiced_at: float | None = None  # the end of the last chunk with speech in this utterance
        self.voiced_s = 0.0  # how much of this utterance was voiced
        self.noise_floor = VOICED_DBFS - ABOVE_NOISE_DB  # follows the room: quickly down, slowly up

    def hear(self, chunk: bytes, listening: Listening) -> Spoken | None:
        if listening.off is not None:
            self.listening = None
            return None
        now = time.monotonic()
        chunk_level = level(chunk)
        speaker = self.voice.speaker
        if speaker is not None and speaker.speaking and self.voiced_at is None:
            self.lookback.append(chunk)
            self.loud = self.loud + CHUNK_SECONDS if chunk_level > BARGE_IN_DBFS else 0.0
            if self.loud < BARGE_IN_S:
                self.listening = None  # the kiosk's own voice is not listened to
                return None
            speaker.interrupt()  # the citizen talks over the kiosk: stop talking and listen
        self.loud = 0.0
        if self.listening != listening and self.voiced_at is None:
            self.listening = None  # the screen changed before the citizen spoke: the new words apply
        recogniser = self._recogniser(listening)
        if recogniser is None:
            return None
        pieces = [*self.lookback, chunk]
        self.lookback.clear()
        self.noise_floor += (0.5 if chunk_level < self.noise_floor else 0.01) * (chunk_level - self.noise_floor)
        if chunk_level > max(VOICED_DBFS, self.noise_floor + ABOVE_NOISE_DB):
            self.voiced_at = now
            self.voiced_s += CHUNK_SECONDS
        for piece in pieces:
            transcript = recogniser.accept(piece)
            if transcript is not None:
                return self._ended(transcript)
        if self.voiced_at is not None and now - self.voiced_at >= END_SILENCE_S:
            return self._ended(recogniser.finish())  # the room is quiet again: whatever was said is said
        return None

    def _recogniser(self, listening: Listening) -> Recogniser | None:
        recogniser = self.recognisers.get(listening.lang)
        if recogniser is None:
            recogniser = self.voice.hearing.recogniser(listening.lang)
            if recogniser is None:
                return None
            self.recognisers[listening.lang] = recogniser
        if self.listening is None:
            recogniser.listen_for(listening.phrases)
            self.listening = listening
            self.voiced_at = None
            self.voiced_s = 0.0
        return recogniser

    def _ended(self, transcript) -> Spoken | None:
        listening, voiced_at, voiced_s = self.listening, self.voiced_at, self.voiced_s
        self.listening, self.voiced_at = None, None
        if listening is None or (transcript.empty and voiced_s < MIN_SPEECH_S):
            return None  # silence, or a noise too short to be speech
        if voiced_at is not None:
            self.voice.awaiting_reply(voiced_at)
        return Spoken(listening.lang, (Heard(transcript.text, transcript.confidences),))


def attach_live_voice(kiosk: Kiosk, live: LiveVoice) -> Voice:
    """The kiosk loop's hook: start listening into the loop, and follow every step of the kiosk."""

    def attach(deliver: Callable[[Spoken], None]) -> Callable[[list[dict]], None]:
        live.start(deliver)
        return lambda events: live.follow(events, kiosk.listening(), kiosk.profile.volume)

    return attach
