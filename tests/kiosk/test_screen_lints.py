"""Accessibility lints over every screen of the kiosk, under every profile, on two displays.

The walk (tests/kiosk/screen_walk.py) brings a real kiosk, connected to a real admin server, to every kind of
screen it has; a kiosk without a server adds the offline screens. At each screen the lints read what an
outside program reads (the headless protocol's screen events, every page of them, turned with page-next),
and press the keypad's keys through the kiosk's own input handling. Each profile is set through the settings
screen with the touches a citizen would make. The bar is ../shared/reference/accessibility.md and issue 4:

- every actionable element is labelled, has a voice phrase, and the kiosk can say it;
- up and down visit every actionable element of every page and come back to the start; left and right
  never trap; help and home are on every page;
- in low position every control lies 380-1220 mm above the floor;
- at 100%, targets are at least 15 x 15 mm and text has a cap height of at least 7.25 mm; larger text is
  larger in the page body;
- contrast of at least 7:1 in high contrast, 4.5:1 otherwise; at most 4 options a page in easy mode;
- boxes lie inside the display and never overlap;
- with voice guidance on, everything shown on arrival, or on a page turned to, is said (visible text minus
  spoken text is empty); a change in place (a call, a message, a voice question) is said and shown;
- the keypad can show every page.

"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from madang.content.contract import SEOUL_SERVICES
from madang.kiosk.focus import focus_ring
from madang.kiosk.layout import PAGE_NEXT, PAGE_PREVIOUS, PAGE_STATUS, TITLE
from madang.kiosk.profile import EASY_MAX_OPTIONS, Profile
from madang.kiosk.speech import spoken
from madang.kiosk.theme import contrast_ratio
from tests.kiosk.driver import KioskDriver
from tests.kiosk.screen_walk import (
    OFFLINE_STOPS,
    ONLINE_STOPS,
    Stop,
    go_home,
    offline_tour,
    set_profile,
    touch,
    tour,
)
from tests.live_server import LiveServer, start_live_server

DISPLAYS = {
    "32in-portrait": None,  # the default display
    "21in-landscape": Path(__file__).resolve().parent / "displays" / "kiosk-21in-landscape.yaml",
}
PROFILES = {
    "default": Profile(),
    "text-200": Profile(text_scale=2.0, voice_guidance=True),
    "text-300": Profile(text_scale=3.0, voice_guidance=True),
    "high-contrast": Profile(high_contrast=True, voice_guidance=True),
    "easy": Profile(easy_mode=True, voice_guidance=True),
    "low": Profile(low_position=True, voice_guidance=True),
    "low-text-300": Profile(low_position=True, text_scale=3.0, voice_guidance=True),
    "english": Profile(lang="en", voice_guidance=True),
}
COMBOS = list(itertools.product(DISPLAYS, PROFILES))
ACTIONABLE_ROLES = ("button", "option", "input")
BAR_IDS = ("home", "back", "help", "settings", "call-staff", "language")
PAGING = (PAGE_NEXT, PAGE_PREVIOUS)
REACH_LOW_MM, REACH_HIGH_MM = 380.0, 1220.0
MIN_TARGET_MM = 15.0
MIN_CAP_MM = 7.25
ROUNDING_MM = 0.1  # bounds_mm are rounded to 0.1 mm
MIN_CONTRAST = {True: 7.0, False: 4.5}  # text on its background, with and without high contrast
MIN_NON_TEXT_CONTRAST = 3.0  # borders and the focus ring against what they sit on (WCAG 1.4.11)


@pytest.fixture(scope="module")
def lint_server(tmp_path_factory) -> Iterator[LiveServer]:
    """This module's own server: its walks leave proposals in the queue, which no other module should see."""
    with start_live_server(tmp_path_factory.mktemp("lint-server")) as live:
        yield live


