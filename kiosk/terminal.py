"""`madang kiosk --mode terminal`: the same kiosk for a person at a terminal.

Each typed line becomes one message of the headless protocol, parsed by the protocol itself, so the kiosk sees
exactly what a program driving it headless would send. A number chooses that option (a touch on it); plain words
are heard as speech; `:` commands stand for the keypad, typing, time and the headset. At an interactive terminal
the session clock follows real time (a tick every second); from a script it moves only with `:wait N`.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from typing import TextIO

from .app import Kiosk
from .hearing import Spoken
from .protocol import KEYS, ProtocolError, Tick, parse
from .stepper import Clock, Follower, Voice
from .terminal_view import TerminalView

PROMPT = "> "
HELP = f"""\
  N               choose option N (a touch on it)
  :say WORDS      say something to the kiosk (words that are not a number are said too)
  :type TEXT      type TEXT into the screen's text field
  :key KEY        press a keypad key: {" ".join(KEYS)}
  :wait N         let N seconds pass
  :headset on|off plug in or take out a headset
  :screen         show the whole screen again
  :help           this list
  :quit           leave (so does the end of input, Ctrl+D or Ctrl+C)"""
INTRO = "  Type a number to choose, or words to say them. :help lists the commands."


class UsageError(ValueError):
    """A typed line the terminal cannot turn into a message; said to the person, who carries on."""


class Terminal:
    """One kiosk, its text view and the lock that keeps the input loop and the clock from interleaving."""

    def __init__(self, kiosk: Kiosk, stdout: TextIO, *, interactive: bool) -> None:
        self.kiosk = kiosk
        self.stdout = stdout
        self.interactive = interactive
        width = shutil.get_terminal_size((80, 24)).columns if interactive else 80
        self.view = TerminalView(width=max(40, min(width, 110)))
        self.lock = threading.Lock()
        self._ticking: tuple[tuple[str, ...], int] | None = None  # the lines the clock last updated
        self.followers: list[Follower] = []  # told of every step's events (the live voice speaks them)

    def write(self, lines: list[str], *, from_clock: bool = False) -> None:
        if not lines:
            return
        text = "\n".join(lines) + "\n"
        if from_clock and self.interactive:  # print above the line being typed, then draw that line again
            updated = self.view.updated
            again = self._ticking is not None and updated and self._ticking[0] == updated
            # the same lines updated again (a countdown, a place in line): over the old ones, not below them
            up = "\x1b[A\x1b[2K" * self._ticking[1] if again else ""
            text = "\r\x1b[2K" + up + text + PROMPT + _typed_so_far()
            self._ticking = (updated, len(lines)) if updated else None
        else:
            self._ticking = None
        self.stdout.write(text)
        self.stdout.flush()

    def start(self) -> None:
        with self.lock:
            events = self.kiosk.start()
            self.write(self.view.render(events))
            self.write([INTRO])
            self._follow(events)

    def _follow(self, events: list[dict]) -> None:
        for follower in self.followers:
            follower(events)

    def send(self, message: dict) -> None:
        """One protocol message, through the protocol's own parser, to the kiosk; its answer printed."""
        with self.lock:
            try:
                events = self.kiosk.handle(parse(json.dumps(message, ensure_ascii=False)))
            except ProtocolError as error:
                events = self.kiosk.error(error)
            self.write(self.view.render(events))
            self._follow(events)

    def hear(self, spoken: Spoken | Tick) -> None:
        """What the live microphone heard, or a wake-up from another part (on its own thread)."""
        with self.lock:
            events = self.kiosk.handle(spoken)
            self.write(self.view.render(events), from_clock=True)
            self._follow(events)

    def tick(self, seconds: float) -> None:
        with self.lock:
            events = self.kiosk.handle(Tick(seconds))
            self.write(self.view.render(events), from_clock=True)
            self._follow(events)

    def line(self, line: str) -> bool:
        """Acts on one typed line; False when the person quits."""
        with self.lock:
            self._ticking = None  # the typed line moved the cursor: nothing above is overwritten now
        text = line.strip()
        if not text:
            return True
        try:
            message = self.message(text)
        except UsageError as error:
            with self.lock:
                self.write([f"  ! {error}"])
            return True
        if message is None:
            return True
        if message["type"] == "quit":
            return False
        self.send(message)
        return True

    def message(self, text: str) -> dict | None:
        """The protocol message a typed line stands for (None when the terminal answered it itself)."""
        if text.isdigit():
            return {"type": "touch", "target": self._option(int(text))}
        if not text.startswith(":"):
            return self._utterance(text)
        command, _, rest = text[1:].partition(" ")
        command, rest = command.lower(), rest.strip()
        if command in ("quit", "q", "exit"):
            return {"type": "quit"}
        if command in ("help", "h", "?"):
            with self.lock:
                self.write(["  Commands:", *HELP.splitlines()])
            return None
        if command == "screen":
            with self.lock:
                self.write(self.view.full())
            return None
        if command == "say":
            return self._utterance(_needs(rest, ":say WORDS, e.g. :say 세금"))
        if command == "type":
            return {"type": "text", "text": _needs(rest, ":type TEXT, e.g. :type 01012345678")}
        if command == "key":
            return {"type": "key", "key": _needs(rest, f":key KEY, one of {', '.join(KEYS)}").lower()}
        if command == "wait":
            return {"type": "tick", "seconds": _seconds(rest)}
        if command == "headset":
            if rest.lower() not in ("on", "off"):
                raise UsageError("write :headset on or :headset off")
            return {"type": "headset", "plugged": rest.lower() == "on"}
        raise UsageError(f"there is no command ':{command}': type :help for the list")

    def _utterance(self, words: str) -> dict:
        return {"type": "utterance", "text": words, "lang": self.kiosk.lang}

    def _option(self, number: int) -> str:
        with self.lock:
            target = self.view.target(number)
            count = len(self.view.options)
            has_input = any(e["role"] == "input" for e in (self.view.screen or {}).get("elements", []))
        if target is not None:
            return target
        problem = f"there is no option {number} on this screen"
        problem += f": choose a number from 1 to {count}" if count else ": it has no options"
        if has_input:
            problem += f"; to type the number into the text field, write :type {number}"
        raise UsageError(problem)


