"""`madang kiosk`: the citizen's kiosk in a terminal, headless (the JSON-lines protocol), in a window, or in a
VR headset; or one screen drawn to a PNG file."""

from __future__ import annotations

import signal
import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import click

from madang.content.errors import MadangError

XR_UNAVAILABLE_EXIT = 3
MODES = ["terminal", "headless", "screen", "xr"]


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
    type=click.Choice(MODES),
    default="terminal",
    show_default=True,
    help="terminal: numbered options for a person; headless: JSON lines on stdin/stdout for programs; "
    "screen: a window (touch, mouse, keys); xr: a VR headset through OpenXR.",
)


@click.command()
@MODE_OPTION
@click.option(
    "--server", metavar="URL", help="The admin web, e.g. http://127.0.0.1:8080. Without it the kiosk is offline."
)
@click.option(
    "--token",
    metavar="TOKEN",
    envvar="MADANG_KIOSK_TOKEN",
    help="This kiosk's token (madang admin create-kiosk). A headset or screen at home leaves it out: it registers "
    "itself as a home device.",
)
@click.option("--display", "display_path", metavar="CONFIG", help="A YAML or JSON file describing the display.")
@click.option("--pack", "pack_dir", type=click.Path(path_type=Path), help="The content pack folder (default: Seoul).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where the kiosk keeps its local store.")
@click.option("--today", metavar="YYYY-MM-DD", help="Start the kiosk's clock on this date (taxes due this month).")
@click.option(
    "--audio/--no-audio",
    default=None,
    help="Speak through the speaker and listen to the microphone (default: on, except headless and screenshots).",
)
@click.option("--microphone", metavar="NAME", envvar="MADANG_MICROPHONE", help="Microphone device (part of its name).")
@click.option("--speaker", metavar="NAME", envvar="MADANG_SPEAKER", help="Speaker device (part of its name).")
@click.option(
    "--profile", "profile_spec", metavar="SETTINGS", help="Start with a look, e.g. high-contrast,text=200,en."
)
@click.option("--screen", "screen_id", metavar="ID", help="Start on this screen, e.g. settings or service:tax-square.")
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --mode screen: draw the screen offscreen to this PNG file and exit (no display needed).",
)
@click.option("--fullscreen", is_flag=True, help="With --mode screen: fill the whole display.")
@click.option(
    "--no-fallback",
    is_flag=True,
    help=f"With --mode xr: exit with status {XR_UNAVAILABLE_EXIT} when no headset can be used, "
    "instead of opening the screen client.",
)
@click.option(
    "--quit-after", type=click.FloatRange(min=0), metavar="SECONDS", help="End cleanly after this many seconds."
)
@click.option("--standing", is_flag=True, help="With --mode xr: standing instead of seated.")
@click.option(
    "--snap-turn", type=click.Choice(["30", "45"]), default="30", show_default=True, help="With --mode xr: degrees."
)
@click.option(
    "--height-offset",
    type=click.FloatRange(-0.6, 0.6),
    default=0.0,
    metavar="METRES",
    help="With --mode xr: raise (or lower, negative) your view, -0.6 to 0.6.",
)
@click.option(
    "--dwell",
    type=click.FloatRange(0.5, 5.0),
    default=1.5,
    show_default=True,
    metavar="SECONDS",
    help="With --mode xr: how long looking at a control selects it.",
)
@click.option(
    "--gaze-select",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="With --mode xr: select by looking (auto: while no controller is tracked).",
)
@click.option("--smooth-motion", is_flag=True, help="With --mode xr: smooth turning and gliding (off by default).")
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
    profile_spec: str | None,
    screen_id: str | None,
    screenshot: Path | None,
    fullscreen: bool,
    no_fallback: bool,
    quit_after: float | None,
    standing: bool,
    snap_turn: str,
    height_offset: float,
    dwell: float,
    gaze_select: str,
    smooth_motion: bool,
) -> None:
    """Run a citizen's kiosk."""
    from madang.voice.hearing import VoskHearing

    from .build import build_kiosk

    if screenshot is not None and mode != "screen":
        raise click.UsageError("--screenshot draws the screen client's picture: use it with --mode screen")
    if server and not token and mode in ("screen", "xr") and screenshot is None:
        token = _home_token(server)
    hearing = VoskHearing()
    audio = (mode != "headless" and screenshot is None) if audio is None else audio
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
        _start_at(built, profile_spec, screen_id)
        if screenshot is not None:
            _screenshot(built, screenshot)
            return
    except MadangError as error:
        hearing.close()
        raise click.ClickException(str(error)) from None
    live = live_voice(built, microphone, speaker) if audio else None
    try:
        comfort = None
        if mode == "xr":
            from madang.xr.comfort import ComfortSettings, GazeSelect

            comfort = ComfortSettings(
                seated=not standing,
                height_offset_m=height_offset,
                snap_turn_degrees=int(snap_turn),
                smooth_motion=smooth_motion,
                dwell_s=dwell,
                gaze_select=GazeSelect(gaze_select),
            )
        run_client(
            built,
            mode,
            voice=live and live[1],
            fullscreen=fullscreen,
            quit_after=quit_after,
            no_fallback=no_fallback,
            comfort=comfort,
            live_audio=live and live[0],
            data_dir=data_dir,
        )
    finally:
        if live is not None:
            live[0].close()
        hearing.close()
        built.services.close()


