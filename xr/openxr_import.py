"""Importing pyopenxr (``import xr``) without losing PyOpenGL's platform.

On Linux pyopenxr replaces PyOpenGL's platform with GLX when it is imported (``xr/platform/linux.py``), after
which every EGL call fails with EGL_BAD_DISPLAY. Whatever platform the process chose (``gl_platform``) is put
back. Every module of ours that needs pyopenxr gets it from ``import_openxr``.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from .errors import XrUnavailableError

REINSTALL_HINT = "reinstall it: pip install --force-reinstall pyopenxr"


def import_openxr() -> ModuleType:
    if "xr" in sys.modules:
        return sys.modules["xr"]
    import OpenGL.platform  # noqa: PLC0415 - chooses the platform from PYOPENGL_PLATFORM, as every entry point set

    chosen = OpenGL.platform.PLATFORM
    try:
        return importlib.import_module("xr")
    except (ImportError, OSError, AttributeError) as error:
        raise XrUnavailableError(f"cannot load pyopenxr and its OpenXR loader ({error}): {REINSTALL_HINT}") from None
    finally:
        OpenGL.platform.PLATFORM = chosen
