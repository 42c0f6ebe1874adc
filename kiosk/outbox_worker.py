"""The thread that empties the outbox: it delivers when a record is added (or ``wake()`` is called) and when the
next record waiting after a failed try is due, and sleeps otherwise."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from .outbox import Outbox

if TYPE_CHECKING:
    from .server_client import KioskApiClient

log = logging.getLogger(__name__)

MAX_SLEEP_S = 60.0  # looks again at least this often, whatever it was told
ERROR_SLEEP_S = 5.0
ROUND = 20  # records per round, so that stop() never waits for a long backlog


class OutboxWorker(threading.Thread):
    def __init__(self, outbox: Outbox, client: KioskApiClient, *, clock=time.time) -> None:
        super().__init__(name="kiosk-outbox", daemon=True)
        self.outbox = outbox
        self.client = client
        self._clock = clock
        self._woken = threading.Event()
        self._stopped = threading.Event()
        self.rounds = 0  # delivery rounds run so far

    def start(self) -> None:
        self.outbox.add_listener(self.wake)
        super().start()

    def wake(self) -> None:
        """Deliver now (a record was added, or the network is back)."""
        self._woken.set()

    def stop(self, timeout: float = 3.0) -> None:
        """Stops after the record being sent, if any, waiting ``timeout`` seconds at most: a record whose answer
        did not come by then is sent again, with its key, when the kiosk starts again."""
        self.outbox.remove_listener(self.wake)
        self._stopped.set()
        self._woken.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout=timeout)

    def run(self) -> None:
        while not self._stopped.is_set():
            self._woken.clear()  # before the round: a record added during it wakes the next one
            try:
                report = self.outbox.deliver(self.client, limit=ROUND)
                due = self.outbox.next_due()
            except Exception:  # the thread must go on: a broken round is tried again a little later
                log.exception("the outbox could not deliver")
                sleep = ERROR_SLEEP_S
            else:
                sleep = MAX_SLEEP_S if due is None else min(MAX_SLEEP_S, max(0.0, due - self._clock()))
                if report.delivered + report.failed >= ROUND:
                    sleep = 0.0
            self.rounds += 1
            if self._stopped.is_set():
                return
            self._woken.wait(sleep)
