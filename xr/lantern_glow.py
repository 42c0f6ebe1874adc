"""How bright a glowing lantern is over time: one slow, smooth swell, the same in Python and in the shader.

WCAG 2.3.1 allows no more than three flashes in any one second. A lantern here brightens and dims once every
``GLOW_PERIOD_S`` seconds along a sine, so it never flashes at all; ``GLOW_GLSL`` is the shader's copy of
``lantern_brightness``, built from the same constants.
"""

from __future__ import annotations

import math

GLOW_PERIOD_S = 4.0
GLOW_MEAN = 0.8
GLOW_SWING = 0.2


def lantern_brightness(phase: float, time_s: float) -> float:
    """Brightness in 0..1 of a lantern whose cycle is offset by ``phase`` (a fraction of one cycle)."""
    return GLOW_MEAN + GLOW_SWING * math.sin(2 * math.pi * (time_s / GLOW_PERIOD_S + phase))


GLOW_GLSL = f"""
float lantern_brightness(float phase, float time_s) {{
    return {GLOW_MEAN:.6f} + {GLOW_SWING:.6f} * sin(6.28318530718 * (time_s / {GLOW_PERIOD_S:.6f} + phase));
}}
"""
