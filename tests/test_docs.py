"""README stays true: every command is documented and what it quotes is what the commands print."""

from __future__ import annotations

import click

from madang.kiosk.cli import main

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
