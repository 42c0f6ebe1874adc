"""The physical display a kiosk draws on: its size in millimetres, resolution and mounting height."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML, YAMLError

from .errors import KioskError

REACH_LOW_MM = 380.0  # EN 301 549 / ADA: the band a seated wheelchair user reaches
REACH_HIGH_MM = 1220.0


class Display(BaseModel):
    """Defaults: a 32-inch portrait kiosk screen whose lower edge is 750 mm above the floor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width_mm: float = Field(default=398.0, gt=100, le=3000)
    height_mm: float = Field(default=708.0, gt=100, le=3000)
    width_px: int = Field(default=1080, gt=100, le=16000)
    height_px: int = Field(default=1920, gt=100, le=16000)
    bottom_from_floor_mm: float = Field(default=750.0, ge=0, le=2500)
    reach_low_mm: float = REACH_LOW_MM
    reach_high_mm: float = REACH_HIGH_MM

    @model_validator(mode="after")
    def _reachable(self) -> Display:
        if self.bottom_from_floor_mm + 60 > self.reach_high_mm:
            raise ValueError(
                f"the display's lower edge at {self.bottom_from_floor_mm:g} mm leaves no room below the "
                f"{self.reach_high_mm:g} mm a wheelchair user reaches: mount it lower"
            )
        return self

    @property
    def top_from_floor_mm(self) -> float:
        return self.bottom_from_floor_mm + self.height_mm

    def y_at_height(self, height_from_floor_mm: float) -> float:
        """The y (mm from the top edge) of a point that many millimetres above the floor."""
        return self.top_from_floor_mm - height_from_floor_mm

    def to_json(self) -> dict:
        return {
            "width_mm": self.width_mm,
            "height_mm": self.height_mm,
            "width_px": self.width_px,
            "height_px": self.height_px,
            "bottom_from_floor_mm": self.bottom_from_floor_mm,
        }


def load_display(path: Path | str | None) -> Display:
    if path is None:
        return Display()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KioskError(f"cannot read the display file {path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else YAML(typ="safe").load(text)
    except ValueError as error:
        raise KioskError(f"{path} is not valid JSON: {error}") from None
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise KioskError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise KioskError(f"{path} must hold a mapping such as 'width_mm: 398' (see README: the display file)")
    try:
        return Display.model_validate(data)
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'display'}: {e['msg']}" for e in error.errors())
        raise KioskError(f"{path}: {reasons}") from None
