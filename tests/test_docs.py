"""README stays true: every command is documented and what it quotes is what the commands print."""

from __future__ import annotations

import re

import click

from madang.kiosk.cli import main
from madang.kiosk.protocol import MESSAGES

from .conftest import REPO_ROOT, run_madang
from .test_layout import _commands

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    leaves = [path for path, command in _commands(main) if not isinstance(command, click.Group)]
    assert ("content", "validate") in leaves
    for path in leaves:
        assert f"madang {' '.join(path)}" in README, f"README does not document 'madang {' '.join(path)}'"


def test_readme_quotes_the_real_validate_summary():
    done = run_madang("content", "validate", "content/")
    assert f"`{done.stdout.strip()}`" in README


def test_readme_opens_with_the_two_commands():
    assert README.index("make run") < README.index("make test") < README.index("## The `madang` command")


def test_every_headless_message_is_in_the_readme():
    outputs = ("screen", "speech", "caption", "heard", "ticket", "session", "error")
    for message in (*MESSAGES, *outputs):
        assert f'`{{"type":"{message}"' in README, f"README does not document the headless message {message!r}"


def test_every_headless_error_code_is_in_the_readme():
    sources = (REPO_ROOT / "kiosk").rglob("*.py")
    codes = {code for path in sources for code in re.findall(r'ProtocolError\(\s*"([a-z_]+)"', path.read_text())}
    assert codes >= {"bad_json", "unknown_type", "bad_field", "unknown_target", "not_actionable"}
    for code in codes:
        assert f"`{code}`" in README, f"README does not name the headless error code {code!r}"
