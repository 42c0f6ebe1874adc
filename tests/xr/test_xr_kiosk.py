"""The XR client's state with a real (offline) kiosk and the real plaza: a ray and the trigger, or the gaze,
touch the kiosk; its screens teleport the person; home is the safe place. No OpenXR, no OpenGL."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from madang.content.contract import SEOUL
from madang.kiosk.app import Kiosk
from madang.kiosk.outbox import Outbox
from madang.kiosk.protocol import Key, Touch
from madang.kiosk.services import KioskServices
from madang.kiosk.stepper import Stepper
from madang.xr.comfort import ComfortSettings
from madang.xr.scenes import build_scene
from madang.xr.xr_client import XrKiosk
from madang.xr.xr_input import FrameInput, HandInput, HeadPose, Ray, SnapTurn, TeleportStep

PLAZA = build_scene("plaza")
HAND = (0.2, -0.3, -0.3)
HEAD = HeadPose((0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))


@pytest.fixture
def xr_kiosk(shipped_pack, tmp_path) -> tuple[XrKiosk, Stepper]:
    kiosk = Kiosk(
        shipped_pack,
        KioskServices(None, Outbox(tmp_path / "outbox.db")),
        now=datetime(2025, 5, 2, tzinfo=SEOUL),
    )
    state = XrKiosk(kiosk, ComfortSettings(), scenes=lambda scene_id: PLAZA)
    stepper = Stepper(kiosk, state.follow)
    stepper.start()
    state.catch_up(0.0)
    return state, stepper


def pointing_at(state: XrKiosk, element_id: str, select: bool) -> FrameInput:
    box = state.view.laid_out.placed(element_id).box
    target = state.panel.point_at_mm(box.x + box.w / 2, box.y + box.h / 2)
    return FrameInput(1.0, HEAD.gaze, (HandInput(Ray(HAND, tuple(target - np.asarray(HAND))), select),))


def act(state: XrKiosk, stepper: Stepper, frame: FrameInput, now: float = 1.0) -> list:
    events, _ = state.steer(state.input.update(frame), HEAD)
    for event in events:
        stepper.send(event)
    state.catch_up(now)
    return events


def test_the_greeting_is_captioned_and_the_person_starts_at_the_plaza_spawn(xr_kiosk):
    state, _ = xr_kiosk
    assert state.view.laid_out.screen.id == "home"
    assert state.captions.captions and state.captions.visible(1.0)
    assert state.rig.hotspot == PLAZA.spawn_id


def test_pointing_and_pulling_the_trigger_goes_to_the_service_s_counter(xr_kiosk):
    state, stepper = xr_kiosk
    act(state, stepper, pointing_at(state, "service:documents", select=False))
    assert state.shown_view().focus == "service:documents"  # the hovered control shows the focus ring
    assert act(state, stepper, pointing_at(state, "service:documents", select=True)) == [Touch("service:documents")]
    assert state.view.laid_out.screen.id == "service:documents"
    assert state.rig.hotspot == "documents"
    assert state.rig.position.tolist() == list(PLAZA.hotspots["documents"].position)


def test_home_is_the_safe_place_by_button(xr_kiosk):
    state, stepper = xr_kiosk
    act(state, stepper, pointing_at(state, "service:tax-square", select=False))
    act(state, stepper, pointing_at(state, "service:tax-square", select=True))
    state.steer([SnapTurn(1)], HEAD)
    assert act(state, stepper, FrameInput(2.0, None, (), home=True)) == [Key("home")]
    assert state.view.laid_out.screen.id == "home"
    assert state.rig.hotspot == PLAZA.spawn_id and state.rig.yaw == PLAZA.spawn.yaw


def test_the_stick_steps_through_the_plaza_s_hotspots(xr_kiosk):
    state, _ = xr_kiosk
    names = list(PLAZA.hotspots)
    state.steer([TeleportStep(1)], HEAD)
    assert state.rig.hotspot == names[names.index(PLAZA.spawn_id) + 1]
    state.steer([TeleportStep(-1), TeleportStep(-1)], HEAD)
    assert state.rig.hotspot == names[names.index(PLAZA.spawn_id) - 1]


def test_gazing_at_a_service_selects_it(xr_kiosk):
    state, stepper = xr_kiosk
    box = state.view.laid_out.placed("service:tour").box
    gaze = Ray((0.0, 0.0, 0.0), tuple(state.panel.point_at_mm(box.x + box.w / 2, box.y + box.h / 2)))
    touched = []
    for step in range(17):
        touched += act(state, stepper, FrameInput(step * 0.1, gaze, ()), now=step * 0.1)
    assert touched == [Touch("service:tour")]
    assert state.rig.hotspot == "tour"


def test_captions_show_only_when_the_profile_has_them(xr_kiosk):
    state, _ = xr_kiosk
    assert state.picture(HEAD, 1.0, 1 / 90).captions is not None
    state.kiosk.profile = state.kiosk.profile.toggled("captions")
    state.follow([])
    state.catch_up(1.0)
    assert state.picture(HEAD, 1.0, 1 / 90).captions is None
