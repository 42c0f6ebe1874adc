"""`madang voice ...`: check how well the kiosk hears its own phrases."""

from __future__ import annotations

import json
import sys

import click

EXIT_UNAVAILABLE = 2  # the check cannot run (missing espeak-ng or model, or a screen that does not exist)


@click.group()
def voice() -> None:
    """Check speech recognition on this machine."""


@voice.command()
@click.option("--screen", "screen", metavar="ID", help="One screen: home, settings, service:<id> or answers.")
@click.option("--lang", type=click.Choice(["ko", "en"]), default="ko", show_default=True, help="Language to test.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON, for programs.")
def selftest(screen: str | None, lang: str, as_json: bool) -> None:
    """Speak every phrase each screen listens for with espeak-ng, and report what the kiosk makes of it.

    Each phrase is synthesised at several rates, pitches and voice variants, heard with the screen's own
    grammar and judged as the kiosk judges it: accepted as its own choice, rejected, or taken for another
    choice. Phrases that never come back are worth rewording. `answers` is the yes/no grammar of a question.
    Exits 2 when espeak-ng or the speech model is missing, or the screen does not exist.
    """
    from .selftest import SelftestUnavailable, UnknownScreenError, report_json, report_text, run_selftest

    try:
        results = run_selftest([screen] if screen else None, lang)
    except (SelftestUnavailable, UnknownScreenError) as error:
        click.echo(f"madang voice selftest: {error}", err=True)
        sys.exit(EXIT_UNAVAILABLE)
    if as_json:
        click.echo(json.dumps(report_json(results, lang), ensure_ascii=False, indent=1))
    else:
        click.echo(report_text(results, lang))
