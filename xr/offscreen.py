"""An OpenGL 3.3 core context without a window or display (EGL on Mesa's surfaceless platform), and
framebuffers to draw into and read back: screenshots, tests and benchmarks.

Call ``choose_platform("egl")`` (``madang.xr.gl_platform``) before the first ``import OpenGL``.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np
from OpenGL import GL
from PIL import Image

from .errors import GraphicsUnavailableError

EGL_PLATFORM_SURFACELESS_MESA = 0x31DD
INSTALL_HINT = "install Mesa's EGL driver: sudo apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri"


class OffscreenContext:
    """A current OpenGL 3.3 core context on this thread, until ``close``."""

    def __init__(self) -> None:
        try:
            from OpenGL import EGL  # noqa: PLC0415 - a missing libEGL is a message, not an import error
        except (ImportError, AttributeError) as error:
            raise GraphicsUnavailableError(f"cannot load EGL ({error}): {INSTALL_HINT}") from None
        self._egl = EGL
        get_display = getattr(EGL, "eglGetPlatformDisplayEXT", None) or EGL.eglGetPlatformDisplay
        self.display = get_display(EGL_PLATFORM_SURFACELESS_MESA, None, None)
        major, minor = EGL.EGLint(), EGL.EGLint()
        if not self.display or not EGL.eglInitialize(self.display, ctypes.pointer(major), ctypes.pointer(minor)):
            raise GraphicsUnavailableError(f"EGL found no surfaceless display: {INSTALL_HINT}")
        EGL.eglBindAPI(EGL.EGL_OPENGL_API)
        wanted = (EGL.EGLint * 5)(
            EGL.EGL_RENDERABLE_TYPE, EGL.EGL_OPENGL_BIT, EGL.EGL_SURFACE_TYPE, EGL.EGL_PBUFFER_BIT, EGL.EGL_NONE
        )
        config, count = EGL.EGLConfig(), EGL.EGLint()
        EGL.eglChooseConfig(self.display, wanted, ctypes.pointer(config), 1, ctypes.pointer(count))
        if count.value < 1:
            raise GraphicsUnavailableError(f"EGL offers no OpenGL configuration: {INSTALL_HINT}")
        attributes = (EGL.EGLint * 7)(
            EGL.EGL_CONTEXT_MAJOR_VERSION,
            3,
            EGL.EGL_CONTEXT_MINOR_VERSION,
            3,
            EGL.EGL_CONTEXT_OPENGL_PROFILE_MASK,
            EGL.EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
            EGL.EGL_NONE,
        )
        self.context = EGL.eglCreateContext(self.display, config, EGL.EGL_NO_CONTEXT, attributes)
        current = EGL.eglMakeCurrent(self.display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, self.context)
        if not self.context or not current:
            raise GraphicsUnavailableError(f"EGL could not make an OpenGL 3.3 core context: {INSTALL_HINT}")

    def close(self) -> None:
        if self.context:
            EGL = self._egl  # noqa: N806 - the library's own name
            EGL.eglMakeCurrent(self.display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, EGL.EGL_NO_CONTEXT)
            EGL.eglDestroyContext(self.display, self.context)
            EGL.eglTerminate(self.display)
            self.context = None

    def __enter__(self) -> OffscreenContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class Framebuffer:
    """A colour (RGBA8) and depth target of ``width`` x ``height`` pixels."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.id = GL.glGenFramebuffers(1)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.id)
        self.colour = GL.glGenRenderbuffers(1)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.colour)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, width, height)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_RENDERBUFFER, self.colour)
        self.depth = GL.glGenRenderbuffers(1)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, width, height)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, self.depth)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise GraphicsUnavailableError(f"the driver refused a {width}x{height} framebuffer (status {status:#x})")

    def bind(self) -> None:
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.id)
        GL.glViewport(0, 0, self.width, self.height)

    def read_rgb(self) -> np.ndarray:
        """The pixels as an (height, width, 3) uint8 array, top row first."""
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.id)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        data = GL.glReadPixels(
            0, 0, self.width, self.height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE
        )  # the driver's own layout
        return np.frombuffer(data, dtype=np.uint8).reshape(self.height, self.width, 4)[::-1, :, :3].copy()

    def delete(self) -> None:
        GL.glDeleteRenderbuffers(2, [self.colour, self.depth])
        GL.glDeleteFramebuffers(1, [self.id])


def save_png(pixels: np.ndarray, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels, "RGB").save(path)
    return path
