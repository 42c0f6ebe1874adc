"""What drawing costs: the kiosk's screens (Python per frame, frames per second at 1920x1080) and each Seoul
scene in stereo at a headset's size (2 x 1440x1600). Prints figures; never fails on timing.

Run with `make bench` (all benchmarks) or `.venv/bin/python tests/perf/render_bench.py` (EYE_SIZE=WxH to change
the headset's size). Goals: a UI frame at most 2 ms of Python, a stereo plaza frame at most 4 ms of Python, at
least 60 frames per second for the UI at 1920x1080 on this machine's renderer.

The kiosk's screens: the home screen (with its plaza picture) and a landmark page, drawn again and again:
- Python per frame: `UiRenderer.draw` of an unchanged screen (what every frame of a window costs);
- after an input: the same when the focus moved (the screen's shapes and glyphs are built again);
- frames per second: draw plus glFinish, at 1920x1080, without and with the 3D picture.

The scenes: first the Python a stereo frame costs whatever the scene (the renderer makes the same calls for
every scene): `draw_stereo` of a scene with one tiny instance per kind of mesh, rasterising switched off
(GL_RASTERIZER_DISCARD). Then per scene, medians over the frames:
- geometry: `draw_stereo` with rasterising switched off: the Python plus the driver's vertex work.
- issue: the two eyes' `draw` calls timed apart, with glFinish between them. On Mesa's llvmpipe this adds
  the driver's geometry work (vertex shading, triangle setup and binning), done on the calling thread.
- stereo: `draw_stereo` as a frame loop calls it; on a machine with few cores the second eye's calls share
  the CPU with the first eye's rasterising threads.
- frame: `draw_stereo` plus glFinish: the whole frame on this machine.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import statistics
import time

from madang.xr.gl_platform import choose_platform

choose_platform("egl")

from OpenGL import GL  # noqa: E402 - after choosing the platform

from madang.kiosk.build import build_kiosk  # noqa: E402
from madang.kiosk.display import Display  # noqa: E402
from madang.kiosk.navigate import go_to  # noqa: E402
from madang.xr.camera import STANDING_EYE_HEIGHT_M, eye_views, perspective_from_fov  # noqa: E402
from madang.xr.model_views import ModelViews  # noqa: E402
from madang.xr.offscreen import Framebuffer, OffscreenContext  # noqa: E402
from madang.xr.scene_kit import MeshInstances  # noqa: E402
from madang.xr.scene_renderer import EyeTarget, SceneRenderer  # noqa: E402
from madang.xr.scenes import SCENE_IDS, build_scene  # noqa: E402
from madang.xr.screen_paint import ScreenView  # noqa: E402
from madang.xr.ui_renderer import UiRenderer  # noqa: E402

EYE_WIDTH, EYE_HEIGHT = (int(size) for size in os.environ.get("EYE_SIZE", "1440x1600").split("x"))
FRAMES = 30
WARM_UP = 3
LEFT_FOV = (math.radians(-52), math.radians(44), math.radians(48), math.radians(-52))  # a headset's left eye
RIGHT_FOV = (-LEFT_FOV[1], -LEFT_FOV[0], LEFT_FOV[2], LEFT_FOV[3])
PROJECTIONS = [perspective_from_fov(*fov, 0.05, 1000.0) for fov in (LEFT_FOV, RIGHT_FOV)]


UI_FRAMES = 200
LANDSCAPE_1080P = Display(width_mm=708.0, height_mm=398.0, width_px=1920, height_px=1080, bottom_from_floor_mm=750)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples[WARM_UP:]) * 1000


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples[WARM_UP:], n=20)[-1] * 1000


def draw_picture(pictures: ModelViews, time_s: float, placed, box, target_height: int) -> None:
    pictures.draw(placed, box, target_height, time_s)


def ui_figures(renderer: UiRenderer, pictures: ModelViews, view: ScreenView, other_focus: str) -> dict[str, float]:
    width, height = view.display.width_px, view.display.height_px
    target = Framebuffer(width, height)
    target.bind()
    unchanged, changed, whole, with_picture = [], [], [], []
    views = (view, dataclasses.replace(view, focus=other_focus))
    for frame in range(WARM_UP + UI_FRAMES):
        start = time.perf_counter()
        renderer.draw(view, width, height)
        unchanged.append(time.perf_counter() - start)
        GL.glFinish()
        start = time.perf_counter()
        renderer.draw(views[frame % 2], width, height)
        changed.append(time.perf_counter() - start)
        GL.glFinish()
        start = time.perf_counter()
        renderer.draw(view, width, height)
        GL.glFinish()
        whole.append(time.perf_counter() - start)
        start = time.perf_counter()
        renderer.draw(view, width, height, functools.partial(draw_picture, pictures, frame / 60))
        GL.glFinish()
        with_picture.append(time.perf_counter() - start)
    target.delete()
    return {
        "unchanged p50": median_ms(unchanged),
        "unchanged p95": p95_ms(unchanged),
        "input p50": median_ms(changed),
        "input p95": p95_ms(changed),
        "fps": 1000 / median_ms(whole),
        "fps with 3D picture": 1000 / median_ms(with_picture),
    }


def report_ui() -> None:
    kiosk = build_kiosk(display_path=None)
    kiosk.display = LANDSCAPE_1080P
    kiosk.start()
    renderer, pictures = UiRenderer(), ModelViews()
    print(f"Kiosk screens at 1920x1080 on {GL.glGetString(GL.GL_RENDERER).decode()}, {UI_FRAMES} frames each")
    for screen, focus in (("home", "service:tax-square"), ("landmark:donuimun-gate", "read-aloud")):
        go_to(kiosk, screen)
        view = dataclasses.replace(ScreenView.of(kiosk), focus=None)
        figures = ui_figures(renderer, pictures, view, focus)
        shown = any(placed.element.role.value == "image" for placed in view.laid_out.visible)
        picture = f"{figures['fps with 3D picture']:.0f} fps with its 3D picture" if shown else "no 3D picture fits"
        print(
            f"  {screen:24} Python per frame p50 {figures['unchanged p50']:.2f} ms,"
            f" p95 {figures['unchanged p95']:.2f} ms; after an input p50 {figures['input p50']:.1f} ms,"
            f" p95 {figures['input p95']:.1f} ms; {figures['fps']:.0f} fps, {picture}"
        )
    renderer.delete()
    pictures.delete()


def stereo_eyes(scene, targets, frame: int) -> list[EyeTarget]:
    spot = scene.spawn
    head = (spot.position[0], spot.position[1] + STANDING_EYE_HEIGHT_M, spot.position[2])
    views = eye_views(head, spot.yaw + 0.2 * math.sin(frame / 10))  # the head turns a little, as heads do
    return [
        EyeTarget(target, view, projection)
        for target, view, projection in zip(targets, views, PROJECTIONS, strict=True)
    ]


def python_alone(renderer: SceneRenderer, targets) -> tuple[float, float]:
    """Median and p95 ms of draw_stereo for a scene of one small instance of each kind of mesh, not rasterised."""
    plaza = build_scene("plaza")
    one_each = {
        kind: MeshInstances(part.models[:1], part.colours[:1], part.materials[:1])
        for kind, part in plaza.instances.items()
    }
    stub = dataclasses.replace(plaza, id="one instance of each mesh", instances=one_each)
    samples = []
    GL.glEnable(GL.GL_RASTERIZER_DISCARD)
    for frame in range(WARM_UP + 4 * FRAMES):
        eyes = stereo_eyes(stub, targets, frame)
        start = time.perf_counter()
        renderer.draw_stereo(stub, eyes, frame / 72)
        samples.append(time.perf_counter() - start)
    GL.glDisable(GL.GL_RASTERIZER_DISCARD)
    GL.glFinish()
    renderer.forget(stub.id)
    return median_ms(samples), p95_ms(samples)


def measure(renderer: SceneRenderer, targets, scene_id: str) -> dict[str, float]:
    scene = build_scene(scene_id)
    geometry, issue, stereo, frame_total = [], [], [], []
    for frame in range(WARM_UP + FRAMES):
        eyes = stereo_eyes(scene, targets, frame)
        GL.glEnable(GL.GL_RASTERIZER_DISCARD)
        start = time.perf_counter()
        renderer.draw_stereo(scene, eyes, frame / 72)
        geometry.append(time.perf_counter() - start)
        GL.glDisable(GL.GL_RASTERIZER_DISCARD)
        GL.glFinish()
        issued = 0.0
        for eye in eyes:
            eye.target.bind()
            start = time.perf_counter()
            renderer.draw(scene, eye.view, eye.projection, frame / 72)
            issued += time.perf_counter() - start
            GL.glFinish()
        issue.append(issued)
        start = time.perf_counter()
        renderer.draw_stereo(scene, eyes, frame / 72)
        stereo.append(time.perf_counter() - start)
        GL.glFinish()
        frame_total.append(time.perf_counter() - start)
    return {
        "geometry": median_ms(geometry),
        "issue": median_ms(issue),
        "stereo": median_ms(stereo),
        "frame": median_ms(frame_total),
    }


def main() -> None:
    with OffscreenContext():
        report_ui()
        renderer = SceneRenderer()
        targets = (Framebuffer(EYE_WIDTH, EYE_HEIGHT), Framebuffer(EYE_WIDTH, EYE_HEIGHT))
        print(f"Stereo scenes at 2 x {EYE_WIDTH}x{EYE_HEIGHT} on {GL.glGetString(GL.GL_RENDERER).decode()},")
        median, p95 = python_alone(renderer, targets)
        print(f"  Python per stereo frame, any scene: median {median:.2f} ms, p95 {p95:.2f} ms")
        print(f"Per scene, median ms of {FRAMES} frames (see the docstring for what each column measures)")
        print(f"  {'scene':20} {'instances':>9} {'draws':>5} {'geometry':>8} {'issue':>7} {'stereo':>7} {'frame':>7}")
        for scene_id in SCENE_IDS:
            scene = build_scene(scene_id)
            before = renderer.draw_calls
            renderer.draw_stereo(scene, stereo_eyes(scene, targets, 0), 0.0)
            draws = renderer.draw_calls - before
            figures = measure(renderer, targets, scene_id)
            columns = (
                f"{figures['geometry']:8.2f} {figures['issue']:7.2f} {figures['stereo']:7.2f} {figures['frame']:7.1f}"
            )
            print(f"  {scene_id:20} {scene.instance_count:9d} {draws:5d} {columns}")
        for target in targets:
            target.delete()
        renderer.delete()


if __name__ == "__main__":
    main()
