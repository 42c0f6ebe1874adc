"""The citizen's kiosk: from an input event to the updated screen, its memory, and its start-up. No server needed.

Prints figures; never fails on timing. Run with `make bench` or `.venv/bin/python tests/perf/kiosk_bench.py`
(add `--profile` to see where the in-process time goes, `--no-server` to skip the live-server figure).

1. In process: `Kiosk.handle` on a scripted mix of touch, key, utterance, text and tick events that walks home,
   settings, several services, help, the proposal and call-back forms and the session timeout, at text sizes
   100, 150, 200 and 300%, with and without low position, in Korean and English (the keypad also turns on high
   contrast or easy mode in some rounds). The time covers handling the event and building the output events
   (the screen event included), not JSON encoding; CPU time is shown too, as it varies less on a busy machine.
2. The same events through the real process (`madang kiosk --mode headless`): write one line, time until the
   screen line arrives. After each event a line of an unknown type follows; its error event marks the end of
   the answer, so no line is left over for the next event. Events that change nothing on screen (a tick, an
   utterance not understood) have no screen line and are counted apart.
3. Resident memory (VmRSS) of that process after start-up and after 500 events, and its peak (VmHWM).
4. Start-up: `madang kiosk --mode headless` to its first screen line, and, in process, `build_kiosk` alone.
5. With a live admin web (tests/live_server.py, SQLite): taking a ticket, from the touch on "yes" to the
   waiting screen with its number. Skipped with `--no-server`.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from server_bench import percentiles

from madang.content.contract import SEOUL
from madang.kiosk.build import build_kiosk
from madang.kiosk.protocol import ProtocolError, parse

MADANG = Path(sys.executable).parent / "madang"
ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-16"
NOW = datetime.fromisoformat(f"{TODAY}T10:00:00").replace(tzinfo=SEOUL)
SCALE_STEPS = {1.0: 0, 1.5: 1, 2.0: 2, 3.0: 4}  # touches on "text-size" (100% -> 150% -> ... -> 300%)
ROUNDS = [(scale, low, lang) for lang in ("ko", "en") for low in (False, True) for scale in SCALE_STEPS]
MEMORY_AFTER = 500
STARTS = 5
TICKETS = 20
SYNC = b'{"type":"bench-sync"}\n'  # answered with an "unknown_type" error: the end of the previous answer
NOT_UNDERSTOOD = {"ko": "음 잠깐만요", "en": "hmm wait a moment"}
PROPOSAL = {"ko": "버스 정류장에 의자를 놓아 주세요", "en": "Please put benches at the bus stops"}


# --- the scripted citizen ------------------------------------------------------------------------------------


@dataclass
class View:
    """What the citizen sees: the last screen event; and every phrase heard on a screen so far, by language."""

    screen: dict = field(default_factory=dict)
    phrases: dict[tuple[str, str], str] = field(default_factory=dict)

    def show(self, screen: dict | None) -> None:
        if screen is None:
            return
        self.screen = screen
        for element in screen["elements"]:
            if element["voice"]:
                self.phrases.setdefault((screen["lang"], element["id"]), element["voice"][0])

    def phrase(self, element_id: str) -> str:
        return self.phrases[(self.lang, element_id)]

    def element(self, element_id: str) -> dict | None:
        return next((e for e in self.screen["elements"] if e["id"] == element_id), None)

    @property
    def scale(self) -> float:
        return self.screen["profile"]["text_scale"]

    @property
    def lang(self) -> str:
        return self.screen["lang"]


def touch(target: str) -> dict:
    return {"type": "touch", "target": target}


def key(name: str) -> dict:
    return {"type": "key", "key": name}


def say(view: View, text: str) -> dict:
    return {"type": "utterance", "text": text, "lang": view.lang}


def reach(view: View, target: str, *, limit: int = 20) -> Iterator[dict]:
    """Touch ``target``, turning pages (by touch) forward to the last, then back, until it is shown."""
    turn = "page-next"
    for _ in range(limit):
        if view.element(target) is not None:
            yield touch(target)
            return
        button = view.element(turn)
        if button is None or not button["enabled"]:
            turn = "page-previous"
            button = view.element(turn)
            if button is None or not button["enabled"]:
                break
        yield touch(turn)
    raise RuntimeError(f"{target!r} is on no page of {view.screen['id']!r}")


def by_voice(view: View, prefix: str, nth: int) -> Iterator[dict]:
    """Say the first phrase of one of the shown options with ``prefix`` (the ``nth``, round the list), then yes
    when the kiosk asks."""
    options = [e for e in view.screen["elements"] if e["id"].startswith(prefix) and e["enabled"] and e["voice"]]
    yield say(view, options[nth % len(options)]["voice"][0])
    if view.element("voice-confirm") is not None:
        yield say(view, view.phrase("yes"))


def journey(view: View) -> Iterator[dict]:
    """One round per profile; each ends in a session timeout, which resets the profile."""
    for number, (scale, low, lang) in enumerate(ROUNDS):
        if lang != view.lang:
            yield touch("language")
        yield touch("settings")
        for _ in range(SCALE_STEPS[scale]):
            yield from reach(view, "text-size")
        if low:
            yield from reach(view, "low-position")
        yield from (key("down"), key("down"), key("right"), key("up"))
        yield touch("home")
        # home by keypad and voice, a service, help
        yield from (key("down"), key("down"), key("down"), key("up"))
        yield from by_voice(view, "service:", number)
        yield from (key("down"), key("down"), {"type": "tick", "seconds": 5}, say(view, NOT_UNDERSTOOD[lang]))
        yield from (touch("help"), touch("back"), touch("home"))
        # the Mayor's office: a typed proposal, confirmed by voice; offline, a call-back request typed
        yield from reach(view, "service:mayor-office")
        yield from reach(view, "propose")
        yield {"type": "text", "text": PROPOSAL[lang]}
        yield from reach(view, "send")
        yield say(view, view.phrase("yes"))  # a question page: yes acts at once
        yield from reach(view, "callback")
        yield {"type": "text", "text": "010-1234-5678"}
        yield from reach(view, "send")
        yield touch("home")
        # Tax Square: a consultation with an accessibility need (offline: no ticket)
        yield from reach(view, "service:tax-square")
        yield from reach(view, "consult")
        yield from reach(view, "need:wheelchair")
        yield from reach(view, "yes")
        yield touch("home")
        # the session runs out: the warning, then the timeout
        yield from ({"type": "tick", "seconds": 100}, {"type": "tick", "seconds": 20})


# --- 1. in process -------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    scale: float
    low: bool
    screen: str
    ms: float
    cpu_ms: float  # this thread's CPU time: steadier than ms on a machine busy with other work
    event: dict


def in_process(data_dir: Path, profiler: cProfile.Profile | None = None) -> tuple[list[Sample], int]:
    """Every event of the journey through one kiosk; ``profiler`` (if any) runs during ``handle`` only."""
    kiosk = build_kiosk(data_dir=data_dir, now=NOW)
    view = View()
    view.show(next(event for event in kiosk.start() if event["type"] == "screen"))
    samples, errors = [], 0
    for event in journey(view):
        parsed = parse(json.dumps(event, ensure_ascii=False))
        scale, low = view.scale, view.screen["profile"]["low_position"]
        if profiler is not None:
            profiler.enable()
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            out = kiosk.handle(parsed)
        except ProtocolError as error:
            out = kiosk.error(error)
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000
        if profiler is not None:
            profiler.disable()
        errors += any(item["type"] == "error" for item in out)
        for item in out:
            if item["type"] == "screen":
                view.show(item)
        samples.append(Sample(event["type"], scale, low, view.screen["id"], elapsed, cpu, event))
    return samples, errors


# --- 2. and 3. through the headless process ------------------------------------------------------------------


class Headless:
    """One `madang kiosk --mode headless` process, read line by line."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        command = [str(MADANG), "kiosk", "--mode", "headless", "--data-dir", str(data_dir), "--today", TODAY]
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log = data_dir / "kiosk.log"
        self.started = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
            )
        self.first_screen = json.loads(self._until(lambda line: line.startswith(b'{"type":"screen"')))
        self.startup_ms = (time.perf_counter() - self.started) * 1000

    def _until(self, wanted: Callable[[bytes], bool]) -> bytes:
        while line := self.process.stdout.readline():
            if wanted(line):
                return line
        raise self._exited()

    def _exited(self) -> RuntimeError:
        return RuntimeError(f"the kiosk exited with {self.process.wait()}:\n{self.log.read_text()[-2000:]}")

    def send(self, event: dict) -> tuple[float | None, dict | None, bool]:
        """Milliseconds until the screen line (None when the screen did not change), that screen, and whether
        the kiosk answered the event with an error."""
        data = (json.dumps(event, ensure_ascii=False) + "\n").encode()
        started = time.perf_counter()
        self.process.stdin.write(data + SYNC)
        self.process.stdin.flush()
        elapsed, screen, error = None, None, False
        while line := self.process.stdout.readline():
            if line.startswith(b'{"type":"screen"') and elapsed is None:
                elapsed = (time.perf_counter() - started) * 1000
                screen = json.loads(line)
            elif line.startswith(b'{"type":"error"'):
                if b'"code":"unknown_type"' in line:
                    return elapsed, screen, error
                error = True
        raise self._exited()

    def memory_kib(self) -> dict[str, int]:
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in status if ":" in line)
        return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def through_process(data_dir: Path) -> dict:
    kiosk = Headless(data_dir)
    memory = {"start": kiosk.memory_kib()}
    view = View()
    view.show(kiosk.first_screen)
    changed: list[float] = []
    unchanged, errors, sent = 0, 0, 0
    try:
        for event in journey(view):
            elapsed, screen, error = kiosk.send(event)
            sent += 1
            errors += error
            if elapsed is None:
                unchanged += 1
            else:
                changed.append(elapsed)
                view.show(screen)
            if sent == MEMORY_AFTER:
                memory["after"] = kiosk.memory_kib()
        memory["end"] = kiosk.memory_kib()
    finally:
        kiosk.close()
    return {"changed": changed, "unchanged": unchanged, "errors": errors, "sent": sent, "memory": memory}


