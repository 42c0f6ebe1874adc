"""Browser tests: Debian's Chromium driven by Playwright against the real server (`madang admin serve`).

The server is set up through the real CLI (init, users, kiosk, counter) in a fresh data folder on SQLite,
and listens on a free port. axe-core comes from the npm registry into .venv/node (see the Makefile).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = REPO_ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
MADANG = Path(sys.executable).parent / "madang"
PASSWORDS = {"admin": "admin password 0001", "editor": "editor password 0001", "counselor": "counselor pw 0001"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict
    kiosk_token: str = ""
    counter_id: int = 0
    log: Path = field(default=Path())

    def madang(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(MADANG), *args], env=self.env, input=stdin, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> LiveServer:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make test installs the Debian package 'chromium')")
    data = tmp_path_factory.mktemp("server")
    env = {**os.environ, "MADANG_DATA_DIR": str(data), "MADANG_COOKIE_SECURE": "0"}
    env.pop("MADANG_DATABASE_URL", None)
    port = _free_port()
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env, log=data / "server.log")
    server.madang("admin", "init")
    for role, password in PASSWORDS.items():
        server.madang("admin", "create-user", role, "--role", role, stdin=password)
    server.kiosk_token = server.madang("admin", "create-kiosk", "browser-kiosk")
    server.counter_id = int(
        server.madang("admin", "create-counter", "창구 1", "--services", "tax-square,consult-120,documents")
    )
    with server.log.open("w") as log:
        process = subprocess.Popen(
            [str(MADANG), "admin", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(server.url + "/login", process)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within 30 s")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, server: LiveServer, role: str) -> None:
    page.goto(server.url + "/login")
    page.fill("#name", role)
    page.fill("#password", PASSWORDS[role])
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")


def axe_violations(page) -> list:
    """axe-core's WCAG 2.x A/AA violations on the current page, as [(rule, impact, how many nodes, first node)]."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return result.violations.map(v => [v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')]);
    }""")


def set_language(page, lang: str) -> None:
    page.select_option("#lang-select", lang)
    page.click("#lang-select ~ button")
    page.wait_for_load_state()
