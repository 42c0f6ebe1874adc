"""One kiosk shared by several threads (input lines, the microphone, the clock): each step runs under one lock
and its output events go to every follower in order (the protocol's stdout, the speaker)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .app import Kiosk
from .hearing import Spoken
from .protocol import InputEvent, ProtocolError, Tick

Follower = Callable[[list[dict]], None]
Voice = Callable[[Callable[[Spoken], None]], Follower]  # starts live audio delivering to a kiosk; follows its steps
TICK_SECONDS = 1.0


class Stepper:
    def __init__(self, kiosk: Kiosk, *followers: Follower) -> None:
        self.kiosk = kiosk
        self.followers = list(followers)
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            self._follow(self.kiosk.start())

    def send(self, event: InputEvent | Spoken) -> None:
        with self.lock:
            try:
                events = self.kiosk.handle(event)
            except ProtocolError as error:
                events = self.kiosk.error(error)
            self._follow(events)

    def fail(self, error: ProtocolError) -> None:
        with self.lock:
            self._follow(self.kiosk.error(error))

    def _follow(self, events: list[dict]) -> None:
        for follower in self.followers:
            follower(events)


class Clock(threading.Thread):
    """Calls ``tick`` with the seconds passed, about once a second, until stopped."""

    def __init__(self, tick: Callable[[float], None]) -> None:
        super().__init__(name="kiosk-clock", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        last = time.monotonic()
        while not self.stopped.wait(TICK_SECONDS):
            now = time.monotonic()
            self.tick(now - last)
            last = now

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout=5)


def ticking(stepper: Stepper) -> Clock:
    return Clock(lambda seconds: stepper.send(Tick(seconds)))
