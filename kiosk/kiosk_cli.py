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
@click.option(
    "--audio/--no-audio",
    default=None,
    help="Speak through the speaker and listen to the microphone (default: on in terminal mode, off headless).",
)
@click.option("--microphone", metavar="NAME", envvar="MADANG_MICROPHONE", help="Microphone device (part of its name).")
@click.option("--speaker", metavar="NAME", envvar="MADANG_SPEAKER", help="Speaker device (part of its name).")
def kiosk(
    *,
    mode: str,
    server: str | None,
    token: str | None,
    display_path: str | None,
    pack_dir: Path | None,
    data_dir: Path | None,
    today: str | None,
    audio: bool | None,
    microphone: str | None,
    speaker: str | None,
) -> None:
    """Run a citizen's kiosk."""
    from madang.voice.hearing import VoskHearing

    from .build import build_kiosk

    hearing = VoskHearing()
    audio = (mode == "terminal") if audio is None else audio
    if audio:
        hearing.load_in_background("ko")  # while the kiosk greets
    try:
        built = build_kiosk(
            server=server,
            token=token,
            display_path=display_path,
            pack_dir=pack_dir,
            data_dir=data_dir,
            now=_now(today),
            hearing=hearing,
        )
    except MadangError as error:
        raise click.ClickException(str(error)) from None
    live = live_voice(built, microphone, speaker) if audio else None
    try:
        if mode == "headless":
            from .headless import run_headless

            run_headless(built, voice=live and live[1])
        else:
            from .terminal import run_terminal

            run_terminal(built, voice=live and live[1])
    finally:
        if live is not None:
            live[0].close()
        hearing.close()


def live_voice(kiosk, microphone: str | None, speaker: str | None):
    """The live voice and the hook that attaches it to the kiosk loop; every missing part reported on stderr."""
    from madang.voice.live import LiveVoice, attach_live_voice

    def report(problem: str) -> None:
        click.echo(f"madang kiosk: {problem}", err=True)

    live = LiveVoice(kiosk.hearing, microphone=microphone, speaker=speaker, report=report)
    return live, attach_live_voice(kiosk, live)