@pytest.fixture(scope="module")
def kiosks(lint_server, tmp_path_factory) -> Iterator[dict[str, tuple[KioskDriver, KioskDriver]]]:
    """One connected and one serverless kiosk per display, shared by that display's profiles."""
    built: dict[str, tuple[KioskDriver, KioskDriver]] = {}
    for name, path in DISPLAYS.items():
        display = str(path) if path else None
        online = KioskDriver.build(
            tmp_path_factory.mktemp(f"{name}-online"),
            server=lint_server.url,
            token=lint_server.kiosk_token,
            display_path=display,
        )
        offline = KioskDriver.build(tmp_path_factory.mktemp(f"{name}-offline"), display_path=display)
        built[name] = (online, offline)
    yield built
    for pair in built.values():
        for driver in pair:
            driver.kiosk.services.close()


# ---------------------------------------------------------------------------------------------------- lints


def page_problems(driver: KioskDriver, profile: Profile) -> list[str]:
    """The lints that read one page of a screen event, plus the kiosk's own spoken form of its controls."""
    screen = driver.screen
    display = screen["display"]
    problems: list[str] = []
    elements = screen["elements"]
    by_id = {placed.element.id: placed.element for placed in driver.kiosk.laid_out.visible}
    for element in elements:
        name = element["id"]
        x, y, w, h = element["bounds_mm"]
        if element["role"] in ACTIONABLE_ROLES:
            problems += _control_problems(driver, element, by_id.get(name), profile)
            top = display["bottom_from_floor_mm"] + display["height_mm"] - y
            if profile.low_position and not (top - h >= REACH_LOW_MM and top <= REACH_HIGH_MM):
                problems.append(f"{name} spans {top - h:.0f}-{top:.0f} mm above the floor, outside the reach band")
            if profile.text_scale == 1.0 and (w < MIN_TARGET_MM or h < MIN_TARGET_MM):
                problems.append(f"{name} is a {w:g} x {h:g} mm target, under 15 x 15 mm")
        if element["label"].strip():
            cap = element["cap_height_mm"]
            body = name not in (TITLE, PAGE_STATUS, *PAGING, *BAR_IDS)
            fills_page = body and element["role"] in ACTIONABLE_ROLES and len(body_of(elements)) == 1
            wanted = MIN_CAP_MM * (profile.text_scale if body and not fills_page else 1.0)
            if cap < wanted - 0.01:
                problems.append(f"{name}'s text has a {cap} mm cap height, under {wanted:g} mm")
        if x < -ROUNDING_MM or y < -ROUNDING_MM:
            problems.append(f"{name} starts outside the display at ({x}, {y}) mm")
        if x + w > display["width_mm"] + ROUNDING_MM or y + h > display["height_mm"] + ROUNDING_MM:
            problems.append(f"{name} ends outside the display at ({x + w:g}, {y + h:g}) mm")
    problems += [f"{a} overlaps {b}" for a, b in _overlaps(elements)]
    for required in ("help", "home"):
        found = next((e for e in elements if e["id"] == required), None)
        if found is None or not found["enabled"] or found["role"] not in ACTIONABLE_ROLES:
            problems.append(f"no actionable {required!r}")
    options = sum(element["role"] == "option" for element in elements)
    if profile.easy_mode and options > EASY_MAX_OPTIONS:
        problems.append(f"{options} options on one page in easy mode")
    return problems


def body_of(elements: list[dict]) -> list[dict]:
    """A page's own elements: not the title, the page buttons or the control bar."""
    return [e for e in elements if e["id"] not in (TITLE, PAGE_STATUS, *PAGING, *BAR_IDS)]


def _control_problems(driver: KioskDriver, element: dict, model, profile: Profile) -> list[str]:
    if not element["enabled"]:
        return []
    name = element["id"]
    problems = []
    if not element["label"].strip():
        problems.append(f"{name} has no label")
    if not [phrase for phrase in element["voice"] if phrase.strip()]:
        problems.append(f"{name} has no voice phrase")
    if model is None or not spoken(model, driver.kiosk.ui, profile.lang, private=False).strip():
        problems.append(f"{name} is not speakable")
    return problems


def _overlaps(elements: list[dict]) -> Iterator[tuple[str, str]]:
    for first, second in itertools.combinations(elements, 2):
        ax, ay, aw, ah = first["bounds_mm"]
        bx, by, bw, bh = second["bounds_mm"]
        across = min(ax + aw, bx + bw) - max(ax, bx)
        down = min(ay + ah, by + bh) - max(ay, by)
        if across > ROUNDING_MM and down > ROUNDING_MM:
            yield first["id"], second["id"]


