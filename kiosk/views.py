"""The headless view: a laid-out screen and a ticket as the protocol's JSON events."""

from __future__ import annotations

from collections.abc import Callable

from .api_types import TicketInfo
from .display import Display
from .model import LaidOutScreen, Placed
from .profile import Profile
from .theme import theme_for
from .voice_match import normalise


def element_json(placed: Placed, focus: str | None, say: Callable[[str], str] | None = None) -> dict:
    element = placed.element
    data = {
        "id": element.id,
        "role": element.role.value,
        "label": element.label,
        "hint": element.hint,
        "voice": list(element.voice),
        "focused": element.id == focus,
        "enabled": element.enabled,
        "selected": element.selected,
        "value": element.value,
        "bounds_mm": placed.box.as_list(),
        "cap_height_mm": round(placed.cap_height_mm, 2),
    }
    if element.lang:
        data["lang"] = element.lang
    if (
        say is not None
        and element.actionable
        and element.voice
        and normalise(element.voice[0]) != normalise(element.label)
    ):
        data["say"] = say(element.voice[0])  # the words to say for it, shown with it
    return data


def screen_event(
    laid_out: LaidOutScreen,
    profile: Profile,
    display: Display,
    focus: str | None,
    say: Callable[[str], str] | None = None,
) -> dict:
    screen = laid_out.screen
    return {
        "type": "screen",
        "id": screen.id,
        "lang": screen.lang,
        "title": screen.title,
        "elements": [element_json(placed, focus, say) for placed in laid_out.visible],
        "page": {"index": laid_out.page, "count": len(laid_out.pages)},
        "profile": profile.to_json(),
        "display": display.to_json(),
        "theme": theme_for(profile.high_contrast).to_json(),
    }


def ticket_event(ticket: TicketInfo) -> dict:
    return {
        "type": "ticket",
        "id": ticket.id,
        "number": ticket.number,
        "status": ticket.status,
        "position": ticket.position,
        "estimated_wait_s": ticket.estimated_wait_s,
    }
