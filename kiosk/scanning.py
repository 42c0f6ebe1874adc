"""Voice scanning: when speech fails twice, the kiosk reads the choices one at a time and a '네' picks one.

Like switch scanning, it needs only yes and no (the answers the recogniser hears best) or silence, so a
citizen who can only speak always gets through. Each choice waits for an answer long enough to hear it read.
"""

from __future__ import annotations

from dataclasses import dataclass

MISHEARD_BEFORE_SCAN = 2
ANSWER_WAIT_S = 5.0  # after a choice has been read
READING_RATE_CHARS_S = 7.0  # about how fast the kiosk reads Korean at the normal rate
ROUNDS = 2


@dataclass(frozen=True)
class ScanChoice:
    element_id: str
    label: str


@dataclass
class Scan:
    choices: list[ScanChoice]
    index: int = 0
    rounds: int = 1
    waited: float = 0.0
    wait: float = ANSWER_WAIT_S

    @property
    def current(self) -> ScanChoice:
        return self.choices[self.index]

    def read(self, prompt: str, speech_rate: float) -> None:
        """The current choice has just been read aloud: its answer time starts now and includes the reading."""
        self.waited = 0.0
        self.wait = ANSWER_WAIT_S + len(prompt) / (READING_RATE_CHARS_S * max(speech_rate, 0.5))

    def advance(self) -> str:
        """Move to the next choice: 'next', 'again' (from the top, a new round) or 'done'."""
        self.index += 1
        if self.index < len(self.choices):
            return "next"
        self.index = 0
        self.rounds += 1
        return "again" if self.rounds <= ROUNDS else "done"

    def elapse(self, seconds: float) -> bool:
        """True when the time to answer the current choice has run out."""
        self.waited += seconds
        return self.waited >= self.wait
