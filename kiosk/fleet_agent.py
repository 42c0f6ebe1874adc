"""The kiosk's part of the fleet: a thread that reports to the admin web and carries out the staff's commands.

Every ``heartbeat_s`` (30 s) it queues a heartbeat in the outbox (versions, when this run started, and the health of
kiosk/health.py; a heartbeat not yet sent is replaced by the newer one) and reads the server's answer to the
newest heartbeat of this run that was delivered. While nobody uses the kiosk it checks the server's content every
``sync_s`` (60 s), and at once when an answer names a version it does not have (never while a citizen talks to it:
downloading and checking a pack takes the CPU that listening needs); a version that is staged is handed to the
core at the next moment nobody uses the kiosk, and shown at once. A restart command ends the client at the next
idle moment (no session): ``on_restart`` is called, and the client exits with status 75 (``RESTART_EXIT``) so that
its supervisor starts it again (README: "The fleet: heartbeats, alerts and restarts").

The agent never touches the core from its own thread: ``attach(send)`` (the runner's way to step the core, under
its lock) gives the follower through which it offers content and looks for an idle moment, woken by
``send(Tick(0.0))``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import health
from .protocol import Tick

if TYPE_CHECKING:
    from .app import Kiosk
    from .content_sync import ContentSync

log = logging.getLogger(__name__)

RESTART_EXIT = 75  # EX_TEMPFAIL: ended for a restart the staff asked for; start it again
HEARTBEAT_S = 30.0  # admin_web/services/fleet.py HEARTBEAT_INTERVAL: three missed ones make a kiosk "silent"
SYNC_S = 60.0
POLL_S = 1.0  # how often the agent looks for the server's answer and for an idle moment
STOP_WAIT_S = 3.0  # a kiosk being stopped waits no longer on the network: what it sends is on disk already
KEYS_KEPT = 8  # heartbeats of this run whose answers are looked for (newest first)


def intervals(environ: dict[str, str]) -> dict[str, float]:
    """The agent's intervals from the environment (tests shorten them): MADANG_KIOSK_HEARTBEAT_S (default 30;
    the staff web calls a kiosk silent after three missed heartbeats of 30 s) and MADANG_KIOSK_SYNC_S (60)."""
    chosen = {}
    for name, variable in (("heartbeat_s", "MADANG_KIOSK_HEARTBEAT_S"), ("sync_s", "MADANG_KIOSK_SYNC_S")):
        raw = environ.get(variable, "").strip()
        if raw:
            try:
                chosen[name] = max(0.05, float(raw))
            except ValueError:
                log.warning("%s=%r is not a number of seconds: using the default", variable, raw)
    return chosen


class FleetAgent(threading.Thread):
    def __init__(
        self,
        kiosk: Kiosk,
        *,
        mode: str,
        sync: ContentSync | None = None,
        live: Any | None = None,
        on_restart: Callable[[], None] | None = None,
        heartbeat_s: float = HEARTBEAT_S,
        sync_s: float = SYNC_S,
        poll_s: float = POLL_S,
    ) -> None:
        super().__init__(name="kiosk-fleet", daemon=True)
        self.kiosk = kiosk
        self.outbox = kiosk.services.outbox
        self.mode = mode  # the renderer reported: terminal, headless, screen or xr
        self.sync = sync
        self.live = live  # the LiveVoice (voice/live.py), None without audio
        self.on_restart = on_restart
        self.heartbeat_s, self.sync_s, self.poll_s = heartbeat_s, sync_s, min(poll_s, heartbeat_s)
        self.started_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        self.content = health.ContentState()
        self.commands: dict = {}  # of the newest answer to a heartbeat of this run
        self.restart_requested = False
        self.restarting = threading.Event()  # an idle moment came: the client ends
        self._send: Callable[[Tick], None] | None = None
        self._keys: deque[str] = deque(maxlen=KEYS_KEPT)
        self._stopped = threading.Event()
        self._woken = threading.Event()
        self._offer = False  # a staged version waits to be offered (done by the follower)
        self._offered = False  # ... and was: the core's new screen is shown with one more step
        self._asked_for: int | None = None  # the version an answer named that was checked for at once
        self._next_heartbeat = 0.0
        self._next_sync = 0.0

    # --- the runner's side (under its lock) ------------------------------------------------------------------

    def attach(self, send: Callable[[Tick], None]) -> Callable[[list[dict]], None]:
        """Hooks the agent to a runner: ``send`` steps the core (under the runner's lock); the follower returned
        is called after every step, under that lock."""
        self._send = send
        return self.follow

    def follow(self, _events: list[dict]) -> None:
        """After each step, under the runner's lock: at an idle moment (no session), a staged version is handed to
        the core (its pack is read then, while nobody waits), and a restart asked for begins."""
        if self.kiosk.session.active:
            return
        try:
            if self._offer and self.sync is not None:
                self._offer = False
                offered = self.sync.offer(self.kiosk)
                if offered is not None:
                    log.info("content v%s is shown now", offered)
                    self._offered = True
        except Exception:  # never the runner's failure: the next round offers again
            log.exception("the staged content could not be offered")
        if self.restart_requested and not self.restarting.is_set():
            self.restarting.set()

    # --- the thread ------------------------------------------------------------------------------------------

    def wake(self) -> None:
        self._woken.set()

    def stop(self, timeout: float = STOP_WAIT_S) -> None:
        self._stopped.set()
        self._woken.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout=timeout)

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.round(time.monotonic())
            except Exception:  # the agent must go on: the next round tries again
                log.exception("the fleet agent's round failed")
            self._woken.wait(self.poll_s)
            self._woken.clear()

    def round(self, now: float) -> None:
        """One look: the newest answer, a heartbeat when due, the content, and the commands carried out."""
        self._read_answer()
        if now >= self._next_heartbeat:
            self.heartbeat()
            self._next_heartbeat = now + self.heartbeat_s
        busy = self.kiosk.session.active  # a citizen is talking to the kiosk: no downloads, no checks, no steps
        if self.sync is not None and not busy:
            target = self.commands.get("content_version")
            named = isinstance(target, int) and target not in (self.kiosk.content_version, self._asked_for)
            if now >= self._next_sync or named:
                self._asked_for = target if named else self._asked_for
                self._check()
                self._next_sync = now + self.sync_s
            self._offer = self._offer or self.sync.ready_version() is not None
        if not busy and (self._offer or (self.restart_requested and not self.restarting.is_set())):
            self._step()  # the follower acts on this idle moment (and after the step that ends a session)
            if self._offered:  # the new version's home screen, shown (and said) now
                self._offered = False
                self._next_heartbeat = now  # staff see the new version at once
                self._step()
        if self.restarting.is_set() and not self._stopped.is_set():
            self._stopped.set()
            log.info("restarting, as the staff asked: ending the client at this idle moment")
            if self.on_restart is not None:
                self.on_restart()

    def heartbeat(self) -> str | None:
        """Queues a heartbeat (it replaces one not yet sent); its key, or None when the disk refused it."""
        payload = {
            "app_version": health.app_version(),
            "content_version": self.kiosk.content_version,
            "started_at": self.started_at,
            "health": health.collect(self.kiosk, mode=self.mode, live=self.live, content_state=self.content),
        }
        try:
            key = self.outbox.add("heartbeat", payload)
        except sqlite3.Error as error:
            log.warning("could not keep a heartbeat: %s", error)
            return None
        self._keys.append(key)
        return key

    def _read_answer(self) -> None:
        for key in reversed(self._keys):
            record = self.outbox.get(key)
            if record is not None and record.state == "delivered" and isinstance(record.result, dict):
                commands = record.result.get("commands")
                self.commands = commands if isinstance(commands, dict) else {}
                self.restart_requested = self.commands.get("restart") is True
                return

    def _check(self) -> None:
        result = self.sync.check()
        if result.status == "failed":
            self.content.failures += 1
            self.content.reason = result.reason
        else:
            self.content.failures, self.content.reason = 0, ""
        self.content.ready = self.sync.ready_version()

    def _step(self) -> None:
        """Lets the follower act under the runner's lock (not before a runner is attached)."""
        if self._send is not None:
            self._send(Tick(0.0))
