"""What a kiosk with a server runs beside its client (the outbox's worker, the fleet agent, the live channel's
wake-up), and how a restart the staff asked for ends the client: ``RestartRequested``, exit status 75."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .build import content_cache
from .content_sync import ContentSync
from .fleet_agent import RESTART_EXIT, FleetAgent, intervals
from .protocol import Tick


def joined(voice, attach):
    """One hook for the screen and headset runners (which tick in real time anyway): the live voice and ``attach``
    both follow every step."""
    if attach is None:
        return voice

    def hook(send):
        followers = [voice(send)] if voice is not None else []
        followers.append(attach(send))

        def follow(events: list[dict]) -> None:
            for follower in followers:
                follower(events)

        return follow

    return hook


class RestartRequested(SystemExit):
    """The staff asked for a restart and an idle moment came: the client ends with exit status 75, for a
    supervisor (or `madang run`) to start it again."""

    def __init__(self) -> None:
        super().__init__(RESTART_EXIT)


RESTART_SIGNAL = signal.SIGUSR1  # how the fleet agent's thread interrupts the main thread's wait for input


class Fleet:
    """What a kiosk with a server runs alongside its client: the outbox's worker, the fleet agent, and the live
    channel's wake-up; ``attach`` hooks the last two to the runner."""

    def __init__(self, kiosk, agent) -> None:
        self.kiosk = kiosk
        self.agent = agent

    @classmethod
    def start(cls, kiosk, mode: str, *, live_audio=None, data_dir: Path | None = None) -> Fleet | None:
        services = kiosk.services
        if services.client is None:
            return None
        sync = ContentSync(services.client, content_cache(data_dir))
        agent = FleetAgent(kiosk, mode=mode, sync=sync, live=live_audio, **intervals(os.environ))
        services.start_delivery()
        agent.start()
        return cls(kiosk, agent)

    def attach(self, send):
        self.kiosk.services.set_wakeup(lambda: send(Tick(0.0)))
        return self.agent.attach(send)

    def stop(self) -> None:
        self.kiosk.services.set_wakeup(None)
        self.agent.stop()
        self.kiosk.services.stop_delivery()

    @contextmanager
    def restart_signal(self) -> Iterator[None]:
        """While the client runs, the agent ends it (from its own thread) by raising RestartRequested in the main
        thread, which is waiting for input or drawing frames."""
        main = threading.main_thread()
        if threading.current_thread() is not main:
            yield  # only the main thread receives signals: the client ends when the person quits
            return

        def restart(_signum: int, _frame: object) -> None:
            if self.agent.restarting.is_set():
                raise RestartRequested

        previous = signal.signal(RESTART_SIGNAL, restart)
        self.agent.on_restart = lambda: signal.pthread_kill(main.ident, RESTART_SIGNAL)
        try:
            yield
        finally:
            self.agent.on_restart = None
            self.agent.stop()  # no signal after this
            signal.signal(RESTART_SIGNAL, previous)
