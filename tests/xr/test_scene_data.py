"""The Seoul scenes as data, without OpenGL: one per place of the content pack, the plaza's counters and
hotspots, the unit meshes, and lanterns that never flash."""

from __future__ import annotations

import math

import numpy as np
import pytest

from madang.xr.lantern_glow import GLOW_GLSL, GLOW_PERIOD_S, lantern_brightness
from madang.xr.meshes import MESH_KINDS, unit_mesh
from madang.xr.scene_kit import facing
from madang.xr.scene_plaza import COUNTER_RING_M, counter_clock_hours
from madang.xr.scenes import PROCEDURAL_MODELS, SCENE_IDS, build_scene

SAMPLES_PER_SECOND = 240
MAX_FLASHES_PER_SECOND = 3  # WCAG 2.3.1 Three Flashes or Below Threshold


def test_every_place_of_the_content_pack_has_a_scene(shipped_pack):
    places = [item.id for item in (*shipped_pack.spaces, *shipped_pack.landmarks, *shipped_pack.events)]
    assert sorted(SCENE_IDS) == sorted(places)


def test_every_procedural_model_of_the_pack_is_built_in_its_own_place(shipped_pack):
    for item in (*shipped_pack.spaces, *shipped_pack.landmarks, *shipped_pack.events):
        for media in item.media:
            if media.source.startswith("procedural:"):
                assert PROCEDURAL_MODELS.get(media.source.removeprefix("procedural:")) == item.id, media.source


def test_the_plaza_has_a_counter_hotspot_for_every_service_of_the_pack(shipped_pack):
    plaza = build_scene("plaza")
    services = next(space for space in shipped_pack.spaces if space.id == "plaza").services
    assert len(services) == 10
    for service in services:
        spot = plaza.hotspots[service]
        x, _, z = spot.position
        assert math.hypot(x, z) == pytest.approx(COUNTER_RING_M - 3.2, abs=0.01)  # in front of the counter
        assert spot.yaw == pytest.approx(facing((x, z), (x * 2, z * 2)))  # facing it, away from the lawn
    assert {"entrance", "centre", "gate"} <= set(plaza.hotspots)


def test_ten_counters_stand_at_the_hours_the_audio_description_names():
    assert counter_clock_hours(10) == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    assert counter_clock_hours(3) == [1, 5, 9]


def test_the_plaza_can_be_built_for_any_list_of_counters():
    plaza = build_scene("plaza", ["first", "second", "third"])
    assert {"first", "second", "third"} <= set(plaza.hotspots)
    assert plaza.instances["roof"].count < build_scene("plaza").instances["roof"].count


@pytest.mark.parametrize("scene_id", SCENE_IDS)
def test_a_scene_is_instances_of_the_unit_meshes_and_named_viewpoints(scene_id):
    scene = build_scene(scene_id)
    assert scene.id == scene_id and scene.name
    assert scene.spawn is scene.hotspots[scene.spawn_id]
    assert len(scene.hotspots) >= 3
    assert set(scene.instances) <= set(MESH_KINDS)
    for part in scene.instances.values():
        assert part.models.shape == (part.count, 4, 4) and part.models.dtype == np.float32
        assert part.colours.shape == part.materials.shape == (part.count, 4)
        assert np.isfinite(part.models).all()
        np.testing.assert_array_equal(part.models[:, 3], np.tile([0, 0, 0, 1], (part.count, 1)))
    assert 50 < scene.instance_count < 2000
    assert build_scene(scene_id) is scene  # built once: the renderer keeps one upload per scene


def test_an_unknown_scene_is_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="gwanghwamun-square"):
        build_scene("gyeongbokgung")


@pytest.mark.parametrize("kind", MESH_KINDS)
def test_a_unit_mesh_stands_on_the_origin_within_its_unit_footprint(kind):
    mesh = unit_mesh(kind)
    assert mesh.vertex_count % 3 == 0 and mesh.vertex_count >= 6
    assert np.abs(mesh.positions[:, [0, 2]]).max() == pytest.approx(0.5, abs=1e-6)
    assert mesh.positions[:, 1].min() == pytest.approx(0.0, abs=1e-6)
    assert mesh.positions[:, 1].max() == pytest.approx(0.0 if kind == "quad" else 1.0, abs=1e-6)
    np.testing.assert_allclose(np.linalg.norm(mesh.normals, axis=1), 1.0, atol=1e-5)
    assert mesh.interleaved().shape == (mesh.vertex_count, 6)


def lantern_phases() -> list[float]:
    scene = build_scene("lantern-festival")
    phases = []
    for part in scene.instances.values():
        glowing = (part.materials[:, 0] > 0) & (part.materials[:, 3] == 0)  # glowing and not steady
        phases.extend(float(phase) for phase in part.materials[glowing, 1])
    return phases


def test_the_festival_has_many_glowing_lanterns_out_of_step():
    phases = lantern_phases()
    assert len(phases) > 50
    assert len({round(phase % 1, 3) for phase in phases}) > 10


def test_no_lantern_flashes_more_than_three_times_in_any_second():
    times = np.arange(0, 6.0, 1 / SAMPLES_PER_SECOND)
    for phase in sorted(set(lantern_phases())):
        brightness = np.array([lantern_brightness(phase, t) for t in times])
        assert (brightness >= 0).all() and (brightness <= 1).all()
        is_peak = np.zeros(len(times), dtype=int)
        is_peak[1:-1] = (brightness[1:-1] > brightness[:-2]) & (brightness[1:-1] >= brightness[2:])
        peaks_so_far = np.concatenate([[0], np.cumsum(is_peak)])
        peaks_per_second = peaks_so_far[SAMPLES_PER_SECOND:] - peaks_so_far[:-SAMPLES_PER_SECOND]  # sliding window
        assert peaks_per_second.max() <= MAX_FLASHES_PER_SECOND, phase
        steepest = np.abs(np.diff(brightness)).max() * SAMPLES_PER_SECOND
        assert steepest < 1.0  # never more than a full swing of brightness per second: a glow, not a flash


def test_the_shader_swells_lanterns_with_the_same_law():
    assert GLOW_PERIOD_S >= 1.0  # at most one cycle a second
    assert f"{GLOW_PERIOD_S:.6f}" in GLOW_GLSL
