"""The OpenXR session lifecycle as a pure state machine: each runtime event in, what the frame loop must do out.

The states mirror ``XrSessionState`` (same numbers), so the glue maps ``xr.SessionState`` with
``SessionState(int(state))``; nothing here imports pyopenxr. The runtime drives the states; the loop:

- begins the session on READY and ends it on STOPPING;
- waits, begins and ends frames from READY until STOPPING (``frames_running``), submitting layers only
  when ``xrWaitFrame`` said ``should_render`` and the session is VISIBLE or FOCUSED;
- reads input only when FOCUSED;
- on EXITING leaves the loop; on LOSS_PENDING (or a lost instance) leaves it with the reason, so the caller
  can tell the person and fall back to the screen client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class SessionState(IntEnum):
    UNKNOWN = 0
    IDLE = 1
    READY = 2
    SYNCHRONIZED = 3
    VISIBLE = 4
    FOCUSED = 5
    STOPPING = 6
    LOSS_PENDING = 7
    EXITING = 8


class Do(Enum):
    """What the loop must call now, besides carrying on."""

    NOTHING = "nothing"
    BEGIN_SESSION = "begin session"  # xrBeginSession
    END_SESSION = "end session"  # xrEndSession
    REQUEST_EXIT = "request exit"  # xrRequestExitSession, then keep polling until EXITING
    LEAVE = "leave"  # leave the loop and destroy the session (and the instance)


FRAME_STATES = (SessionState.READY, SessionState.SYNCHRONIZED, SessionState.VISIBLE, SessionState.FOCUSED)
SHOWN_STATES = (SessionState.VISIBLE, SessionState.FOCUSED)
SESSION_LOST = (
    "the XR session was lost: the headset was unplugged or switched off, or the OpenXR runtime stopped;"
    " check the headset and the runtime (Monado or SteamVR)"
)
INSTANCE_LOST = (
    "the OpenXR runtime is going away (it was stopped or updated): restart the runtime (Monado or SteamVR)"
    " and the kiosk"
)


@dataclass
class Lifecycle:
    state: SessionState = SessionState.IDLE
    running: bool = False  # between xrBeginSession and xrEndSession
    exit_requested: bool = False
    finished: bool = False
    lost: str | None = None  # why the session ended without anyone asking

    def on_state(self, state: SessionState) -> Do:
        """A session-state-changed event from the runtime."""
        self.state = state
        if state is SessionState.READY and not self.running:
            self.running = True
            return Do.BEGIN_SESSION
        if state is SessionState.STOPPING and self.running:
            self.running = False
            return Do.END_SESSION
        if state is SessionState.EXITING:
            return self._leave(None)
        if state is SessionState.LOSS_PENDING:
            return self._leave(SESSION_LOST)
        return Do.NOTHING

    def on_instance_loss_pending(self) -> Do:
        return self._leave(INSTANCE_LOST)

    def on_session_lost(self) -> Do:
        """A call failed with XR_ERROR_SESSION_LOST or returned XR_SESSION_LOSS_PENDING."""
        return self._leave(SESSION_LOST)

    def quit(self) -> Do:
        """The kiosk wants to stop (``--quit-after``, a signal): ask the runtime, or leave at once if not running."""
        if self.finished:
            return Do.NOTHING
        if self.running and not self.exit_requested:
            self.exit_requested = True
            return Do.REQUEST_EXIT
        if self.running:
            return Do.NOTHING  # already asked: the runtime will go STOPPING, then EXITING
        return self._leave(None)

    def _leave(self, reason: str | None) -> Do:
        if self.finished:
            return Do.NOTHING
        self.finished = True
        self.lost = reason
        return Do.LEAVE

    @property
    def frames_running(self) -> bool:
        """Whether to call xrWaitFrame, xrBeginFrame and xrEndFrame this time round."""
        return self.running and not self.finished and self.state in FRAME_STATES

    def submit_layers(self, should_render: bool) -> bool:
        """Whether to render and submit a projection layer, given ``XrFrameState.shouldRender``."""
        return self.frames_running and bool(should_render) and self.state in SHOWN_STATES

    @property
    def input_active(self) -> bool:
        """Controller actions only deliver input while the session has focus."""
        return self.frames_running and self.state is SessionState.FOCUSED
