"""A process's output read on a thread, line by line as it comes, so a test can wait for a line with a timeout."""

from __future__ import annotations

import queue
import threading
from typing import TextIO


class OutputLines:
    def __init__(self, stream: TextIO) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)  # the end of the output

    def get(self, timeout: float) -> str | None:
        """The next line, or None once the output has ended; ``queue.Empty`` when none comes in time."""
        return self._lines.get(timeout=timeout)

    def join(self, timeout: float) -> None:
        self.thread.join(timeout=timeout)
