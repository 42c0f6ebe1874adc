"""The Korean font the renderers draw with, found through fontconfig: Noto Sans CJK KR, else Nanum Gothic."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from .errors import GraphicsUnavailableError

INSTALL_HINT = "install a Korean font: sudo apt-get install fonts-noto-cjk (or fonts-nanum)"
FAMILIES = ("Noto Sans CJK KR", "NanumGothic")
WELL_KNOWN = {  # where Debian puts them, for machines without fc-match
    "regular": [
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1),
        ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", 0),
    ],
    "bold": [
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 1),
        ("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf", 0),
    ],
}


class Weight(StrEnum):
    regular = "regular"
    bold = "bold"


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # the face inside a .ttc collection


def _fc_match(family: str, weight: Weight) -> FontFile | None:
    if shutil.which("fc-match") is None:
        return None
    style = "Bold" if weight is Weight.bold else "Regular"
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\t")
    if len(found) != 3 or family.lower() not in found[0].lower():
        return None
    return FontFile(Path(found[1]), int(found[2] or 0))


@cache
def korean_font(weight: Weight = Weight.regular) -> FontFile:
    for family in FAMILIES:
        if (found := _fc_match(family, weight)) is not None:
            return found
    for path, index in WELL_KNOWN[weight.value]:
        if Path(path).is_file():
            return FontFile(Path(path), index)
    raise GraphicsUnavailableError(f"no Korean font found: {INSTALL_HINT}")
