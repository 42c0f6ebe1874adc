"""The OpenXR session (pyopenxr): instance, headset, OpenGL binding, seat space, actions, stereo swapchains and
the frame loop. Everything the runtime gives is released in reverse order on exit, also after an error.

    with OpenXrSession(seated=True) as session:
        for frame in session.frames():          # polls events; waits for, begins and ends XR frames
            ... frame.input, frame.head ...
            for eye in session.eyes(frame):     # only when the runtime asks to render; binds the eye's image
                draw(eye.index, eye.view, eye.projection, eye.width, eye.height)

What the lifecycle does is decided by ``lifecycle.Lifecycle``; this module only talks to the runtime. When
OpenXR cannot be used (no runtime, no headset, the session lost) it raises ``XrUnavailableError`` with what
to install or check.
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from .camera import perspective_from_fov, view_matrix
from .comfort import SeatOffset
from .errors import GraphicsUnavailableError, XrUnavailableError
from .lifecycle import SESSION_LOST, Do, Lifecycle, SessionState
from .openxr_import import import_openxr
from .runtime import find_runtime_manifest, missing_runtime_message
from .xr_graphics import GraphicsContext, check_gl_version, choose_colour_format, default_platform, graphics_context
from .xr_input import FrameInput, HeadPose

APP_NAME = "Madang"
VALIDATION_LAYER = "XR_APILAYER_LUNARG_core_validation"
IDLE_POLL_S = 0.1  # how often events are polled while the runtime wants no frames
EXIT_DRAIN_S = 5.0  # after asking to exit, how long to wait for the runtime to say EXITING
NEAR_M, FAR_M = 0.05, 500.0

NO_HEADSET = (
    "no headset found: connect and switch on your headset, check the runtime (Monado or SteamVR) sees it"
    " and that XR_RUNTIME_JSON, if set, names that runtime"
)
NO_HMD_SUPPORT = "the OpenXR runtime does not drive head-mounted displays: use Monado or SteamVR"
NO_VALIDATION_LAYER = (
    f"MADANG_XR_VALIDATION=1 asks for the Khronos validation layer ({VALIDATION_LAYER}), which the OpenXR loader"
    " cannot find: reinstall pyopenxr (it ships the layer) or unset MADANG_XR_VALIDATION"
)


def runtime_unavailable_message(environ: dict[str, str] | None = None) -> str:
    """Why the loader found no runtime: none installed, or the one named could not be loaded."""
    missing = missing_runtime_message(environ)
    if missing is not None:
        return missing
    manifest = find_runtime_manifest(environ)
    return (
        f"the OpenXR runtime of {manifest} could not be loaded: check that it is installed and running (Monado:"
        " start monado-service; SteamVR: start SteamVR), or point XR_RUNTIME_JSON at another runtime's manifest"
    )


def missing_extension_message(extensions: tuple[str, ...]) -> str:
    needed = " and ".join(extensions)
    hint = " (EGL needs Monado; with an X display, set DISPLAY to use GLX)" if len(extensions) > 1 else ""
    return f"the OpenXR runtime lacks {needed}{hint}: use a runtime with OpenGL support, such as Monado or SteamVR"


@dataclass(frozen=True)
class EyeView:
    index: int
    view: np.ndarray  # seat space -> eye
    projection: np.ndarray
    width: int
    height: int


@dataclass
class Frame:
    time_s: float  # seconds since the loop started
    display_time: int = 0  # the runtime's predicted display time (XrTime, nanoseconds)
    began: bool = False  # an XR frame is open: it is ended when the loop comes round again
    submit: bool = False  # the runtime wants this frame drawn
    head: HeadPose | None = None
    input: FrameInput | None = None  # only while the session has focus
    runtime_recentered: bool = False  # the person recentered from the runtime's own menu
    layer: Any = None
    _keep: list[Any] = field(default_factory=list)  # ctypes structures the layer points into


def _pose_tuple(pose: Any) -> tuple[tuple[float, float, float], tuple[float, float, float, float]]:
    position = (pose.position.x, pose.position.y, pose.position.z)
    return position, (pose.orientation.x, pose.orientation.y, pose.orientation.z, pose.orientation.w)


class OpenXrSession:
    def __init__(
        self,
        *,
        seated: bool = True,
        platform: str | None = None,
        validation: bool | None = None,
        seat: SeatOffset | None = None,
    ) -> None:
        self.seated = seated
        self.platform = platform or os.environ.get("PYOPENGL_PLATFORM") or default_platform(os.environ)
        self.validation = os.environ.get("MADANG_XR_VALIDATION") == "1" if validation is None else validation
        self.seat = seat or SeatOffset()
        self.lifecycle = Lifecycle()
        self.xr: ModuleType | None = None
        self.instance: Any = None
        self.system_id: Any = None
        self.graphics: GraphicsContext | None = None
        self.session: Any = None
        self.seat_space: Any = None
        self.view_space: Any = None
        self.actions: Any = None
        self.swapchains: list[Any] = []
        self._binding: Any = None
        self.description = ""  # the headset and the runtime, for the person starting the kiosk
        self._recentered = False
        self._exit_deadline: float | None = None

    # ------------------------------------------------------------------ opening and closing
    def __enter__(self) -> OpenXrSession:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _doing(self, step: str) -> Iterator[None]:
        """Turn what OpenXR raises while ``step`` into XrUnavailableError with what to do."""
        xr = self.xr
        try:
            yield
        except GraphicsUnavailableError as error:
            raise XrUnavailableError(f"no OpenGL context for the headset while {step}: {error}") from None
        except xr.RuntimeUnavailableError:
            raise XrUnavailableError(runtime_unavailable_message()) from None
        except xr.FormFactorUnavailableError:
            raise XrUnavailableError(NO_HEADSET) from None
        except xr.FormFactorUnsupportedError:
            raise XrUnavailableError(NO_HMD_SUPPORT) from None
        except xr.ApiLayerNotPresentError:
            raise XrUnavailableError(NO_VALIDATION_LAYER) from None
        except xr.ExtensionNotPresentError:
            raise XrUnavailableError(missing_extension_message(self._extensions())) from None
        except (xr.SessionLostError, xr.InstanceLostError, xr.SessionLossPending):
            raise XrUnavailableError(f"the XR session was lost while {step}: {SESSION_LOST}") from None
        except xr.XrException as error:
            raise XrUnavailableError(
                f"OpenXR failed while {step} ({type(error).__name__}: {error}): check that the runtime (Monado or"
                " SteamVR) is running and the headset is connected; XR_RUNTIME_JSON chooses the runtime"
            ) from None

    def _extensions(self) -> tuple[str, ...]:
        from .xr_graphics import EglContext, GlxContext  # noqa: PLC0415 - the classes, not a context

        return (GlxContext if self.platform == "glx" else EglContext).extensions

    def _open(self) -> None:
        self.xr = xr = import_openxr()
        if missing_runtime_message() is not None:
            os.environ.setdefault("XR_LOADER_DEBUG", "none")  # our message says it all; no loader log above it
        if self.validation:
            os.environ.setdefault("XR_CORE_VALIDATION_EXPORT_TYPE", "text")  # reports on stdout
        with self._doing("starting OpenXR"):
            self.instance = xr.create_instance(
                xr.InstanceCreateInfo(
                    application_info=xr.ApplicationInfo(application_name=APP_NAME, engine_name=APP_NAME),
                    enabled_api_layer_names=[VALIDATION_LAYER] if self.validation else None,
                    enabled_extension_names=list(self._extensions()),
                )
            )
        with self._doing("looking for the headset"):
            self.system_id = xr.get_system(
                self.instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY)
            )
            runtime = xr.get_instance_properties(self.instance)
            system = xr.get_system_properties(self.instance, self.system_id)
            self.description = (
                f"{system.system_name.decode(errors='replace')} through {runtime.runtime_name.decode(errors='replace')}"
                f" {runtime.runtime_version}"
            )
            requirements = xr.get_opengl_graphics_requirements_khr(self.instance, self.system_id)  # before the session
            check_gl_version(
                (requirements.min_api_version_supported.major, requirements.min_api_version_supported.minor),
                (requirements.max_api_version_supported.major, requirements.max_api_version_supported.minor),
            )
        with self._doing("making the OpenGL context"):
            self.graphics = graphics_context(self.platform)
            self._binding = self.graphics.binding(xr)
        with self._doing("starting the session"):
            self.session = xr.create_session(
                self.instance, xr.SessionCreateInfo(system_id=self.system_id, next=self._binding)
            )
            self._create_seat_space()
            self.view_space = xr.create_reference_space(
                self.session, xr.ReferenceSpaceCreateInfo(reference_space_type=xr.ReferenceSpaceType.VIEW)
            )
            self.blend_mode = self._blend_mode()
        with self._doing("setting up the controllers"):
            from .openxr_actions import XrActions  # noqa: PLC0415 - needs pyopenxr, imported above

            self.actions = XrActions(xr, self.instance, self.session)
        with self._doing("making the eyes' swapchains"):
            from .openxr_swapchain import EyeSwapchain  # noqa: PLC0415 - imports OpenGL: after the platform is set

            colour_format = choose_colour_format(list(xr.enumerate_swapchain_formats(self.session)))
            for view in xr.enumerate_view_configuration_views(
                self.instance, self.system_id, xr.ViewConfigurationType.PRIMARY_STEREO
            ):
                self.swapchains.append(EyeSwapchain(xr, self.session, view, colour_format))

    def _blend_mode(self) -> Any:
        xr = self.xr
        offered = list(
            xr.enumerate_environment_blend_modes(self.instance, self.system_id, xr.ViewConfigurationType.PRIMARY_STEREO)
        )
        opaque = xr.EnvironmentBlendMode.OPAQUE
        return opaque if opaque.value in offered or not offered else xr.EnvironmentBlendMode(offered[0])

    def _create_seat_space(self) -> None:
        xr = self.xr
        kind = xr.ReferenceSpaceType.LOCAL if self.seated else xr.ReferenceSpaceType.STAGE
        pose = xr.Posef(xr.Quaternionf(*self.seat.orientation), xr.Vector3f(*self.seat.position))
        self.seat_space = xr.create_reference_space(
            self.session, xr.ReferenceSpaceCreateInfo(reference_space_type=kind, pose_in_reference_space=pose)
        )

    def recenter(self, seat: SeatOffset) -> None:
        """Recreate the seat space at ``seat`` (from ``Rig.recenter``): call between frames."""
        self.seat = seat
        if self.seat_space is not None:
            self.xr.destroy_space(self.seat_space)
            self.seat_space = None
        with self._doing("recentering"):
            self._create_seat_space()

    def close(self) -> None:
        """Release everything, newest first; safe to call twice and after a failed open. A release the runtime
        refuses (the session already lost) does not stop the others."""
        if self.graphics is not None:
            self.graphics.make_current()
        for swapchain in reversed(self.swapchains):
            self._release(swapchain.close)
        self.swapchains = []
        if self.actions is not None:
            self._release(self.actions.close)
            self.actions = None
        for name in ("view_space", "seat_space"):
            if getattr(self, name) is not None:
                self._release(self.xr.destroy_space, getattr(self, name))
                setattr(self, name, None)
        if self.session is not None:
            self._release(self.xr.destroy_session, self.session)
            self.session = None
        if self.graphics is not None:
            self.graphics.close()
            self.graphics = None
        self._binding = None
        if self.instance is not None:
            self._release(self.xr.destroy_instance, self.instance)
            self.instance = None

    def _release(self, release: Any, *handles: Any) -> None:
        with suppress(self.xr.XrException):  # lost with the session or the instance: nothing left to free
            release(*handles)

    # ------------------------------------------------------------------ the loop
    def request_exit(self) -> None:
        """End the session cleanly: the runtime stops it and the loop drains until EXITING (or EXIT_DRAIN_S)."""
        if self._exit_deadline is None:
            self._exit_deadline = time.monotonic() + EXIT_DRAIN_S
        self._do(self.lifecycle.quit())

    def _do(self, action: Do) -> None:
        xr = self.xr
        if action is Do.BEGIN_SESSION:
            xr.begin_session(self.session, xr.SessionBeginInfo(xr.ViewConfigurationType.PRIMARY_STEREO))
        elif action is Do.END_SESSION:
            xr.end_session(self.session)
        elif action is Do.REQUEST_EXIT:
            try:
                xr.request_exit_session(self.session)
            except xr.SessionNotRunningError:
                self._do(self.lifecycle.on_state(SessionState.EXITING))

    def _poll_events(self) -> None:
        xr = self.xr
        while not self.lifecycle.finished:
            try:
                event = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                return
            kind = xr.StructureType(event.type)
            if kind == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                changed = ctypes.cast(ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
                self._do(self.lifecycle.on_state(SessionState(int(changed.state))))
            elif kind == xr.StructureType.EVENT_DATA_INSTANCE_LOSS_PENDING:
                self._do(self.lifecycle.on_instance_loss_pending())
            elif kind == xr.StructureType.EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING:
                self._recentered = True

    def frames(self) -> Iterator[Frame]:
        """One Frame per time round: an open XR frame while the runtime wants frames, else an idle one about every
        IDLE_POLL_S (so the caller can still decide to quit). Ends when the session exits; raises
        XrUnavailableError when it was lost."""
        start = time.monotonic()
        while not self.lifecycle.finished:
            frame = Frame(time.monotonic() - start)
            with self._doing("running the session"), self._losing_session():
                self._poll_events()
                if self._exit_deadline is not None and time.monotonic() > self._exit_deadline:
                    self._do(self.lifecycle.on_state(SessionState.EXITING))  # the runtime never answered
                if self.lifecycle.finished:
                    break
                frame.runtime_recentered, self._recentered = self._recentered, False
                if self.lifecycle.frames_running:
                    self._begin_frame(frame)
                else:
                    time.sleep(IDLE_POLL_S)
            if self.lifecycle.finished:
                break
            yield frame
            if frame.began and not self.lifecycle.finished:
                with self._doing("showing a frame"), self._losing_session():
                    self._end_frame(frame)
        if self.lifecycle.lost is not None:
            raise XrUnavailableError(self.lifecycle.lost)

    @contextmanager
    def _losing_session(self) -> Iterator[None]:
        """A call that finds the session or the instance lost ends the loop with the reason."""
        xr = self.xr
        try:
            yield
        except (xr.SessionLostError, xr.SessionLossPending):
            self.lifecycle.on_session_lost()
        except xr.InstanceLostError:
            self.lifecycle.on_instance_loss_pending()

    def _begin_frame(self, frame: Frame) -> None:
        xr = self.xr
        state = xr.wait_frame(self.session, xr.FrameWaitInfo())
        with suppress(xr.FrameDiscarded):  # the frame before was dropped; this one has begun all the same
            xr.begin_frame(self.session, xr.FrameBeginInfo())
        frame.began = True
        frame.display_time = state.predicted_display_time
        frame.submit = self.lifecycle.submit_layers(state.should_render)
        with suppress(xr.TimeInvalidError):  # some runtimes cannot locate the first frames yet
            frame.head = self._head(frame.display_time)
        if self.lifecycle.input_active:
            with suppress(xr.SessionNotFocused):  # focus went before its event arrived: no input this frame
                gaze = None if frame.head is None else frame.head.gaze
                frame.input = self.actions.read(self.seat_space, frame.display_time, frame.time_s, gaze)

    def _head(self, display_time: int) -> HeadPose | None:
        from .openxr_actions import located  # noqa: PLC0415

        location = self.xr.locate_space(self.view_space, self.seat_space, display_time)
        return HeadPose(*_pose_tuple(location.pose)) if located(self.xr, location) else None

    def eyes(self, frame: Frame) -> Iterator[EyeView]:
        """Each eye's image bound in turn, when this frame is to be drawn; the layer is submitted afterwards."""
        if not frame.submit or self.lifecycle.finished:
            return
        with self._doing("drawing a frame"), self._losing_session():
            yield from self._eyes(frame)

    def _eyes(self, frame: Frame) -> Iterator[EyeView]:
        xr = self.xr
        view_state, views = xr.locate_views(
            self.session,
            xr.ViewLocateInfo(
                view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO,
                display_time=frame.display_time,
                space=self.seat_space,
            ),
        )
        valid = xr.VIEW_STATE_POSITION_VALID_BIT | xr.VIEW_STATE_ORIENTATION_VALID_BIT
        if int(view_state.view_state_flags) & valid != valid:
            return  # no tracking: nothing to draw this time
        projection_views = (xr.CompositionLayerProjectionView * len(views))(
            *[xr.CompositionLayerProjectionView() for _ in views]
        )
        for index, (view, swapchain) in enumerate(zip(views, self.swapchains, strict=True)):
            image = swapchain.acquire()
            try:
                swapchain.bind(image)
                layer_view = projection_views[index]
                layer_view.pose, layer_view.fov = view.pose, view.fov
                layer_view.sub_image.swapchain = swapchain.handle
                layer_view.sub_image.image_rect.offset[:] = [0, 0]
                layer_view.sub_image.image_rect.extent[:] = [swapchain.width, swapchain.height]
                fov = view.fov
                yield EyeView(
                    index,
                    view_matrix(*_pose_tuple(view.pose)),
                    perspective_from_fov(fov.angle_left, fov.angle_right, fov.angle_up, fov.angle_down, NEAR_M, FAR_M),
                    swapchain.width,
                    swapchain.height,
                )
            finally:
                swapchain.release()
        frame.layer = xr.CompositionLayerProjection(space=self.seat_space, views=projection_views)
        frame._keep.append(projection_views)

    def _end_frame(self, frame: Frame) -> None:
        xr = self.xr
        layers = [ctypes.byref(frame.layer)] if frame.layer is not None else []
        xr.end_frame(
            self.session,
            xr.FrameEndInfo(display_time=frame.display_time, environment_blend_mode=self.blend_mode, layers=layers),
        )
