"""A real kiosk (`madang kiosk --mode headless` as a process) against the real server: its fleet agent reports its
health, brings the content it should run and shows it while nobody uses it, and ends with exit status 75 when staff
ask for a restart on the kiosks page; started again, its first heartbeat clears the request."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable

from tests.conftest import MADANG, REPO_ROOT

RESTART_EXIT = 75


def start_kiosk(server, token: str, data_dir) -> subprocess.Popen:
    env = {
        **os.environ,
        "MADANG_KIOSK_DATA_DIR": str(data_dir),
        "MADANG_KIOSK_HEARTBEAT_S": "0.3",  # instead of 30 s
    }
    command = [str(MADANG), "kiosk", "--mode", "headless", "--no-audio", "--server", server.url, "--token", token]
    return subprocess.Popen(
        [*command, "--quit-after", "60"],  # never left behind by a failed test
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.PIPE,  # left open: the kiosk waits for input, as one waits for a citizen
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ended(kiosk: subprocess.Popen, timeout: float) -> tuple[int, list[dict], str]:
    try:
        kiosk.wait(timeout=timeout)
        stdout, stderr = kiosk.stdout.read(), kiosk.stderr.read()
    finally:
        kiosk.kill()
        for stream in (kiosk.stdin, kiosk.stdout, kiosk.stderr):
            stream.close()
    return kiosk.returncode, [json.loads(line) for line in stdout.splitlines()], stderr


def wait_for(what: Callable[[], dict | None], timeout: float = 40.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:g} s: {what.__doc__}")


def test_a_kiosk_reports_syncs_and_restarts_when_staff_ask(fleet_server, staff_web, tmp_path):
    server = fleet_server
    name, token = server.new_kiosk("agent")
    kiosk_id = server.kiosk_id(name)
    kiosk = start_kiosk(server, token, tmp_path)

    def synced() -> dict | None:
        """the kiosk reported the newest published version in use"""
        state = server.state(name)
        ready = state["content_version"] is not None and state["content_version"] == state["target_content_version"]
        return state if ready else None

    try:
        state = wait_for(synced)
    except AssertionError:
        kiosk.kill()
        raise AssertionError(ended(kiosk, 10)[2]) from None
    health = state["health"]
    assert health["renderer"] == {"ok": True, "used": True, "detail": "JSON lines for a program (no screen of its own)"}
    assert health["microphone"]["used"] is False and health["recogniser"]["used"] is False
    assert health["content"]["version"] == state["content_version"]
    assert health["outbox"] == {"backlog": 0, "oldest_age_s": 0.0, "failed": 0}
    assert state["state"] == "ok" and state["app_version"] and state["started_at"]

    status, page = staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/restart")
    assert status == 200 and "재시작을 요청했습니다" in page
    code, events, stderr = ended(kiosk, 30)
    assert code == RESTART_EXIT, stderr
    assert "Traceback" not in stderr
    screens = [event for event in events if event["type"] == "screen"]
    assert screens[0]["id"] == "home" and screens[-1]["id"] == "home"  # the synced content's home, shown when idle
    assert server.state(name)["restart_requested_at"] is not None  # until it has started again

    again = start_kiosk(server, token, tmp_path)  # as a supervisor does on exit status 75

    def restarted() -> dict | None:
        """the restarted kiosk's heartbeat cleared the request"""
        fresh = server.state(name)
        return fresh if fresh["started_at"] != state["started_at"] and fresh["restart_requested_at"] is None else None

    fresh = wait_for(restarted)
    assert fresh["content_version"] == state["content_version"]  # from its cache, at once
    again.stdin.close()  # the end of input quits
    code, _, stderr = ended(again, 30)
    assert code == 0, stderr
