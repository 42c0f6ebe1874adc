"""Accessibility settings: text size, contrast, easy mode, low position, speech rate, volume, captions, guidance."""

from __future__ import annotations

from dataclasses import replace

from madang.content.contract import REQUIRED_COMMANDS

from ..model import Element, Role
from ..profile import Profile
from .base import Context, Outcome, Page

TOGGLES = {
    "high-contrast": "high_contrast",
    "easy-mode": "easy_mode",
    "low-position": "low_position",
    "captions": "captions",
    "voice-guidance": "voice_guidance",
}
GRADED = {"text-size": "text_scale", "speech-rate": "speech_rate", "volume": "volume"}
ORDER = REQUIRED_COMMANDS["settings"]  # the settings screen lists them in the contract's order


def setting_value(ctx: Context, setting: str, profile: Profile) -> str:
    if setting in TOGGLES:
        return ctx.ui.text("settings", "on" if getattr(profile, TOGGLES[setting]) else "off", ctx.lang)
    return ctx.ui.text("settings", "percent", ctx.lang, value=round(getattr(profile, GRADED[setting]) * 100))


class SettingsPage(Page):
    screen_id = "settings"

    def title(self, ctx: Context) -> str:
        return ctx.ui.title("settings", ctx.lang)

    def prompt(self, ctx: Context) -> str:
        return ctx.ui.prompt("settings", ctx.lang)

    def elements(self, ctx: Context) -> list[Element]:
        elements = []
        for setting in ORDER:
            command = ctx.ui.command(setting, ctx.lang)
            hint = ctx.ui.text("settings", "adjust-hint", ctx.lang) if setting in GRADED else ""
            selected = getattr(ctx.profile, TOGGLES[setting]) if setting in TOGGLES else None
            value = setting_value(ctx, setting, ctx.profile)
            elements.append(
                Element(setting, Role.option, command.label, hint, command.voice, selected=selected, value=value)
            )
        language = ctx.ui.command("language", ctx.lang)
        other = "en" if ctx.lang == "ko" else "ko"
        elements.append(Element("language", Role.option, language.label, voice=language.voice, lang=other))
        return elements

    def activate(self, element_id: str, ctx: Context) -> Outcome | None:
        if element_id in TOGGLES:
            return self._changed(ctx, element_id, ctx.profile.toggled(TOGGLES[element_id]))
        if element_id in GRADED:
            return self._changed(ctx, element_id, ctx.profile.stepped(GRADED[element_id], 1, wrap=True))
        return None

    def adjust(self, element_id: str, steps: int, ctx: Context) -> Outcome | None:
        if element_id in GRADED:
            return self._changed(ctx, element_id, ctx.profile.stepped(GRADED[element_id], steps))
        if element_id in TOGGLES:
            field = TOGGLES[element_id]
            return self._changed(ctx, element_id, replace(ctx.profile, **{field: steps > 0}))
        return None

    def _changed(self, ctx: Context, setting: str, profile: Profile) -> Outcome:
        label = ctx.ui.command(setting, ctx.lang).label
        return Outcome(profile=profile, say=[f"{label}: {setting_value(ctx, setting, profile)}"])
