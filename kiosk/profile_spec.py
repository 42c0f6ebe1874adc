"""A profile written on the command line: ``--profile high-contrast,text=200,low-position,easy,en``."""

from __future__ import annotations

from dataclasses import replace

from .errors import KioskError
from .profile import TEXT_SCALES, Profile

SWITCHES = {
    "high-contrast": "high_contrast",
    "easy": "easy_mode",
    "low-position": "low_position",
    "voice-guidance": "voice_guidance",
    "no-captions": "captions",
}
LANGS = ("ko", "en")
HELP = (
    "comma-separated: high-contrast, easy, low-position, voice-guidance, no-captions, text=100..300 (percent),"
    " ko or en; e.g. high-contrast,text=200,en"
)


def _text_scale(value: str) -> float:
    try:
        percent = float(value.rstrip("%"))
    except ValueError:
        raise KioskError(f"text={value} is not a number: write text=150 for 150%") from None
    scale = percent / 100 if percent > 10 else percent
    if scale not in TEXT_SCALES:
        allowed = ", ".join(f"{round(step * 100)}" for step in TEXT_SCALES)
        raise KioskError(f"text={value}: the text size is one of {allowed} (percent)")
    return scale


def parse_profile(spec: str) -> Profile:
    profile = Profile()
    for token in (part.strip() for part in spec.split(",")):
        if not token:
            continue
        name, _, value = token.partition("=")
        if name in SWITCHES and not value:
            field = SWITCHES[name]
            profile = replace(profile, **{field: field != "captions"})
        elif name in LANGS and not value:
            profile = profile.with_lang(name)
        elif name == "lang" and value in LANGS:
            profile = profile.with_lang(value)
        elif name == "text" and value:
            profile = replace(profile, text_scale=_text_scale(value))
        else:
            raise KioskError(f"unknown profile setting {token!r}: {HELP}")
    return profile
