"""`--quit-after SECONDS` ends the modes that wait on standard input cleanly, input still open."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from tests.conftest import MADANG, REPO_ROOT


@pytest.mark.parametrize("mode", ["headless", "terminal"])
def test_quit_after_ends_a_mode_waiting_for_input(tmp_path, mode):
    env = {**os.environ, "MADANG_KIOSK_DATA_DIR": str(tmp_path)}
    started = time.monotonic()
    kiosk = subprocess.Popen(
        [str(MADANG), "kiosk", "--mode", mode, "--no-audio", "--quit-after", "2"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.PIPE,  # left open: only the time ends the kiosk
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        kiosk.wait(timeout=30)  # not communicate(): it would close the kiosk's input
        stdout, stderr = kiosk.stdout.read(), kiosk.stderr.read()
    finally:
        kiosk.kill()
        for stream in (kiosk.stdin, kiosk.stdout, kiosk.stderr):
            stream.close()
    assert kiosk.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert 2 <= time.monotonic() - started < 30
    if mode == "headless":
        first = json.loads(stdout.splitlines()[0])
        assert first["type"] == "screen" and first["id"] == "home"