def _needs(rest: str, usage: str) -> str:
    if not rest:
        raise UsageError(f"write {usage}")
    return rest


def _seconds(rest: str) -> float:
    try:
        seconds = float(rest)
    except ValueError:
        raise UsageError("write :wait and a number of seconds, e.g. :wait 30") from None
    if seconds != seconds:  # noqa: PLR0124  (NaN)
        raise UsageError("write :wait and a number of seconds, e.g. :wait 30")
    return seconds


def _typed_so_far() -> str:
    try:
        import readline  # noqa: PLC0415  (only where a person types)
    except ImportError:
        return ""
    return readline.get_line_buffer()


def _lines(stdin: TextIO, stdout: TextIO, interactive: bool) -> Iterator[str]:
    if interactive:
        with suppress(ImportError):
            import readline  # noqa: F401, PLC0415  (line editing and history for input())
        while True:
            try:
                yield input(PROMPT)
            except EOFError:
                stdout.write("\n")
                return
    for line in stdin:
        stdout.write(f"{PROMPT}{line.rstrip()}\n")  # a transcript of a script reads like a session
        yield line


def run_terminal(
    kiosk: Kiosk,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    real_time: bool | None = None,
    voice: Voice | None = None,
    attach: Voice | None = None,
) -> None:
    """Runs until `:quit`, the end of input or Ctrl+C. ``real_time`` (default: when a person types at a
    terminal, or with live audio) ticks the session clock every second. ``attach``: a part that steps the kiosk
    from a thread of its own and follows every step (the fleet agent, the live channel's wake-up)."""
    interactive = stdin is sys.stdin and stdin.isatty()
    terminal = Terminal(kiosk, stdout, interactive=interactive)
    if attach is not None:
        terminal.followers.append(attach(terminal.hear))
    if voice is not None:
        terminal.followers.append(voice(terminal.hear))
    terminal.start()
    real_time = (interactive or voice is not None) if real_time is None else real_time
    clock = Clock(terminal.tick) if real_time else None
    if clock is not None:
        clock.start()
    try:
        for line in _lines(stdin, stdout, interactive):
            if not terminal.line(line):
                break
    except KeyboardInterrupt:
        stdout.write("\n")
    finally:
        if clock is not None:
            clock.stop()
        stdout.flush()
