"""The typed schema of a content pack: one pydantic model per kind of item.

Every model forbids unknown fields, so a misspelt field is reported instead of ignored.
Field names that carry a specific meaning for checks (``en``, ``ko``, ``easy_ko``,
``audio_description``, ``alt``) are named in ``problems.MISSING_FIELD_ADVICE``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

ID_PATTERN = r"^[a-z0-9]+(?:[-:][a-z0-9]+)*$"
MIN_VOICE_PHRASES = 2

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(Strict):
    """A user-facing text in Korean and English."""

    ko: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


class ReadableText(Text):
    """A longer text with an easy-read Korean version (쉬운 말) and optionally an easy-read English one."""

    easy_ko: NonEmpty
    easy_en: NonEmpty | None = None

    def easy(self, lang: str) -> str:
        if lang == "en":
            return self.easy_en or self.en
        return self.easy_ko


class VoicePhrases(Strict):
    """Natural ways a citizen may say one option, in each language."""

    ko: list[Phrase] = Field(min_length=MIN_VOICE_PHRASES)
    en: list[Phrase] = Field(min_length=MIN_VOICE_PHRASES)

    def get(self, lang: str) -> list[str]:
        return self.en if lang == "en" else self.ko


class MediaType(StrEnum):
    image = "image"
    model = "model"
    video = "video"
    audio = "audio"


class Media(Strict):
    """An image, 3D model, video or sound. ``source`` is a file in the pack or ``procedural:<name>``."""

    type: MediaType
    source: NonEmpty
    alt: Text


class Action(StrEnum):
    consult = "consult"  # talk to a person: a ticket for a consultation queue
    request_document = "request-document"  # a ticket for the civil documents counter
    propose = "propose"  # leave a proposal (voice memo or text) and get a receipt


class Queue(Strict):
    """A consultation queue: tickets are numbered ``<prefix>-<number>``, e.g. T-017."""

    prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    average_minutes: int = Field(default=10, ge=1, le=240)


class Contact(Strict):
    phone: NonEmpty | None = None
    hours: Text | None = None
    web: NonEmpty | None = None


class Service(Strict):
    id: Id
    name: Text
    summary: Text
    description: ReadableText
    voice: VoicePhrases
    actions: list[Action] = []
    queue: Queue | None = None
    offers: list[Id] = []
    contact: Contact | None = None
    media: list[Media] = []
    sign_video: Media | None = None


class Space(Strict):
    id: Id
    name: Text
    description: ReadableText
    audio_description: Text
    services: list[Id] = []
    landmarks: list[Id] = []
    media: list[Media] = []


class Landmark(Strict):
    id: Id
    name: Text
    summary: Text
    description: ReadableText
    audio_description: Text
    voice: VoicePhrases
    facts: list[Text] = []
    visiting: Text | None = None
    location: Text | None = None
    media: list[Media] = []


class Event(Strict):
    id: Id
    name: Text
    summary: Text
    description: ReadableText
    audio_description: Text
    voice: VoicePhrases
    when: Text
    location: Text
    landmark: Id | None = None
    facts: list[Text] = []
    media: list[Media] = []


class Document(Strict):
    """A civil document a citizen can request."""

    id: Id
    name: Text
    purpose: ReadableText
    bring: Text
    voice: VoicePhrases


MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def month_name(month: int, lang: str) -> str:
    """A month as a citizen reads it: 6월, or June."""
    return MONTHS_EN[month - 1] if lang == "en" else f"{month}월"


class Tax(Strict):
    """A local tax, with the months in which it is usually paid."""

    id: Id
    name: Text
    description: ReadableText
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1)
    voice: VoicePhrases


class Faq(Strict):
    id: Id
    service: Id
    question: Text
    answer: ReadableText


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Screen(Strict):
    """Texts of one kind of screen. ``texts`` holds further lines, which may use ``{placeholders}``."""

    id: Id
    title: Text
    prompt: Text
    listens: list[Id] = []
    texts: dict[Id, Text] = {}


class Command(Strict):
    id: Id
    label: Text
    voice: VoicePhrases


class PhraseSet(Strict):
    """Commands a citizen can say. A set ``everywhere: true`` is listened for on every screen."""

    id: Id
    everywhere: bool = False
    commands: list[Command] = Field(min_length=1)


class Language(StrEnum):
    ko = "ko"
    en = "en"


class PackInfo(Strict):
    id: Id
    name: Text
    version: NonEmpty
    home: Id
    languages: list[Language] = [Language.ko, Language.en]

    @field_validator("languages")
    @classmethod
    def _both_languages(cls, languages: list[Language]) -> list[Language]:
        if set(languages) != {Language.ko, Language.en}:
            raise ValueError("a pack must offer both Korean and English: write languages: [ko, en]")
        return languages
