"""Which window-system binding PyOpenGL uses: EGL for offscreen renders, GLX for a window or an OpenXR session.

PyOpenGL picks its platform once, when ``OpenGL`` is first imported, from ``PYOPENGL_PLATFORM``. Every entry
point that draws calls ``choose_platform`` before importing any module that imports ``OpenGL``.
"""

from __future__ import annotations

import os
import sys

from .errors import GraphicsUnavailableError

PLATFORMS = ("egl", "glx")


def choose_platform(name: str) -> None:
    if name not in PLATFORMS:
        raise ValueError(f"unknown OpenGL platform {name!r}: use one of {', '.join(PLATFORMS)}")
    current = os.environ.get("PYOPENGL_PLATFORM")
    if "OpenGL" in sys.modules and current not in (None, name):
        raise GraphicsUnavailableError(
            f"OpenGL was already set up for {current!r} in this process; start a new process for {name!r}"
        )
    os.environ["PYOPENGL_PLATFORM"] = name


def keep_or_choose_platform(preferred: str) -> str:
    """The platform OpenGL already uses in this process (after a headset session fell back to the window, say),
    else ``preferred``, chosen now."""
    current = os.environ.get("PYOPENGL_PLATFORM")
    if "OpenGL" in sys.modules and current in PLATFORMS:
        return current
    choose_platform(preferred)
    return preferred
