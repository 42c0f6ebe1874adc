"""The package layout: one distribution `madang`, the card's folders, and `import xr` staying pyopenxr."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from madang.kiosk.cli import main

from .conftest import REPO_ROOT, run_madang

EXPECTED_TOP_LEVEL = {
    "kiosk",
    "xr",
    "voice",
    "admin_web",
    "content",
    "tests",
    "requirements.txt",
    "README.md",
    "pyproject.toml",
    "Makefile",
    ".ci",
    ".gitignore",
}
IMPORT_CHECK = """
import sys, xr, madang.xr.runtime
assert callable(xr.create_instance), "import xr is not pyopenxr"
print(xr.__file__)
print(madang.xr.runtime.__file__)
"""


def test_top_level_is_exactly_the_cards_layout():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    top_level = {Path(line).parts[0] for line in tracked.stdout.splitlines()}
    assert top_level == EXPECTED_TOP_LEVEL


def test_xr_folder_is_not_a_top_level_package():
    assert not (REPO_ROOT / "xr" / "__init__.py").exists(), "xr/__init__.py would shadow pyopenxr"


@pytest.mark.parametrize("where", ["repo root", "elsewhere"])
def test_import_xr_is_pyopenxr_and_ours_is_madang_xr(where, tmp_path):
    cwd = REPO_ROOT if where == "repo root" else tmp_path
    done = subprocess.run([sys.executable, "-c", IMPORT_CHECK], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    pyopenxr_file, ours = done.stdout.splitlines()
    assert "site-packages" in pyopenxr_file
    assert Path(ours).resolve() == (REPO_ROOT / "xr" / "runtime.py").resolve()


def test_every_folder_travels_with_the_package():
    """A folder of files (code, YAML, templates) missing from pyproject's packages would be left out of a wheel."""
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packaged = set(config["packages"])
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    for package, folder in config["package-dir"].items():
        for line in tracked.stdout.splitlines():
            path = Path(line)
            if path.parts[0] != folder or len(path.parts) < 2:
                continue
            dotted = ".".join([package, *path.parent.parts[1:]])
            assert dotted in packaged, f"{path.parent} holds {path.name} but {dotted} is not in pyproject's packages"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every (path, command) below ``group``, e.g. (("content", "validate"), <Command validate>)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_help_everywhere():
    paths = [(), *(path for path, _ in _commands(main))]
    assert ("content", "validate") in paths and ("content", "show") in paths
    for path in paths:
        done = run_madang(*path, "--help")
        assert done.returncode == 0, (path, done.stderr)
        assert "Usage: madang" in done.stdout
        assert "Traceback" not in done.stderr


def test_unknown_command_is_a_usage_error_not_a_traceback():
    done = run_madang("contnet")
    assert done.returncode == 2
    assert "No such command 'contnet'" in done.stderr
    assert "Traceback" not in done.stderr


CORE_IMPORT_CHECK = """
import sys
import madang.kiosk.app, madang.kiosk.layout, madang.kiosk.flows.home, madang.kiosk.flows.service
edge = ("urllib.request", "http.client", "flask", "sounddevice", "OpenGL", "sqlalchemy", "vosk", "pyttsx3")
print(",".join(module for module in edge if module in sys.modules))
"""


def test_kiosk_core_imports_no_http_audio_gl_or_web_framework():
    """kiosk/README.md's rule: the model and flows are a pure core; I/O stays at the edge."""
    done = subprocess.run([sys.executable, "-c", CORE_IMPORT_CHECK], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"the kiosk core imported {done.stdout.strip()}"
