"""Every 3D place of Madang by content id: ``build_scene(scene_id)`` makes its ``Scene``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from .scene_deoksugung import build_deoksugung
from .scene_donuimun import build_donuimun
from .scene_gwanghwamun import build_gwanghwamun_square
from .scene_kit import Scene
from .scene_lanterns import build_lantern_festival
from .scene_namdaemun import build_namdaemun_market
from .scene_plaza import build_plaza

# the landmarks and the event; the plaza is built from its list of counters
PLACE_BUILDERS: dict[str, Callable[[], Scene]] = {
    "gwanghwamun-square": build_gwanghwamun_square,
    "deoksugung": build_deoksugung,
    "namdaemun-market": build_namdaemun_market,
    "donuimun-gate": build_donuimun,
    "lantern-festival": build_lantern_festival,
}
SCENE_IDS = ("plaza", *PLACE_BUILDERS)

# the content pack's 3D models (media ``source: procedural:<name>``) and the scene each one is built in
PROCEDURAL_MODELS = {
    "plaza": "plaza",
    "gwanghwamun-gate": "gwanghwamun-square",
    "daehanmun": "deoksugung",
    "junghwajeon": "deoksugung",
    "namdaemun-stalls": "namdaemun-market",
    "donuimun": "donuimun-gate",
    "lanterns": "lantern-festival",
}


@cache
def shipped_plaza_services() -> tuple[str, ...]:
    """The plaza's services, in order, from the content pack that ships with Madang."""
    from madang.content.cli import SHIPPED_PACK  # noqa: PLC0415 - read only when the plaza is built
    from madang.content.loader import load_pack  # noqa: PLC0415

    pack = load_pack(SHIPPED_PACK).pack
    plaza = next(entry.item for entry in pack.entries["space"] if entry.id == "plaza")
    return tuple(plaza.services)


def build_scene(scene_id: str, counter_ids: Sequence[str] | None = None) -> Scene:
    """The scene of a space, landmark or event; the plaza gets a counter per id of ``counter_ids``
    (default: the services of the shipped plaza). Built once and then shared (the renderer keeps its upload
    while it is given the same scene), so treat it as read-only."""
    if scene_id not in SCENE_IDS:
        raise KeyError(f"no scene {scene_id!r}: use one of {', '.join(SCENE_IDS)}")
    if scene_id != "plaza":
        return _built(scene_id, ())
    return _built(scene_id, tuple(shipped_plaza_services() if counter_ids is None else counter_ids))


@cache
def _built(scene_id: str, counter_ids: tuple[str, ...]) -> Scene:
    if scene_id == "plaza":
        return build_plaza(counter_ids)
    return PLACE_BUILDERS[scene_id]()