def theme_problems(screen: dict) -> list[str]:
    """The colours the screen event tells renderers to use, against the profile's contrast bar."""
    theme = screen["theme"]
    high = screen["profile"]["high_contrast"]
    needed = MIN_CONTRAST[high]
    problems = (
        [] if (theme["name"] == "high-contrast") == high else [f"theme {theme['name']!r} with high contrast {high}"]
    )
    pairs = {
        "text on background": (theme["text"], theme["background"], needed),
        "control text on control background": (theme["control_text"], theme["control_background"], needed),
        "control border on background": (theme["control_border"], theme["background"], MIN_NON_TEXT_CONTRAST),
        "focus ring on background": (theme["focus"], theme["background"], MIN_NON_TEXT_CONTRAST),
    }
    return problems + [
        f"{what} is {contrast_ratio(fg, bg):.2f}:1, under {minimum:g}:1 ({theme['name']})"
        for what, (fg, bg, minimum) in pairs.items()
        if contrast_ratio(fg, bg) < minimum
    ]


def speech_problems(stop: Stop, arrived: dict, profile: Profile) -> list[str]:
    """On arrival with voice guidance, what is shown minus what is said is empty; without it, the title is said.
    A change in place (a call, a message, a voice question) says what changed."""
    said = "\n".join(event["text"] for event in stop.arrival if event["type"] == "speech")
    if stop.change:
        return [f"the change is not said: {text!r} (said: {said!r})" for text in stop.must_say if text not in said]
    if not profile.voice_guidance:
        return [] if arrived["title"] in said else [f"the title {arrived['title']!r} is not said"]
    return [f"shown but not said on arrival: {part!r}" for part in unsaid(arrived["elements"], said)]


def unsaid(elements: list[dict], said: str) -> list[str]:
    """Each shown label and value that is not in ``said``."""
    return [
        part
        for element in elements
        for part in (element["label"], element["value"] if element["role"] != "input" else None)
        if part and part.strip() and part not in said
    ]


def focused(driver: KioskDriver) -> str | None:
    return next((element["id"] for element in driver.screen["elements"] if element["focused"]), None)


@dataclass
class Pages:
    """What the lints found on a screen's pages, its controls (without the page buttons) and its bare pages:
    pages after the first with no control in their body, which the keypad can show only if a page button is in
    its focus ring."""

    problems: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)
    bare: list[int] = field(default_factory=list)

    def add(self, screen: dict, problems: list[str]) -> None:
        page = screen["page"]
        self.problems += [f"page {page['index'] + 1}/{page['count']}: {problem}" for problem in problems]
        own = controls_of(screen)
        self.controls += [element_id for element_id in own if element_id not in self.controls]
        if page["index"] > 0 and not [element_id for element_id in own if element_id not in BAR_IDS]:
            self.bare.append(page["index"])  # the first page is shown on arrival


def controls_of(screen: dict) -> list[str]:
    elements = screen["elements"]
    return [e["id"] for e in elements if e["role"] in ACTIONABLE_ROLES and e["enabled"] and e["id"] not in PAGING]


def every_page(driver: KioskDriver, profile: Profile) -> Pages:
    """Lint each page in turn, turning with page-next; with voice guidance, each new page must be said."""
    while driver.screen["page"]["index"] > 0:  # a screen that changed in place stays on its page
        touch(driver, PAGE_PREVIOUS)
    pages = Pages()
    pages.add(driver.screen, page_problems(driver, profile))
    count = driver.screen["page"]["count"]
    for index in range(1, count):
        events = touch(driver, PAGE_NEXT)
        problems = page_problems(driver, profile)
        if driver.screen["page"]["index"] != index:
            problems.append(f"page-next did not turn to page {index + 1}")
        if profile.voice_guidance:
            said = "\n".join(event["text"] for event in events if event["type"] == "speech")
            unheard = unsaid(body_of(driver.screen["elements"]), said)
            problems += [f"not said after turning the page: {part!r}" for part in unheard]
        pages.add(driver.screen, problems)
    if driver.element(PAGE_NEXT) is not None and driver.element(PAGE_NEXT)["enabled"]:
        pages.problems.append(f"page-next is still enabled on the last page ({count})")
    return pages


