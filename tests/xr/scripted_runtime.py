"""A scripted OpenXR runtime for driving the XR client without a headset: pyopenxr's own structures,
exceptions and enums, with its runtime functions replaced by a script that behaves like a well-mannered runtime
(Monado with its null compositor, say) and writes down every call.

No machine here has an OpenXR runtime, so this is the honest stand-in for one: it checks how the client uses
the API (the order of the lifecycle calls, frames, swapchain images, releases), not how a real compositor
shows the result. Swapchain images are real OpenGL textures of the client's own context, so what the client
draws into them can be read back.
"""

from __future__ import annotations

import ctypes
import math
from collections import deque
from types import ModuleType

import numpy as np
from OpenGL import GL

EYE_SIZE = 64
IMAGES_PER_SWAPCHAIN = 3
FRAME_PERIOD_NS = 11_111_111
RENDERED = ("VISIBLE", "FOCUSED")


def handle(kind: type) -> object:
    """A non-null handle of a pyopenxr handle type (a pointer to a fresh opaque struct)."""
    return kind(kind._type_())


def orientation_towards(direction: np.ndarray) -> tuple[float, float, float, float]:
    """The quaternion (x, y, z, w) turning -Z onto ``direction``."""
    forward = np.array([0.0, 0.0, -1.0])
    direction = direction / np.linalg.norm(direction)
    axis = np.cross(forward, direction)
    if np.linalg.norm(axis) < 1e-9:
        return (0.0, 0.0, 0.0, 1.0)
    axis /= np.linalg.norm(axis)
    angle = math.acos(float(np.clip(forward @ direction, -1, 1)))
    x, y, z = axis * math.sin(angle / 2)
    return (float(x), float(y), float(z), math.cos(angle / 2))


