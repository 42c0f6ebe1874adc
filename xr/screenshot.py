"""Kiosk screens drawn offscreen to pixels and PNG files: exactly what a citizen sees, without a display."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .model_views import ModelViews
from .offscreen import Framebuffer, OffscreenContext, save_png
from .screen_paint import ScreenView
from .ui_renderer import UiRenderer


class Screenshots:
    """One offscreen context and renderer for many screenshots. Call ``choose_platform("egl")`` first."""

    def __init__(self, context: OffscreenContext | None = None) -> None:
        self._own_context = context is None
        self.context = context or OffscreenContext()
        self.renderer = UiRenderer()
        self.model_views = ModelViews()
        self._framebuffers: dict[tuple[int, int], Framebuffer] = {}

    def pixels(
        self, view: ScreenView, size: tuple[int, int] | None = None, time_s: float = 0.0, *, pictures: bool = True
    ) -> np.ndarray:
        """The screen as an (height, width, 3) RGB array, at the display's own resolution unless ``size``; its 3D
        pictures as they are ``time_s`` seconds in, or only their frames without ``pictures``."""
        width, height = size or (view.display.width_px, view.display.height_px)
        framebuffer = self._framebuffers.get((width, height))
        if framebuffer is None:
            framebuffer = self._framebuffers[width, height] = Framebuffer(width, height)
        framebuffer.bind()
        draw_picture = (
            (lambda placed, box, target: self.model_views.draw(placed, box, target, time_s)) if pictures else None
        )
        self.renderer.draw(view, width, height, draw_picture)
        return framebuffer.read_rgb()

    def save(self, view: ScreenView, path: Path | str) -> Path:
        return save_png(self.pixels(view), path)

    def close(self) -> None:
        for framebuffer in self._framebuffers.values():
            framebuffer.delete()
        self.renderer.delete()
        self.model_views.delete()
        if self._own_context:
            self.context.close()

    def __enter__(self) -> Screenshots:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
