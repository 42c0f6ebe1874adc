"""What a newcomer's `make` does about system packages it cannot install itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .conftest import REPO_ROOT


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root to run make as an unprivileged user (setpriv)",
)
def test_without_root_make_prints_the_exact_apt_command_and_stops():
    # The checkout may sit in a private folder; the `system` target needs only the Makefile.
    readable = Path(tempfile.mkdtemp(prefix="madang-make-"))
    try:
        readable.chmod(0o755)
        shutil.copy(REPO_ROOT / "Makefile", readable / "Makefile")
        (readable / "Makefile").chmod(0o644)
        unprivileged = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        make = ["make", "-s", "-C", str(readable), "system", "APT_PACKAGES=libgl1 madang-test-missing-package"]
        done = subprocess.run(
            [*unprivileged, "env", "-i", "PATH=/usr/bin:/bin", *make],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        shutil.rmtree(readable)
    assert done.returncode != 0
    assert "Madang needs system packages that are not installed. Run:" in done.stdout
    command = next(line.strip() for line in done.stdout.splitlines() if "apt-get install" in line)
    assert command.startswith("sudo apt-get update && sudo apt-get install -y --no-install-recommends")
    assert command.endswith(" madang-test-missing-package")
    assert "libgl1" not in command.split("install", 1)[1], "an installed package was asked for again"


def test_installed_system_packages_need_nothing():
    done = subprocess.run(
        ["make", "-s", "-C", str(REPO_ROOT), "system"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "apt-get" not in done.stdout
