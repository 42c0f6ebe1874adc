"""`run_xr` end to end against a scripted OpenXR runtime (``scripted_runtime``): a real kiosk, the plaza, the
EGL binding, stereo frames drawn into swapchain textures, a trigger press on the kiosk panel, and
``--quit-after`` ending the session the way OpenXR asks. In a subprocess: it needs its own OpenGL context."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from madang.xr.lifecycle import SESSION_LOST
from tests.conftest import REPO_ROOT

SCRIPT = """
import json, sys
from pathlib import Path
from madang.xr.gl_platform import choose_platform
choose_platform("egl")
import numpy as np
from madang.kiosk.build import build_kiosk
from madang.xr.openxr_import import import_openxr
from madang.xr.panel import kiosk_panel
from madang.xr.errors import XrUnavailableError
from madang.xr.xr_client import run_xr
from tests.xr.scripted_runtime import ScriptedRuntime

xr = import_openxr()
kiosk = build_kiosk(data_dir=Path(sys.argv[1]))
box = kiosk.laid_out.placed("service:documents").box
target = kiosk_panel(kiosk.display).point_at_mm(box.x + box.w / 2, box.y + box.h / 2)
runtime = ScriptedRuntime(xr, hand=(0.25, -0.35, -0.3), aim_at=target, press_frames=range(10, 13))
runtime.install()
said = []
run_xr(kiosk, quit_after=float(sys.argv[2]), report=said.append, platform="egl")
pixels = runtime.last_eye_pixels
lost = ScriptedRuntime(xr, hand=(0.25, -0.35, -0.3), aim_at=target, press_frames=range(0), lost_at_frame=6)
lost.install()
try:
    run_xr(kiosk, quit_after=30.0, report=said.append, platform="egl")
    lost_message = None
except XrUnavailableError as error:
    lost_message = str(error)
print(json.dumps({
    "calls": runtime.calls,
    "frames": runtime.frames,
    "extensions": runtime.extensions,
    "binding": runtime.binding_type == int(xr.StructureType.GRAPHICS_BINDING_EGL_MNDX),
    "swapchains_left": len(runtime.swapchains),
    "screen": kiosk.laid_out.screen.id,
    "said": said,
    "eye_spread": float(pixels.std()) if pixels is not None else None,
    "lost": {"message": lost_message, "calls": lost.calls, "frames": len(lost.frames), "left": len(lost.swapchains)},
}))
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path_factory.mktemp("kiosk")), "1.0"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def order(calls: list[str], *names: str) -> list[int]:
    return [calls.index(name) for name in names]


def test_the_instance_asks_for_opengl_and_binds_egl(session):
    assert session["extensions"] == ["XR_KHR_opengl_enable", "XR_MNDX_egl_enable"]
    assert session["binding"]
    calls = session["calls"]
    steps = order(calls, "create_instance", "get_system", "get_opengl_graphics_requirements_khr", "create_session")
    assert steps == sorted(steps)
    assert session["said"][0] == "XR: Scripted headset through Scripted runtime 1.2.3; put the headset on"


def test_the_session_begins_on_ready_and_frames_run_only_while_it_runs(session):
    calls = session["calls"]
    assert calls.count("begin_session") == 1 and calls.count("end_session") == 1
    assert calls.index("begin_session") < calls.index("wait_frame")
    assert calls.index("request_exit_session") < calls.index("end_session")
    assert "wait_frame" not in calls[calls.index("end_session") :]
    assert calls.count("wait_frame") == calls.count("begin_frame") == calls.count("end_frame")


def test_layers_only_when_the_runtime_asks_to_render(session):
    frames = session["frames"]
    assert all(frame["layers"] == (1 if frame["should_render"] else 0) for frame in frames)
    assert {frame["state"] for frame in frames} >= {"READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED"}
    assert sum(frame["layers"] for frame in frames) > 10
    assert session["eye_spread"] > 10  # the eye images hold a picture, not a flat colour


def test_the_trigger_on_the_panel_touches_the_kiosk(session):
    assert session["screen"] == "service:documents"


RELEASES = ["destroy_swapchain"] * 2 + ["destroy_space"] * 2 + ["destroy_action_set"] + ["destroy_space"] * 2
RELEASES += ["destroy_session", "destroy_instance"]


def test_everything_is_released_newest_first(session):
    assert [call for call in session["calls"] if call.startswith("destroy_")] == RELEASES
    assert session["swapchains_left"] == 0


def test_a_lost_session_ends_with_the_reason_and_releases_everything(session):
    lost = session["lost"]
    assert lost["message"] == SESSION_LOST
    assert lost["frames"] == 6  # no frame after the loss
    assert "end_session" not in lost["calls"]  # a lost session is destroyed, not ended
    assert [call for call in lost["calls"] if call.startswith("destroy_")] == RELEASES
    assert lost["left"] == 0
