"""The headless protocol: one JSON object per line in, one per line out. Each message type is one dataclass.

A bad line answers with an error event and the kiosk carries on.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

LANGS = ("ko", "en")
KEYS = ("up", "down", "left", "right", "enter", "back", "home", "help", "volume-up", "volume-down")
MAX_LINE = 100_000


class ProtocolError(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    def event(self) -> dict:
        return {"type": "error", "code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class Touch:
    type: ClassVar[str] = "touch"
    target: str


@dataclass(frozen=True)
class Key:
    type: ClassVar[str] = "key"
    key: str

    def __post_init__(self) -> None:
        if self.key not in KEYS:
            raise ProtocolError("bad_field", f"unknown key {self.key!r}: use one of {', '.join(KEYS)}")


@dataclass(frozen=True)
class TextInput:
    type: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class Utterance:
    type: ClassVar[str] = "utterance"
    text: str
    lang: str = ""  # the language it was heard in; "" for the session's

    def __post_init__(self) -> None:
        if self.lang not in ("", *LANGS):
            raise ProtocolError("bad_field", f"utterance.lang must be one of {', '.join(LANGS)} (or left out)")


@dataclass(frozen=True)
class Audio:
    type: ClassVar[str] = "audio"
    path: str


@dataclass(frozen=True)
class Tick:
    type: ClassVar[str] = "tick"
    seconds: float

    def __post_init__(self) -> None:
        if not 0 <= self.seconds <= 86_400:
            raise ProtocolError("bad_field", "tick seconds must be between 0 and 86400")


@dataclass(frozen=True)
class Headset:
    type: ClassVar[str] = "headset"
    plugged: bool


@dataclass(frozen=True)
class Presence:
    type: ClassVar[str] = "presence"


@dataclass(frozen=True)
class Quit:
    type: ClassVar[str] = "quit"


InputEvent = Touch | Key | TextInput | Utterance | Audio | Tick | Headset | Presence | Quit
MESSAGES: dict[str, type] = {
    cls.type: cls for cls in (Touch, Key, TextInput, Utterance, Audio, Tick, Headset, Presence, Quit)
}
_TYPES = {str: "a string", float: "a number", bool: "true or false"}


def _check(cls: type, name: str, value: Any, annotation: str) -> Any:
    expected = {"str": str, "float": float, "bool": bool}[annotation]
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is float and value != value):  # noqa: PLR0124  (NaN)
        raise ProtocolError("bad_field", f"{cls.type}.{name} must be {_TYPES[expected]}")
    if expected is str and ("\x00" in value or len(value) > 10_000):
        raise ProtocolError("bad_field", f"{cls.type}.{name} must be text without NUL, at most 10000 characters")
    return value


def parse(line: str) -> InputEvent:
    if len(line) > MAX_LINE:
        raise ProtocolError("bad_json", f"the line is longer than {MAX_LINE} characters")
    try:
        data = json.loads(line)
    except ValueError as error:
        raise ProtocolError("bad_json", f"not a JSON object: {error}; send one JSON object per line") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_json", 'send one JSON object per line, such as {"type": "presence"}')
    cls = MESSAGES.get(data.get("type"))  # type: ignore[arg-type]
    if cls is None:
        raise ProtocolError("unknown_type", f"unknown type {data.get('type')!r}: use one of {', '.join(MESSAGES)}")
    known = {field.name: field for field in fields(cls)}
    extra = set(data) - set(known) - {"type"}
    if extra:
        raise ProtocolError("bad_field", f"{cls.type} has no field {sorted(extra)[0]!r}: it takes {sorted(known)}")
    values = {}
    for name, field in known.items():
        if name not in data:
            if field.default is MISSING:
                raise ProtocolError("bad_field", f"{cls.type} needs the field {name!r}")
            continue
        values[name] = _check(cls, name, data[name], str(field.type))
    return cls(**values)


def dumps(event: dict) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))
