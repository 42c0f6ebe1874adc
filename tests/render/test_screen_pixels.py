"""Every kiosk screen, in every look a citizen can choose, rendered offscreen and measured on its pixels.

Two worker processes (one per core), each with its own offscreen OpenGL context, share the screens.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from tests.render.screen_checks import check_screen, screen_ids, start_worker

WORKERS = 2


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_screen_in_every_look(lang):
    screens = screen_ids(lang)
    assert len(screens) > 50, f"only {len(screens)} screens reached from home: {screens}"
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=start_worker) as pool:
        problems = [problem for found in pool.map(check_screen, [lang] * len(screens), screens) for problem in found]
    assert problems == [], f"{len(problems)} problems, first:\n" + "\n".join(problems[:20])
