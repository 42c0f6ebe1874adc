"""Walk a kiosk through every kind of screen it has, pausing at each so a test can check it.

`tour(driver, server)` is a generator. It drives the real kiosk (through `KioskDriver`, so every input goes
through the headless protocol's parser) by touch, and where a screen needs it by typed text, an utterance,
the virtual clock and the counselor over the real admin server's API. Each time the kiosk arrives at a
screen it yields a `Stop` with the events that arrival produced. The consumer may press keys and turn
pages while it holds a stop: the walker reaches each element it touches next on whichever page it is.

`offline_tour(driver)` walks a kiosk without a server through the screens only it shows (offline, the
call-back request, a proposal kept on the kiosk). `set_profile(driver, profile)` changes the profile through
the settings screen, with the same touches a citizen would make.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from madang.kiosk.flows.settings import TOGGLES
from madang.kiosk.layout import PAGE_NEXT, PAGE_PREVIOUS
from madang.kiosk.profile import TEXT_SCALES, Profile
from tests.kiosk.driver import KioskDriver
from tests.live_server import LiveServer, staff_action, staff_call_next, staff_message, staff_request

ITEM_KINDS = ("landmark", "event", "tax", "document", "faq")
POLL_S = 2.0  # the kiosk asks the server about a live ticket every 2 s of its clock
IDLE_TO_WARNING_S = 100.0  # the idle warning comes 20 s before the 120 s timeout
PROPOSAL = "광화문광장에 그늘막을 더 놓아 주세요."
PHONE = "01012345678"
STAFF_SAYS = "신분증을 준비해 주세요."

# Every kind of screen the walk reaches: a screen id, or id#variant where one screen has several states.
ONLINE_STOPS = (
    "home",
    "home#voice-confirm",
    "session:warning",
    "settings",
    "help",
    "help#staff-called",
    "ticket:confirm",
    "ticket:confirm#document",
    "proposal",
    "proposal:confirm",
    "proposal:receipt",
    "ticket:waiting",
    "ticket:waiting#called",
    "consultation",
    "consultation#message",
    "consultation#done",
)
OFFLINE_STOPS = ("offline", "callback", "callback:saved", "proposal:saved")


@dataclass(frozen=True)
class Stop:
    """The kiosk at one screen. ``change``: the screen changed in place (a voice question, a call, a message)
    rather than being arrived at; ``must_say`` is what the kiosk must have said about it, and ``must_show``
    what must be on the page shown then."""

    name: str  # the screen id, or id#variant
    arrival: list[dict]  # the events of the input that brought the kiosk here
    change: bool = False
    must_say: tuple[str, ...] = ()
    must_show: tuple[str, ...] = ()  # element ids the citizen must see at once, on the page shown on arrival
    hands_off: str = ""  # "input": any input leaves this state (the idle warning); "touch": a touch does


class WalkError(AssertionError):
    """The kiosk did not do what a citizen's input should have made it do."""


# ---------------------------------------------------------------------------------------------------- inputs


def _checked(driver: KioskDriver, events: list[dict], what: str) -> list[dict]:
    errors = driver.errors(events)
    if errors:
        raise WalkError(f"{what} on {driver.screen_id!r} answered {errors[0]}")
    return events


def ids_on_all_pages(driver: KioskDriver) -> list[str]:
    """Every element id of the current screen, over all its pages, in reading order."""
    seen: list[str] = []
    for page in driver.kiosk.laid_out.pages:
        seen += [placed.element.id for placed in page if placed.element.id not in seen]
    return seen


def show_page_with(driver: KioskDriver, target: str) -> None:
    """Turn pages (with page-next and page-previous, as a citizen would) until ``target`` is shown."""
    if driver.element(target) is not None:
        return
    page = driver.kiosk.laid_out.page_of(target)
    if page is None:
        raise WalkError(f"{target!r} is on no page of {driver.screen_id!r}: {ids_on_all_pages(driver)}")
    for _ in range(len(driver.kiosk.laid_out.pages)):
        index = driver.screen["page"]["index"]
        if index == page:
            return
        _checked(driver, driver.touch(PAGE_NEXT if index < page else PAGE_PREVIOUS), "turning the page")
    raise WalkError(f"could not turn to page {page + 1} of {driver.screen_id!r}")


def touch(driver: KioskDriver, target: str) -> list[dict]:
    """Touch ``target`` on whichever page it is; fails on an error event."""
    show_page_with(driver, target)
    return _checked(driver, driver.touch(target), f"touching {target!r}")


def arrive(driver: KioskDriver, name: str, events: list[dict], **how) -> Stop:
    expected = name.partition("#")[0]
    if driver.screen_id != expected:
        raise WalkError(f"expected screen {expected!r}, the kiosk shows {driver.screen_id!r}")
    return Stop(name, events, **how)


