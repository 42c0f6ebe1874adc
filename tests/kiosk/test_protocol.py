"""The headless protocol as an outside program sees it: the real `madang kiosk --mode headless` process, one JSON
object per line each way, read while the process still runs.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import MADANG
from tests.live_server import LiveServer, staff_call_next

from .conftest import TICKET_NUMBER
from .output_lines import OutputLines

WAIT_S = 20  # for one answer; the kiosk starts in about a second


class HeadlessKiosk:
    """`madang kiosk --mode headless ARGS`; a thread reads its standard output line by line as it comes."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {key: value for key, value in os.environ.items() if key != "MADANG_KIOSK_TOKEN"}
        self.process = subprocess.Popen(
            [str(MADANG), "kiosk", "--mode", "headless", "--data-dir", str(tmp_path / "kiosk"), *args],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.lines = OutputLines(self.process.stdout)
        self.seen: list[dict] = []

    def send(self, line: str | dict) -> None:
        self.process.stdin.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
        self.process.stdin.flush()

    def next(self, timeout: float = WAIT_S) -> dict:
        """The next line out, which must be one JSON object with a type."""
        line = self.lines.get(timeout=timeout)
        assert line is not None, f"the kiosk ended: {self.process.stderr.read()}"
        assert line.endswith("\n") and line.count("\n") == 1
        event = json.loads(line)
        assert isinstance(event, dict) and isinstance(event.get("type"), str), line
        self.seen.append(event)
        return event

    def until(self, done: Callable[[dict], bool]) -> list[dict]:
        """Lines out until one that ``done`` accepts, with the process still running."""
        events = [self.next()]
        while not done(events[-1]):
            events.append(self.next())
        assert self.process.poll() is None, "the kiosk must still run while it answers"
        return events

    def quit(self) -> tuple[int, list[dict], str]:
        """Sends quit; the exit code, the lines out after it, and the standard error."""
        self.send({"type": "quit"})
        code = self.process.wait(timeout=WAIT_S)
        rest = []
        while (line := self.lines.get(timeout=WAIT_S)) is not None:
            rest.append(json.loads(line))
        return code, rest, self.process.stderr.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=WAIT_S)
        self.lines.join(timeout=WAIT_S)  # it ends at the end of the output, before the pipes close
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


@pytest.fixture
def headless(tmp_path) -> Iterator[Callable[..., HeadlessKiosk]]:
    started: list[HeadlessKiosk] = []

    def headless(*args: str) -> HeadlessKiosk:
        started.append(HeadlessKiosk(tmp_path, *args))
        return started[-1]

    yield headless
    for kiosk in started:
        kiosk.close()


def is_screen(screen_id: str) -> Callable[[dict], bool]:
    return lambda event: event["type"] == "screen" and event["id"] == screen_id


def test_a_short_journey_against_the_server_line_by_line(server: LiveServer, headless):
    kiosk = headless("--server", server.url, "--token", server.kiosk_token, "--today", "2026-06-15")
    home = kiosk.next()
    assert home["type"] == "screen" and home["id"] == "home"
    assert {"service:consult-120", "home", "help", "call-staff"} <= {e["id"] for e in home["elements"]}
    assert set(home["display"]) >= {"width_mm", "height_mm", "bottom_from_floor_mm"}
    for element in home["elements"]:
        assert set(element) >= {"id", "role", "label", "hint", "voice", "focused", "enabled", "value", "bounds_mm"}
        assert len(element["bounds_mm"]) == 4

    kiosk.send({"type": "touch", "target": "service:consult-120"})
    events = kiosk.until(is_screen("service:consult-120"))
    kiosk.until(lambda event: event["type"] == "session" and event["event"] == "started")
    kiosk.send({"type": "touch", "target": "consult"})
    kiosk.until(is_screen("ticket:confirm"))
    kiosk.send({"type": "utterance", "text": "네", "lang": "ko"})
    events = kiosk.until(lambda event: event["type"] == "ticket")
    ticket = events[-1]
    assert TICKET_NUMBER.match(ticket["number"]) and ticket["status"] == "waiting"
    assert set(ticket) == {"type", "id", "number", "status", "position", "estimated_wait_s"}
    assert any(event["type"] == "screen" and event["id"] == "ticket:waiting" for event in events)

    called = staff_call_next(server)
    assert called["id"] == ticket["id"]
    kiosk.send({"type": "tick", "seconds": 2})
    events = kiosk.until(lambda event: event["type"] == "speech" and ticket["number"] in event["text"])
    speech = events[-1]
    assert speech["lang"] == "ko" and isinstance(speech["rate"], float)
    assert kiosk.next() == {"type": "caption", "text": speech["text"]}

    code, rest, errors = kiosk.quit()
    assert code == 0 and "Traceback" not in errors
    assert all(event["type"] != "error" for event in kiosk.seen + rest)


