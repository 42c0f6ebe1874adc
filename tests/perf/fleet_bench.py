"""A fleet of 200 kiosks against the production server (`madang admin serve`, gunicorn) on PostgreSQL.

Prints figures; never fails on timing. Run with `make bench` or `.venv/bin/python tests/perf/fleet_bench.py`
(`--help` for the options: duration, pacing, kiosks, workers; add `sqlite` to measure on SQLite instead).
PostgreSQL is measured when it answers at MADANG_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) and skipped otherwise. Only loopback traffic.

Each simulated kiosk has a real token (registered with the service, as `madang admin create-kiosk` does) and
behaves like one: it fetches the content manifest at start, then polls it with If-None-Match (304), sends
heartbeats with its versions and health, and now and then a citizen takes a ticket (Idempotency-Key), which the
kiosk then reads; one take in ten is sent again with the same key, as the outbox does after a lost answer.
Every request opens a connection of its own with the kiosk client's 3 s timeout, as the kiosk's urllib client does.

1. Paced: the kiosks at real pacing compressed by ``--speedup`` (default 5: a heartbeat every 6 s instead of
   30, the manifest every 12 s instead of 60, a ticket every 24 s on average instead of 120), for ``--seconds``.
   Goal: no errors, p95 < 100 ms. (On a 2-core machine 10x is about the flat-out capacity: it measures queueing.)
2. Flat out: the same kiosks and the same mix of requests with no pause, for ``--flat-seconds``: the capacity.

The kiosks are threads spread over ``--processes`` processes, so the load generator is not held back by one
interpreter lock; it still shares the machine's CPU with the server and PostgreSQL, and its share is printed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path

from server_bench import THREADS, WORKERS, database, server_cpu_seconds

from madang.admin_web.db import make_engine, write_session
from madang.admin_web.migrations import upgrade
from madang.admin_web.services import content_store, kiosks
from madang.content.cli import SHIPPED_PACK

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script, only tests/perf is on sys.path: the root finds tests.live_server
from tests.live_server import API, serve  # noqa: E402

KIOSKS = 200
PROCESSES = 4
SECONDS = 60.0
FLAT_SECONDS = 10.0
SPEEDUP = 5.0
# real pacing, in seconds: a heartbeat, a manifest poll, a citizen taking a ticket (busy hour, on average)
HEARTBEAT_EVERY = 30.0
MANIFEST_EVERY = 60.0
TICKET_EVERY = 120.0
RETRY_SHARE = 0.1  # of ticket takes, sent again with the same Idempotency-Key
CLIENT_TIMEOUT = 3.0  # KioskApiClient's default
SERVICES = ("tax-square", "documents", "consult-120")
GOAL_P95_MS = 100.0
APP_VERSION = package_version("madang")
ENDPOINTS = ("manifest 200", "manifest 304", "heartbeat", "take ticket", "take again (same key)", "read ticket")


@dataclass(frozen=True)
class Plan:
    port: int
    seconds: float
    speedup: float  # 0: flat out, no pause
    heartbeat_body: str  # "design" or "flat"
    content_version: int


# --- the database and the server ------------------------------------------------------------------------


def set_up(url: str, count: int) -> tuple[list[str], int]:
    """Schema, the Seoul pack published, and ``count`` kiosks: their tokens, and the content version."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            content_store.import_pack(session, root=SHIPPED_PACK, actor="bench")
            content_store.publish(session, actor="bench")
        with write_session(engine) as session:
            tokens = [kiosks.register_kiosk(session, name=f"bench-kiosk-{n:03d}")[1] for n in range(count)]
            version = content_store.current_version(session).id
    finally:
        engine.dispose()
    return tokens, version