def pages_by_keypad(driver: KioskDriver, profile: Profile) -> Pages:
    """For a state a touch would end (the voice question): each page is linted when the keypad shows it."""
    pages = Pages()
    seen: set[int] = set()
    for _ in range(len(focus_ring(driver.kiosk.laid_out)) + 1):
        if driver.screen["page"]["index"] not in seen:
            seen.add(driver.screen["page"]["index"])
            pages.add(driver.screen, page_problems(driver, profile))
        driver.key("down")
    for index, page in enumerate(driver.kiosk.laid_out.pages):  # the pages the keypad never showed
        if index not in seen:
            ids = [p.element.id for p in page if p.element.actionable and p.element.id not in PAGING]
            pages.controls += [element_id for element_id in ids if element_id not in pages.controls]
            pages.bare += [] if index == 0 or [i for i in ids if i not in BAR_IDS] else [index]
    return pages


def focus_problems(driver: KioskDriver, pages: Pages) -> list[str]:
    """Up and down go round every control of every page and back to the start, saying each; the keypad can
    show every page; left and right never trap."""
    driver.key("down")
    start = focused(driver)
    if start is None:
        return [f"down focused nothing visible (kiosk focus {driver.kiosk.focus!r})"]
    limit = len(pages.controls) + len(PAGING) + 1
    problems = []
    down = _cycle(driver, "down", start, limit)
    controls = [element_id for element_id in down if element_id not in PAGING]
    if set(controls) != set(pages.controls) or down[-1] != start or len(down) != len(set(down)):
        problems.append(f"down goes {down}, not once round {pages.controls}")
    up = _cycle(driver, "up", start, limit)
    if up != [*down[-2::-1], start]:
        problems.append(f"up goes {up}, not back along {down}")
    if pages.bare and not set(down) & set(PAGING):
        numbers = ", ".join(str(index + 1) for index in pages.bare)
        problems.append(f"the keypad cannot show page(s) {numbers}: no control there, and no page button in its ring")
    for key, escape in (("right", "down"), ("left", "up")):
        visited = {element_id for element_id in _sideways(driver, key, escape, limit) if element_id not in PAGING}
        if visited != set(pages.controls):
            problems.append(f"{key} visits {sorted(visited)}, not all of {sorted(pages.controls)}")
    return problems


def _cycle(driver: KioskDriver, key: str, start: str, limit: int) -> list[str]:
    """The elements focused after each press, until focus is back on ``start``; each one must be said."""
    visited = []
    for _ in range(limit):
        events = driver.key(key)
        visited.append(focused(driver) or f"<nothing visible: {driver.kiosk.focus}>")
        if not any(event["type"] == "speech" and event["text"].strip() for event in events):
            visited[-1] += " (not said)"
        if visited[-1] == start:
            break
    return visited


def _sideways(driver: KioskDriver, key: str, escape: str, limit: int) -> list[str]:
    """Left or right round the ring; a control whose value they change (a setting) is left with up or down."""
    visited: list[str] = []
    start = focused(driver)
    for _ in range(2 * limit):
        before = focused(driver)
        driver.key(key)
        if focused(driver) == before:
            if driver.screen_id != "settings":
                return [*visited, f"{key} is stuck on {before}"]
            driver.key(escape)
        visited.append(focused(driver) or "<nothing>")
        if visited[-1] == start:
            return visited
    return [*visited, f"{key} never came back to {start}"]