class ScriptedRuntime:
    def __init__(
        self,
        xr: ModuleType,
        *,
        hand: tuple[float, float, float],
        aim_at: np.ndarray,
        press_frames: range,
        lost_at_frame: int | None = None,
    ) -> None:
        self.xr = xr
        self.calls: list[str] = []
        self.frame = 0
        self.state = "IDLE"
        self.events: deque[tuple[int, str]] = deque()  # (frame it is due, state)
        self.frames: list[dict] = []  # per wait_frame: state, should_render, layers submitted
        self.binding_type = None
        self.extensions: list[str] = []
        self.paths: dict[int, str] = {}
        self.actions: dict[int, str] = {}
        self.spaces: dict[int, str] = {}
        self.swapchains: dict[int, list[int]] = {}
        self.acquired: list[int] = []
        self.hand, self.aim_at, self.press_frames = hand, aim_at, press_frames
        self.last_eye_pixels: np.ndarray | None = None
        self.unfocused_frame = press_frames.start - 2  # focus goes away for a frame (a system overlay, say)
        self.lost_at_frame = lost_at_frame  # the headset is unplugged

    def install(self) -> None:
        for name in dir(self):
            if not name.startswith("_") and callable(getattr(self, name)) and hasattr(self.xr, name):
                setattr(self.xr, name, self._recorded(name, getattr(self, name)))

    def _recorded(self, name: str, function):
        def call(*args, **kwargs):
            self.calls.append(name)
            return function(*args, **kwargs)

        return call

    def _schedule(self, *states: str, waiting_frames: bool = True) -> None:
        """Report ``states`` one frame after another; without frames (the session ended), at once."""
        for offset, state in enumerate(states, start=1):
            self.events.append((self.frame + offset * waiting_frames, state))

    def _key(self, handle_value: object) -> int:
        return ctypes.cast(handle_value, ctypes.c_void_p).value or 0

    # ------------------------------------------------------------------ instance and system
    def create_instance(self, create_info):
        xr = self.xr
        self.extensions = [
            create_info.enabled_extension_names[index].decode() for index in range(create_info.enabled_extension_count)
        ]
        return handle(xr.Instance)

    def get_system(self, instance, get_info):
        return self.xr.SystemId(1)

    def get_instance_properties(self, instance):
        return self.xr.InstanceProperties(runtime_version=self.xr.Version(1, 2, 3), runtime_name="Scripted runtime")

    def get_system_properties(self, instance, system_id):
        return self.xr.SystemProperties(system_id=system_id, system_name="Scripted headset")

    def get_opengl_graphics_requirements_khr(self, instance, system_id):
        xr = self.xr
        return xr.GraphicsRequirementsOpenGLKHR(
            min_api_version_supported=xr.Version(3, 0, 0), max_api_version_supported=xr.Version(4, 6, 0)
        )

    def enumerate_environment_blend_modes(self, instance, system_id, view_configuration_type):
        return [int(self.xr.EnvironmentBlendMode.OPAQUE)]

    def enumerate_view_configuration_views(self, instance, system_id, view_configuration_type):
        xr = self.xr
        view = xr.ViewConfigurationView(
            recommended_image_rect_width=EYE_SIZE,
            max_image_rect_width=EYE_SIZE,
            recommended_image_rect_height=EYE_SIZE,
            max_image_rect_height=EYE_SIZE,
            recommended_swapchain_sample_count=4,
            max_swapchain_sample_count=4,
        )
        return [view, view]

    # ------------------------------------------------------------------ session
    def create_session(self, instance, create_info):
        self.binding_type = ctypes.c_int.from_address(create_info.next).value
        self._schedule("READY", waiting_frames=False)
        return handle(self.xr.Session)

    def begin_session(self, session, begin_info):
        assert self.state == "READY", f"xrBeginSession in {self.state}"
        self._schedule("SYNCHRONIZED", "VISIBLE", "FOCUSED")

    def request_exit_session(self, session):
        self._schedule("VISIBLE", "SYNCHRONIZED", "STOPPING")

    def end_session(self, session):
        assert self.state == "STOPPING", f"xrEndSession in {self.state}"
        self._schedule("IDLE", "EXITING", waiting_frames=False)

    def poll_event(self, instance):
        xr = self.xr
        if not self.events or self.events[0][0] > self.frame:
            raise xr.EventUnavailable()
        _, self.state = self.events.popleft()
        changed = xr.EventDataSessionStateChanged(state=getattr(xr.SessionState, self.state))
        buffer = xr.EventDataBuffer()
        ctypes.memmove(ctypes.byref(buffer), ctypes.byref(changed), ctypes.sizeof(changed))
        return buffer

    def create_reference_space(self, session, create_info):
        space = handle(self.xr.Space)
        self.spaces[self._key(space)] = create_info.reference_space_type.name
        return space

    def create_action_space(self, session, create_info):
        space = handle(self.xr.Space)
        self.spaces[self._key(space)] = f"aim {self.paths[create_info.subaction_path]}"
        return space

    def locate_space(self, space, base_space, time):
        xr = self.xr
        name = self.spaces[self._key(space)]
        position, orientation = (0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0)
        if name == "aim /user/hand/right":
            position = self.hand
            orientation = orientation_towards(np.asarray(self.aim_at) - np.asarray(self.hand))
        elif name.startswith("aim"):
            return xr.SpaceLocation()  # the left controller is not tracked
        pose = xr.Posef(xr.Quaternionf(*orientation), xr.Vector3f(*position))
        valid = xr.SPACE_LOCATION_POSITION_VALID_BIT | xr.SPACE_LOCATION_ORIENTATION_VALID_BIT
        return xr.SpaceLocation(location_flags=xr.SpaceLocationFlags(valid), pose=pose)

    # ------------------------------------------------------------------ actions
    def string_to_path(self, instance, path_string):
        path = len(self.paths) + 1
        self.paths[path] = path_string
        return self.xr.Path(path)

    def create_action_set(self, instance, create_info):
        return handle(self.xr.ActionSet)

    def create_action(self, action_set, create_info):
        action = handle(self.xr.Action)
        self.actions[self._key(action)] = create_info.action_name.decode()
        return action

    def suggest_interaction_profile_bindings(self, instance, suggested_bindings):
        pass

    def attach_session_action_sets(self, session, attach_info):
        pass

    def sync_actions(self, session, sync_info):
        if self.state != "FOCUSED" or self.frame == self.unfocused_frame:
            raise self.xr.SessionNotFocused()  # what a runtime says when focus went before its event was read

    def get_action_state_boolean(self, session, get_info):
        name = self.actions[self._key(get_info.action)]
        right = self.paths.get(get_info.subaction_path) == "/user/hand/right"
        pressed = name == "select" and right and self.frame in self.press_frames
        return self.xr.ActionStateBoolean(current_state=int(pressed), is_active=1)

    def get_action_state_vector2f(self, session, get_info):
        return self.xr.ActionStateVector2f(current_state=self.xr.Vector2f(0.0, 0.0), is_active=1)

    def get_action_state_pose(self, session, get_info):
        return self.xr.ActionStatePose(is_active=int(self.paths.get(get_info.subaction_path) == "/user/hand/right"))

    # ------------------------------------------------------------------ swapchains and frames
    def enumerate_swapchain_formats(self, session):
        return [GL.GL_RGBA16F, GL.GL_RGBA8, GL.GL_SRGB8_ALPHA8]

    def create_swapchain(self, session, create_info):
        xr = self.xr
        assert create_info.sample_count == 1
        textures = list(GL.glGenTextures(IMAGES_PER_SWAPCHAIN))
        for texture in textures:
            GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
            GL.glTexStorage2D(GL.GL_TEXTURE_2D, 1, create_info.format, create_info.width, create_info.height)
        swapchain = handle(xr.Swapchain)
        self.swapchains[self._key(swapchain)] = textures
        return swapchain

    def enumerate_swapchain_images(self, swapchain, element_type):
        textures = self.swapchains[self._key(swapchain)]
        return (element_type * len(textures))(*[element_type(image=texture) for texture in textures])

    def acquire_swapchain_image(self, swapchain, acquire_info):
        self.acquired.append(self._key(swapchain))
        return self.frame % IMAGES_PER_SWAPCHAIN

    def wait_swapchain_image(self, swapchain, wait_info):
        pass

    def release_swapchain_image(self, swapchain, release_info):
        self.acquired.remove(self._key(swapchain))

    def wait_frame(self, session, frame_wait_info=None):
        assert self.state in ("READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED"), f"xrWaitFrame in {self.state}"
        self.frame += 1
        if self.frame == self.lost_at_frame:
            self._schedule("LOSS_PENDING", waiting_frames=False)
        should_render = self.state in RENDERED
        self.frames.append({"state": self.state, "should_render": should_render, "layers": None})
        return self.xr.FrameState(
            predicted_display_time=self.frame * FRAME_PERIOD_NS,
            predicted_display_period=FRAME_PERIOD_NS,
            should_render=int(should_render),
        )

    def begin_frame(self, session, frame_begin_info=None):
        pass

    def locate_views(self, session, view_locate_info):
        xr = self.xr
        valid = xr.VIEW_STATE_POSITION_VALID_BIT | xr.VIEW_STATE_ORIENTATION_VALID_BIT
        fov = xr.Fovf(-0.9, 0.9, 0.9, -0.9)
        views = (xr.View * 2)(
            *[xr.View(pose=xr.Posef(position=xr.Vector3f(x, 0.0, 0.0)), fov=fov) for x in (-0.032, 0.032)]
        )
        return xr.ViewState(view_state_flags=xr.ViewStateFlags(valid)), views

    def end_frame(self, session, frame_end_info):
        assert not self.acquired, "a swapchain image was not released before xrEndFrame"
        self.frames[-1]["layers"] = frame_end_info.layer_count
        if frame_end_info.layer_count:
            texture = self.swapchains[next(iter(self.swapchains))][self.frame % IMAGES_PER_SWAPCHAIN]
            GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
            data = GL.glGetTexImage(GL.GL_TEXTURE_2D, 0, GL.GL_RGB, GL.GL_UNSIGNED_BYTE)
            self.last_eye_pixels = np.frombuffer(data, dtype=np.uint8).reshape(EYE_SIZE, EYE_SIZE, 3)

    # ------------------------------------------------------------------ releases
    def destroy_swapchain(self, swapchain):
        GL.glDeleteTextures(IMAGES_PER_SWAPCHAIN, self.swapchains.pop(self._key(swapchain)))

    def destroy_space(self, space):
        pass

    def destroy_action_set(self, action_set):
        pass

    def destroy_session(self, session):
        pass

    def destroy_instance(self, instance):
        pass