BAD_LINES = [
    ("this is not JSON", "bad_json"),
    ("[1, 2, 3]", "bad_json"),
    ('{"type": "dance"}', "unknown_type"),
    ('{"text": "no type at all"}', "unknown_type"),
    ('{"type": "touch"}', "bad_field"),
    ('{"type": "touch", "target": "home", "force": 3}', "bad_field"),
    ('{"type": "key", "key": "jump"}', "bad_field"),
    ('{"type": "tick", "seconds": "soon"}', "bad_field"),
    ('{"type": "touch", "target": "service:no-such-service"}', "unknown_target"),
    ('{"type": "audio", "path": "/nowhere/memo.wav"}', "bad_audio"),
]


def test_each_bad_line_gives_one_error_and_the_kiosk_carries_on(headless):
    kiosk = headless()
    assert kiosk.next()["id"] == "home"
    for line, code in BAD_LINES:
        kiosk.send(line)
        error = kiosk.until(lambda event: event["type"] == "error")[-1]
        assert error["code"] == code, (line, error)
        assert isinstance(error["detail"], str) and error["detail"], line
        assert set(error) == {"type", "code", "detail"}

    kiosk.send({"type": "touch", "target": "service:tour"})
    events = kiosk.until(is_screen("service:tour"))
    assert [event for event in events if event["type"] == "error"] == []  # one error per bad line, no more
    code, rest, errors = kiosk.quit()
    assert code == 0 and "Traceback" not in errors
    assert [event for event in rest if event["type"] == "error"] == []


def test_the_kiosk_greets_on_start_and_quit_ends_it_with_exit_code_0(headless):
    kiosk = headless()
    assert kiosk.next()["id"] == "home"
    code, rest, errors = kiosk.quit()
    greeting = [event["text"] for event in rest if event["type"] == "speech"]
    assert greeting == ["서울 마당", "화면을 누르거나, 키패드를 누르거나, 말씀하시면 시작합니다."]
    assert [event["type"] for event in rest] == ["speech", "caption"] * 2  # captioned, and nothing else
    assert code == 0 and errors == ""


def run_kiosk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "MADANG_KIOSK_TOKEN"}
    command = [str(MADANG), "kiosk", "--mode", "headless", "--data-dir", str(tmp_path / "kiosk"), *args]
    return subprocess.run(
        command, cwd=tmp_path, env=env, input="", capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("content", "name"),
    [("width_mm: [unclosed", "display.yaml"), ("width_mm: 5", "display.yaml"), ("{not json", "display.json")],
)
def test_a_bad_display_file_is_a_one_line_error(tmp_path, content, name):
    display = tmp_path / name
    display.write_text(content)
    done = run_kiosk(tmp_path, "--display", str(display))
    assert done.returncode != 0 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(display) in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_display_file_or_a_server_without_a_token_is_a_one_line_error(tmp_path):
    for args, says in [
        (["--display", str(tmp_path / "nowhere.yaml")], "nowhere.yaml"),
        (["--server", "http://127.0.0.1:9"], "--token"),
    ]:
        done = run_kiosk(tmp_path, *args)
        assert done.returncode != 0 and done.stdout == "", args
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], done.stderr
        assert "Traceback" not in done.stderr
