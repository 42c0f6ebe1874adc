"""Reaching a screen by its id, by touch, as a citizen would: for screenshots, self-tests and tools."""

from __future__ import annotations

from collections import deque

from .app import Kiosk
from .errors import KioskError
from .layout import PAGE_NEXT, PAGE_PREVIOUS
from .model import Role, Zone
from .profile import Profile
from .protocol import Touch

MAX_PAGES = 20
MAX_DEPTH = 3
BAR_SCREENS = ("settings", "help")  # the control bar's own screens; the rest of the bar only moves back or out


class UnknownScreenError(KioskError):
    """A screen id no touch from the home screen reaches; the message lists those it knows."""


def touch(kiosk: Kiosk, target: str) -> list[dict]:
    """Touch ``target``, turning the screen's pages first if it is on another one."""
    for _ in range(MAX_PAGES):
        if kiosk.laid_out.placed(target) is not None:
            return kiosk.handle(Touch(target))
        page = kiosk.laid_out.page_of(target)
        if page is None:
            break
        kiosk.handle(Touch(PAGE_NEXT if page > kiosk.laid_out.page else PAGE_PREVIOUS))
    raise UnknownScreenError(f"there is nothing to touch called {target!r} on screen {kiosk.laid_out.screen.id!r}")


def choices(kiosk: Kiosk) -> list[str]:
    """What leads somewhere from this screen: every enabled body control on every page, and the bar's screens."""
    found = [
        placed.element.id
        for page in kiosk.laid_out.pages
        for placed in page
        if placed.element.actionable
        and placed.element.zone is Zone.body
        and placed.element.role is not Role.input
        and placed.element.id not in (PAGE_NEXT, PAGE_PREVIOUS)
    ]
    return list(dict.fromkeys(found)) + [target for target in BAR_SCREENS if kiosk.laid_out.page_of(target) is not None]


def replay(kiosk: Kiosk, path: tuple[str, ...], profile: Profile) -> None:
    """From a fresh session in ``profile`` (a session's end resets it), along ``path``."""
    kiosk.end_session()
    if kiosk.profile != profile:
        kiosk.use_profile(profile)
    for target in path:
        touch(kiosk, target)


def screen_paths(kiosk: Kiosk, depth: int = MAX_DEPTH) -> dict[str, tuple[str, ...]]:
    """Every screen id reachable by touch within ``depth`` steps of the home screen, with the shortest path."""
    profile, lang = kiosk.profile, kiosk.lang  # the settings screen's choices change it: each replay restores it
    replay(kiosk, (), profile)
    paths: dict[str, tuple[str, ...]] = {kiosk.laid_out.screen.id: ()}
    queue = deque([()])
    while queue:
        path = queue.popleft()
        if len(path) >= depth:
            continue
        replay(kiosk, path, profile)
        for target in choices(kiosk):
            replay(kiosk, path, profile)
            try:
                touch(kiosk, target)
            except UnknownScreenError:
                continue
            screen = kiosk.laid_out.screen.id
            if screen not in paths and kiosk.pending is None and kiosk.lang == lang:
                paths[screen] = (*path, target)
                queue.append((*path, target))
    replay(kiosk, (), profile)
    return paths


def go_to(kiosk: Kiosk, screen: str, depth: int = MAX_DEPTH) -> None:
    """From a fresh session to ``screen`` by the fewest touches; ``UnknownScreenError`` lists the known ids."""
    if screen == kiosk.laid_out.screen.id and len(kiosk.stack) == 1:
        return
    profile = kiosk.profile
    paths = screen_paths(kiosk, depth)
    if screen not in paths:
        raise UnknownScreenError(
            f"no screen {screen!r} within {depth} touches of home: choose one of {', '.join(paths)}"
        )
    replay(kiosk, paths[screen], profile)
