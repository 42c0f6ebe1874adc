"""Problems found in a content pack, and the advice each kind of problem gives its author."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the pack: where it is (file, line, field) and what to do about it."""

    file: str
    line: int
    field: str
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}

MISSING_FIELD_ADVICE = {
    "ko": "missing Korean text: add 'ko:' with the Korean text",
    "en": "missing English translation: add 'en:' with the English text",
    "easy_ko": ("missing easy-read Korean text (쉬운 말): add 'easy_ko:' in short sentences with common words"),
    "audio_description": (
        "missing audio description: add 'audio_description:' with 'ko:' and 'en:' saying what a blind"
        " visitor would perceive here"
    ),
    "alt": "missing alt text: add 'alt:' with 'ko:' and 'en:' saying what the image or model shows",
    "voice": "missing voice phrases: add 'voice:' with several ways to say it under 'ko:' and 'en:'",
}


def describe_validation_error(error: dict[str, Any], allowed_fields: list[str]) -> str:
    """Turn one pydantic error into a sentence that says what is wrong and what to do."""
    name = str(error["loc"][-1]) if error["loc"] else ""
    describer = _DESCRIBERS.get(error["type"])
    if describer is None:
        return f"{error['msg']} (see content/README.md)"
    return describer(error, name, allowed_fields)


def _missing(error: dict[str, Any], name: str, allowed: list[str]) -> str:
    return MISSING_FIELD_ADVICE.get(name, f"required field is missing: add '{name}:'")


def _empty_text(error: dict[str, Any], name: str, allowed: list[str]) -> str:
    if name in MISSING_FIELD_ADVICE:
        return MISSING_FIELD_ADVICE[name].replace("missing", "empty", 1)
    return "the text is empty: write it, or remove the field if it is optional"


def _short_list(error: dict[str, Any], name: str, allowed: list[str]) -> str:
    if name in LANGUAGE_NAMES:
        minimum = error.get("ctx", {}).get("min_length", 2)
        return (
            f"only {len(error['input'])} voice phrase(s) in {LANGUAGE_NAMES[name]}: give at least"
            f" {minimum} natural ways to say it"
        )
    return "the list is empty: give at least one entry"


def _not_mapping(error: dict[str, Any], name: str, allowed: list[str]) -> str:
    return f"expected a mapping of fields here, found {_describe(error['input'])}: {_mapping_hint(name)}"


def _expected(what: str, hint: str = ""):
    def describe(error: dict[str, Any], name: str, allowed: list[str]) -> str:
        return f"expected {what}, found {_describe(error['input'])}{hint}"

    return describe


_DESCRIBERS = {
    "missing": _missing,
    "string_too_short": _empty_text,
    "extra_forbidden": lambda error, name, allowed: _unknown_field(name, allowed),
    "too_short": _short_list,
    "string_too_long": lambda *_: "the phrase is too long to say as a command: keep it under 60 characters",
    "string_pattern_mismatch": lambda error, *_: _pattern_advice(error),
    "model_type": _not_mapping,
    "dict_type": _not_mapping,
    "model_attributes_type": _not_mapping,
    "list_type": _expected("a list", ": write [a, b] or one '- item' per line"),
    "string_type": _expected("text", ": put the value in quotes"),
    "int_type": _expected("a whole number"),
    "int_parsing": _expected("a whole number"),
    "int_from_float": _expected("a whole number"),
    "bool_type": _expected("true or false"),
    "bool_parsing": _expected("true or false"),
    "enum": lambda error, *_: f"{error['input']!r} is not allowed here: use one of {error['ctx']['expected']}",
    "literal_error": lambda error, *_: f"{error['input']!r} is not allowed here: use one of {error['ctx']['expected']}",
    "greater_than_equal": lambda error, *_: f"{error['input']} is out of range: {error['msg'].lower()}",
    "less_than_equal": lambda error, *_: f"{error['input']} is out of range: {error['msg'].lower()}",
    "value_error": lambda error, *_: str(error.get("ctx", {}).get("error", error["msg"])),
}


def _unknown_field(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{name}': {hint}allowed here: {', '.join(allowed)}"


def _pattern_advice(error: dict[str, Any]) -> str:
    value = error["input"]
    if error["loc"] and error["loc"][-1] == "prefix":
        return f"ticket prefix {value!r} must be one capital letter, e.g. T"
    return f"{value!r} is not a valid id: use lower-case letters, digits and '-', e.g. tax-square"


def _mapping_hint(name: str) -> str:
    if name in {"name", "summary", "title", "prompt", "label", "bring", "question", "when", "location"}:
        return "write 'ko:' and 'en:' texts below it"
    if name in {"description", "purpose", "answer"}:
        return "write 'ko:', 'en:' and 'easy_ko:' texts below it"
    if name == "voice":
        return "write 'ko:' and 'en:' lists of phrases below it"
    return "see content/README.md for its fields"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no/true/false are read as true or false: quote them)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


def suggest(word: str, choices: list[str]) -> str:
    """' Did you mean 'x'?' for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" Did you mean '{close[0]}'?" if close else ""
