"""What a kiosk tells staff about itself in each heartbeat: its parts, its content and what it still has to send.

Each part is ``{"ok": bool, "used": bool, "detail": str}``. A part the kiosk's mode does not use (the microphone
of a kiosk run without audio, the recogniser of a headless kiosk) says ``"used": false`` (and ``"ok": true``):
the staff web shows it as not used and never raises an alert for it. The outbox part is
``{"backlog", "oldest_age_s", "failed"}``. The server's schema is ``Health`` in admin_web/api/schemas.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Kiosk
    from .outbox import Outbox

RENDERERS = {
    "terminal": "text in a terminal",
    "headless": "JSON lines for a program (no screen of its own)",
    "screen": "OpenGL window",
    "xr": "VR headset (OpenXR)",
}
LISTENING_LANG = "ko"  # the model loaded at start; others load when a citizen switches


def part(ok: bool, detail: str = "", *, used: bool = True) -> dict:
    return {"ok": ok, "used": used, "detail": detail[:300]}


def not_used(why: str) -> dict:
    return part(True, why, used=False)


def app_version() -> str | None:
    try:
        return version("madang")[:40]
    except PackageNotFoundError:
        return None


def _problem(live: Any, what: str) -> str:
    """The first problem the live voice reported about ``what`` ("voice input", "speech output")."""
    return next((problem for problem in getattr(live, "problems", []) if problem.startswith(what)), "")


def microphone(live: Any | None) -> dict:
    """``live``: the kiosk's LiveVoice (voice/live.py), or None when it runs without audio."""
    if live is None:
        return not_used("no live audio in this mode (--no-audio)")
    if live.microphone is None:
        return part(False, _problem(live, "voice input") or "no microphone could be opened")
    return part(True, "listening")


def speaker(live: Any | None) -> dict:
    if live is None:
        return not_used("no live audio in this mode (--no-audio)")
    if live.tts is None or live.speaker is None:
        return part(False, _problem(live, "speech output") or "no speaker or speech synthesis")
    return part(True, "speaking")


def recogniser(kiosk: Kiosk, live: Any | None) -> dict:
    """The speech model: asked only when the kiosk listens (asking loads it, and it is loading in the background
    then)."""
    if live is None or kiosk.hearing is None:
        return not_used("no live audio in this mode (--no-audio)")
    reason = kiosk.hearing.unavailable(LISTENING_LANG)
    if reason is not None:
        return part(False, reason)
    return part(True, f"{LISTENING_LANG} model ready (or loading)")


def renderer(mode: str) -> dict:
    return part(True, RENDERERS.get(mode, mode))


@dataclass
class ContentState:
    """What the fleet agent knows of the content sync, for the content part."""

    ready: int | None = None  # a version staged, not shown yet
    failures: int = 0  # checks in a row that failed
    reason: str = ""  # why the last one failed


FAILURES_BEFORE_ALERT = 2  # one failed check (a network blip) is no news; two in a row are


def content(kiosk: Kiosk, state: ContentState | None) -> dict:
    shown = kiosk.content_version
    detail = f"v{shown}" if shown is not None else "the content it was installed with"
    if state is not None and state.ready is not None and state.ready != shown:
        detail += f"; v{state.ready} is ready and shows when nobody is using the kiosk"
    ok = state is None or state.failures < FAILURES_BEFORE_ALERT
    if not ok:
        detail = f"{state.failures} content checks in a row failed: {state.reason}"
    return {**part(ok, detail), "version": shown}


def outbox(box: Outbox) -> dict:
    backlog = box.backlog()
    return {"backlog": backlog.count, "oldest_age_s": round(backlog.oldest_age_s, 1), "failed": backlog.failed}


def collect(kiosk: Kiosk, *, mode: str, live: Any | None = None, content_state: ContentState | None = None) -> dict:
    """The whole health report."""
    return {
        "microphone": microphone(live),
        "speaker": speaker(live),
        "recogniser": recogniser(kiosk, live),
        "renderer": renderer(mode),
        "content": content(kiosk, content_state),
        "outbox": outbox(kiosk.services.outbox),
    }
