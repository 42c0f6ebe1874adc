"""Browser tests: Debian's Chromium driven by Playwright against the real server (`madang admin serve`).

The server is set up through the real CLI (init, users, kiosk, counter) in a fresh data folder on SQLite,
and listens on a free port (`serve` in tests/live_server.py). axe-core comes from the npm registry into .venv/node
(see the Makefile).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.live_server import LiveServer, madang_cli, serve

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = REPO_ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORDS = {"admin": "admin password 0001", "editor": "editor password 0001", "counselor": "counselor pw 0001"}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> LiveServer:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make test installs the Debian package 'chromium')")
    data = tmp_path_factory.mktemp("server")
    env = {**os.environ, "MADANG_DATA_DIR": str(data), "MADANG_COOKIE_SECURE": "0"}
    env.pop("MADANG_DATABASE_URL", None)
    madang_cli(env, "admin", "init")
    for role, password in PASSWORDS.items():
        madang_cli(env, "admin", "create-user", role, "--role", role, stdin=password)
    kiosk_token = madang_cli(env, "admin", "create-kiosk", "browser-kiosk")
    counter_id = int(
        madang_cli(env, "admin", "create-counter", "창구 1", "--services", "tax-square,consult-120,documents")
    )
    with serve(data, env, workers=2) as server:
        server.kiosk_token, server.counter_id = kiosk_token, counter_id
        yield server


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
