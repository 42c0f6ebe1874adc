"""`madang kiosk --mode xr`: the kiosk in a headset, seated in the virtual plaza.

The kiosk's screen is a panel ahead of the seat; a controller ray and the trigger touch it, or looking at a
control for the dwell time does; the menu button is "home" and takes the person back to the plaza's spawn
point (the safe place), B/Y is "back"; the stick snap-turns and steps between hotspots. Voice works exactly
as at the kiosk. The kiosk's screens move the person too: a service's screen stands them at its counter, a
landmark's screen takes them there (``places``). Captions of everything said follow the view lazily.

The kiosk steps on its own thread (``KioskInbox``), so a slow step never holds up a frame. ``run_xr`` raises
``XrUnavailableError`` before anything is drawn when there is no runtime or headset, and when the session is
lost, so the command line can say so and carry on with the screen client.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from madang.kiosk.app import Kiosk
from madang.kiosk.protocol import InputEvent, Key, Presence, Touch
from madang.kiosk.stepper import Stepper, Voice, ticking

from .captions import CaptionBoard
from .comfort import ComfortSettings, Rig, SeatOffset
from .gl_platform import choose_platform
from .hit_test import element_at
from .panel import CaptionFollower, kiosk_panel
from .places import PLAZA, Place, place_for_screen
from .scene_kit import Scene
from .scenes import SCENE_IDS, build_scene
from .screen_paint import ScreenView
from .xr_graphics import default_platform
from .xr_input import Command, HeadPose, Recenter, SafePlace, SmoothMotion, SnapTurn, TeleportStep, XrInput
from .xr_picture import XrPicture, picture

if TYPE_CHECKING:
    from .openxr_session import OpenXrSession
    from .xr_renderer import XrRenderer

Report = Callable[[str], None]


def _stderr(message: str) -> None:
    print(f"madang kiosk: {message}", file=sys.stderr)


class XrKiosk:
    """What the XR client knows between frames, without OpenXR or OpenGL: the kiosk's latest screen and
    captions, where the rig stands, the panel and the input mapping."""

    def __init__(
        self,
        kiosk: Kiosk,
        comfort: ComfortSettings,
        scenes: Callable[[str], Scene] = build_scene,
        scene_ids: tuple[str, ...] = SCENE_IDS,
    ) -> None:
        self.kiosk = kiosk
        self._build_scene, self.scene_ids = scenes, scene_ids
        self._scenes: dict[str, Scene] = {}
        self.scene = self._scene(PLAZA)
        self.rig = Rig(home=self.scene.spawn, settings=comfort)
        self.panel = kiosk_panel(kiosk.display, eye_height_m=self.rig.eye_height_in_seat_m)
        self.view = self._snapshot()
        self.input = XrInput(self.panel, lambda x, y: element_at(self.view.laid_out, x, y), comfort)
        self.captions = CaptionBoard()
        self.caption_follower = CaptionFollower()
        self._lock = threading.Lock()
        self._latest = self.view
        self._said: list[str] = []
        self._shown: list[str] = []

    def _scene(self, scene_id: str) -> Scene:
        if scene_id not in self._scenes:
            self._scenes[scene_id] = self._build_scene(scene_id)
        return self._scenes[scene_id]

    def _snapshot(self) -> ScreenView:
        return ScreenView.of(self.kiosk)

    # ------------------------------------------------------------------ from the kiosk (its thread, its lock)
    def follow(self, events: list[dict]) -> None:
        """A Stepper follower: called with each step's output, under the stepper's lock."""
        view = self._snapshot()
        with self._lock:
            self._latest = view
            self._said += [event["text"] for event in events if event.get("type") == "caption"]
            self._shown += [event["id"] for event in events if event.get("type") == "screen"]

    # ------------------------------------------------------------------ in the frame loop
    def catch_up(self, now_s: float) -> None:
        """Take in what the kiosk did since the last frame: its screen, what it said, where it leads."""
        with self._lock:
            view, said, shown = self._latest, self._said, self._shown
            self._said, self._shown = [], []
        if view.laid_out is not self.view.laid_out:
            self.input.screen_changed()
        self.view = view
        for text in said:
            self.captions.add(text, now_s)
        for screen_id in shown:
            place = place_for_screen(screen_id, self.scene_ids)
            if place is not None:
                self.go(place)

    def go(self, place: Place) -> None:
        self.scene = self._scene(place.scene_id)
        hotspot = self.scene.hotspots.get(place.hotspot) if place.hotspot else None
        self.rig.teleport(hotspot or self.scene.spawn)

    def steer(self, commands: list[Command], head: HeadPose | None) -> tuple[list[InputEvent], SeatOffset | None]:
        """Apply the rig's commands; returns the kiosk's input events, and a new seat offset after a recenter."""
        events: list[InputEvent] = []
        seat = None
        for command in commands:
            if isinstance(command, Touch | Key):
                events.append(command)
            elif isinstance(command, SnapTurn):
                self.rig.snap_turn(command.direction)
            elif isinstance(command, TeleportStep):
                self.step(command.step)
            elif isinstance(command, SmoothMotion):
                self.rig.move(command.forward_m, command.turn_radians)
            elif isinstance(command, SafePlace):
                self.scene = self._scene(PLAZA)
                self.rig.safe_place()
            elif isinstance(command, Recenter) and head is not None:
                seat = self.rig.recenter(head.position, head.orientation)
                self._place_panel()
        return events, seat

    def runtime_recentered(self) -> SeatOffset:
        """The runtime moved its own origin to the head: our offset starts again from there."""
        self.rig.seat = SeatOffset()
        return self.rig.seat

    def _place_panel(self) -> None:
        self.panel = kiosk_panel(self.kiosk.display, eye_height_m=self.rig.eye_height_in_seat_m)
        self.input.panel = self.panel

    def step(self, step: int) -> None:
        """To the next (or previous) hotspot of this place, in the scene's order."""
        names = list(self.scene.hotspots)
        here = names.index(self.rig.hotspot) if self.rig.hotspot in names else -1
        self.rig.teleport(self.scene.hotspots[names[(here + step) % len(names)]])

    def shown_view(self) -> ScreenView:
        """The screen as the panel shows it: the control under a ray or the gaze has the focus ring."""
        hovered = self.input.hovered
        return self.view if hovered is None else replace(self.view, focus=hovered)

    def picture(self, head: HeadPose | None, now_s: float, dt_s: float) -> XrPicture:
        captions = None
        if head is not None:
            quad = self.caption_follower.update(head.position, head.forward, dt_s)
            if self.view.profile.captions and self.captions.visible(now_s):
                captions = quad
        return picture(self.panel, self.input.pointers, self.input.gaze, self.input.dwell.progress, captions)


