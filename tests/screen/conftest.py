"""A virtual display (Xvfb) for the screen client's window tests, and xdotool to click and type on it."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import unavailable

INSTALL = "sudo apt-get install xvfb xdotool"


def _unavailable(reason: str) -> None:
    unavailable(reason, INSTALL)


@pytest.fixture(scope="session")
def virtual_display():
    """The DISPLAY of a private 1280x1024 Xvfb server, stopped after the tests."""
    for program in ("Xvfb", "xdotool"):
        if shutil.which(program) is None:
            _unavailable(f"{program} is not installed")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    if not number:
        server.kill()
        _unavailable("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