def lint_stop(driver: KioskDriver, stop: Stop, profile: Profile) -> list[str]:
    arrived = driver.screen
    problems = speech_problems(stop, arrived, profile) + theme_problems(arrived)
    if arrived["page"]["index"] != 0 and not stop.change and not stop.must_show:
        problems.append(f"arrived on page {arrived['page']['index'] + 1}, not the first")
    shown_page = f"page {arrived['page']['index'] + 1}/{arrived['page']['count']}"
    problems += [
        f"{needed!r} is not on the {shown_page} shown" for needed in stop.must_show if not driver.element(needed)
    ]
    if stop.hands_off == "input":  # the idle warning: any input is the citizen's answer; only its first page shows
        problems += page_problems(driver, profile)
    else:
        pages = (pages_by_keypad if stop.hands_off == "touch" else every_page)(driver, profile)
        problems += pages.problems + focus_problems(driver, pages)
    if driver.kiosk.profile != profile:  # left and right changed a setting on the settings screen
        set_profile(driver, profile)
    return [f"{stop.name}: {problem}" for problem in problems]


# ---------------------------------------------------------------------------------------------------- tests


linted: dict[tuple[str, str], list[str]] = {}  # (display, profile) -> its problems: each combination walks once


def expected_stops(pack) -> set[str]:
    """Every screen the walk must reach: the fixed ones, each service, item and question of the pack."""
    items = {f"{kind}:{item.id}" for kind in ("landmark", "event", "tax", "document") for item in pack.items(kind)}
    services = {f"service:{service}" for service in SEOUL_SERVICES}
    return {*ONLINE_STOPS, *OFFLINE_STOPS, *services, *items, *(f"faq:{faq.id}" for faq in pack.faqs)}


def lint_combination(kiosks, server, pack, display: str, profile: str) -> list[str]:
    """Walk both kiosks of ``display`` under ``profile`` and lint every stop (once per test session)."""
    if (display, profile) in linted:
        return linted[display, profile]
    online, offline = kiosks[display]
    problems: list[str] = []
    reached: set[str] = set()
    for driver, stops in ((online, lambda: tour(online, server)), (offline, lambda: offline_tour(offline))):
        go_home(driver)
        set_profile(driver, PROFILES[profile])
        for stop in stops():
            reached.add(stop.name)
            problems += lint_stop(driver, stop, PROFILES[profile])
        set_profile(driver, Profile())
    problems += [f"the walk never reached {name}" for name in sorted(expected_stops(pack) - reached)]
    linted[display, profile] = problems
    return problems


@pytest.mark.parametrize(("display", "profile"), COMBOS)
def test_every_screen_passes_the_lints(kiosks, lint_server, shipped_pack, display, profile):
    problems = lint_combination(kiosks, lint_server, shipped_pack, display, profile)
    assert not problems, f"{len(problems)} problem(s) under {profile} on {display}:\n" + "\n".join(problems)


def test_every_service_is_one_touch_from_home_and_its_action_the_next(kiosks, shipped_pack):
    """'Any service in at most two steps from home', at the default profile on the default display: each service
    is on home's first page, and its action is on the service's first page (for documents: a document, whose
    page then asks for the ticket)."""
    driver = kiosks["32in-portrait"][0]
    go_home(driver)
    set_profile(driver, Profile())
    next_screen = {"consult": "ticket:confirm", "propose": "proposal"}
    for service in SEOUL_SERVICES:
        go_home(driver)
        assert driver.element(f"service:{service}") is not None, f"{service} is not on home's first page"
        driver.touch(f"service:{service}")
        assert driver.screen_id == f"service:{service}"
        shown = driver.ids()
        actions = [action.value for action in shipped_pack.get("service", service).actions]
        for action in actions:
            assert action in shown, f"{service}: {action!r} is not on the first page: {shown}"
            if action == "request-document":
                document = next((i for i in shown if i.startswith("document:")), None)
                assert document, f"{service}: no document on the first page: {shown}"
                driver.touch(document)
                touch(driver, "request-document")
            else:
                driver.touch(action)
            assert driver.screen_id == next_screen.get(action, "ticket:confirm"), f"{service}: {action}"
            go_home(driver)
            driver.touch(f"service:{service}")
        if not actions:  # the tour and Reading Seoul Plaza offer stories
            story = next((i for i in shown if i.startswith(("landmark:", "event:"))), None)
            assert story, f"{service} has no action and no story on its first page: {shown}"
            driver.touch(story)
            assert driver.screen_id == story
    go_home(driver)
