"""Draws one eye of the XR client: the scene in the world, then in seat space the kiosk panel, the pointer beams,
the gaze cursor and the captions. The kiosk screen is drawn into the panel's texture only when it changes, the
captions only when a line is added; a frame only draws textured quads over the scene.
"""

from __future__ import annotations

import numpy as np
from OpenGL import GL

from .camera import view_from_world_pose
from .captions import CaptionBoard, caption_image
from .model_views import ModelViews
from .overlay_gl import OverlayRenderer, TextureTarget
from .panel import KioskPanel, caption_panel_size
from .scene_kit import Scene
from .scene_renderer import SceneRenderer
from .screen_paint import ScreenView
from .ui_renderer import UiRenderer
from .xr_picture import CURSOR_RING, XrPicture

CAPTION_TEXTURE_WIDTH = 1400
CAPTION_OPACITY = 0.92


class XrRenderer:
    """Create with the session's OpenGL context current; ``delete`` before the context goes."""

    def __init__(self, panel: KioskPanel) -> None:
        self.scenes = SceneRenderer()
        self.ui = UiRenderer()
        self.overlay = OverlayRenderer()
        self.pictures = ModelViews()
        self.panel_texture = TextureTarget(*panel.texture_size, depth=True)
        width_m, height_m = caption_panel_size()
        self.caption_texture = TextureTarget(CAPTION_TEXTURE_WIDTH, round(CAPTION_TEXTURE_WIDTH * height_m / width_m))
        self._painted: ScreenView | None = None
        self._captions_version = -1

    def update(self, view: ScreenView, captions: CaptionBoard) -> None:
        """Before the eyes are drawn: repaint the textures whose content changed."""
        if view != self._painted:
            self.panel_texture.draw_into(lambda width, height: self.ui.draw(view, width, height, self._picture))
            self._painted = view
        if captions.version != self._captions_version:
            target = self.caption_texture
            target.fill(caption_image(list(captions.captions), target.width, target.height))
            self._captions_version = captions.version

    def _picture(self, placed, box: tuple[int, int, int, int], target_height: int) -> None:
        """A 3D picture on the panel, drawn with the panel (still: the panel is repainted only when it changes)."""
        self.pictures.draw(placed, box, target_height, 0.0)

    def draw_eye(
        self,
        scene: Scene,
        world_from_seat: np.ndarray,
        view: np.ndarray,
        projection: np.ndarray,
        picture: XrPicture,
        *,
        time_s: float,
    ) -> None:
        """Into the bound eye image: ``view`` and ``projection`` are the eye's, in seat space."""
        seat_from_world = view_from_world_pose(world_from_seat)  # the inverse of a rigid transform
        self.scenes.draw(scene, view @ seat_from_world, projection, time_s)
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT)
        eye = view_from_world_pose(view)[:3, 3]  # where the eye is, in seat space
        view_projection = projection @ view
        overlay = self.overlay
        overlay.begin()
        overlay.panel(self.panel_texture, picture.panel, view_projection)
        for beam in picture.beams:
            overlay.ray(beam.start, beam.end, eye, view_projection, beam.colour)
        if picture.cursor is not None:
            overlay.cursor(picture.cursor.quad, view_projection, CURSOR_RING, picture.cursor.progress)
        if picture.captions is not None:
            overlay.panel(self.caption_texture, picture.captions, view_projection, CAPTION_OPACITY)
        overlay.end()

    def delete(self) -> None:
        self.caption_texture.delete()
        self.panel_texture.delete()
        self.overlay.delete()
        self.ui.delete()
        self.scenes.delete()
        self.pictures.delete()
