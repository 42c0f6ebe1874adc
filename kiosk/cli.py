"""The `madang` command. Each part adds its own command group; groups are imported only when used."""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" of its click group or command
SUBCOMMANDS = {
    "admin": "madang.admin_web.cli:admin",
    "content": "madang.content.cli:content",
    "kiosk": "madang.kiosk.kiosk_cli:kiosk",
    "run": "madang.kiosk.run_cli:run",
    "voice": "madang.voice.cli:voice",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when first used, so `madang content` never loads audio or GL."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="madang", prog_name="madang")
def main() -> None:
    """Madang: accessible voice and XR kiosks for public services.

    Citizens use kiosks by voice, touch or keypad, in Korean or English; staff use the admin web.
    """
