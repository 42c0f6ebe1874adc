"""`madang kiosk --mode headless`: the protocol on stdin and stdout, one JSON object per line, flushed."""

from __future__ import annotations

import sys
from typing import TextIO

from .app import Kiosk
from .protocol import ProtocolError, Quit, dumps, parse


def run_headless(kiosk: Kiosk, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    def emit(events: list[dict]) -> None:
        for event in events:
            stdout.write(dumps(event) + "\n")
        stdout.flush()

    emit(kiosk.start())
    for line in stdin:
        if not line.strip():
            continue
        try:
            event = parse(line)
            if isinstance(event, Quit):
                return
            emit(kiosk.handle(event))
        except ProtocolError as error:
            emit(kiosk.error(error))
