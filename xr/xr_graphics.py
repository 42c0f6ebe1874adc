"""The OpenGL context an OpenXR session renders with, and how it is handed to the runtime.

Two bindings: GLX (a hidden 1x1 glfw window on the X display; ``XR_KHR_opengl_enable``), the one every Linux
runtime supports; and EGL without any display (Mesa's surfaceless platform; ``XR_KHR_opengl_enable`` plus
``XR_MNDX_egl_enable``), which Monado supports, e.g. headless with its null compositor. The platform is
PyOpenGL's, chosen before OpenGL is first imported (``gl_platform.choose_platform``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any, Protocol

from .errors import GraphicsUnavailableError, XrUnavailableError

GL_RGBA8 = 0x8058
GL_SRGB8_ALPHA8 = 0x8C43
# sRGB first: the renderers write sRGB-encoded colours, which an sRGB swapchain shows as they are meant
COLOUR_FORMATS = (GL_SRGB8_ALPHA8, GL_RGBA8)
FORMAT_NAMES = {GL_SRGB8_ALPHA8: "GL_SRGB8_ALPHA8", GL_RGBA8: "GL_RGBA8"}
GL_VERSION = (3, 3)
KHR_OPENGL_ENABLE = "XR_KHR_opengl_enable"
MNDX_EGL_ENABLE = "XR_MNDX_egl_enable"


def default_platform(environ: Mapping[str, str]) -> str:
    """GLX where there is an X display (also XWayland), else EGL without a display."""
    return "glx" if environ.get("DISPLAY") else "egl"


def choose_colour_format(offered: Sequence[int]) -> int:
    for wanted in COLOUR_FORMATS:
        if wanted in offered:
            return wanted
    listed = ", ".join(f"{value:#x}" for value in offered) or "none"
    raise XrUnavailableError(
        f"the OpenXR runtime offers no 8-bit OpenGL colour swapchain ({', '.join(FORMAT_NAMES.values())});"
        f" it offers {listed}: update the runtime or its graphics driver"
    )


def check_gl_version(minimum: tuple[int, int], maximum: tuple[int, int]) -> None:
    """The runtime's OpenGL range (from xrGetOpenGLGraphicsRequirementsKHR) must include our 3.3 core context."""
    if minimum > GL_VERSION:
        raise XrUnavailableError(
            f"the OpenXR runtime needs OpenGL {minimum[0]}.{minimum[1]} or newer; Madang renders with"
            f" {GL_VERSION[0]}.{GL_VERSION[1]}: use a runtime that supports OpenGL 3.3 (Monado or SteamVR)"
        )
    if maximum != (0, 0) and GL_VERSION[0] > maximum[0]:
        raise XrUnavailableError(
            f"the OpenXR runtime supports OpenGL only up to {maximum[0]}.{maximum[1]}: use Monado or SteamVR"
        )


class GraphicsContext(Protocol):
    extensions: tuple[str, ...]

    def binding(self, xr: ModuleType) -> Any:
        """The session's graphics binding structure (keep it alive while the session exists)."""
        ...

    def make_current(self) -> None: ...

    def close(self) -> None: ...


class GlxContext:
    """An OpenGL 3.3 core context of a hidden glfw window."""

    extensions = (KHR_OPENGL_ENABLE,)

    def __init__(self) -> None:
        import glfw  # noqa: PLC0415 - only the XR client opens windows

        self._glfw = glfw
        reporting, glfw.ERROR_REPORTING = glfw.ERROR_REPORTING, "exception"
        try:
            if not glfw.init():
                raise GraphicsUnavailableError("GLFW could not start: is DISPLAY set to a running X server?")
            glfw.window_hint(glfw.VISIBLE, glfw.FALSE)
            glfw.window_hint(glfw.DOUBLEBUFFER, glfw.FALSE)
            glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, GL_VERSION[0])
            glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, GL_VERSION[1])
            glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
            glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, glfw.TRUE)
            self.window = glfw.create_window(1, 1, "Madang XR", None, None)
            glfw.make_context_current(self.window)
            glfw.swap_interval(0)
        except glfw.GLFWError as error:
            glfw.terminate()
            raise GraphicsUnavailableError(
                f"no OpenGL 3.3 context on the X display ({error}): check DISPLAY and the graphics driver"
            ) from None
        finally:
            glfw.ERROR_REPORTING = reporting

    def binding(self, xr: ModuleType) -> Any:
        from OpenGL import GLX  # noqa: PLC0415 - GLX exists only on this platform

        self.make_current()
        return xr.GraphicsBindingOpenGLXlibKHR(
            x_display=GLX.glXGetCurrentDisplay(),
            glx_drawable=GLX.glXGetCurrentDrawable(),
            glx_context=GLX.glXGetCurrentContext(),
        )

    def make_current(self) -> None:
        self._glfw.make_context_current(self.window)

    def close(self) -> None:
        if self.window is not None:
            self._glfw.make_context_current(None)
            self._glfw.destroy_window(self.window)
            self._glfw.terminate()
            self.window = None


class EglContext:
    """A surfaceless EGL OpenGL 3.3 core context (``offscreen.OffscreenContext``), no display needed."""

    extensions = (KHR_OPENGL_ENABLE, MNDX_EGL_ENABLE)

    def __init__(self) -> None:
        from OpenGL import EGL  # noqa: PLC0415

        from .offscreen import OffscreenContext  # noqa: PLC0415

        self._egl = EGL
        self.offscreen = OffscreenContext()

    def _config(self) -> Any:
        EGL = self._egl  # noqa: N806 - the library's own name
        display, config_id = self.offscreen.display, EGL.EGLint()
        EGL.eglQueryContext(display, self.offscreen.context, EGL.EGL_CONFIG_ID, ctypes.pointer(config_id))
        wanted = (EGL.EGLint * 3)(EGL.EGL_CONFIG_ID, config_id.value, EGL.EGL_NONE)
        config, count = EGL.EGLConfig(), EGL.EGLint()
        EGL.eglChooseConfig(display, wanted, ctypes.pointer(config), 1, ctypes.pointer(count))
        if count.value < 1:
            raise GraphicsUnavailableError("EGL cannot name the configuration of its own context")
        return config

    def binding(self, xr: ModuleType) -> Any:
        EGL = self._egl  # noqa: N806
        self.make_current()
        return xr.GraphicsBindingEGLMNDX(
            get_proc_address=ctypes.cast(EGL.eglGetProcAddress.load(), xr.PFN_xrEglGetProcAddressMNDX),
            display=self.offscreen.display,
            config=self._config(),
            context=self.offscreen.context,
        )

    def make_current(self) -> None:
        EGL = self._egl  # noqa: N806
        EGL.eglMakeCurrent(self.offscreen.display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, self.offscreen.context)

    def close(self) -> None:
        self.offscreen.close()


def graphics_context(platform: str) -> GraphicsContext:
    return GlxContext() if platform == "glx" else EglContext()
