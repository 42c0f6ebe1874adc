"""`madang run`: the admin web on SQLite in ./var and a kiosk connected to it, started with one command.

Run as a person would, in a fresh working folder (the content pack comes with the installed package), with the
kiosk in headless mode so that the test reads its protocol on standard output; what it sets up is said on
standard error.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import stat
import subprocess
import threading
import urllib.request
from pathlib import Path

from tests.conftest import MADANG
from tests.live_server import free_port

from .output_lines import OutputLines

STARTUP_SECONDS = 90
PASSWORD_SHOWN = "it is shown only this once"


class MadangRun:
    """`madang run --mode headless --port PORT` in ``cwd``: protocol lines in and out, standard error kept."""

    def __init__(self, cwd: Path, port: int) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("MADANG_")}
        env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT prints every thread's stack, for a run that does not end
        self.port = port
        self.process = subprocess.Popen(
            [str(MADANG), "run", "--mode", "headless", "--port", str(port)],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = OutputLines(self.process.stdout)
        self.stderr: list[str] = []
        self.events: list[dict] = []
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    def _read_stderr(self) -> None:
        self.stderr.extend(self.process.stderr)

    def send(self, **message) -> None:
        self.process.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.process.stdin.flush()

    def wait_for(self, kind: str, timeout: float = 30, **fields) -> dict:
        """The next event of ``kind`` (with those fields); every stdout line must be a protocol event."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {kind} event within {timeout} s; stderr:\n{self.said}") from None
            assert line is not None, f"`madang run` ended before a {kind} event; stderr:\n{self.said}"
            event = json.loads(line)  # standard output carries only the protocol
            self.events.append(event)
            if event["type"] == kind and all(event.get(name) == value for name, value in fields.items()):
                return event

    def quit(self) -> int:
        self.send(type="quit")
        return self.finish()

    def finish(self) -> int:
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)
            self.process.wait(timeout=10)
            self._stderr_reader.join(timeout=10)
            raise AssertionError(f"`madang run` did not end within 30 s; its threads, stderr:\n{self.said}") from None
        self.lines.join(timeout=10)
        self._stderr_reader.join(timeout=10)
        return code

    def close(self) -> None:
        """Kills it if a test failed midway, and closes the pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.finish()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()

    @property
    def said(self) -> str:
        return "".join(self.stderr)


def take_ticket(run: MadangRun) -> dict:
    for target in ("service:tax-square", "consult", "yes"):
        run.send(type="touch", target=target)
    return run.wait_for("ticket")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_run_sets_up_serves_and_connects_a_kiosk_then_reuses_it(tmp_path):
    first = MadangRun(tmp_path, free_port())
    try:
        home = first.wait_for("screen", timeout=STARTUP_SECONDS)
        assert home["id"] == "home"
        with urllib.request.urlopen(f"http://127.0.0.1:{first.port}/api/v1/openapi.json", timeout=10) as answer:
            assert answer.status == 200  # the admin web answers while the kiosk runs

        ticket = take_ticket(first)
        assert re.fullmatch(r"T-\d{3}", ticket["number"]), ticket  # a real number from the real server
        assert ticket["status"] == "waiting"
        assert first.quit() == 0
    finally:
        first.close()
    said = first.said
    assert said.count(PASSWORD_SHOWN) == 1
    password = said.split(PASSWORD_SHOWN)[1].splitlines()[1].strip()
    assert len(password) >= 12
    assert f"http://127.0.0.1:{first.port}/" in said  # where the staff web is
    assert "Stopped the admin web." in said
    assert not port_open(first.port)  # the server is gone with the kiosk

    var = tmp_path / "var"
    token_file = var / "kiosk-token"
    assert (var / "madang.db").is_file() and (var / "server.log").stat().st_size > 0
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text()

    second = MadangRun(tmp_path, free_port())
    try:
        second.wait_for("screen", timeout=STARTUP_SECONDS)
        again = take_ticket(second)
        assert again["number"] != ticket["number"]  # the same database: the queue went on
        assert second.quit() == 0
    finally:
        second.close()
    assert PASSWORD_SHOWN not in second.said
    assert password not in second.said
    assert "'admin' already exists" in second.said
    assert token_file.read_text() == token  # the kiosk kept its token
    assert not port_open(second.port)


def test_run_replaces_a_token_the_server_does_not_know_and_stops_on_ctrl_c(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "kiosk-token").write_text("a-token-from-a-database-since-deleted\n")

    run = MadangRun(tmp_path, free_port())
    try:
        run.wait_for("screen", timeout=STARTUP_SECONDS)
        ticket = take_ticket(run)  # the kiosk got a token the server accepts
        assert re.fullmatch(r"T-\d{3}", ticket["number"]), ticket
        run.process.send_signal(signal.SIGINT)  # Ctrl+C
        run.finish()
    finally:
        run.close()
    assert "no longer accepts the kiosk token" in run.said
    assert (var / "kiosk-token").read_text().strip() != "a-token-from-a-database-since-deleted"
    assert "Stopped the admin web." in run.said
    assert not port_open(run.port)
