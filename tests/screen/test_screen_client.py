"""`madang kiosk --mode screen` as a citizen meets it: a window on a (virtual) display, used by mouse and keys."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from madang.kiosk.build import build_kiosk
from madang.kiosk.navigate import touch
from tests.conftest import MADANG, REPO_ROOT
from tests.kiosk.conftest import server_rows
from tests.live_server import start_live_server

WINDOW_WAIT_S = 30


def _kiosk(tmp_path: Path):
    kiosk = build_kiosk(data_dir=tmp_path / "reference")
    kiosk.start()
    return kiosk


def _xdotool(display: str, *args: str, timeout: float = WINDOW_WAIT_S) -> str:
    result = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return result.stdout.strip()


def _window_named(display: str, name: str) -> str:
    """The id of the window whose title is ``name``, waiting until it appears."""
    found = _xdotool(display, "search", "--sync", "--name", f"^{re.escape(name)}$")
    assert found, f"no window named {name!r}"
    return found.split()[0]


def _title_becomes(display: str, window: str, name: str, wait_s: float = 10) -> str:
    deadline = time.monotonic() + wait_s
    title = _xdotool(display, "getwindowname", window)
    while title != name and time.monotonic() < deadline:
        time.sleep(0.1)
        title = _xdotool(display, "getwindowname", window)
    return title


def _start(display: str | None, tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "MADANG_KIOSK_DATA_DIR": str(tmp_path / "kiosk")}
    for inherited in ("DISPLAY", "WAYLAND_DISPLAY", "PYOPENGL_PLATFORM"):  # the rendering tests set EGL here
        env.pop(inherited, None)
    if display is not None:
        env["DISPLAY"] = display
    return subprocess.Popen(
        [str(MADANG), "kiosk", "--no-audio", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_click_touches_the_element_under_it_and_keys_are_the_keypad(virtual_display, tmp_path):
    reference = _kiosk(tmp_path)
    box = reference.laid_out.placed("language").box
    korean_home = reference.laid_out.screen.title
    touch(reference, "language")
    english_home = reference.laid_out.screen.title
    touch(reference, "help")
    english_help = reference.laid_out.screen.title

    client = _start(virtual_display, tmp_path, "--mode", "screen", "--quit-after", "60")
    try:
        window = _window_named(virtual_display, korean_home)
        width, height = (
            int(value)
            for value in _xdotool(virtual_display, "getwindowgeometry", window).split("Geometry: ")[1].split("x")
        )
        x = (box.x + box.w / 2) * width / reference.display.width_mm
        y = (box.y + box.h / 2) * height / reference.display.height_mm
        _xdotool(virtual_display, "mousemove", "--window", window, str(round(x)), str(round(y)), "click", "1")
        assert _title_becomes(virtual_display, window, english_home) == english_home
        _xdotool(virtual_display, "key", "--window", window, "F1")
        assert _title_becomes(virtual_display, window, english_help) == english_help
    finally:
        client.terminate()
        client.communicate(timeout=10)


def test_quit_after_ends_the_window_cleanly(virtual_display, tmp_path):
    started = time.monotonic()
    client = _start(virtual_display, tmp_path, "--mode", "screen", "--quit-after", "1")
    _, stderr = client.communicate(timeout=60)
    assert client.returncode == 0, stderr
    assert time.monotonic() - started < 30


def test_without_a_display_it_says_so_and_suggests_the_terminal(tmp_path):
    client = _start(None, tmp_path, "--mode", "screen", "--quit-after", "5")
    _, stderr = client.communicate(timeout=60)
    assert client.returncode == 1
    assert "no display" in stderr and "--mode terminal" in stderr
    assert "Traceback" not in stderr


def _without_runtime(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}


def _run_xr(
    display: str | None, tmp_path: Path, *args: str, platform: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_without_runtime(tmp_path), "MADANG_KIOSK_DATA_DIR": str(tmp_path / "kiosk")}
    for inherited in ("XR_RUNTIME_JSON", "DISPLAY", "PYOPENGL_PLATFORM"):
        env.pop(inherited, None)
    if platform is not None:
        env["PYOPENGL_PLATFORM"] = platform
    if display is not None:
        env["DISPLAY"] = display
    return subprocess.run(
        [str(MADANG), "kiosk", "--no-audio", "--mode", "xr", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_xr_without_a_runtime_exits_3_when_told_not_to_fall_back(tmp_path):
    result = _run_xr(None, tmp_path, "--no-fallback")
    assert result.returncode == 3, result.stderr
    assert "Monado or SteamVR" in result.stderr and "XR_RUNTIME_JSON" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("platform", [None, "egl"])
def test_xr_without_a_runtime_opens_the_screen_client_instead(virtual_display, tmp_path, platform):
    """With a display, GLX; with PYOPENGL_PLATFORM=egl, the headset's EGL is kept and the window uses it too."""
    result = _run_xr(virtual_display, tmp_path, "--quit-after", "2", platform=platform)
    assert result.returncode == 0, result.stderr
    assert "Monado or SteamVR" in result.stderr
    assert "opening the screen client instead" in result.stderr


@pytest.mark.parametrize(("profile", "background"), [("high-contrast,en", (0, 0, 0)), ("text=300", (255, 255, 255))])
def test_screenshot_draws_the_screen_asked_for_without_a_display(tmp_path, profile, background):
    from PIL import Image  # noqa: PLC0415 - only this test reads images

    picture = tmp_path / "settings.png"
    client = _start(
        None, tmp_path, "--mode", "screen", "--screenshot", str(picture), "--screen", "settings", "--profile", profile
    )
    stdout, stderr = client.communicate(timeout=60)
    assert client.returncode == 0, stderr
    assert "settings" in stdout
    image = Image.open(picture).convert("RGB")
    assert image.size == (1080, 1920)
    assert image.getpixel((540, 1)) == background


def test_screenshot_of_an_unknown_screen_lists_the_known_ones(tmp_path):
    client = _start(None, tmp_path, "--mode", "screen", "--screenshot", str(tmp_path / "x.png"), "--screen", "nope")
    _, stderr = client.communicate(timeout=60)
    assert client.returncode == 1
    assert "no screen 'nope'" in stderr and "service:tax-square" in stderr
    assert not (tmp_path / "x.png").exists()


def test_a_headset_at_home_registers_itself_before_looking_for_the_runtime(tmp_path_factory, tmp_path):
    """`madang kiosk --mode xr --server URL` without a token: the device registers with the admin web and keeps
    its token in the user's config folder, whatever happens to the headset next (here: no runtime, exit 3)."""
    with start_live_server(tmp_path_factory.mktemp("home-server")) as server:
        result = _run_xr(None, tmp_path, "--no-fallback", "--server", server.url)
        assert result.returncode == 3, result.stderr
        stored = json.loads((tmp_path / "cfg" / "madang" / "home-devices.json").read_text())
        [(name,)] = server_rows(server, "SELECT name FROM kiosk WHERE kind = 'home'")
        assert stored[server.url]["name"] == name

        again = _run_xr(None, tmp_path, "--no-fallback", "--server", server.url)
        assert again.returncode == 3, again.stderr
        assert len(server_rows(server, "SELECT name FROM kiosk WHERE kind = 'home'")) == 1  # the token was reused
