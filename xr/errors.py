"""What can go wrong when drawing: each message says what is missing and what to do."""

from __future__ import annotations

from madang.content.errors import MadangError


class GraphicsUnavailableError(MadangError):
    """No OpenGL 3.3 context could be made (no driver, no display, no EGL)."""


class NoDisplayError(GraphicsUnavailableError):
    """The screen client was asked for, but there is no display to open a window on."""


class XrUnavailableError(MadangError):
    """No OpenXR runtime, no headset, or the session was lost."""