def _home_token(server: str) -> str:
    from .home_device import home_token

    try:
        return home_token(server)
    except MadangError as error:
        raise click.ClickException(str(error)) from None


def _start_at(kiosk, profile_spec: str | None, screen_id: str | None) -> None:
    """The look first (its language decides the screens' words), then the screen, reached by touch."""
    from .navigate import go_to
    from .profile_spec import parse_profile

    profile = parse_profile(profile_spec) if profile_spec is not None else None
    if profile is not None:
        kiosk.use_profile(profile)
    if screen_id is not None:
        go_to(kiosk, screen_id)


def _screenshot(kiosk, path: Path) -> None:
    from madang.xr.gl_platform import choose_platform

    choose_platform("egl")
    from madang.xr.screen_paint import ScreenView
    from madang.xr.screenshot import Screenshots

    with Screenshots() as shots:
        saved = shots.save(ScreenView.of(kiosk), path)
    click.echo(f"{saved}: screen {kiosk.laid_out.screen.id!r}, {kiosk.display.width_px}x{kiosk.display.height_px}")


def run_client(
    kiosk,
    mode: str,
    *,
    voice=None,
    fullscreen: bool = False,
    quit_after: float | None = None,
    no_fallback: bool = False,
    comfort=None,
    live_audio=None,
    data_dir: Path | None = None,
) -> None:
    """Run ``kiosk`` in ``mode`` until the person quits, or ``quit_after`` seconds; ``comfort``: the headset's
    ``ComfortSettings`` (its defaults when None). With a server, the outbox's worker, the fleet agent and the live
    channel's wake-up run alongside (``live_audio``: the LiveVoice, for the health report; ``data_dir``: the kiosk's
    folder, for the content cache). A restart the staff asked for ends it at an idle moment with
    ``RestartRequested`` (exit status 75)."""
    from .fleet_runner import Fleet, RestartRequested

    fleet = Fleet.start(kiosk, mode, live_audio=live_audio, data_dir=data_dir)
    try:
        with fleet.restart_signal() if fleet is not None else nullcontext():
            _run_mode(
                kiosk,
                mode,
                voice=voice,
                fleet=fleet,
                fullscreen=fullscreen,
                quit_after=quit_after,
                no_fallback=no_fallback,
                comfort=comfort,
            )
        if fleet is not None and fleet.agent.restarting.is_set():
            raise RestartRequested
    except RestartRequested as restart:
        start = "\n" if mode == "terminal" else ""  # after the prompt
        click.echo(f"{start}madang kiosk: the staff asked for a restart: ending (exit status {restart.code})", err=True)
        raise
    finally:
        if fleet is not None:
            fleet.stop()


def _run_mode(kiosk, mode: str, *, voice, fleet, fullscreen: bool, quit_after, no_fallback: bool, comfort) -> None:
    from madang.xr.errors import NoDisplayError, XrUnavailableError

    from .fleet_runner import joined

    attach = fleet.attach if fleet is not None else None
    if mode == "xr":
        from madang.xr.xr_client import run_xr

        try:
            run_xr(kiosk, quit_after=quit_after, voice=joined(voice, attach), comfort=comfort)
            return
        except XrUnavailableError as error:
            click.echo(f"madang kiosk: {error}", err=True)
            if no_fallback:
                sys.exit(XR_UNAVAILABLE_EXIT)
            click.echo("madang kiosk: opening the screen client instead", err=True)
            mode = "screen"
            if fleet is not None:
                fleet.agent.mode = mode
    if mode == "screen":
        from madang.xr.gl_platform import keep_or_choose_platform

        keep_or_choose_platform("glx")
        from madang.xr.window import run_screen

        try:
            run_screen(kiosk, fullscreen=fullscreen, quit_after=quit_after, voice=joined(voice, attach))
        except NoDisplayError as error:
            raise click.ClickException(str(error)) from None
        return
    with _ending_after(quit_after):
        if mode == "headless":
            from .headless import run_headless

            run_headless(kiosk, voice=voice, attach=attach)
        else:
            from .terminal import run_terminal

            run_terminal(kiosk, voice=voice, attach=attach)


class _TimeUp(Exception):  # noqa: N818 - not an error: the time asked for with --quit-after has passed
    pass


class _ending_after:  # noqa: N801 - used as a context manager, named like one
    """Ends a mode that waits on standard input after ``seconds``: a timer signal interrupts the read."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        if self.seconds is None:
            return
        signal.signal(signal.SIGALRM, self._time_up)
        signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 0.001))

    @staticmethod
    def _time_up(_signum: int, _frame: object) -> None:
        raise _TimeUp

    def __exit__(self, kind: type | None, *_rest: object) -> bool:
        if self.seconds is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
        return kind is _TimeUp


def live_voice(kiosk, microphone: str | None, speaker: str | None):
    """The live voice and the hook that attaches it to the kiosk loop; every missing part reported on stderr."""
    from madang.voice.live import LiveVoice, attach_live_voice

    def report(problem: str) -> None:
        click.echo(f"madang kiosk: {problem}", err=True)

    live = LiveVoice(kiosk.hearing, microphone=microphone, speaker=speaker, report=report)
    return live, attach_live_voice(kiosk, live)
