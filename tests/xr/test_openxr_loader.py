"""The missing-runtime path, for real: pyopenxr's own loader, with no runtime installed or configured.

Each case runs in a subprocess: pyopenxr changes PyOpenGL's platform when imported, and the loader reads
the environment (HOME, XDG_*, XR_RUNTIME_JSON) of the process it runs in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from madang.xr.runtime import find_runtime_manifest
from tests.conftest import REPO_ROOT

SCRIPT = """
import json, sys
from madang.xr.gl_platform import choose_platform
choose_platform("egl")
import OpenGL.platform
from madang.xr.errors import XrUnavailableError
from madang.xr.openxr_session import OpenXrSession
messages = []
for validation in (False, True)[: len(sys.argv) - 1]:
    try:
        with OpenXrSession(validation=validation):
            messages.append("opened")
    except XrUnavailableError as error:
        messages.append(str(error))
import xr
from madang.xr.lifecycle import SessionState
print(json.dumps({
    "messages": messages,
    "platform": type(OpenGL.platform.PLATFORM).__name__,
    "states": {state.name: state.value for state in SessionState} == {s.name: s.value for s in xr.SessionState},
}))
"""


def no_runtime_environment(tmp_path) -> dict[str, str]:
    environ = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
    }
    environ.pop("XR_RUNTIME_JSON", None)
    environ.pop("XR_LOADER_DEBUG", None)
    if (manifest := find_runtime_manifest(environ)) is not None:
        pytest.skip(f"this machine has a system-wide OpenXR runtime at {manifest}")
    return environ


def open_session(environ: dict[str, str], *modes: str) -> tuple[dict, str]:
    """Open a session without validation, then (with a second mode) with the validation layer."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *(modes or ("plain",))],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def test_no_runtime_says_what_to_install(tmp_path):
    outcome, stderr = open_session(no_runtime_environment(tmp_path), "plain", "validate")
    message, validated = outcome["messages"]
    assert message.startswith("no OpenXR runtime is installed")
    assert "Monado or SteamVR" in message and "XR_RUNTIME_JSON" in message
    assert str(tmp_path / "config" / "openxr" / "1" / "active_runtime.json") in message
    assert "OpenXR-Loader" not in stderr  # our message alone, not the loader's log
    assert outcome["platform"] == "EGLPlatform"  # importing pyopenxr left PyOpenGL on EGL
    assert outcome["states"]  # lifecycle.SessionState mirrors xr.SessionState
    # MADANG_XR_VALIDATION: the loader finds the Khronos layer pyopenxr ships, so only the runtime is missing
    assert validated == message


def test_a_runtime_json_that_cannot_be_loaded_is_named(tmp_path):
    manifest = tmp_path / "monado.json"
    manifest.write_text(json.dumps({"file_format_version": "1.0.0", "runtime": {"library_path": "./nothing.so"}}))
    environ = {**no_runtime_environment(tmp_path), "XR_RUNTIME_JSON": str(manifest)}
    [message] = open_session(environ)[0]["messages"]
    assert f"the OpenXR runtime of {manifest} could not be loaded" in message
    assert "monado-service" in message and "XR_RUNTIME_JSON" in message
