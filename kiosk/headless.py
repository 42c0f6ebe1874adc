"""`madang kiosk --mode headless`: the protocol on stdin and stdout, one JSON object per line, flushed.

With live audio (``--audio``), the microphone and a real-time clock send input too; every step runs in turn.
"""

from __future__ import annotations

import sys
from typing import TextIO

from .app import Kiosk
from .protocol import ProtocolError, Quit, dumps, parse
from .stepper import Stepper, Voice, ticking


def run_headless(
    kiosk: Kiosk,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    voice: Voice | None = None,
    attach: Voice | None = None,
) -> None:
    """``attach``: a part that steps the kiosk from a thread of its own and follows every step (the fleet agent,
    the live channel's wake-up); unlike ``voice``, it starts no real-time clock."""

    def emit(events: list[dict]) -> None:
        for event in events:
            stdout.write(dumps(event) + "\n")
        stdout.flush()

    stepper = Stepper(kiosk, emit)
    clock = None
    if attach is not None:
        stepper.followers.append(attach(stepper.send))
    if voice is not None:
        stepper.followers.append(voice(stepper.send))
        clock = ticking(stepper)
    stepper.start()
    if clock is not None:
        clock.start()
    try:
        for line in stdin:
            if not line.strip():
                continue
            try:
                event = parse(line)
            except ProtocolError as error:
                stepper.fail(error)
                continue
            if isinstance(event, Quit):
                return
            stepper.send(event)
    finally:
        if clock is not None:
            clock.stop()
