"""Decide what a recognised utterance means on a screen, or that it means nothing. No match is ``None``.

Acceptance is whole-utterance. ``match`` (typed or exact transcripts) needs the phrase itself after folding
spacing, case and punctuation. ``snap`` (a recogniser's transcript) takes the nearest allowed phrase only when
it is close (``cutoff``) and clearly closer than any other choice's phrase (``margin``). ``answer`` (yes or no)
is exact. A phrase that two choices share matches neither: the kiosk never guesses between two options.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_NOT_WORD = re.compile(r"[^\w]+")
_DOUBLED_YO = re.compile(r"요+")

# A piece of a word split for the model (맞아 요, 틀려 요) that noise alone can produce: not an utterance.
FRAGMENTS = frozenset({"요"})

Candidates = Iterable[tuple[str, Iterable[str]]]  # (choice id, its phrases)


def normalise(phrase: str) -> str:
    folded = unicodedata.normalize("NFC", phrase).casefold()
    return _DOUBLED_YO.sub("요", _NOT_WORD.sub("", folded))  # the recogniser can double a split-off 요


def match(utterance: str, candidates: Candidates) -> str | None:
    """The id of the one candidate with a phrase equal to the utterance, or None (nothing, or ambiguous)."""
    heard = normalise(utterance)
    if not heard:
        return None
    found = {choice for choice, phrases in candidates if any(normalise(p) == heard for p in phrases)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Acceptance:
    """How close a transcript must be. Measured on the Korean model (tests/perf/voice_bench.py)."""

    cutoff: float = 0.8  # normalised edit similarity to the nearest phrase
    margin: float = 0.15  # over the nearest phrase of any other choice
    min_confidence: float = 0.5  # mean word confidence, asked only of an inexact transcript


STRICT = Acceptance()


def snap(
    transcript: str,
    candidates: Candidates,
    confidences: Sequence[float] = (),
    acceptance: Acceptance = STRICT,
) -> str | None:
    heard = normalise(transcript)
    if not heard:
        return None
    best: dict[str, float] = {}
    for choice, phrases in candidates:
        for phrase in phrases:
            score = Levenshtein.normalized_similarity(heard, normalise(phrase))
            best[choice] = max(best.get(choice, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if not ranked:
        return None
    choice, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < acceptance.cutoff or score - runner_up < acceptance.margin:
        return None
    if score < 1.0 and confidences and sum(confidences) / len(confidences) < acceptance.min_confidence:
        return None
    return choice


def answer(transcript: str, candidates: Candidates) -> str | None:
    """Yes or no: only an exact answer phrase counts (a near miss at a yes/no prompt is too risky)."""
    return match(transcript, candidates)
