"""Where in the virtual city a kiosk screen takes the person: the kiosk's own navigation (touch, keys, voice)
teleports them too, so every way of using the kiosk also moves them between places.

The home screen is the plaza's spawn point (the safe place); a service's screen is its counter on the plaza;
a landmark's or an event's screen is that place, when it has a scene. Other screens leave the person where
they are.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

PLAZA = "plaza"


@dataclass(frozen=True)
class Place:
    scene_id: str
    hotspot: str | None = None  # None: the scene's spawn point


SAFE_PLACE = Place(PLAZA)


def place_for_screen(screen_id: str, scene_ids: Collection[str]) -> Place | None:
    if screen_id == "home":
        return SAFE_PLACE
    kind, _, item = screen_id.partition(":")
    if kind == "service" and item:
        return Place(PLAZA, item)
    if kind in ("landmark", "event") and item in scene_ids:
        return Place(item)
    return None
