"""The real production server for tests: `madang admin serve` (gunicorn), set up through the real CLI.

`start_live_server(tmp_dir)` prepares a fresh data folder (SQLite by default, or ``database_url``) with
`madang admin init`, a counselor with a staff token, a kiosk and one counter that serves every consultation
and documents service, then serves it on a free loopback port. `LiveServer.stop()` and `start()` take the
server down and bring it back on the same port and database, so a test can see what a kiosk does offline.

`serve(data_dir, env)` is the step below: it only serves an already set-up data folder (a test that sets up its
own users and counters, or its own database), on a free port unless one is given; the `LiveServer` it returns
stops with `stop()` or at the end of a ``with`` block. `start_process_group()` and `stop_process_group()` start
and stop any such server command (a benchmark's bare Flask app too).

`postgres_database_url()` gives a fresh PostgreSQL database for one server, and the `staff_*` helpers act as
the counselor over the kiosk API with the staff token.

Test modules import it as ``from tests.live_server import ...``. Under pytest's importlib mode a test folder
with an ``__init__.py`` is a top-level package of its own (tests/admin is ``admin``), so a relative import
cannot reach this file; ``tests`` itself is a namespace package (no ``__init__.py``), which pytest registers
when it loads tests/conftest.py, and which ``python -m pytest`` also finds from the repository root.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

MADANG = Path(sys.executable).parent / "madang"
API = "/api/v1"
POSTGRES = os.environ.get("MADANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
COUNSELOR = "counselor"
COUNSELOR_PASSWORD = "counselor pw 0001"
COUNTER_NAME = "창구 1"
COUNTER_SERVICES = (
    "tax-square",
    "consult-120",
    "documents",
    "business-support",
    "youth-counsel",
    "invest-seoul",
    "fintech-lab",
    "mayor-office",
)
STARTUP_SECONDS = 30


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def madang_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Runs `madang ARGS` with ``env`` (its data folder and database); its standard output, stripped."""
    done = subprocess.run(
        [str(MADANG), *args],
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`madang {' '.join(args)}` exited with {done.returncode}:\n{done.stderr}")
    return done.stdout.strip()


def start_process_group(command: list[str], *, env: dict[str, str], log: Path, ready_url: str) -> subprocess.Popen:
    """Runs a server ``command`` in a process group of its own, its output appended to ``log``, and returns it once
    ``ready_url`` answers. When the server exits first or does not answer in time, stops the group and raises."""
    with log.open("a") as out:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop_process_group() reaches every worker
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2):
                    return process
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer at {ready_url} within {STARTUP_SECONDS} s") from None
                time.sleep(0.1)
    except BaseException:
        stop_process_group(process)
        raise


def stop_process_group(process: subprocess.Popen) -> None:
    """Stops a server from start_process_group(), its whole process group: gunicorn's quick shutdown (SIGINT),
    then SIGKILL, since a worker thread still inside an event stream keeps its worker alive. The port refuses
    connections after."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=2)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@dataclass
class LiveServer:
    """One `madang admin serve` process group on ``port``, with its data folder, database and log."""

    url: str
    env: dict[str, str]
    data_dir: Path
    log: Path
    database_url: str = ""
    port: int = 0
    workers: int = 2
    threads: int = 16
    kiosk_token: str = ""
    counter_id: int = 0
    staff_token: str = ""
    _process: subprocess.Popen | None = field(default=None, repr=False)

    def madang(self, *args: str, stdin: str | None = None) -> str:
        """Runs `madang ARGS` against this server's data folder and database; its standard output, stripped."""
        return madang_cli(self.env, *args, stdin=stdin)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The gunicorn arbiter's process id (its workers are its children), while it runs."""
        return self._process.pid if self.running else None

    def start(self) -> None:
        """Serves on ``port`` (again) and returns once the kiosk API answers."""
        if self.running:
            return
        command = [str(MADANG), "admin", "serve", "--port", str(self.port), "--workers", str(self.workers)]
        self._process = None  # one that exited on its own; start_process_group() stops a new one that fails
        self._process = start_process_group(
            [*command, "--threads", str(self.threads)],
            env=self.env,
            log=self.log,
            ready_url=f"{self.url}{API}/openapi.json",
        )

    def stop(self) -> None:
        """Stops the server's whole process group (see stop_process_group); start() brings it back."""
        process, self._process = self._process, None
        if process is not None:
            stop_process_group(process)

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(
    data_dir: Path, env: dict[str, str], *, port: int | None = None, workers: int = 2, threads: int = 16
) -> LiveServer:
    """`madang admin serve` for the already set-up data folder and database of ``env``, on ``port`` (a free one by
    default), its log (emptied first) at ``data_dir``/server.log; returns once it answers. Stop it with
    ``stop()``, or use it as ``with serve(...) as server:``."""
    data_dir = Path(data_dir)
    port = port or free_port()
    server = LiveServer(
        url=f"http://127.0.0.1:{port}",
        env=env,
        data_dir=data_dir,
        log=data_dir / "server.log",
        database_url=env.get("MADANG_DATABASE_URL") or f"sqlite:///{(data_dir / 'madang.db').resolve()}",
        port=port,
        workers=workers,
        threads=threads,
    )
    server.log.write_text("")
    server.start()
    return server


