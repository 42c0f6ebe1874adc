"""`madang kiosk --mode screen`: the kiosk in a window (glfw, OpenGL 3.3), by touch, mouse, keys and voice.

The window draws the kiosk core's laid-out screen and nothing of its own; a click becomes a touch on the element
under it (the layout's boxes), keys become the tactile keypad's keys, typed characters fill the focused field.
Call ``keep_or_choose_platform("glx")`` before importing this module: with EGL already in use (after a headset
session, say), the window's context is made through EGL too.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import glfw

from madang.kiosk.app import Kiosk
from madang.kiosk.model import Role
from madang.kiosk.protocol import Key, TextInput, Touch
from madang.kiosk.stepper import Stepper, Voice, ticking

from .errors import GraphicsUnavailableError, NoDisplayError
from .hit_test import element_at, pixel_to_mm
from .model_views import ModelViews
from .screen_paint import ScreenView
from .ui_renderer import UiRenderer

WINDOW_SHARE_OF_SCREEN = 0.9
IDLE_WAIT_S = 1 / 30
KEYS = {
    glfw.KEY_UP: "up",
    glfw.KEY_DOWN: "down",
    glfw.KEY_LEFT: "left",
    glfw.KEY_RIGHT: "right",
    glfw.KEY_ENTER: "enter",
    glfw.KEY_KP_ENTER: "enter",
    glfw.KEY_ESCAPE: "back",
    glfw.KEY_HOME: "home",
    glfw.KEY_F1: "help",
    glfw.KEY_PAGE_UP: "volume-up",
    glfw.KEY_PAGE_DOWN: "volume-down",
    glfw.KEY_KP_ADD: "volume-up",
    glfw.KEY_KP_SUBTRACT: "volume-down",
}
NO_DISPLAY = (
    "no display to open the screen client on{detail}: run it on the kiosk's screen (or set DISPLAY), or use"
    " `madang kiosk --mode terminal`"
)


def window_size(width_px: int, height_px: int, screen: tuple[int, int]) -> tuple[int, int]:
    """The display's shape, scaled to fit ``screen`` with a margin; never larger than the display itself."""
    scale = min(1.0, WINDOW_SHARE_OF_SCREEN * min(screen[0] / width_px, screen[1] / height_px))
    return max(1, round(width_px * scale)), max(1, round(height_px * scale))


def open_window(title: str, width_px: int, height_px: int, *, fullscreen: bool):
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        raise NoDisplayError(NO_DISPLAY.format(detail=" (DISPLAY is not set)"))
    if not glfw.init():
        description = glfw.get_error()[1] if hasattr(glfw, "get_error") else None
        detail = f" ({description.decode(errors='replace')})" if description else ""
        raise NoDisplayError(NO_DISPLAY.format(detail=detail))
    glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, 3)
    glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, 3)
    glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
    glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, True)
    if os.environ.get("PYOPENGL_PLATFORM") == "egl":  # OpenGL is already bound through EGL in this process
        glfw.window_hint(glfw.CONTEXT_CREATION_API, glfw.EGL_CONTEXT_API)
    monitor = glfw.get_primary_monitor()
    mode = glfw.get_video_mode(monitor) if monitor else None
    screen = (mode.size.width, mode.size.height) if mode else (width_px, height_px)
    if fullscreen and monitor:
        window = glfw.create_window(screen[0], screen[1], title, monitor, None)
    else:
        window = glfw.create_window(*window_size(width_px, height_px, screen), title, None, None)
    if not window:
        glfw.terminate()
        raise GraphicsUnavailableError(
            "the display did not give an OpenGL 3.3 window: update the graphics driver (Mesa: libgl1-mesa-dri)"
        )
    glfw.make_context_current(window)
    glfw.swap_interval(1)
    return window


