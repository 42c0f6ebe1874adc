"""The kiosk's ``Hearing`` on Vosk: a model per language, loaded once (in the background if asked), and a
recogniser given only the phrases the screen listens for."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from madang.kiosk.hearing import Heard

from .models import ModelUnavailable, load_model
from .recogniser import Recogniser
from .wav import wav_pcm

if TYPE_CHECKING:
    import vosk


class VoskHearing:
    def __init__(self) -> None:
        self._models: dict[str, vosk.Model] = {}
        self._reasons: dict[str, str] = {}
        self._lock = threading.Lock()
        self._file_recognisers: dict[str, Recogniser] = {}
        self._loading: set[str] = set()
        self._loader: threading.Thread | None = None

    def unavailable(self, lang: str) -> str | None:
        if lang in self._loading:  # being loaded in the background: do not hold up the greeting
            return None
        return None if self.model(lang) is not None else self._reasons[lang]

    def model(self, lang: str) -> vosk.Model | None:
        """The language's model, loading it the first time; None (with the reason kept) when it cannot load."""
        with self._lock:
            if lang not in self._models and lang not in self._reasons:
                try:
                    self._models[lang] = load_model(lang)
                except ModelUnavailable as error:
                    self._reasons[lang] = str(error)
            return self._models.get(lang)

    def load_in_background(self, *langs: str) -> threading.Thread:
        """Start loading models while the kiosk greets; the first ``model()`` call waits for it."""
        self._loading.update(langs)

        def load() -> None:
            for lang in langs:
                self.model(lang)
                self._loading.discard(lang)

        thread = threading.Thread(target=load, name="vosk-load", daemon=True)
        thread.start()
        self._loader = thread
        return thread

    def close(self) -> None:
        """Wait for a model still loading: the process must not exit under Kaldi's feet (it would crash)."""
        if self._loader is not None:
            self._loader.join()

    def recogniser(self, lang: str) -> Recogniser | None:
        model = self.model(lang)
        return None if model is None else Recogniser(model)

    def transcribe(self, path: str, lang: str, phrases: Sequence[str]) -> list[Heard]:
        pcm = wav_pcm(path)  # an unreadable file raises the kiosk's UnreadableAudioError
        recogniser = self._file_recognisers.get(lang) or self.recogniser(lang)
        if recogniser is None:  # the kiosk asks unavailable() first; this is a caller's mistake
            raise RuntimeError(self._reasons[lang])
        self._file_recognisers[lang] = recogniser
        recogniser.listen_for(phrases)
        # a recording is heard as the microphone hears it: some quiet before the words, and after them
        before, after = b"\0" * 9_600, b"\0" * 16_000  # 0.3 s and 0.5 s
        return [Heard(t.text, t.confidences) for t in recogniser.transcribe(before + pcm + after)]
