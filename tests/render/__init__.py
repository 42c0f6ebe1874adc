"""Rendering tests draw offscreen through EGL: chosen here, before any of their modules imports OpenGL."""

from madang.xr.gl_platform import choose_platform

choose_platform("egl")
