"""One offscreen OpenGL 3.3 context (EGL on Mesa) for the rendering tests of this folder."""

from __future__ import annotations

import pytest

from madang.xr.gl_platform import choose_platform

choose_platform("egl")  # before anything imports OpenGL


@pytest.fixture(scope="session")
def gl_context():
    from madang.xr.offscreen import OffscreenContext  # noqa: PLC0415 - after the platform is chosen

    context = OffscreenContext()
    yield context
    context.close()
