"""Finding the OpenXR runtime, checked against the loader that the pyopenxr wheel ships."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from madang.xr.runtime import find_runtime_manifest, missing_runtime_message

from .conftest import REPO_ROOT


def test_no_runtime_names_what_to_install(tmp_path):
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_DIRS": str(tmp_path / "etc-xdg")}
    if (manifest := find_runtime_manifest(environ)) is not None:
        pytest.skip(f"this machine has a system-wide OpenXR runtime at {manifest}")
    message = missing_runtime_message(environ)
    assert "Monado or SteamVR" in message
    assert str(tmp_path / ".config" / "openxr" / "1" / "active_runtime.json") in message


def test_runtime_json_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "monado.json"
    message = missing_runtime_message({"XR_RUNTIME_JSON": str(missing), "HOME": str(tmp_path)})
    assert str(missing) in message and "does not exist" in message


def test_active_runtime_in_user_config_is_found(tmp_path):
    manifest = tmp_path / "cfg" / "openxr" / "1" / "active_runtime.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"file_format_version": "1.0.0", "runtime": {"library_path": "x.so"}}')
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)}
    assert find_runtime_manifest(environ) == manifest
    assert missing_runtime_message(environ) is None


def test_the_real_loader_agrees_that_no_runtime_is_installed(tmp_path):
    """Where we find no runtime, pyopenxr's own loader raises RuntimeUnavailableError."""
    environ = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
    }
    environ.pop("XR_RUNTIME_JSON", None)
    if (manifest := find_runtime_manifest(environ)) is not None:
        pytest.skip(f"this machine has a system-wide OpenXR runtime at {manifest}")
    script = (
        "import xr\n"
        "try:\n"
        "    xr.create_instance(xr.InstanceCreateInfo(application_info=xr.ApplicationInfo('madang-test')))\n"
        "except xr.exception.RuntimeUnavailableError:\n"
        "    print('unavailable')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == "unavailable", done.stderr