@contextmanager
def start_live_server(
    tmp_dir: Path, *, database_url: str | None = None, workers: int = 2, threads: int = 16
) -> Iterator[LiveServer]:
    """A set-up, running server in ``tmp_dir`` (its data folder), on SQLite there unless ``database_url`` is
    given; stopped when the block ends."""
    data_dir = Path(tmp_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MADANG_DATA_DIR": str(data_dir), "MADANG_COOKIE_SECURE": "0"}
    for name in ("MADANG_DATABASE_URL", "MADANG_CONTENT_DIR", "MADANG_SECRET_KEY"):
        env.pop(name, None)
    if database_url:
        env["MADANG_DATABASE_URL"] = database_url
    madang_cli(env, "admin", "init")
    madang_cli(env, "admin", "create-user", COUNSELOR, "--role", "counselor", stdin=COUNSELOR_PASSWORD)
    staff_token = madang_cli(env, "admin", "create-token", COUNSELOR)
    kiosk_token = madang_cli(env, "admin", "create-kiosk", "test-kiosk")
    services = ",".join(COUNTER_SERVICES)
    counter_id = int(madang_cli(env, "admin", "create-counter", COUNTER_NAME, "--services", services))
    with serve(data_dir, env, workers=workers, threads=threads) as server:
        server.staff_token, server.kiosk_token, server.counter_id = staff_token, kiosk_token, counter_id
        yield server


@contextmanager
def postgres_database_url() -> Iterator[str]:
    """A fresh, empty database on MADANG_TEST_POSTGRES_URL as a ``postgresql+psycopg://`` URL, dropped after.

    Skips the test with the reason when no PostgreSQL answers there, except under CI, where it fails."""
    try:
        with psycopg.connect(POSTGRES, connect_timeout=3):
            pass
    except psycopg.Error as error:
        problem = f"PostgreSQL does not answer at {POSTGRES} ({str(error).strip().splitlines()[0]})"
        if os.environ.get("CI"):
            pytest.fail(f"{problem}; under CI the PostgreSQL tests must run")
        pytest.skip(problem)
    name = f"madang_live_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(POSTGRES)
    try:
        yield urllib.parse.urlunsplit(parts._replace(scheme="postgresql+psycopg", path=f"/{name}"))
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the counselor, over the kiosk API with the staff token -------------------------------------------------


def staff_request(server: LiveServer, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
    """``method`` ``/api/v1{path}`` as the counselor: the status and the decoded JSON (None when empty)."""
    data = json.dumps(body).encode() if body is not None else b"" if method == "POST" else None
    headers = {"Authorization": f"Bearer {server.staff_token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(f"{server.url}{API}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, payload = error.code, error.read()
    return status, json.loads(payload) if payload else None


def _expect(status: int, answer: object, expected: int, what: str) -> object:
    if status != expected:
        raise AssertionError(f"{what} answered {status}, not {expected}: {answer}")
    return answer


def staff_call_next(server: LiveServer, counter_id: int | None = None) -> dict | None:
    """Calls the next ticket to the counter (default: the server's one); None when nobody waits."""
    counter = server.counter_id if counter_id is None else counter_id
    status, answer = staff_request(server, "POST", f"/counters/{counter}/call-next")
    if status == 204:
        return None
    return _expect(status, answer, 200, "call-next")


def staff_action(server: LiveServer, ticket_id: str, action: str, body: dict | None = None) -> dict:
    """recall, no-show, start, hold, resume, finish (body: {"note"}) or transfer (body: {"service_id"})."""
    status, answer = staff_request(server, "POST", f"/tickets/{ticket_id}/{action}", body)
    return _expect(status, answer, 200, action)


def staff_message(server: LiveServer, ticket_id: str, text: str, *, kind: str = "text") -> dict:
    status, answer = staff_request(server, "POST", f"/tickets/{ticket_id}/messages", {"text": text, "kind": kind})
    return _expect(status, answer, 201, "a staff message")


def staff_messages(server: LiveServer, ticket_id: str) -> list[dict]:
    status, answer = staff_request(server, "GET", f"/tickets/{ticket_id}/messages")
    return _expect(status, answer, 200, "the messages")


def server_rows(live: LiveServer, sql: str, **params) -> list:
    """The rows ``sql`` selects from the server's own database, as the staff web would show them."""
    engine = create_engine(live.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params))
    finally:
        engine.dispose()


def running(live: LiveServer) -> Iterator[LiveServer]:
    """For a fixture: ``live`` running, and running again after a test that stopped it."""
    live.start()
    yield live
    live.start()