# --- 4. start-up ---------------------------------------------------------------------------------------------


def startup(data_dir: Path) -> tuple[list[float], list[float]]:
    processes = []
    for _ in range(STARTS):
        kiosk = Headless(data_dir)
        processes.append(kiosk.startup_ms)
        kiosk.close()
    builds = []
    for _ in range(STARTS):
        started = time.perf_counter()
        build_kiosk(data_dir=data_dir, now=NOW).start()
        builds.append((time.perf_counter() - started) * 1000)
    return processes, builds


# --- 5. a ticket from a live server --------------------------------------------------------------------------


def live_tickets(root: Path) -> tuple[list[float], float]:
    sys.path.insert(0, str(ROOT))
    from tests.live_server import start_live_server  # noqa: PLC0415  (only when this figure is asked for)

    started = time.perf_counter()
    with start_live_server(root / "server") as server:
        setup_s = time.perf_counter() - started
        kiosk = Headless(root / "live-kiosk", "--server", server.url, "--token", server.kiosk_token)
        view = View()
        view.show(kiosk.first_screen)
        samples = []
        try:
            for _ in range(TICKETS):
                for target in ("service:tax-square", "consult"):
                    for event in reach(view, target):  # each step sees the screen the last one left
                        view.show(kiosk.send(event)[1])
                elapsed, screen, _ = kiosk.send(touch("yes"))
                if screen is None or screen["id"] != "ticket:waiting":
                    raise RuntimeError(f"no ticket: the kiosk shows {screen and screen['id']!r}")
                samples.append(elapsed)
                view.show(kiosk.send(touch("home"))[1])
        finally:
            kiosk.close()
    return samples, setup_s