def machine_busy_seconds() -> float:
    """CPU seconds every core spent busy (not idle, not waiting for I/O) since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class PostgresCpu:
    """CPU of the PostgreSQL backends serving one database, sampled a few times a second (a backend that
    exits between two samples loses at most that interval), so PostgreSQL's share is told apart from the rest."""

    def __init__(self, database_name: str) -> None:
        self.marker = f" {database_name} ".encode()
        self.seen: dict[str, float] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PostgresCpu:
        self.first = dict(self._backends())
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()
        self.seen.update(self._backends())

    def seconds(self) -> float:
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.seen.items())

    def _sample(self) -> None:
        while not self.stopped.wait(0.25):
            self.seen.update(self._backends())

    def _backends(self) -> Iterator[tuple[str, float]]:
        for folder in Path("/proc").iterdir():
            if not folder.name.isdigit():
                continue
            try:
                command = (folder / "cmdline").read_bytes()
                if command.startswith(b"postgres:") and self.marker in command:
                    yield folder.name, process_cpu_seconds(folder.name)
            except OSError:  # it exited meanwhile
                continue


# --- one kiosk -------------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, token: str, body: dict | None = None, **headers: str):
    """One request on a connection of its own: (status, decoded JSON or None, ETag)."""
    headers = {"Authorization": f"Bearer {token}", **headers}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type", "")
        answer = json.loads(data) if data and kind.startswith("application/json") else None
        return response.status, answer, response.getheader("ETag")
    finally:
        connection.close()


def heartbeat_body(kind: str, content_version: int, started_at: str) -> dict:
    """Issue 7's heartbeat (nested health), or the same facts flattened for a server that accepts only scalars."""
    health = {
        "microphone": {"ok": True, "detail": "USB microphone, level -38 dB"},
        "speaker": {"ok": True, "detail": "default sink, volume 70%"},
        "recogniser": {"ok": True, "detail": "Korean model loaded"},
        "renderer": {"ok": True, "detail": "terminal"},
        "content": {"ok": True, "version": content_version, "detail": "verified"},
        "outbox": {"backlog": 0, "oldest_age_s": 0.0, "failed": 0},
        "assistance": {"ok": True, "detail": "no call pending"},
    }
    body = {"app_version": APP_VERSION, "content_version": content_version}
    if kind == "design":
        return {**body, "started_at": started_at, "health": health}
    flat = {f"{part}.{key}": value for part, facts in health.items() for key, value in facts.items()}
    return {**body, "health": {**flat, "started_at": started_at}}


