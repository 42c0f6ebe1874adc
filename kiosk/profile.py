"""A citizen's accessibility profile: how the kiosk looks, sounds and reads for them during one session."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

TEXT_SCALES = (1.0, 1.5, 2.0, 2.5, 3.0)
SPEECH_RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
VOLUMES = (0.2, 0.4, 0.6, 0.8, 1.0)
DEFAULT_VOLUME = 0.6  # reset after every session, under the 65 dBA the standards ask for by default
EASY_SPEECH_FACTOR = 0.8
EASY_MAX_OPTIONS = 4


@dataclass(frozen=True)
class Profile:
    text_scale: float = 1.0  # 100% to 300%
    high_contrast: bool = False
    easy_mode: bool = False
    low_position: bool = False
    speech_rate: float = 1.0  # 0.5 to 2.0
    volume: float = DEFAULT_VOLUME
    captions: bool = True
    lang: str = "ko"
    voice_guidance: bool = False  # read everything on the screen automatically

    @property
    def spoken_rate(self) -> float:
        rate = self.speech_rate * (EASY_SPEECH_FACTOR if self.easy_mode else 1.0)
        return round(max(SPEECH_RATES[0], rate), 2)

    def to_json(self) -> dict:
        return asdict(self)

    def toggled(self, name: str) -> Profile:
        return replace(self, **{name: not getattr(self, name)})

    def stepped(self, name: str, steps: int, *, wrap: bool = False) -> Profile:
        """Move a graded setting (text_scale, speech_rate, volume) ``steps`` along its scale."""
        scale = {"text_scale": TEXT_SCALES, "speech_rate": SPEECH_RATES, "volume": VOLUMES}[name]
        current = min(range(len(scale)), key=lambda index: abs(scale[index] - getattr(self, name)))
        target = current + steps
        target = target % len(scale) if wrap else max(0, min(len(scale) - 1, target))
        return replace(self, **{name: scale[target]})

    def with_lang(self, lang: str) -> Profile:
        return replace(self, lang=lang)
