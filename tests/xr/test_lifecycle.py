"""The session lifecycle: what the frame loop does on each state the runtime reports."""

from __future__ import annotations

import pytest

from madang.xr.lifecycle import INSTANCE_LOST, SESSION_LOST, Do, Lifecycle, SessionState

S = SessionState


def running_to(*states: SessionState) -> Lifecycle:
    lifecycle = Lifecycle()
    for state in states:
        lifecycle.on_state(state)
    return lifecycle


def test_nothing_runs_before_the_runtime_is_ready():
    lifecycle = Lifecycle()
    assert lifecycle.state is S.IDLE
    assert not lifecycle.frames_running
    assert not lifecycle.submit_layers(should_render=True)
    assert not lifecycle.input_active


def test_ready_begins_the_session_and_starts_frames_without_layers():
    lifecycle = Lifecycle()
    assert lifecycle.on_state(S.READY) is Do.BEGIN_SESSION
    assert lifecycle.running and lifecycle.frames_running
    assert not lifecycle.submit_layers(should_render=True)  # not visible yet
    assert not lifecycle.input_active


def test_a_state_reported_again_begins_nothing_twice():
    lifecycle = running_to(S.READY)
    assert lifecycle.on_state(S.READY) is Do.NOTHING


def test_frames_need_a_begun_session_whatever_the_state():
    lifecycle = Lifecycle()
    assert lifecycle.on_state(S.SYNCHRONIZED) is Do.NOTHING
    assert not lifecycle.frames_running


@pytest.mark.parametrize(
    ("state", "layers", "input_active"),
    [(S.SYNCHRONIZED, False, False), (S.VISIBLE, True, False), (S.FOCUSED, True, True)],
)
def test_layers_while_visible_and_input_only_with_focus(state, layers, input_active):
    lifecycle = running_to(S.READY, state)
    assert lifecycle.frames_running
    assert lifecycle.submit_layers(should_render=True) is layers
    assert lifecycle.input_active is input_active


def test_no_layers_when_the_runtime_says_not_to_render():
    lifecycle = running_to(S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    assert not lifecycle.submit_layers(should_render=False)
    assert lifecycle.frames_running  # the frame is still waited for, begun and ended


def test_losing_focus_stops_input_but_not_drawing():
    lifecycle = running_to(S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, S.VISIBLE)
    assert not lifecycle.input_active
    assert lifecycle.submit_layers(should_render=True)


def test_stopping_ends_the_session_and_its_frames():
    lifecycle = running_to(S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, S.VISIBLE, S.SYNCHRONIZED)
    assert lifecycle.on_state(S.STOPPING) is Do.END_SESSION
    assert not lifecycle.running and not lifecycle.frames_running
    assert lifecycle.on_state(S.IDLE) is Do.NOTHING
    assert not lifecycle.finished


def test_the_runtime_may_start_the_session_again_after_stopping():
    lifecycle = running_to(S.READY, S.SYNCHRONIZED, S.STOPPING, S.IDLE)
    assert lifecycle.on_state(S.READY) is Do.BEGIN_SESSION
    assert lifecycle.frames_running


def test_exiting_leaves_the_loop_cleanly():
    lifecycle = running_to(S.READY, S.STOPPING, S.IDLE)
    assert lifecycle.on_state(S.EXITING) is Do.LEAVE
    assert lifecycle.finished and lifecycle.lost is None
    assert not lifecycle.frames_running


def test_loss_pending_leaves_with_the_reason():
    lifecycle = running_to(S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    assert lifecycle.on_state(S.LOSS_PENDING) is Do.LEAVE
    assert lifecycle.finished and lifecycle.lost == SESSION_LOST
    assert "session was lost" in SESSION_LOST and "Monado or SteamVR" in SESSION_LOST
    assert not lifecycle.frames_running and not lifecycle.input_active


def test_a_lost_session_from_a_call_leaves_once():
    lifecycle = running_to(S.READY, S.FOCUSED)
    assert lifecycle.on_session_lost() is Do.LEAVE
    assert lifecycle.on_state(S.LOSS_PENDING) is Do.NOTHING
    assert lifecycle.lost == SESSION_LOST


def test_instance_loss_leaves_with_its_own_reason():
    lifecycle = running_to(S.READY, S.FOCUSED)
    assert lifecycle.on_instance_loss_pending() is Do.LEAVE
    assert lifecycle.lost == INSTANCE_LOST and "restart the runtime" in INSTANCE_LOST


def test_quitting_asks_the_runtime_then_drains_until_exiting():
    lifecycle = running_to(S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED)
    assert lifecycle.quit() is Do.REQUEST_EXIT
    assert lifecycle.quit() is Do.NOTHING  # asked once
    assert lifecycle.frames_running  # frames go on until the runtime stops the session
    assert lifecycle.on_state(S.VISIBLE) is Do.NOTHING
    assert lifecycle.on_state(S.SYNCHRONIZED) is Do.NOTHING
    assert lifecycle.on_state(S.STOPPING) is Do.END_SESSION
    assert lifecycle.on_state(S.IDLE) is Do.NOTHING
    assert lifecycle.on_state(S.EXITING) is Do.LEAVE
    assert lifecycle.finished and lifecycle.lost is None


def test_quitting_before_the_session_runs_leaves_at_once():
    lifecycle = Lifecycle()
    assert lifecycle.quit() is Do.LEAVE
    assert lifecycle.finished and lifecycle.lost is None
    assert lifecycle.quit() is Do.NOTHING


def test_the_states_have_openxr_numbers():
    assert [(state.name, state.value) for state in SessionState] == [
        ("UNKNOWN", 0),
        ("IDLE", 1),
        ("READY", 2),
        ("SYNCHRONIZED", 3),
        ("VISIBLE", 4),
        ("FOCUSED", 5),
        ("STOPPING", 6),
        ("LOSS_PENDING", 7),
        ("EXITING", 8),
    ]
