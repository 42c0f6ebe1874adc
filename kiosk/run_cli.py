"""`madang run`: set up and start the admin web on SQLite in ./var, then a kiosk connected to it, here.

It runs the admin web's own commands (`madang admin init`, `create-user`, `create-kiosk`, `serve`), so it does
exactly what a person following the README would. The kiosk's token is kept in var/kiosk-token (0600) and reused
while the server accepts it. When the staff ask for a restart of this kiosk, it starts again here while the admin
web keeps running. The server runs in its own process group, which is stopped when the kiosk quits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import click

from .kiosk_cli import MODE_OPTION

STARTUP_SECONDS = 60.0
STOP_SECONDS = 3.0
KIOSK_NAME = "madang-run"
TOKEN_FILE = "kiosk-token"
MADANG = "from madang.kiosk.cli import main; main(prog_name='madang')"


class Setup:
    """The data folder, the environment for the admin commands, and where messages go."""

    def __init__(self, data_dir: Path, *, quiet_stdout: bool) -> None:
        self.data_dir = data_dir
        self.env = {**os.environ, "MADANG_DATA_DIR": str(data_dir)}
        self.err = quiet_stdout  # headless: stdout carries only the protocol

    def say(self, text: str) -> None:
        click.echo(text, err=self.err)

    def madang(self, *args: str) -> str:
        """`madang ARGS` (never reading our stdin); its output, or a ClickException with its error."""
        done = subprocess.run(
            [sys.executable, "-c", MADANG, *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            problem = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
            raise click.ClickException(f"`madang {' '.join(args)}` failed: {problem}")
        return done.stdout.strip()


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen) -> None:
    """gunicorn's quick shutdown for the whole group, then SIGKILL for what still holds an event stream."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_SECONDS)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(
                f"the admin web exited with status {process.returncode}; the end of {log}:\n{_log_tail(log)}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise click.ClickException(
        f"the admin web did not answer at {url} within {STARTUP_SECONDS:g} s; the end of {log}:\n{_log_tail(log)}"
    )


@contextmanager
def _server(setup: Setup, port: int) -> Iterator[str]:
    """`madang admin serve` on ``port`` in its own process group, its output in var/server.log; its URL."""
    log = setup.data_dir / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n--- madang run, {time.strftime('%Y-%m-%d %H:%M:%S')}, port {port}\n")
        out.flush()
        process = subprocess.Popen(
            [sys.executable, "-c", MADANG, "admin", "serve", "--port", str(port)],
            env=setup.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C reaches the kiosk; we stop the server's group ourselves
        )
    try:
        setup.say(f"Starting the admin web (its log: {log}) ...")
        _wait_until_up(process, url, log)
        setup.say(f"Staff web: {url}/ (log in as 'admin'). The kiosk API is at {url}/api/v1.")
        yield url
    finally:
        _stop(process)
        setup.say("Stopped the admin web.")


def _accepted(url: str, token: str) -> bool:
    """Whether the server knows this kiosk token (not revoked, and from this database)."""
    request = urllib.request.Request(
        f"{url}/api/v1/content/manifest", headers={"Authorization": f"Bearer {token}", "If-None-Match": "*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            return True
    except urllib.error.HTTPError as error:
        with error:
            return error.code not in (401, 403)
    except OSError as error:
        raise click.ClickException(f"the admin web at {url} stopped answering ({error}): see its log") from None


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _kiosk_token(setup: Setup, url: str) -> str:
    """The token in var/kiosk-token while the server accepts it; otherwise a newly registered kiosk's."""
    path = setup.data_dir / TOKEN_FILE
    token = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if token and _accepted(url, token):
        setup.say(f"This terminal's kiosk uses the token kept in {path}.")
        return token
    if token:
        setup.say(f"The server no longer accepts the kiosk token in {path} (revoked, or a new database).")
    for attempt in range(1, 100):
        name = KIOSK_NAME if attempt == 1 else f"{KIOSK_NAME}-{attempt}"
        try:
            token = setup.madang("admin", "create-kiosk", name)
        except click.ClickException as error:
            if "already exists" in error.message:
                continue
            raise
        _write_private(path, token + "\n")
        setup.say(f"Registered the kiosk '{name}'; its token is kept in {path} (only you can read it).")
        return token
    raise click.ClickException(f"could not find a free kiosk name like '{KIOSK_NAME}-N': revoke old ones")


def _raise_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # runs the `finally` blocks that stop the server


@click.command()
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="The admin web's port.")
@MODE_OPTION
def run(port: int, mode: str) -> None:
    """Start Madang here: the admin web on SQLite in ./var (MADANG_DATA_DIR) and a kiosk connected to it.

    The first time it sets up the database, creates the staff user 'admin' (its password is printed once) and
    registers this kiosk. Quitting the kiosk (:quit, Ctrl+D or Ctrl+C) stops the admin web too.
    """
    if _port_in_use(port):
        raise click.ClickException(f"something already answers on port {port}: stop it, or choose another --port")
    setup = Setup(Path(os.environ.get("MADANG_DATA_DIR") or "var"), quiet_stdout=mode == "headless")
    setup.data_dir.mkdir(parents=True, exist_ok=True)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)
    setup.say(setup.madang("admin", "init"))
    setup.say(setup.madang("admin", "create-user", "admin", "--role", "admin", "--if-missing"))
    from .fleet_runner import RestartRequested

    with _server(setup, port) as url:
        token = _kiosk_token(setup, url)
        if mode != "headless":
            quitting = "close its window" if mode in ("screen", "xr") else "quit with :quit or Ctrl+D"
            setup.say(f"The kiosk ({quitting}; this stops the admin web too):")
        while True:
            try:
                _run_kiosk(url, token, mode, setup.data_dir / "kiosk")
                return
            except RestartRequested:  # the staff asked for it: the admin web keeps running
                setup.say("The staff asked for a restart of this kiosk: starting it again.")


def _run_kiosk(url: str, token: str, mode: str, data_dir: Path) -> None:
    """One run of the kiosk, until it is quit (or ends with RestartRequested)."""
    from madang.content.errors import MadangError
    from madang.voice.hearing import VoskHearing

    from .build import build_kiosk
    from .kiosk_cli import live_voice, run_client

    hearing = VoskHearing()
    try:
        kiosk = build_kiosk(server=url, token=token, data_dir=data_dir, hearing=hearing)
    except MadangError as error:
        hearing.close()
        raise click.ClickException(str(error)) from None
    live = None
    if mode != "headless":
        hearing.load_in_background("ko")
        live = live_voice(kiosk, None, None)
    try:
        run_client(kiosk, mode, voice=live and live[1], live_audio=live and live[0], data_dir=data_dir)
    finally:
        if live is not None:
            live[0].close()
        hearing.close()
        kiosk.services.close()