def element_with(driver: KioskDriver, text: str) -> str:
    """The id of the element whose label holds ``text``, on any page of the current screen."""
    for page in driver.kiosk.laid_out.pages:
        for placed in page:
            if text in placed.element.label:
                return placed.element.id
    raise WalkError(f"no element of {driver.screen_id!r} shows {text!r}")


def label(driver: KioskDriver, element_id: str) -> str:
    """The label of ``element_id`` on any page of the current screen."""
    for page in driver.kiosk.laid_out.pages:
        for placed in page:
            if placed.element.id == element_id:
                return placed.element.label
    raise WalkError(f"{element_id!r} is on no page of {driver.screen_id!r}: {ids_on_all_pages(driver)}")


def leave_warning(driver: KioskDriver) -> None:
    """Out of the idle warning, if it shows: "more-time", or any input where that is on another page."""
    if driver.screen_id == "session:warning":
        more = driver.touch("more-time") if driver.element("more-time") else driver.send(type="presence")
        _checked(driver, more, "asking for more time")


def go_home(driver: KioskDriver) -> list[dict]:
    """Back to the home screen, out of an idle warning or a pending voice question if there is one."""
    leave_warning(driver)
    return touch(driver, "home")


def set_profile(driver: KioskDriver, target: Profile) -> None:
    """Open settings and touch each setting that differs from ``target`` (text size steps round), then back."""
    touch(driver, "settings")
    current = driver.kiosk.profile
    steps = (TEXT_SCALES.index(target.text_scale) - TEXT_SCALES.index(current.text_scale)) % len(TEXT_SCALES)
    for _ in range(steps):
        touch(driver, "text-size")
    for element_id, field in TOGGLES.items():
        if getattr(driver.kiosk.profile, field) != getattr(target, field):
            touch(driver, element_id)
    if driver.kiosk.profile.lang != target.lang:
        touch(driver, "language")
    touch(driver, "back")
    if driver.kiosk.profile != target:
        raise WalkError(f"settings gave {driver.kiosk.profile}, not {target}")


# ---------------------------------------------------------------------------------------------------- the walk


def tour(driver: KioskDriver, server: LiveServer) -> Iterator[Stop]:
    """Every kind of screen of a kiosk connected to ``server``, starting and ending at home."""
    yield arrive(driver, "home", go_home(driver))
    yield from _globals(driver)
    seen: set[str] = set()
    services = [element_id for element_id in ids_on_all_pages(driver) if element_id.startswith("service:")]
    for service in services:
        yield arrive(driver, service, touch(driver, service))
        yield from _service(driver, service.partition(":")[2], seen)
        go_home(driver)
    yield from _consultation(driver, server)
    go_home(driver)


def _globals(driver: KioskDriver) -> Iterator[Stop]:
    """Home's voice question, the idle warning, settings and help: the screens every screen can reach."""
    option = next(placed.element for page in driver.kiosk.laid_out.pages for placed in page if placed.element.voice)
    phrase = option.voice[0]
    lang = driver.kiosk.profile.lang
    said = _checked(driver, driver.say(phrase, lang), "an utterance")
    question = label(driver, "voice-confirm")  # on some page: the kiosk asks whether it heard right
    yield arrive(
        driver,
        "home#voice-confirm",
        said,
        change=True,
        must_say=(question,),
        must_show=("voice-confirm",),
        hands_off="touch",
    )
    if driver.kiosk.laid_out.page_of("voice-confirm") is not None:  # a touch would have dropped the question
        _checked(driver, driver.say("아니요" if lang == "ko" else "no", lang), "answering no")
    warning = _checked(driver, driver.tick(IDLE_TO_WARNING_S), "waiting")
    yield arrive(driver, "session:warning", warning, must_show=("more-time",), hands_off="input")
    leave_warning(driver)
    yield arrive(driver, "settings", touch(driver, "settings"))
    touch(driver, "back")
    yield arrive(driver, "help", touch(driver, "help"))
    touch(driver, "back")
    yield arrive(driver, "help#staff-called", touch(driver, "call-staff"))
    touch(driver, "back")


def _service(driver: KioskDriver, service_id: str, seen: set[str]) -> Iterator[Stop]:
    """A service's items, questions and actions, each visited once per walk, back to the service after each."""
    for element_id in ids_on_all_pages(driver):
        kind = element_id.partition(":")[0]
        if kind not in ITEM_KINDS or element_id in seen:
            continue
        seen.add(element_id)
        yield arrive(driver, element_id, touch(driver, element_id))
        if kind == "document" and "ticket:confirm#document" not in seen:
            seen.add("ticket:confirm#document")
            yield arrive(driver, "ticket:confirm#document", touch(driver, "request-document"))
            touch(driver, "no")
        touch(driver, "back")
    here = ids_on_all_pages(driver)
    if "consult" in here and "ticket:confirm" not in seen:
        seen.add("ticket:confirm")
        yield arrive(driver, "ticket:confirm", touch(driver, "consult"))
        touch(driver, "no")
    if "propose" in here:
        yield from _proposal(driver)


