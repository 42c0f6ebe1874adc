"""Colours of the two themes, and the WCAG contrast ratio that lints check them with."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    control_background: str
    control_text: str
    control_border: str
    focus: str

    def to_json(self) -> dict:
        return asdict(self)


STANDARD = Theme(
    name="standard",
    background="#FFFFFF",
    text="#1A1A1A",
    control_background="#0B4F8A",
    control_text="#FFFFFF",
    control_border="#0B4F8A",
    focus="#B34700",  # 5.5:1 on the background but 1.5:1 on control_background: draw the ring outside the control
)
HIGH_CONTRAST = Theme(
    name="high-contrast",
    background="#000000",
    text="#FFFFFF",
    control_background="#000000",
    control_text="#FFFF00",
    control_border="#FFFF00",
    focus="#00FFFF",
)


def theme_for(high_contrast: bool) -> Theme:
    return HIGH_CONTRAST if high_contrast else STANDARD


def _luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
