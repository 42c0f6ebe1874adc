"""Vosk in grammar mode: the recogniser hears only the phrases it is given, one utterance at a time."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import vosk

_NOT_WORD = re.compile(r"[^\w]+")
SAMPLE_RATE = 16_000  # what the models are trained on; microphones and files are resampled to it


@dataclass(frozen=True)
class Transcript:
    text: str
    confidences: tuple[float, ...] = ()  # one per word

    @property
    def empty(self) -> bool:
        return not self.text.strip()


def parse_result(result: str) -> Transcript:
    data = json.loads(result)
    words = data.get("result") or []
    return Transcript(data.get("text", "").strip(), tuple(float(word.get("conf", 0.0)) for word in words))


class Recogniser:
    """One stream of 16 kHz mono 16-bit audio; ``listen_for`` sets the phrases of the next utterance."""

    def __init__(self, model: vosk.Model, phrases: Sequence[str] = ()) -> None:
        import vosk

        self._model = model
        self._recognizer = vosk.KaldiRecognizer(model, SAMPLE_RATE)
        self._recognizer.SetWords(True)
        self._known: dict[str, bool] = {}
        self.phrases: tuple[str, ...] = ()
        if phrases:
            self.listen_for(phrases)

    def knows(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = self._model.vosk_model_find_word(word) >= 0
        return self._known[word]

    def audible(self, phrase: str) -> str | None:
        """The phrase as the model can hear it (punctuation dropped), or None if it has a word the model lacks.

        Vosk would silently drop the unknown word and listen for the rest, which then matches other speech.
        """
        words = _NOT_WORD.sub(" ", phrase.casefold()).split()
        return " ".join(words) if words and all(self.knows(word) for word in words) else None

    def listen_for(self, phrases: Sequence[str]) -> None:
        """Only these phrases from now on; phrases with a word the model does not know are left out."""
        heard = (self.audible(phrase) for phrase in phrases)
        phrases = tuple(dict.fromkeys(phrase for phrase in heard if phrase))
        if phrases != self.phrases:
            self.phrases = phrases
            self._recognizer.SetGrammar(json.dumps(list(phrases), ensure_ascii=False))
        self._recognizer.Reset()

    def accept(self, pcm: bytes) -> Transcript | None:
        """Feed audio; a transcript when the utterance has ended (the model's endpoint), else None."""
        if self._recognizer.AcceptWaveform(pcm):
            return parse_result(self._recognizer.Result())
        return None

    def heard_something(self) -> bool:
        """Whether the utterance in progress has produced words yet (for barge-in)."""
        return bool(json.loads(self._recognizer.PartialResult()).get("partial"))

    def finish(self) -> Transcript:
        """The transcript of whatever was fed since the last result (end of a file, or a cut-off stream)."""
        return parse_result(self._recognizer.FinalResult())

    def transcribe(self, pcm: bytes, chunk: int = 8000) -> list[Transcript]:
        """Every utterance in a whole clip, in order (usually one), without empty ones."""
        heard = []
        for start in range(0, len(pcm), chunk):
            transcript = self.accept(pcm[start : start + chunk])
            if transcript is not None and not transcript.empty:
                heard.append(transcript)
        last = self.finish()
        if not last.empty:
            heard.append(last)
        return heard