def _proposal(driver: KioskDriver) -> Iterator[Stop]:
    yield arrive(driver, "proposal", touch(driver, "propose"))
    show_page_with(driver, "proposal-text")
    _checked(driver, driver.type_text(PROPOSAL), "typing the proposal")
    yield arrive(driver, "proposal:confirm", touch(driver, "send"))
    yield arrive(driver, "proposal:receipt", touch(driver, "yes"))


def _consultation(driver: KioskDriver, server: LiveServer) -> Iterator[Stop]:
    """A ticket for 120 Dasan, followed until the counselor calls, talks with and finishes it."""
    go_home(driver)
    touch(driver, "service:consult-120")
    touch(driver, "consult")
    taken = touch(driver, "yes")
    ticket = driver.last("ticket")
    if ticket is None:
        raise WalkError("taking a ticket gave no ticket event")
    try:
        yield arrive(driver, "ticket:waiting", taken)
        yield from _served(driver, server, ticket)
    finally:  # whatever happens, the counter is free for the next walk
        if driver.last("ticket")["status"] not in ("done", "cancelled", "no_show"):
            _finish(server, ticket["id"])


def _served(driver: KioskDriver, server: LiveServer, ticket: dict) -> Iterator[Stop]:
    _call(server, ticket["id"])
    called = _checked(driver, driver.tick(POLL_S), "waiting")
    if driver.last("ticket")["status"] != "called":
        raise WalkError(f"the kiosk did not see the call: {driver.last('ticket')}")
    yield arrive(
        driver, "ticket:waiting#called", called, change=True, must_say=(ticket["number"],), must_show=("ticket-status",)
    )
    staff_action(server, ticket["id"], "start")
    yield arrive(driver, "consultation", _checked(driver, driver.tick(POLL_S), "waiting"))
    staff_message(server, ticket["id"], STAFF_SAYS)
    message = _checked(driver, driver.tick(POLL_S), "waiting")
    shown = (element_with(driver, STAFF_SAYS),)
    yield arrive(driver, "consultation#message", message, change=True, must_say=(STAFF_SAYS,), must_show=shown)
    staff_action(server, ticket["id"], "finish", {"note": "done"})
    done = _checked(driver, driver.tick(POLL_S), "waiting")
    rate = label(driver, "rate")
    yield arrive(driver, "consultation#done", done, change=True, must_say=(rate,), must_show=("rate",))


def _finish(server: LiveServer, ticket_id: str) -> None:
    """Take a ticket through to done from whatever state it is in (waiting, called or in consultation)."""
    status, ticket = staff_request(server, "GET", f"/tickets/{ticket_id}")
    if status == 200 and ticket["status"] == "waiting":
        _call(server, ticket_id)
        ticket["status"] = "called"
    if status == 200 and ticket["status"] == "called":
        staff_action(server, ticket_id, "start")
    staff_request(server, "POST", f"/tickets/{ticket_id}/finish", {"note": "served"})


def _call(server: LiveServer, ticket_id: str) -> None:
    """Call ``ticket_id`` to the counter, serving first whatever waits before it (earlier proposals)."""
    for _ in range(100):
        called = staff_call_next(server)
        if called is None:
            raise WalkError(f"ticket {ticket_id} is not waiting at the counter")
        if called["id"] == ticket_id:
            return
        staff_action(server, called["id"], "start")
        staff_action(server, called["id"], "finish", {"note": "served"})
    raise WalkError(f"ticket {ticket_id} was never called")


def offline_tour(driver: KioskDriver) -> Iterator[Stop]:
    """A kiosk without a server: a ticket it cannot take, the call-back request it keeps instead, a kept proposal."""
    go_home(driver)
    touch(driver, "service:consult-120")
    touch(driver, "consult")
    yield arrive(driver, "offline", touch(driver, "yes"))
    yield arrive(driver, "callback", touch(driver, "callback"))
    show_page_with(driver, "phone")
    _checked(driver, driver.type_text(PHONE), "typing the phone number")
    yield arrive(driver, "callback:saved", touch(driver, "send"))
    go_home(driver)
    touch(driver, "service:mayor-office")  # a proposal is kept on the kiosk, without a receipt number
    touch(driver, "propose")
    show_page_with(driver, "proposal-text")
    _checked(driver, driver.type_text(PROPOSAL), "typing the proposal")
    touch(driver, "send")
    yield arrive(driver, "proposal:saved", touch(driver, "yes"))
    go_home(driver)
