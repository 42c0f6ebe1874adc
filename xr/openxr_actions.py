"""The controller actions of the XR client, their suggested bindings, and reading them once a frame.

One action set: ``select`` (trigger), ``aim`` (the pointing pose), ``stick`` (thumbstick), ``home`` (menu),
``back`` (B/Y) and ``recenter`` (thumbstick click). Bindings are suggested for the Khronos simple controller,
Oculus Touch, Valve Index and the HTC Vive controller; a runtime maps other controllers onto one of them.
Nothing needs two hands, and each hand can do everything its buttons allow.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .camera import rotation_matrix
from .xr_input import FrameInput, HandInput, Ray

HANDS = ("/user/hand/left", "/user/hand/right")
PER_HAND = ("select", "aim", "stick")  # these actions tell the hands apart (subaction paths)
ACTIONS = {  # name: (pyopenxr ActionType member, localized name)
    "select": ("BOOLEAN_INPUT", "Select"),
    "aim": ("POSE_INPUT", "Point"),
    "stick": ("VECTOR2F_INPUT", "Turn and teleport"),
    "home": ("BOOLEAN_INPUT", "Home"),
    "back": ("BOOLEAN_INPUT", "Back"),
    "recenter": ("BOOLEAN_INPUT", "Recenter"),
}


def _both(action: str, component: str) -> list[tuple[str, str]]:
    return [(action, f"{hand}/input/{component}") for hand in HANDS]


LEFT, RIGHT = HANDS
SUGGESTED_BINDINGS: dict[str, list[tuple[str, str]]] = {
    "/interaction_profiles/khr/simple_controller": [
        *_both("select", "select/click"),
        *_both("aim", "aim/pose"),
        *_both("home", "menu/click"),
    ],
    "/interaction_profiles/oculus/touch_controller": [
        *_both("select", "trigger/value"),
        *_both("aim", "aim/pose"),
        *_both("stick", "thumbstick"),
        ("home", f"{LEFT}/input/menu/click"),
        ("back", f"{RIGHT}/input/b/click"),
        ("back", f"{LEFT}/input/y/click"),
        *_both("recenter", "thumbstick/click"),
    ],
    "/interaction_profiles/valve/index_controller": [
        *_both("select", "trigger/click"),
        *_both("aim", "aim/pose"),
        *_both("stick", "thumbstick"),
        *_both("home", "a/click"),
        *_both("back", "b/click"),
        *_both("recenter", "thumbstick/click"),
    ],
    "/interaction_profiles/htc/vive_controller": [
        *_both("select", "trigger/click"),
        *_both("aim", "aim/pose"),
        *_both("home", "menu/click"),
        *_both("recenter", "trackpad/click"),
    ],
}


def pose_ray(pose: Any) -> Ray:
    """The ray an ``XrPosef`` points along (its -Z axis)."""
    orientation = (pose.orientation.x, pose.orientation.y, pose.orientation.z, pose.orientation.w)
    direction = rotation_matrix(orientation) @ np.array([0.0, 0.0, -1.0])
    origin = (pose.position.x, pose.position.y, pose.position.z)
    return Ray(origin, (float(direction[0]), float(direction[1]), float(direction[2])))


def located(xr: ModuleType, location: Any) -> bool:
    wanted = xr.SPACE_LOCATION_POSITION_VALID_BIT | xr.SPACE_LOCATION_ORIENTATION_VALID_BIT
    return int(location.location_flags) & wanted == wanted


class XrActions:
    """Owns the action set and the aim spaces; ``close`` destroys them (the actions go with their set)."""

    def __init__(self, xr: ModuleType, instance: Any, session: Any) -> None:
        self.xr = xr
        self.session = session
        self.aim_spaces: list[Any] = []
        self.action_set = xr.create_action_set(
            instance,
            xr.ActionSetCreateInfo(action_set_name="madang", localized_action_set_name="Madang kiosk", priority=0),
        )
        try:
            self._create(instance)
        except BaseException:
            self.close()
            raise

    def _create(self, instance: Any) -> None:
        xr = self.xr
        self.hand_paths = [xr.string_to_path(instance, hand) for hand in HANDS]
        self.actions: dict[str, Any] = {}
        for name, (kind, label) in ACTIONS.items():
            self.actions[name] = xr.create_action(
                self.action_set,
                xr.ActionCreateInfo(
                    action_name=name,
                    action_type=getattr(xr.ActionType, kind),
                    subaction_paths=self.hand_paths if name in PER_HAND else None,
                    localized_action_name=label,
                ),
            )
        for profile, bindings in SUGGESTED_BINDINGS.items():
            suggested = [
                xr.ActionSuggestedBinding(self.actions[action], xr.string_to_path(instance, path))
                for action, path in bindings
            ]
            try:
                xr.suggest_interaction_profile_bindings(
                    instance,
                    xr.InteractionProfileSuggestedBinding(
                        interaction_profile=xr.string_to_path(instance, profile), suggested_bindings=suggested
                    ),
                )
            except xr.PathUnsupportedError:
                continue  # a runtime that does not know this controller maps another profile onto it
        for hand_path in self.hand_paths:
            self.aim_spaces.append(
                xr.create_action_space(
                    self.session, xr.ActionSpaceCreateInfo(action=self.actions["aim"], subaction_path=hand_path)
                )
            )
        xr.attach_session_action_sets(self.session, xr.SessionActionSetsAttachInfo(action_sets=[self.action_set]))

    def _pressed(self, name: str, subaction: int = 0) -> bool:
        xr = self.xr
        state = xr.get_action_state_boolean(
            self.session, xr.ActionStateGetInfo(action=self.actions[name], subaction_path=subaction)
        )
        return bool(state.is_active and state.current_state)

    def read(self, seat_space: Any, display_time: int, time_s: float, gaze: Ray | None) -> FrameInput:
        """Sync the actions and read them: call only while the session is FOCUSED."""
        xr = self.xr
        xr.sync_actions(
            self.session,
            xr.ActionsSyncInfo(active_action_sets=[xr.ActiveActionSet(self.action_set, xr.NULL_PATH)]),
        )
        hands = []
        for hand_path, aim_space in zip(self.hand_paths, self.aim_spaces, strict=True):
            stick = xr.get_action_state_vector2f(
                self.session, xr.ActionStateGetInfo(action=self.actions["stick"], subaction_path=hand_path)
            )
            pose = xr.get_action_state_pose(
                self.session, xr.ActionStateGetInfo(action=self.actions["aim"], subaction_path=hand_path)
            )
            aim = None
            if pose.is_active:
                location = xr.locate_space(aim_space, seat_space, display_time)
                aim = pose_ray(location.pose) if located(xr, location) else None
            hands.append(
                HandInput(
                    aim=aim,
                    select=self._pressed("select", hand_path),
                    stick=(stick.current_state.x, stick.current_state.y) if stick.is_active else (0.0, 0.0),
                )
            )
        return FrameInput(
            time_s=time_s,
            gaze=gaze,
            hands=tuple(hands),
            home=self._pressed("home"),
            back=self._pressed("back"),
            recenter=self._pressed("recenter"),
        )

    def close(self) -> None:
        for space in self.aim_spaces:
            self.xr.destroy_space(space)
        self.aim_spaces = []
        if self.action_set is not None:
            self.xr.destroy_action_set(self.action_set)
            self.action_set = None
