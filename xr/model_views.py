"""The content pack's 3D models (``procedural:<name>``) drawn as pictures inside a kiosk screen: a view of a
landmark from where a visitor would stand, a little raised, and the plaza from above."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from OpenGL import GL

from madang.kiosk.flows.base import VIEW_PREFIX
from madang.kiosk.model import Placed

from .camera import STANDING_EYE_HEIGHT_M, look_at, perspective
from .scene_renderer import SceneRenderer
from .scenes import PROCEDURAL_MODELS, build_scene

FIELD_OF_VIEW = math.radians(50)


@dataclass(frozen=True)
class Viewpoint:
    hotspot: str  # where the camera stands (on the floor), and the way it looks
    raise_m: float  # how far above eye height
    back_m: float  # how far behind the hotspot
    look_ahead_m: float  # the point looked at, ahead of the hotspot at eye height


VIEWPOINTS = {
    "plaza": Viewpoint("entrance", 22.0, 12.0, 30.0),
    "gwanghwamun-gate": Viewpoint("gate", 5.0, 16.0, 30.0),
    "daehanmun": Viewpoint("daehanmun", 2.0, 10.0, 14.0),
    "junghwajeon": Viewpoint("junghwajeon", 3.0, 6.0, 16.0),
    "namdaemun-stalls": Viewpoint("alley", 4.0, 4.0, 20.0),
    "donuimun": Viewpoint("road", 3.0, 4.0, 26.0),
    "lanterns": Viewpoint("north-bank", 2.0, 3.0, 14.0),
}


def camera(model: str) -> tuple[object, np.ndarray]:
    """The scene of ``model`` and the view matrix its picture is taken with."""
    scene = build_scene(PROCEDURAL_MODELS[model])
    point = VIEWPOINTS.get(model)
    spot = scene.hotspots.get(point.hotspot) if point else None
    spot = spot or scene.spawn
    point = point or Viewpoint(spot.id, 2.0, 4.0, 20.0)
    forward = np.array([-math.sin(spot.yaw), 0.0, -math.cos(spot.yaw)])  # yaw 0 faces north (-z), turning left
    up = np.array([0.0, 1.0, 0.0])
    base = np.array(spot.position, dtype=float) + up * STANDING_EYE_HEIGHT_M
    eye = base - forward * point.back_m + up * point.raise_m
    target = base + forward * point.look_ahead_m
    return scene, look_at(tuple(eye), tuple(target))


def model_of(element_id: str) -> str | None:
    model = element_id.removeprefix(VIEW_PREFIX)
    return model if element_id.startswith(VIEW_PREFIX) and model in PROCEDURAL_MODELS else None


class ModelViews:
    """Draws each ``view:<model>`` picture of a screen into its layout box. Create once per OpenGL context."""

    def __init__(self) -> None:
        self.renderer = SceneRenderer()

    def draw(self, placed: Placed, box_px: tuple[int, int, int, int], target_height: int, time_s: float) -> bool:
        """Draw into the box (left, top, width, height in pixels from the top left); False for an unknown model."""
        model = model_of(placed.element.id)
        if model is None:
            return False
        left, top, width, height = box_px
        scene, view = camera(model)
        projection = perspective(FIELD_OF_VIEW, width / max(1, height), 0.1, 600.0)
        bottom = target_height - top - height
        GL.glViewport(left, bottom, width, height)
        GL.glScissor(left, bottom, width, height)
        GL.glEnable(GL.GL_SCISSOR_TEST)
        try:
            self.renderer.draw(scene, view, projection, time_s)
        finally:
            GL.glDisable(GL.GL_SCISSOR_TEST)
            GL.glDisable(GL.GL_DEPTH_TEST)
        return True

    def delete(self) -> None:
        self.renderer.delete()
