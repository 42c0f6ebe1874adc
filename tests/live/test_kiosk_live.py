"""The kiosk core following its ticket live, woken by the channel as the runner wires it: the call (and a recall)
is said within a second of the counselor's click, and the counselor's message appears on the consultation page
once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from madang.kiosk.protocol import Tick
from madang.kiosk.stepper import Stepper
from tests.kiosk.driver import KioskDriver
from tests.live_server import COUNTER_NAME, staff_action, staff_call_next, staff_message

WAIT_S = 10.0


class Heard:
    """Follows the kiosk's steps as a speaker and a screen would: what was said (and when), the screen shown."""

    def __init__(self) -> None:
        self.said: list[tuple[float, str]] = []
        self.screen: dict = {}
        self._changed = threading.Condition()

    def __call__(self, events: list[dict]) -> None:
        at = time.monotonic()
        with self._changed:
            for event in events:
                if event["type"] == "speech":
                    self.said.append((at, event["text"]))
                elif event["type"] == "screen":
                    self.screen = event
            self._changed.notify_all()

    def wait_for(self, found: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(found, WAIT_S), [text for _, text in self.said]

    def when_said(self, line: str) -> float:
        self.wait_for(lambda: any(text == line for _, text in self.said))
        return next(at for at, text in self.said if text == line)

    def times_said(self, line: str) -> int:
        return sum(text == line for _, text in self.said)


@pytest.fixture
def live_kiosk(server, tmp_path) -> Iterator[tuple[KioskDriver, Stepper, Heard]]:
    """A kiosk with a ticket for 120 Dasan on its waiting page, run by a stepper that the channel wakes, as
    `madang kiosk` runs it; the clock does not tick on its own, so only the channel's wake-up moves the kiosk."""
    driver = KioskDriver.build(tmp_path / "kiosk", server=server.url, token=server.kiosk_token)
    driver.touch("service:consult-120")
    driver.touch_anywhere("consult")
    driver.touch_anywhere("yes")
    assert driver.screen_id == "ticket:waiting"
    heard = Heard()
    stepper = Stepper(driver.kiosk, heard)
    services = driver.kiosk.services
    services.set_wakeup(lambda: stepper.send(Tick(0.0)))
    stepper.send(Tick(0.0))  # the clock's next tick: the waiting page follows its ticket
    assert services.live.channel is not None and services.live.channel.wait_connected(WAIT_S)
    yield driver, stepper, heard
    services.unfollow()
    services.close()


def test_the_call_is_said_within_a_second_of_the_counselors_click(server, live_kiosk):
    driver, _, heard = live_kiosk
    ticket = driver.last("ticket")
    call = driver.kiosk.ui.text(
        "ticket:waiting", "called", driver.kiosk.lang, number=ticket["number"], counter=COUNTER_NAME
    )
    called = staff_call_next(server)
    answered = time.monotonic()
    assert called["id"] == ticket["id"]
    latency = heard.when_said(call) - answered
    print(f"the call was said {latency * 1000:.0f} ms after the counselor's call was answered")  # shown with -s
    assert latency < 1.0, f"the call was said {latency:.3f} s after the counselor's call was answered"
    heard.wait_for(
        lambda: any(e["id"] == "ticket-status" and COUNTER_NAME in e["label"] for e in heard.screen["elements"])
    )

    staff_action(server, ticket["id"], "recall")  # the citizen has not come: the counselor calls again
    recalled = time.monotonic()
    heard.wait_for(lambda: heard.times_said(call) == 2)
    assert heard.said[-1][0] - recalled < 1.0


def test_a_staff_message_appears_on_the_consultation_page_once(server, live_kiosk):
    driver, stepper, heard = live_kiosk
    ticket = driver.last("ticket")
    staff_call_next(server)
    staff_action(server, ticket["id"], "start")
    heard.wait_for(lambda: heard.screen.get("id") == "consultation")
    message = staff_message(server, ticket["id"], "신분증을 준비해 주세요.")
    line = driver.kiosk.ui.text("consultation", "staff-says", driver.kiosk.lang, text=message["text"])
    heard.when_said(line)
    stepper.send(Tick(20.0))  # the slow poll brings the same message: it is not said or shown again
    assert heard.times_said(line) == 1
    shown = [element for element in heard.screen["elements"] if element["id"].startswith("message-")]
    assert [element["id"] for element in shown].count(f"message-{message['id']}") == 1

    with stepper.lock:  # the citizen walks away: the session ends and the ticket is no longer followed
        driver.kiosk.end_session()
    assert driver.kiosk.services.live.following is None
