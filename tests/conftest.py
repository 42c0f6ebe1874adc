"""Shared paths and a helper that runs the installed `madang` command as a user would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from madang.content.checks import validate_pack
from madang.content.cli import SHIPPED_PACK

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "tests" / "data"
MADANG = Path(sys.executable).parent / "madang"


# A suite started in the background by a script (a CI runner, say) inherits SIGINT ignored, and so would every
# program a test starts; a person's terminal does not ignore it. Ctrl+C must reach `madang run` as it does for them.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN and threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGINT, signal.default_int_handler)


def unavailable(reason: str, install: str) -> None:
    """A part of the machine a test needs is missing: skip with the reason and what to install, except under CI,
    where every test must run."""
    reason = f"{reason}: {install}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def run_madang(*args: str, cwd: Path = REPO_ROOT, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MADANG), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def shipped_pack():
    result, problems = validate_pack(SHIPPED_PACK)
    assert problems == [], "\n".join(map(str, problems))
    return result.pack
