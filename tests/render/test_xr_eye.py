"""One eye of the XR client drawn offscreen, as a headset's swapchain image would be: the plaza, the kiosk panel
(right way up), the pointer beam and the gaze cursor, and the captions panel."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest
from OpenGL import GL

from madang.content.contract import SEOUL
from madang.kiosk.app import Kiosk
from madang.kiosk.outbox import Outbox
from madang.kiosk.services import KioskServices
from madang.kiosk.stepper import Stepper
from madang.xr.camera import look_at, perspective
from madang.xr.comfort import ComfortSettings
from madang.xr.offscreen import Framebuffer
from madang.xr.overlay_gl import OverlayRenderer, TextureTarget
from madang.xr.panel import CAPTION_BELOW_DEGREES, Quad
from madang.xr.xr_client import XrKiosk
from madang.xr.xr_input import FrameInput, HandInput, HeadPose, Ray
from madang.xr.xr_renderer import XrRenderer

SIZE = 240
HEAD = HeadPose((0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))


@pytest.fixture(scope="module")
def overlay(gl_context):
    renderer = OverlayRenderer()
    yield renderer
    renderer.delete()


@pytest.fixture
def target(gl_context):
    framebuffer = Framebuffer(SIZE, SIZE)
    yield framebuffer
    framebuffer.delete()


def test_a_panel_is_drawn_right_way_up(overlay, target):
    texture = TextureTarget(8, 8)
    pixels = np.zeros((8, 8, 4), dtype=np.uint8)
    pixels[:4] = (255, 0, 0, 255)  # top half red
    pixels[4:] = (0, 0, 255, 255)  # bottom half blue
    texture.fill(pixels)
    quad = Quad(np.array([0.0, 0.0, -1.0]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]), 1.0, 1.0)
    target.bind()
    GL.glClearColor(0, 0, 0, 1)
    GL.glClear(GL.GL_COLOR_BUFFER_BIT)
    overlay.begin()
    overlay.panel(texture, quad, perspective(math.radians(90), 1.0, 0.05, 10.0) @ np.eye(4, dtype=np.float32))
    overlay.end()
    image = target.read_rgb()
    texture.delete()
    assert image[SIZE // 2 - 30, SIZE // 2].tolist() == [255, 0, 0]
    assert image[SIZE // 2 + 30, SIZE // 2].tolist() == [0, 0, 255]
    assert image[5, 5].tolist() == [0, 0, 0]  # the quad covers only the middle half


@pytest.fixture
def xr_kiosk(shipped_pack, tmp_path):
    kiosk = Kiosk(
        shipped_pack,
        KioskServices(None, Outbox(tmp_path / "outbox.db")),
        now=datetime(2025, 5, 2, tzinfo=SEOUL),
    )
    state = XrKiosk(kiosk, ComfortSettings())
    Stepper(kiosk, state.follow).start()
    state.catch_up(0.0)
    return state


def test_one_eye_shows_the_plaza_the_kiosk_the_beam_and_the_captions(gl_context, xr_kiosk, target):
    state = xr_kiosk
    box = state.view.laid_out.placed("service:documents").box
    aim = state.panel.point_at_mm(box.x + box.w / 2, box.y + box.h / 2)
    hand = (0.25, -0.35, -0.3)
    state.input.update(FrameInput(0.5, HEAD.gaze, (HandInput(Ray(hand, tuple(aim - np.asarray(hand)))),)))
    shown = state.picture(HEAD, 0.5, 1 / 90)
    assert shown.captions is not None and len(shown.beams) == 1

    renderer = XrRenderer(state.panel)
    try:
        renderer.update(state.shown_view(), state.captions)
        view = look_at((0.0, 0.0, 0.0), state.panel.quad.centre)  # the eye looks at the panel's centre
        projection = perspective(math.radians(100), 1.0, 0.05, 500.0)
        target.bind()
        renderer.draw_eye(state.scene, state.rig.world_from_seat(), view, projection, shown, time_s=0.5)
        image = target.read_rgb()
        sky = image[2, SIZE // 2].copy()
    finally:
        renderer.delete()
    display = state.view.display
    margin = projection @ view @ np.append(state.panel.point_at_mm(4.0, display.height_mm / 2), 1.0)
    column, row = ((margin[:2] / margin[3]) * [1, -1] + 1) / 2 * SIZE  # the panel's left margin, halfway down
    panel_background = image[round(row), round(column)]
    assert not np.array_equal(panel_background, sky)
    assert panel_background.min() > 200  # the kiosk's light background, not the scene
    # the captions' dark band: CAPTION_BELOW_DEGREES under the head's line of sight (level), seen by an eye
    # that looks down at the panel's centre
    looking_down = math.degrees(math.atan2(-state.panel.quad.centre[1], -state.panel.quad.centre[2]))
    below_centre = math.tan(math.radians(CAPTION_BELOW_DEGREES - looking_down)) / math.tan(math.radians(50))
    row = SIZE // 2 + round(below_centre * SIZE / 2)
    band = image[row - 6 : row + 7, SIZE // 2 - 40 : SIZE // 2 + 40].max(axis=2)
    assert np.median(band) < 100  # dark, over the light panel
    assert band.max() > np.median(band) + 40  # with light text on it
