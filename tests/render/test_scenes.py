"""Every Seoul scene rendered in stereo on the offscreen context: both eyes show the place, the eyes differ
by a plausible disparity, a scene costs a handful of draw calls, and lanterns swell from the shader's clock."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from madang.xr.camera import DEFAULT_IPD_M, STANDING_EYE_HEIGHT_M, eye_views, perspective
from madang.xr.lantern_glow import GLOW_PERIOD_S
from madang.xr.offscreen import Framebuffer
from madang.xr.scene_renderer import EyeTarget, SceneRenderer  # conftest.py has chosen EGL for OpenGL
from madang.xr.scenes import SCENE_IDS, build_scene

WIDTH, HEIGHT = 320, 360
FOV_Y = math.radians(90)
MAX_SHIFT_PX = 16
MAX_DISPARITY = 0.04  # of the image width: nearby paving at arm's length, not a broken eye offset
MAX_DRAW_CALLS_PER_EYE = 8  # the sky and one instanced call per kind of mesh


@pytest.fixture(scope="module")
def renderer(gl_context):
    scene_renderer = SceneRenderer()
    yield scene_renderer
    scene_renderer.delete()


@pytest.fixture(scope="module")
def eye_targets(gl_context):
    targets = (Framebuffer(WIDTH, HEIGHT), Framebuffer(WIDTH, HEIGHT))
    yield targets
    for target in targets:
        target.delete()


def render_stereo(renderer, eye_targets, scene, time_s: float = 0.0) -> tuple[np.ndarray, np.ndarray, int]:
    spot = scene.spawn
    head = np.add(spot.position, (0.0, STANDING_EYE_HEIGHT_M, 0.0))
    projection = perspective(FOV_Y, WIDTH / HEIGHT, 0.1, 1000.0)
    views = eye_views(head, spot.yaw)
    eyes = [EyeTarget(target, view, projection) for target, view in zip(eye_targets, views, strict=True)]
    calls = renderer.draw_stereo(scene, eyes, time_s)
    left, right = (target.read_rgb() for target in eye_targets)
    return left, right, calls


def grey(pixels: np.ndarray) -> np.ndarray:
    return pixels.astype(np.float64).mean(axis=2)


def row_disparities(left: np.ndarray, right: np.ndarray) -> dict[int, int]:
    """For every row with detail, the horizontal shift (pixels) that best lays the right eye's row onto the
    left eye's: positive when things appear further right to the left eye, as near things do."""
    left_grey, right_grey = grey(left), grey(right)
    middle = slice(MAX_SHIFT_PX, WIDTH - MAX_SHIFT_PX)
    shifts = np.arange(-MAX_SHIFT_PX, MAX_SHIFT_PX + 1)
    found = {}
    for row in range(HEIGHT):
        reference = right_grey[row, middle]
        if np.abs(np.diff(reference)).sum() < 50:  # a flat row (sky, a plain wall) says nothing
            continue
        errors = [np.abs(left_grey[row, middle.start + s : middle.stop + s] - reference).mean() for s in shifts]
        found[row] = int(shifts[int(np.argmin(errors))])
    return found


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_both_eyes_see_the_place_with_a_plausible_disparity(renderer, eye_targets, scene_id):
    scene = build_scene(scene_id)
    left, right, calls = render_stereo(renderer, eye_targets, scene)
    bare = dataclasses.replace(scene, id=f"{scene_id} (only sky and ground)", instances={})
    bare_left, _, _ = render_stereo(renderer, eye_targets, bare)
    renderer.forget(bare.id)
    for eye in (left, right):
        content = np.abs(eye.astype(int) - bare_left.astype(int)).max(axis=2) > 12
        assert content.mean() > 0.15, f"{scene_id}: only {content.mean():.0%} of the view shows the place"
        assert len(np.unique(eye.reshape(-1, 3), axis=0)) > 200  # shaded, varied, not a few flat colours
    assert (np.abs(left.astype(int) - right.astype(int)).max(axis=2) > 12).mean() > 0.01, "the eyes are the same"
    by_row = row_disparities(left, right)
    near = {row: shift for row, shift in by_row.items() if row >= HEIGHT * 3 / 4}  # the ground a step or two ahead
    disparities = np.array(list(by_row.values()))
    assert len(disparities) > HEIGHT / 3 and len(near) > HEIGHT / 8
    assert np.median(list(near.values())) >= 2, f"{scene_id}: no disparity in the near rows"
    # flat ground seen from eye height: a row r below the centre lies at depth f * height / r, so its disparity
    # is f * ipd / depth = ipd * r / height pixels
    expected = {row: DEFAULT_IPD_M * (row - (HEIGHT - 1) / 2) / STANDING_EYE_HEIGHT_M for row in near}
    error = np.median([shift - expected[row] for row, shift in near.items()])
    assert abs(error) <= 1.5, f"{scene_id}: the near ground is {error:+.1f} px off the disparity of its depth"
    assert (disparities < 0).mean() < 0.05, f"{scene_id}: the eyes are swapped in places"
    assert disparities.max() <= MAX_DISPARITY * WIDTH
    assert calls <= 2 * MAX_DRAW_CALLS_PER_EYE


def test_a_scene_costs_a_few_draw_calls_however_many_instances_it_has(renderer, eye_targets):
    for scene_id in SCENE_IDS:
        scene = build_scene(scene_id)
        eye_targets[0].bind()
        before = renderer.draw_calls
        calls = renderer.draw(scene, np.eye(4, dtype=np.float32), perspective(1.2, 1.0, 0.1, 500.0), 0.0)
        assert renderer.draw_calls - before == calls == 1 + len(scene.instances) + ("quad" not in scene.instances)
        assert calls <= MAX_DRAW_CALLS_PER_EYE < scene.instance_count / 10


def test_stereo_draws_each_eye_as_a_single_view_would(renderer, eye_targets):
    scene = build_scene("deoksugung")
    left, right, _ = render_stereo(renderer, eye_targets, scene, time_s=1.0)
    projection = perspective(FOV_Y, WIDTH / HEIGHT, 0.1, 1000.0)
    head = np.add(scene.spawn.position, (0.0, STANDING_EYE_HEIGHT_M, 0.0))
    for target, view, stereo in zip(eye_targets, eye_views(head, scene.spawn.yaw), (left, right), strict=True):
        target.bind()
        renderer.draw(scene, view, projection, 1.0)
        np.testing.assert_array_equal(target.read_rgb(), stereo)


def test_lanterns_swell_with_time_and_repeat_each_glow_period(renderer, eye_targets):
    scene = build_scene("lantern-festival")
    start, _, _ = render_stereo(renderer, eye_targets, scene, time_s=0.0)
    half_way, _, _ = render_stereo(renderer, eye_targets, scene, time_s=GLOW_PERIOD_S / 2)
    next_cycle, _, _ = render_stereo(renderer, eye_targets, scene, time_s=GLOW_PERIOD_S * 3)
    changed = np.abs(start.astype(int) - half_way.astype(int)).max(axis=2) > 8
    assert changed.mean() > 0.005
    assert np.abs(start.astype(int) - next_cycle.astype(int)).max() <= 1
