"""`madang kiosk --mode terminal`: the kiosk for a person at a terminal, driven here by a typed script.

The command runs as a subprocess with the script on its standard input, offline. Its transcript echoes each
typed line after the prompt (``> ``), so the output can be cut into what answered each line.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import MADANG

OPTION = re.compile(r"^(▶)?\s*(\d+)\. (.+)$")
TITLE = re.compile(r"^══ (.+?) ═+ (\S+) ══$")


@dataclass
class Transcript:
    returncode: int
    blocks: list[list[str]]  # blocks[0]: before the first typed line; blocks[i]: the answer to line i

    def answer(self, index: int) -> str:
        return "\n".join(self.blocks[index])

    def titles(self, index: int) -> list[tuple[str, str]]:
        """(title, screen id) of each screen drawn in block ``index``."""
        return [match.groups() for line in self.blocks[index] if (match := TITLE.match(line))]

    def options(self, index: int) -> dict[str, int]:
        """The numbered options drawn in block ``index`` (the control bar has several a line): label -> number."""
        found = {}
        for line in self.blocks[index]:
            for part in re.split(r"\s{3,}", line.strip()):
                match = OPTION.match(part)
                if match:
                    found[match.group(3).strip()] = int(match.group(2))
        return found


def terminal(tmp_path: Path, *lines: str) -> Transcript:
    done = subprocess.run(
        [str(MADANG), "kiosk", "--mode", "terminal", "--no-audio", "--data-dir", str(tmp_path / "kiosk")],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={key: value for key, value in os.environ.items() if not key.startswith("MADANG_")},
    )
    assert done.stderr == "", done.stderr
    blocks: list[list[str]] = [[]]
    for line in done.stdout.splitlines():
        if line.startswith("> "):
            blocks.append([])
        else:
            blocks[-1].append(line)
    return Transcript(done.returncode, blocks)


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def test_home_lists_every_service_numbered_and_a_number_opens_it(tmp_path, shipped_pack):
    run = terminal(tmp_path, "3", ":quit")

    assert run.titles(0) == [("무엇을 도와드릴까요?", "home")]
    options = run.options(0)
    names = [service.name.get("ko") for service in shipped_pack.services]
    assert len(names) == 10
    numbers = [options.get(name) for name in names]
    assert None not in numbers, f"services missing from the home screen: {options}"
    assert sorted(numbers) == list(range(1, 11))  # the services come first, numbered 1 to 10
    assert options["English"] > 10 and options["직원 부르기"] > 10  # the control bar is numbered too

    chosen = next(name for name, number in options.items() if number == 3)
    service = next(s for s in shipped_pack.services if s.name.get("ko") == chosen)
    assert run.titles(1) == [(chosen, f"service:{service.id}")]
    assert "» " + chosen in run.answer(1)  # the spoken title, as a caption
    assert run.returncode == 0


def test_speech_is_confirmed_before_the_kiosk_acts(tmp_path):
    run = terminal(tmp_path, ":say 세금", ":say 네", ":quit")

    asked = run.answer(1)
    assert run.titles(1) == [("무엇을 도와드릴까요?", "home")]  # still home, now asking
    assert "세금 광장" in asked and "?" in asked
    assert "네" in run.options(1) and "아니요" in run.options(1)  # yes and no became options
    assert run.titles(2) == [("세금 광장", "service:tax-square")]
    assert run.returncode == 0


def test_plain_words_are_speech_and_bad_input_is_explained(tmp_path):
    run = terminal(tmp_path, ":frobnicate", "99", ":key sideways", ":wait soon", "세금", "네", ":quit", "1")

    assert "there is no command ':frobnicate': type :help" in run.answer(1)
    assert "there is no option 99 on this screen: choose a number from 1 to 16" in run.answer(2)
    assert "unknown key 'sideways'" in run.answer(3)  # the protocol's own error, in words
    assert "write :wait and a number of seconds" in run.answer(4)
    assert run.titles(6) == [("세금 광장", "service:tax-square")]  # it carried on after each mistake
    assert len(run.blocks) == 8  # nothing after :quit was read
    assert run.returncode == 0


def test_keypad_text_time_and_the_end_of_input(tmp_path):
    run = terminal(tmp_path, ":key down", ":key down", ":key enter", ":wait 100", ":help")

    assert re.search(r"▶\s+1\. 120다산콜센터", run.answer(1))  # the focus is marked where it moved
    assert re.search(r"▶\s+2\. 민원서류", run.answer(2))
    assert run.titles(3) == [("민원서류", "service:documents")]
    assert "the session ends soon" in run.answer(4)  # 100 s idle: the warning, 20 s before the timeout
    assert ":type TEXT" in run.answer(5) and ":headset on|off" in run.answer(5)
    assert run.returncode == 0  # the end of input quits


def test_the_screen_fits_80_columns_and_korean_lines_up(tmp_path):
    run = terminal(tmp_path, "3", ":quit")

    for block in run.blocks:
        for line in block:
            assert cells(line) <= 80, line
    # the control bar is a grid: each row's options start at the same columns, counted in cells
    bar = [line for line in run.blocks[1] if re.search(r"\d+\. (처음으로|직원 부르기)", line)]
    assert len(bar) == 2
    starts = [[cells(line[: match.start()]) for match in re.finditer(r"\d+\. ", line)] for line in bar]
    assert starts[1] == starts[0][: len(starts[1])]


def test_at_a_terminal_the_clock_runs_on_real_time_and_ctrl_d_quits(tmp_path):
    """The command at a real terminal (a pseudo-terminal): nobody types :wait for the last seconds to pass."""
    controller, terminal_side = pty.openpty()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MADANG_")}
    process = subprocess.Popen(
        [str(MADANG), "kiosk", "--mode", "terminal", "--no-audio", "--data-dir", str(tmp_path / "kiosk")],
        stdin=terminal_side,
        stdout=terminal_side,
        stderr=terminal_side,
        env={**env, "TERM": "dumb", "COLUMNS": "80", "LINES": "24"},
        close_fds=True,
    )
    os.close(terminal_side)
    shown = b""

    def read_until(text: str, timeout: float = 30) -> None:
        nonlocal shown
        deadline = time.monotonic() + timeout
        while text.encode() not in shown:
            assert time.monotonic() < deadline, f"{text!r} never appeared; the terminal shows:\n{shown.decode()}"
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    shown += os.read(controller, 65536)
                except OSError:  # the command ended and closed its side
                    break

    try:
        read_until("> ")
        os.write(controller, b"3\n:wait 99\n")  # 99 s idle; the warning comes 100 s after the last input
        read_until("session:warning")  # after one more real second
        read_until("19초")  # and the countdown goes on by itself
        os.write(controller, b"\x04")  # Ctrl+D
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
