"""`madang kiosk`: the citizen's kiosk, headless (the JSON-lines protocol) or in a terminal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from madang.content.errors import MadangError


def _now(today: str | None) -> datetime | None:
    if today is None:
        return None
    from madang.content.contract import SEOUL

    try:
        return datetime.fromisoformat(today).replace(tzinfo=SEOUL)
    except ValueError:
        raise click.BadParameter(f"{today!r} is not a date: write YYYY-MM-DD", param_hint="--today") from None


MODE_OPTION = click.option(
    "--mode",
    type=click.Choice(["terminal", "headless"]),
    default="terminal",
    show_default=True,
    help="terminal: numbered options for a person; headless: JSON lines on stdin/stdout for programs.",
)


@click.command()
@MODE_OPTION
@click.option(
    "--server", metavar="URL", help="The admin web, e.g. http://127.0.0.1:8080. Without it the kiosk is offline."
)
@click.option(
    "--token", metavar="TOKEN", envvar="MADANG_KIOSK_TOKEN", help="This kiosk's token (madang admin create-kiosk)."
)
@click.option("--display", "display_path", metavar="CONFIG", help="A YAML or JSON file describing the display.")
@click.option("--pack", "pack_dir", type=click.Path(path_type=Path), help="The content pack folder (default: Seoul).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where the kiosk keeps its local store.")
@click.option("--today", metavar="YYYY-MM-DD", help="Start the kiosk's clock on this date (taxes due this month).")
def kiosk(
    *,
    mode: str,
    server: str | None,
    token: str | None,
    display_path: str | None,
    pack_dir: Path | None,
    data_dir: Path | None,
    today: str | None,
) -> None:
    """Run a citizen's kiosk."""
    from .build import build_kiosk

    try:
        built = build_kiosk(
            server=server, token=token, display_path=display_path, pack_dir=pack_dir, data_dir=data_dir, now=_now(today)
        )
    except MadangError as error:
        raise click.ClickException(str(error)) from None
    if mode == "headless":
        from .headless import run_headless

        run_headless(built)
    else:
        from .terminal import run_terminal

        run_terminal(built)
