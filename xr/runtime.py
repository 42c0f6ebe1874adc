"""Find the OpenXR runtime the loader would use, so a missing runtime is explained before a session starts.

The search order is the OpenXR loader's on Linux: ``XR_RUNTIME_JSON``, then ``active_runtime.json``
under ``$XDG_CONFIG_HOME``, each of ``$XDG_CONFIG_DIRS``, and ``/etc``.
"""

from __future__ import annotations

import os
from pathlib import Path

OPENXR_MAJOR = 1
INSTALL_HINT = (
    "install an OpenXR runtime such as Monado or SteamVR and make it active, or point XR_RUNTIME_JSON at its"
    " manifest (a .json file)"
)


def runtime_manifest_candidates(environ: dict[str, str] | None = None) -> list[Path]:
    env = os.environ if environ is None else environ
    if env.get("XR_RUNTIME_JSON"):
        return [Path(env["XR_RUNTIME_JSON"])]
    relative = Path("openxr") / str(OPENXR_MAJOR) / "active_runtime.json"
    config_home = Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME", "~")).expanduser() / ".config")
    config_dirs = [Path(d) for d in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":") if d]
    return [base / relative for base in (config_home, *config_dirs, Path("/etc"))]


def find_runtime_manifest(environ: dict[str, str] | None = None) -> Path | None:
    """The manifest of the active OpenXR runtime, or None when no runtime is installed or configured."""
    return next((path for path in runtime_manifest_candidates(environ) if path.is_file()), None)


def missing_runtime_message(environ: dict[str, str] | None = None) -> str | None:
    """None when a runtime manifest exists; otherwise what is missing and what to do."""
    env = os.environ if environ is None else environ
    if find_runtime_manifest(env) is not None:
        return None
    if env.get("XR_RUNTIME_JSON"):
        return f"XR_RUNTIME_JSON names {env['XR_RUNTIME_JSON']}, which does not exist: {INSTALL_HINT}"
    searched = ", ".join(str(path) for path in runtime_manifest_candidates(env))
    return f"no OpenXR runtime is installed (looked for {searched}): {INSTALL_HINT}"