class ScreenClient:
    """One kiosk in one window. Input callbacks run on the window's thread; voice and the clock on their own."""

    def __init__(self, kiosk: Kiosk, *, fullscreen: bool = False, voice: Voice | None = None) -> None:
        self.kiosk = kiosk
        self.changed = threading.Event()
        self.stepper = Stepper(kiosk, self._follow)
        if voice is not None:
            self.stepper.followers.append(voice(self.stepper.send))
        display = kiosk.display
        self.window = open_window(
            kiosk.ui.title("kiosk", kiosk.lang), display.width_px, display.height_px, fullscreen=fullscreen
        )
        self.renderer = UiRenderer()
        self.model_views = ModelViews()
        self.started = time.monotonic()
        glfw.set_mouse_button_callback(self.window, self._mouse)
        glfw.set_key_callback(self.window, self._key)
        glfw.set_char_callback(self.window, self._char)
        glfw.set_window_refresh_callback(self.window, lambda _window: self.changed.set())
        self.clock = ticking(self.stepper)
        self._shown_title = ""
        self._animated = False  # a 3D picture is shown: its lanterns glow, so it is drawn every frame

    def _follow(self, _events: list[dict]) -> None:
        self.changed.set()
        glfw.post_empty_event()  # wake the window loop to draw the new screen

    def view(self) -> ScreenView:
        with self.stepper.lock:
            return ScreenView.of(self.kiosk)

    # ------------------------------------------------------------------ input
    def touch_at(self, x: float, y: float) -> str | None:
        """A touch or click at window coordinates; returns the element touched, if any."""
        width, height = glfw.get_window_size(self.window)
        view = self.view()
        target = element_at(view.laid_out, *pixel_to_mm(view.display, x, y, width, height))
        if target is not None:
            self.stepper.send(Touch(target))
        return target

    def _mouse(self, window, button: int, action: int, _mods: int) -> None:
        if button == glfw.MOUSE_BUTTON_LEFT and action == glfw.PRESS:
            self.touch_at(*glfw.get_cursor_pos(window))

    def _key(self, _window, key: int, _scancode: int, action: int, _mods: int) -> None:
        if action not in (glfw.PRESS, glfw.REPEAT):
            return
        value = self._field_value() if key == glfw.KEY_BACKSPACE else None
        if value is not None:
            self.stepper.send(TextInput(value[:-1]))
        elif key in KEYS:
            self.stepper.send(Key(KEYS[key]))

    def _char(self, _window, codepoint: int) -> None:
        value = self._field_value()
        if value is not None:
            self.stepper.send(TextInput(value + chr(codepoint)))

    def _field_value(self) -> str | None:
        """The value of the field typing goes into, or None when the screen has no text field."""
        with self.stepper.lock:
            field = self.kiosk.text_field()
        return None if field is None else field.value or ""

    # ------------------------------------------------------------------ loop
    def run(self, quit_after: float | None = None, on_frame: Callable[[ScreenClient], None] | None = None) -> None:
        deadline = None if quit_after is None else time.monotonic() + quit_after
        self.stepper.start()
        self.clock.start()
        self.changed.set()
        try:
            while not glfw.window_should_close(self.window):
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if self.changed.is_set() or self._animated:
                    self.changed.clear()
                    width, height = glfw.get_framebuffer_size(self.window)
                    view = self.view()
                    self._title(view.laid_out.screen.title)
                    self.renderer.draw(view, width, height, self._picture)
                    self._animated = any(placed.element.role is Role.image for placed in view.laid_out.visible)
                    glfw.swap_buffers(self.window)
                    if on_frame is not None:
                        on_frame(self)
                glfw.wait_events_timeout(IDLE_WAIT_S)
        finally:
            self.close()

    def _picture(self, placed, box: tuple[int, int, int, int], target_height: int) -> None:
        self.model_views.draw(placed, box, target_height, time.monotonic() - self.started)

    def _title(self, title: str) -> None:
        """The window is named after the screen, as a web page is, for window lists and screen readers."""
        if title != self._shown_title:
            glfw.set_window_title(self.window, title)
            self._shown_title = title

    def close(self) -> None:
        self.clock.stop()
        self.renderer.delete()
        self.model_views.delete()
        glfw.destroy_window(self.window)
        glfw.terminate()


def run_screen(
    kiosk: Kiosk, *, fullscreen: bool = False, quit_after: float | None = None, voice: Voice | None = None
) -> None:
    ScreenClient(kiosk, fullscreen=fullscreen, voice=voice).run(quit_after)