class Kiosk:
    """One simulated kiosk: its token, its content ETag, and what it measured."""

    def __init__(self, token: str, plan: Plan, rng: random.Random, record) -> None:
        self.token, self.plan, self.rng, self.record = token, plan, rng, record
        self.etag: str | None = None
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")

    def timed(self, endpoint: str, expected: tuple[int, ...], method: str, path: str, body=None, **headers):
        """(status, answer, ETag, ms) of an answer with an ``expected`` status; None after recording an error."""
        started = time.perf_counter()
        try:
            status, answer, etag = request(self.plan.port, method, path, self.token, body, **headers)
        except TimeoutError:
            error = f"timeout (the kiosk client's {CLIENT_TIMEOUT:.0f} s)"
        except (OSError, http.client.HTTPException) as exception:
            error = type(exception).__name__
        else:
            elapsed = (time.perf_counter() - started) * 1000
            if status in expected:
                return status, answer, etag, elapsed
            self.record(endpoint, elapsed, f"HTTP {status}")
            return None
        self.record(endpoint, (time.perf_counter() - started) * 1000, error)
        return None

    def manifest(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        answer = self.timed("manifest", (200, 304), "GET", f"{API}/content/manifest", **headers)
        if answer is None:
            return
        status, _, etag, elapsed = answer
        self.etag = etag or self.etag
        self.record(f"manifest {status}", elapsed, None)

    def heartbeat(self) -> None:
        body = heartbeat_body(self.plan.heartbeat_body, self.plan.content_version, self.started_at)
        answer = self.timed("heartbeat", (200,), "POST", f"{API}/kiosks/heartbeat", body)
        if answer is not None:
            self.record("heartbeat", answer[3], None)

    def ticket(self) -> None:
        body = {"service_id": self.rng.choice(SERVICES), "lang": self.rng.choice(("ko", "ko", "en"))}
        idempotency = {"Idempotency-Key": uuid.uuid4().hex}
        taken = self.timed("take ticket", (201,), "POST", f"{API}/tickets", body, **idempotency)
        if taken is None:
            return
        self.record("take ticket", taken[3], None)
        ticket = taken[1]["id"]
        if self.rng.random() < RETRY_SHARE:
            again = self.timed("take again (same key)", (200,), "POST", f"{API}/tickets", body, **idempotency)
            if again is not None:
                same = again[1]["id"] == ticket
                self.record("take again (same key)", again[3], None if same else "another ticket for the same key")
        read = self.timed("read ticket", (200,), "GET", f"{API}/tickets/{ticket}")
        if read is not None:
            self.record("read ticket", read[3], None if read[1]["id"] == ticket else "another ticket's answer")

    def run(self, start: float, stop: float) -> None:
        speedup = self.plan.speedup
        if speedup == 0:  # flat out: the paced mix (per 120 s: 2 manifests, 4 heartbeats, 1 ticket), no pause
            time.sleep(max(0.0, start - time.monotonic()))
            actions = (self.manifest, self.heartbeat, self.ticket)
            while time.monotonic() < stop:
                self.rng.choices(actions, weights=(2, 4, 1))[0]()
            return
        heartbeat, manifest, ticket = HEARTBEAT_EVERY / speedup, MANIFEST_EVERY / speedup, TICKET_EVERY / speedup
        # kiosks start at random moments over one heartbeat interval: the manifest first, then the heartbeat
        now = start + self.rng.uniform(0, heartbeat)
        due = {self.manifest: now, self.heartbeat: now + 0.001, self.ticket: now + self.rng.expovariate(1 / ticket)}
        every = {self.manifest: manifest, self.heartbeat: heartbeat}
        while True:
            action = min(due, key=due.get)
            if due[action] >= stop:
                return
            time.sleep(max(0.0, due[action] - time.monotonic()))
            action()
            if action == self.ticket:  # citizens arrive at random (a Poisson process)
                due[action] += self.rng.expovariate(1 / ticket)
            else:  # timers drift a little from kiosk to kiosk
                due[action] += every[action] * self.rng.uniform(0.9, 1.1)


def run_kiosks(plan: Plan, tokens: list[str], seed: int, start: float, results) -> None:
    """A load process: one thread per kiosk; puts (samples, CPU seconds of this process) on ``results``."""
    samples: list[tuple[str, float, str | None]] = []
    lock = threading.Lock()

    def record(endpoint: str, ms: float, error: str | None) -> None:
        with lock:
            samples.append((endpoint, ms, error))

    stop = start + plan.seconds
    cpu = time.process_time()
    threads = [
        threading.Thread(target=Kiosk(token, plan, random.Random(seed * 1000 + n), record).run, args=(start, stop))
        for n, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=plan.seconds + 60)
    results.put((samples, time.process_time() - cpu))


# --- a run and its figures ------------------------------------------------------------------------------


@dataclass
class Run:
    samples: list[tuple[str, float, str | None]]
    seconds: float
    load_cpu: float  # the load processes and this one
    server_cpu: float  # gunicorn's arbiter and workers
    postgres_cpu: float  # the backends of the bench's database
    machine_cpu: float  # every process, every core


def run(plan: Plan, tokens: list[str], processes: int, server_pid: int, database_name: str) -> Run:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.monotonic() + 1.0  # every process has started its threads by then
    shares = [tokens[n::processes] for n in range(processes)]
    workers = [
        context.Process(target=run_kiosks, args=(plan, share, n, start, results)) for n, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    time.sleep(max(0.0, start - time.monotonic()))
    with PostgresCpu(database_name) as postgres:
        here, server, machine = time.process_time(), server_cpu_seconds(server_pid), machine_busy_seconds()
        answers = [results.get(timeout=plan.seconds + 120) for _ in workers]
        seconds = time.monotonic() - start
        server, machine = server_cpu_seconds(server_pid) - server, machine_busy_seconds() - machine
    here = time.process_time() - here
    for worker in workers:
        worker.join(timeout=30)
        if worker.exitcode != 0:
            raise RuntimeError(f"a load process exited with {worker.exitcode}")
    samples = [sample for part, _ in answers for sample in part]
    return Run(samples, seconds, here + sum(cpu for _, cpu in answers), server, postgres.seconds(), machine)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency_line(label: str, times: list[float], seconds: float) -> str:
    if not times:
        return f"  {label:<24} no answers"
    ordered = sorted(times)
    figures = "  ".join(f"p{n} {percentile(ordered, n / 100):6.1f}" for n in (50, 95, 99))
    return f"  {label:<24} {len(ordered):6d} {len(ordered) / seconds:7.1f}/s  {figures}  max {ordered[-1]:7.1f} ms"


def report(title: str, result: Run, cores: int, *, goal: bool) -> tuple[float, float]:
    """Prints the run's figures; returns its requests per second, and the ceiling of the server with PostgreSQL
    when they have every core to themselves: the cores divided by their CPU seconds per request."""
    answered = [(endpoint, ms) for endpoint, ms, error in result.samples if error is None]
    errors = Counter((endpoint, error) for endpoint, _, error in result.samples if error is not None)
    total = len(result.samples)
    rate = total / result.seconds
    print(f"{title}: {total} requests in {result.seconds:.1f} s = {rate:.1f} requests/s")
    print(f"  {'endpoint':<24} {'count':>6} {'rate':>9}  latency in ms")
    for endpoint in ENDPOINTS:
        times = [ms for name, ms in answered if name == endpoint]
        if times:
            print(latency_line(endpoint, times, result.seconds))
    every = [ms for _, ms in answered]
    print(latency_line("all answered", every, result.seconds))
    if errors:
        print(f"  errors: {sum(errors.values())} of {total}")
        for (endpoint, error), count in errors.most_common():
            print(f"    {count:6d}  {endpoint}: {error}")
    else:
        print(f"  errors: none of {total}")
    if goal and every:
        p95 = percentile(sorted(every), 0.95)
        verdict = "met" if not errors and p95 < GOAL_P95_MS else "not met"
        count = sum(errors.values())
        print(f"  goal (no errors, p95 < {GOAL_P95_MS:.0f} ms): {verdict} (p95 {p95:.1f} ms, {count} errors)")
    share = {  # CPU seconds
        "server": result.server_cpu,
        "PostgreSQL": result.postgres_cpu,
        "load generator": result.load_cpu,
        "other processes": max(0.0, result.machine_cpu - result.server_cpu - result.postgres_cpu - result.load_cpu),
    }
    parts = ", ".join(f"{name} {cpu / result.seconds * 100:.0f}" for name, cpu in share.items())
    busy = result.machine_cpu / result.seconds * 100
    print(f"  CPU in % of one core, of {cores * 100}: {parts}; machine busy {busy:.0f}")
    if total:
        per_request = ", ".join(f"{name} {share[name] / total * 1000:.2f}" for name in list(share)[:3])
        print(f"  CPU per request in ms: {per_request}")
    serving = (result.server_cpu + result.postgres_cpu) / max(total, 1)
    return rate, (cores / serving if serving > 0 else 0.0)


def probe_heartbeat(port: int, token: str, content_version: int) -> str:
    """Which heartbeat body the server takes: issue 7's ("design"), else the flattened one ("flat")."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    status, answer, _ = request(
        port, "POST", f"{API}/kiosks/heartbeat", token, heartbeat_body("design", content_version, started_at)
    )
    if status == 200:
        commands = "with" if isinstance(answer, dict) and "commands" in answer else "without"
        print(f"heartbeat body: issue 7's, with nested health (accepted; the answer comes {commands} commands)")
        return "design"
    reason = answer.get("detail", "")[:100] if isinstance(answer, dict) else ""
    status_flat, _, _ = request(
        port, "POST", f"{API}/kiosks/heartbeat", token, heartbeat_body("flat", content_version, started_at)
    )
    if status_flat == 200:
        print(f"heartbeat body: the same facts flattened (issue 7's was refused: {status} {reason})")
        return "flat"
    print(
        f"heartbeat body: issue 7's, although the server answers neither it ({status} {reason}) nor the flattened"
        f" one ({status_flat}): every heartbeat will count as an error"
    )
    return "design"


def bench(kind: str, folder: Path, options: argparse.Namespace) -> None:
    with database(kind, folder) as url:
        if url is None:
            return
        name = url.rsplit("/", 1)[1]  # PostgreSQL's database, or SQLite's file (then no PostgreSQL share)
        setup_started = time.monotonic()
        tokens, version = set_up(url, options.kiosks)
        setup_seconds = time.monotonic() - setup_started
        env = {**os.environ, "MADANG_DATABASE_URL": url, "MADANG_DATA_DIR": str(folder)}
        with serve(folder, env, workers=options.workers, threads=THREADS) as live:
            cores = os.cpu_count() or 1
            print(
                f"{kind}: `madang admin serve` with {options.workers} workers x {THREADS} threads;"
                f" {options.kiosks} kiosks registered in {setup_seconds:.1f} s; {options.processes} load processes;"
                f" {cores} cores"
            )
            body = probe_heartbeat(live.port, tokens[0], version)
            speedup = options.speedup
            print(
                f"pacing compressed {speedup:g}x: heartbeat every {HEARTBEAT_EVERY / speedup:g} s (real"
                f" {HEARTBEAT_EVERY:g}), manifest every {MANIFEST_EVERY / speedup:g} s (real {MANIFEST_EVERY:g}),"
                f" a ticket every {TICKET_EVERY / speedup:g} s on average (real {TICKET_EVERY:g}), then read;"
                f" {RETRY_SHARE:.0%} of takes sent again"
            )
            per_kiosk = 1 / HEARTBEAT_EVERY + 1 / MANIFEST_EVERY + (2 + RETRY_SHARE) / TICKET_EVERY
            offered = options.kiosks * per_kiosk * speedup
            print(f"offered load: {offered:.1f} requests/s (plus each kiosk's full manifest at start)")
            print()
            paced = Plan(live.port, options.seconds, speedup, body, version)
            report(f"paced ({speedup:g}x)", run(paced, tokens, options.processes, live.pid, name), cores, goal=True)
            if options.flat_seconds > 0:
                print()
                flat = Plan(live.port, options.flat_seconds, 0, body, version)
                capacity, alone = report(
                    "flat out (capacity; its latencies are queueing, not a goal)",
                    run(flat, tokens, options.processes, live.pid, name),
                    cores,
                    goal=False,
                )
                real = options.kiosks * per_kiosk
                print()
                print(
                    f"what real load is this: {options.kiosks} kiosks at real pacing (manifest every"
                    f" {MANIFEST_EVERY:g} s, heartbeat every {HEARTBEAT_EVERY:g} s, a ticket every {TICKET_EVERY:g} s)"
                    f" = {real:.1f} requests/s; measured capacity {capacity:.0f} requests/s ="
                    f" {capacity / real:.0f}x that, room for about {capacity / per_kiosk:,.0f} kiosks on this machine"
                )
                print(
                    f"with every core to itself and its database (no load generator, nothing else), the server would"
                    f" answer at most about {alone:.0f} requests/s (the CPU per request of both in the flat-out run)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("database", nargs="?", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="paced run (default %(default)s)")
    parser.add_argument("--flat-seconds", type=float, default=FLAT_SECONDS, help="flat-out run, 0 to skip")
    parser.add_argument("--speedup", type=float, default=SPEEDUP, help="pacing compression (default %(default)s)")
    parser.add_argument("--kiosks", type=int, default=KIOSKS)
    parser.add_argument("--processes", type=int, default=PROCESSES, help="load processes (default %(default)s)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers (default: as admin serve)")
    options = parser.parse_args()
    if options.speedup <= 0:
        parser.error("--speedup must be above 0")
    root = Path(tempfile.mkdtemp(prefix="madang-fleet-bench-"))
    started = time.monotonic()
    try:
        bench(options.database, root, options)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"(the whole benchmark took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
