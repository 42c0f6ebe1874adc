"""Match a recognised utterance against the phrases a screen listens for. No match is ``None``.

Matching is whole-utterance and exact after normalising spacing, case and punctuation: a phrase that two
elements share matches neither, so the kiosk never guesses between two options.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^\w]+")


def normalise(phrase: str) -> str:
    folded = unicodedata.normalize("NFC", phrase).casefold()
    return _NOT_WORD.sub("", folded)


def match(utterance: str, candidates: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """The id of the one candidate with a phrase equal to the utterance, or None (nothing, or ambiguous)."""
    heard = normalise(utterance)
    if not heard:
        return None
    found = {element_id for element_id, phrases in candidates if any(normalise(p) == heard for p in phrases)}
    return found.pop() if len(found) == 1 else None
