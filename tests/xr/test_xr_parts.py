"""The small parts of the XR client: where screens lead, swapchain formats, controller bindings, captions and
what is drawn over the scene."""

from __future__ import annotations

import numpy as np
import pytest

from madang.kiosk.display import Display
from madang.xr.captions import CAPTION_HOLD_S, CaptionBoard, last_lines, wrap
from madang.xr.errors import XrUnavailableError
from madang.xr.openxr_actions import ACTIONS, HANDS, PER_HAND, SUGGESTED_BINDINGS
from madang.xr.panel import kiosk_panel
from madang.xr.places import SAFE_PLACE, Place, place_for_screen
from madang.xr.xr_graphics import (
    GL_RGBA8,
    GL_SRGB8_ALPHA8,
    check_gl_version,
    choose_colour_format,
    default_platform,
)
from madang.xr.xr_input import Pointer, Ray
from madang.xr.xr_picture import BEAM_IDLE, BEAM_MISS_M, BEAM_ON_CONTROL, picture

SCENES = ("plaza", "deoksugung", "lantern-festival")


@pytest.mark.parametrize(
    ("screen_id", "place"),
    [
        ("home", SAFE_PLACE),
        ("service:documents", Place("plaza", "documents")),
        ("landmark:deoksugung", Place("deoksugung")),
        ("event:lantern-festival", Place("lantern-festival")),
        ("landmark:namdaemun-market", None),  # no scene for it (yet): stay
        ("ticket:confirm", None),
        ("settings", None),
        ("faq:opening-hours", None),
    ],
)
def test_where_a_screen_leads(screen_id, place):
    assert place_for_screen(screen_id, SCENES) == place


def test_the_safe_place_is_the_plaza_spawn():
    assert Place("plaza", None) == SAFE_PLACE


def test_srgb_swapchains_are_preferred_then_rgba8():
    assert choose_colour_format([0x881A, GL_RGBA8, GL_SRGB8_ALPHA8]) == GL_SRGB8_ALPHA8
    assert choose_colour_format([0x881A, GL_RGBA8]) == GL_RGBA8
    with pytest.raises(XrUnavailableError, match=r"GL_SRGB8_ALPHA8, GL_RGBA8.*0x881a"):
        choose_colour_format([0x881A])


def test_the_runtime_must_accept_opengl_3_3():
    check_gl_version((3, 3), (4, 6))
    check_gl_version((1, 0), (0, 0))  # no maximum given
    with pytest.raises(XrUnavailableError, match=r"OpenGL 4\.5 or newer"):
        check_gl_version((4, 5), (4, 6))


def test_glx_with_an_x_display_else_egl():
    assert default_platform({"DISPLAY": ":0"}) == "glx"
    assert default_platform({}) == "egl"


def test_every_controller_reaches_home_and_select_and_pointing():
    for profile, bindings in SUGGESTED_BINDINGS.items():
        bound = {action for action, _ in bindings}
        assert {"select", "aim", "home"} <= bound, profile


def test_bindings_name_known_actions_on_a_hand():
    for bindings in SUGGESTED_BINDINGS.values():
        for action, path in bindings:
            assert action in ACTIONS
            assert path.startswith(tuple(f"{hand}/input/" for hand in HANDS))
    for action in PER_HAND:  # what each hand does alone, both hands can do
        for bindings in SUGGESTED_BINDINGS.values():
            hands = {path.split("/input/")[0] for name, path in bindings if name == action}
            assert hands in (set(), set(HANDS))


def width_in_chars(text: str) -> float:
    return float(len(text))


def test_captions_wrap_at_spaces_and_break_only_overlong_words():
    assert wrap("one two three four", 9, width_in_chars) == ["one two", "three", "four"]
    assert wrap("abcdefghijkl mn", 5, width_in_chars) == ["abcde", "fghij", "kl mn"]
    assert wrap("", 5, width_in_chars) == []


def test_captions_show_the_latest_lines():
    said = ["first line here", "second", "the third one is long"]
    assert last_lines(said, 3, 10, width_in_chars) == ["the third", "one is", "long"]
    assert last_lines(said, 9, 10, width_in_chars)[:3] == ["first line", "here", "second"]
    assert last_lines(said, 2, 10, width_in_chars) == ["one is", "long"]


def test_captions_hide_some_time_after_the_last_line():
    board = CaptionBoard()
    assert not board.visible(0.0)
    board.add("안녕하세요", 1.0)
    assert board.visible(1.0 + CAPTION_HOLD_S)
    assert not board.visible(1.1 + CAPTION_HOLD_S)
    assert board.version == 1


def test_beams_end_on_the_panel_or_reach_out_and_the_cursor_sits_on_the_gaze():
    panel = kiosk_panel(Display())
    origin = (0.2, -0.3, -0.3)
    target = panel.point_at_mm(100, 100)
    on_control = Pointer(Ray(origin, tuple(target - np.asarray(origin))), (100, 100), "ok", 1.1)
    missing = Pointer(Ray(origin, (0.0, 0.0, 2.0)), None, None, None)
    gaze = Pointer(Ray((0, 0, 0), tuple(target)), (100, 100), "ok", 1.3)
    shown = picture(panel, [on_control, missing], gaze, 0.4, None)
    hit, miss = shown.beams
    assert hit.colour == BEAM_ON_CONTROL and miss.colour == BEAM_IDLE
    assert np.linalg.norm(hit.end - hit.start) == pytest.approx(1.1)
    assert miss.end == pytest.approx([0.2, -0.3, -0.3 + BEAM_MISS_M])
    assert shown.cursor.progress == 0.4
    assert shown.cursor.quad.centre == pytest.approx(target, abs=0.01)
    assert shown.captions is None and shown.panel is panel.quad
    assert picture(panel, [], None, 0.0, None).cursor is None