# --- the run -------------------------------------------------------------------------------------------------


def described(event: dict) -> str:
    detail = event.get("target") or event.get("key") or event.get("text") or event.get("seconds")
    return f"{event['type']} {detail}"


def table(title: str, groups: dict[str, list[float]]) -> None:
    print(title)
    for label, values in groups.items():
        print(f"  {label:<22} {percentiles(values)}")


def grouped(samples: list[Sample], key: Callable[[Sample], str]) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = {}
    for sample in samples:
        groups.setdefault(key(sample), []).append(sample.ms)
    return groups


def print_profile(title: str, profiler: cProfile.Profile) -> None:
    print(f"\n{title} (cProfile; cumulative, then own time)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(20)
    stats.sort_stats("tottime").print_stats(12)


def profile(data_dir: Path) -> None:
    """Where the time goes: in Kiosk.handle over the whole journey, and in build_kiosk (start-up)."""
    handling = cProfile.Profile()
    in_process(data_dir / "handle", handling)
    print_profile("Kiosk.handle, the whole journey", handling)
    building = cProfile.Profile()
    building.runcall(build_kiosk, data_dir=data_dir / "build", now=NOW)
    print_profile("build_kiosk", building)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="madang-kiosk-bench-"))
    began = time.monotonic()
    try:
        samples, errors = in_process(root / "in-process")
        table(
            f"1. Kiosk.handle, in process: {len(samples)} events, {len(ROUNDS)} rounds, {errors} error answers",
            {"all events": [s.ms for s in samples], "all events, CPU time": [s.cpu_ms for s in samples]}
            | grouped(samples, lambda s: f"{s.kind}")
            | grouped(samples, lambda s: f"text {s.scale:.0%}")
            | grouped(samples, lambda s: "low position" if s.low else "standard position"),
        )
        slowest = sorted(samples, key=lambda s: s.ms, reverse=True)[:5]
        print(
            "  slowest: "
            + "; ".join(f"{s.ms:.1f} ms {described(s.event)} -> {s.screen} at {s.scale:.0%}" for s in slowest)
        )

        run = through_process(root / "headless")
        table(
            f"2. `madang kiosk --mode headless`, line in to screen line out: {run['sent']} events, "
            f"{run['unchanged']} without a screen change, {run['errors']} error answers",
            {"screen changed": run["changed"]},
        )

        memory = run["memory"]
        after = memory.get("after", memory["end"])
        print(f"3. resident memory of the headless kiosk (VmRSS; {run['sent']} events in all)")
        print(f"  after start-up         {memory['start']['VmRSS'] / 1024:6.1f} MiB")
        print(f"  after {MEMORY_AFTER} events       {after['VmRSS'] / 1024:6.1f} MiB")
        print(f"  peak (VmHWM) at end    {memory['end']['VmHWM'] / 1024:6.1f} MiB")

        processes, builds = startup(root / "startup")
        print(f"4. start-up ({STARTS} runs)")
        print(
            f"  process to first screen line   median {statistics.median(processes):6.0f} ms  "
            f"(min {min(processes):.0f}, max {max(processes):.0f})"
        )
        print(
            f"  build_kiosk + start, in process median {statistics.median(builds):6.0f} ms  "
            "(the rest of the first figure: the interpreter and imports)"
        )

        if "--no-server" not in sys.argv:
            try:
                tickets, setup_s = live_tickets(root)
            except (ImportError, RuntimeError) as error:  # this figure is optional: say why it is missing
                print(f"5. with a live admin web: skipped ({str(error).splitlines()[0]})")
            else:
                print(f"5. with a live admin web (SQLite, set up and started in {setup_s:.1f} s)")
                print(f"  touch 'yes' to ticket screen {percentiles(tickets)}")
        if "--profile" in sys.argv:
            profile(root / "profile")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"(the whole benchmark took {time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
