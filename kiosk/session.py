"""The session clock: idle time, the warning 20 s before the timeout, and as many extensions as needed."""

from __future__ import annotations

from dataclasses import dataclass

IDLE_TIMEOUT_S = 120.0
WARNING_BEFORE_S = 20.0


@dataclass
class SessionClock:
    timeout_s: float = IDLE_TIMEOUT_S
    active: bool = False
    idle_s: float = 0.0
    warned: bool = False
    extensions: int = 0

    def start(self) -> None:
        self.active, self.idle_s, self.warned, self.extensions = True, 0.0, False, 0

    def touch(self) -> bool:
        """Any input: the citizen is here. True when it extended a warned session."""
        self.idle_s = 0.0
        if self.warned:
            self.warned = False
            self.extensions += 1
            return True
        return False

    def advance(self, seconds: float, *, paused: bool) -> str | None:
        """'warning' or 'timeout' when one is due after ``seconds`` more of idle time."""
        if not self.active or paused:
            return None
        self.idle_s += seconds
        if self.idle_s >= self.timeout_s:
            return "timeout"
        if not self.warned and self.idle_s >= self.timeout_s - WARNING_BEFORE_S:
            self.warned = True
            return "warning"
        return None

    @property
    def seconds_left(self) -> int:
        return max(0, round(self.timeout_s - self.idle_s))

    def end(self) -> None:
        self.active, self.idle_s, self.warned = False, 0.0, False
