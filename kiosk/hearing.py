"""What the kiosk needs from speech recognition, so that the core never imports an audio library.

``madang.voice.hearing.VoskHearing`` is the real one, built at the edge (build.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Heard:
    text: str
    confidences: tuple[float, ...] = ()  # one per word, from the recogniser


@dataclass(frozen=True)
class Spoken:
    """An input event: what the live microphone heard, with the grammar the kiosk gave for ``lang``."""

    lang: str
    utterances: tuple[Heard, ...]


@dataclass(frozen=True)
class Listening:
    """What the kiosk listens for now: the recogniser's phrases in ``lang``, or why it cannot listen."""

    lang: str
    phrases: tuple[str, ...]
    off: str | None


class UnreadableAudioError(ValueError):
    """The audio could not be read; the message says what to send instead."""


class Hearing(Protocol):
    def unavailable(self, lang: str) -> str | None:
        """Why the kiosk cannot listen in ``lang`` (what to install or set), or None when it can."""
        ...

    def transcribe(self, path: str, lang: str, phrases: Sequence[str]) -> list[Heard]:
        """Every utterance in an audio file, heard with only ``phrases`` allowed."""
        ...