class KioskInbox(threading.Thread):
    """Hands input to the kiosk on a thread of its own, in order."""

    def __init__(self, stepper: Stepper) -> None:
        super().__init__(name="kiosk-xr-input", daemon=True)
        self.stepper = stepper
        self.events: queue.SimpleQueue[InputEvent | None] = queue.SimpleQueue()
        self.failure: BaseException | None = None  # what stopped the kiosk, raised again by the frame loop

    def put(self, event: InputEvent) -> None:
        self.events.put(event)

    def run(self) -> None:
        while (event := self.events.get()) is not None:
            try:
                self.stepper.send(event)
            except BaseException as error:
                self.failure = error
                return

    def stop(self) -> None:
        self.events.put(None)
        if self.is_alive():
            self.join(timeout=5)


def run_xr(
    kiosk: Kiosk,
    *,
    quit_after: float | None = None,
    voice: Voice | None = None,
    report: Report = _stderr,
    comfort: ComfortSettings | None = None,
    platform: str | None = None,
) -> None:
    platform = platform or os.environ.get("PYOPENGL_PLATFORM") or default_platform(os.environ)
    choose_platform(platform)
    from .openxr_session import OpenXrSession  # noqa: PLC0415 - after the OpenGL platform is chosen
    from .xr_renderer import XrRenderer  # noqa: PLC0415 - imports OpenGL

    comfort = comfort or ComfortSettings()
    with OpenXrSession(seated=comfort.seated, platform=platform) as session:
        report(f"XR: {session.description}; put the headset on")
        state = XrKiosk(kiosk, comfort)
        renderer = XrRenderer(state.panel)
        stepper = Stepper(kiosk, state.follow)
        if voice is not None:
            stepper.followers.append(voice(stepper.send))
        inbox, clock = KioskInbox(stepper), ticking(stepper)
        stepper.start()
        inbox.start()
        clock.start()
        try:
            _frame_loop(session, state, renderer, inbox, quit_after)
        finally:
            clock.stop()
            inbox.stop()
            session.graphics.make_current()
            renderer.delete()


def _frame_loop(
    session: OpenXrSession, state: XrKiosk, renderer: XrRenderer, inbox: KioskInbox, quit_after: float | None
) -> None:
    deadline = None if quit_after is None else time.monotonic() + quit_after
    present = False
    last_s = 0.0
    for frame in session.frames():
        if inbox.failure is not None:
            raise inbox.failure
        if deadline is not None and time.monotonic() >= deadline:
            session.request_exit()
        state.catch_up(frame.time_s)
        if frame.runtime_recentered:
            session.recenter(state.runtime_recentered())
        if frame.input is None:
            state.input.pause()
        else:
            if not present:  # the headset is on and the kiosk has the person's attention
                inbox.put(Presence())
                present = True
            events, seat = state.steer(state.input.update(frame.input), frame.head)
            for event in events:
                inbox.put(event)
            if seat is not None:
                session.recenter(seat)
        shown = state.picture(frame.head, frame.time_s, frame.time_s - last_s)
        last_s = frame.time_s
        if not frame.submit:
            continue
        renderer.update(state.shown_view(), state.captions)
        world_from_seat = state.rig.world_from_seat()
        for eye in session.eyes(frame):
            renderer.draw_eye(state.scene, world_from_seat, eye.view, eye.projection, shown, time_s=frame.time_s)
