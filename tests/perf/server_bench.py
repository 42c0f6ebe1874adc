"""The kiosk API through the production server (`madang admin serve`, gunicorn), on SQLite and PostgreSQL.

Prints figures; never fails on timing. Run with `make bench` or `.venv/bin/python tests/perf/server_bench.py`
(add `sqlite` or `postgresql` to measure only one).
Only loopback traffic. PostgreSQL is measured when it answers at MADANG_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) and skipped otherwise.

1. call-next latency with 16 clerks at once, each at its own counter (call-next, start, finish in a loop):
   flat out (no pause: the server is saturated, so this shows throughput and queueing), and paced (each
   clerk pauses 1 s between citizens, about half the server's capacity). Goal: p95 < 20 ms.
2. GET /content/manifest answered 304 (If-None-Match, kiosk token), requests per second, as a ratio to a
   bare Flask "hello" endpoint served by the same gunicorn settings (`server.run`). Goal: ratio > 0.7.
3. From a staff call-next to the `status` event arriving at a kiosk subscribed to the ticket's event
   stream. Goal: p95 < 300 ms.
4. What idle subscribers cost: the server's CPU while 20 kiosks follow waiting tickets and nothing moves.

The load comes from this process (and its helpers) on the same machine, so it shares the CPU with the
server: figures are for comparison between runs on one machine.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from flask import Flask

from madang.admin_web import server
from madang.admin_web.db import make_engine, write_session
from madang.admin_web.migrations import upgrade
from madang.admin_web.models import Role
from madang.admin_web.services import auth, content_store, kiosks, queue
from madang.content.cli import SHIPPED_PACK

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script, only tests/perf is on sys.path: the root finds tests.live_server
from tests.live_server import API, free_port, serve, start_process_group, stop_process_group  # noqa: E402

POSTGRES = os.environ.get("MADANG_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKERS = max(2, min(4, multiprocessing.cpu_count()))  # the default of `madang admin serve`
THREADS = 16
CLERKS = 16
# (label, clerks, pause between citizens in seconds, tickets)
RUNS = (("1 clerk alone", 1, 0.0, 60), ("16 flat out", CLERKS, 0.0, 480), ("16 paced 1 s", CLERKS, 1.0, 192))
RPS_SECONDS = 4.0
RPS_CLIENTS = (2, 4)  # processes x threads, each thread on one keep-alive connection
EVENT_ROUNDS = 40
SUBSCRIBERS = 20


# --- the database and the server ------------------------------------------------------------------------


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str | None]:
    """A fresh database with the Seoul pack published, or None when PostgreSQL does not answer."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'madang.db'}"
        return
    name = f"madang_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL: skipped ({str(error).strip().splitlines()[0]})")
        yield None
        return
    try:
        yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def set_up(url: str) -> dict:
    """Schema, content, a kiosk, a counselor with one token per clerk, and a counter per clerk."""
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as session:
        content_store.import_pack(session, root=SHIPPED_PACK, actor="bench")
        content_store.publish(session, actor="bench")
    with write_session(engine) as session:
        kiosk, kiosk_token = kiosks.register_kiosk(session, name="bench-kiosk")
        auth.create_user(session, name="clerk", role=Role.counselor, password=uuid.uuid4().hex)
        tokens = [auth.create_staff_token(session, user_name="clerk") for _ in range(CLERKS + 1)]
        counters = [
            kiosks.create_counter(session, name=f"창구 {n + 1}", service_ids=["tax-square"]).id for n in range(CLERKS)
        ]
        events_counter = kiosks.create_counter(session, name="event desk", service_ids=["consult-120"]).id
    return {
        "engine": engine,
        "kiosk_id": kiosk.id,
        "kiosk": kiosk_token,
        "tokens": tokens,
        "counters": counters,
        "events_counter": events_counter,
    }


def add_tickets(engine, count: int, service: str = "tax-square") -> None:
    with write_session(engine) as session:
        for _ in range(count):
            queue.issue_ticket(session, service_id=service, kiosk_id=None, idempotency_key=None, actor="bench")


@contextmanager
def madang_server(url: str, folder: Path) -> Iterator[tuple[int, int]]:
    env = {**os.environ, "MADANG_DATABASE_URL": url, "MADANG_DATA_DIR": str(folder)}
    with serve(folder, env, workers=WORKERS, threads=THREADS) as live:
        yield live.port, live.pid


@contextmanager
def hello_server(folder: Path) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, __file__, "--hello-server", str(port)]
    process = start_process_group(
        command, env=dict(os.environ), log=folder / "hello.log", ready_url=f"http://127.0.0.1:{port}/hello"
    )
    try:
        yield port
    finally:
        stop_process_group(process)


def serve_hello(port: int) -> None:
    """A bare Flask app under exactly the gunicorn settings of `madang admin serve` (server.run)."""
    hello = Flask("hello")
    hello.add_url_rule("/hello", "hello", lambda: "hello")

    class HelloServer(server.MadangServer):
        def load(self):
            return hello

    server.MadangServer = HelloServer
    server.run(host="127.0.0.1", port=port, workers=WORKERS, threads=THREADS)


# --- clients ---------------------------------------------------------------------------------------------


class Http:
    """One keep-alive connection, opened again after a pause (gunicorn closes one idle for 2 s)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.used = time.monotonic()

    def request(self, method: str, path: str, token: str, body: dict | None = None, **headers: str):
        if time.monotonic() - self.used > 1.0:
            self.connection.close()  # the next request connects again
        headers = {"Authorization": f"Bearer {token}", **headers}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=payload, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type", "")
        self.used = time.monotonic()
        return response.status, (json.loads(data) if data and kind.startswith("application/json") else None)

    def close(self) -> None:
        self.connection.close()


class EventStream:
    def __init__(self, port: int, ticket_id: str, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        self.connection.request("GET", f"{API}/tickets/{ticket_id}/events", headers=headers)
        self.response = self.connection.getresponse()
        self.buffer = b""

    def next(self) -> tuple[str, dict] | None:
        while True:
            while b"\n\n" not in self.buffer:
                chunk = self.response.read1(65536)
                if not chunk:
                    return None
                self.buffer += chunk
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = dict(line.partition(": ")[::2] for line in block.decode().splitlines() if line[:1] != ":")
            if "data" in fields:
                return fields.get("event", "message"), json.loads(fields["data"])

    def close(self) -> None:
        self.connection.close()


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms  (n={len(ordered)})"


# --- 1. call-next latency --------------------------------------------------------------------------------


def call_next_latency(port: int, setup: dict, clerks: int, pause: float, tickets: int) -> tuple[list[float], float]:
    add_tickets(setup["engine"], tickets)
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clerks)
    deadline = time.monotonic() + 60

    def clerk(counter_id: int, token: str) -> None:
        client = Http(port)
        barrier.wait()
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status, ticket = client.request("POST", f"{API}/counters/{counter_id}/call-next", token)
                elapsed = (time.perf_counter() - started) * 1000
                if status == 204:
                    return
                with lock:
                    latencies.append(elapsed)
                for action in ("start", "finish"):
                    client.request("POST", f"{API}/tickets/{ticket['id']}/{action}", token)
                time.sleep(pause)
        finally:
            client.close()

    threads = [
        threading.Thread(target=clerk, args=pair, daemon=True)
        for pair in list(zip(setup["counters"], setup["tokens"], strict=False))[:clerks]
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return latencies, time.monotonic() - started


# --- 2. manifest 304 against hello -----------------------------------------------------------------------


def _hammer(port: int, path: str, headers: dict, threads: int, counts, *, seconds: float = RPS_SECONDS) -> None:
    stop = time.monotonic() + seconds
    done = [0] * threads

    def loop(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            while time.monotonic() < stop:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status in (200, 304):
                    done[index] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 30)
    counts.put(sum(done))


def requests_per_second(port: int, path: str, headers: dict) -> float:
    processes, threads = RPS_CLIENTS
    _hammer(port, path, headers, 1, multiprocessing.Queue(), seconds=0.5)  # warm every worker's connections
    counts = multiprocessing.Queue()
    clients = [
        multiprocessing.Process(target=_hammer, args=(port, path, headers, threads, counts)) for _ in range(processes)
    ]
    for client in clients:
        client.start()
    total = sum(counts.get(timeout=RPS_SECONDS + 60) for _ in clients)
    for client in clients:
        client.join(timeout=30)
    return total / RPS_SECONDS


def manifest_ratio(port: int, setup: dict, hello_port: int) -> tuple[float, float]:
    kiosk = {"Authorization": f"Bearer {setup['kiosk']}"}
    with urllib.request.urlopen(
        urllib.request.Request(f"http://127.0.0.1:{port}{API}/content/manifest", headers=kiosk), timeout=10
    ) as response:
        etag = response.headers["ETag"]
    manifest, hello = 0.0, 0.0
    for _ in range(2):  # alternated, best of two each: the machine's other load drifts
        manifest = max(manifest, requests_per_second(port, f"{API}/content/manifest", {**kiosk, "If-None-Match": etag}))
        hello = max(hello, requests_per_second(hello_port, "/hello", {}))
    return manifest, hello


# --- 3. call-next to event -------------------------------------------------------------------------------


def call_to_event(port: int, setup: dict) -> list[float]:
    kiosk, staff = setup["kiosk"], setup["tokens"][-1]
    client = Http(port)
    samples = []
    try:
        for round_ in range(EVENT_ROUNDS):
            status, ticket = client.request(
                "POST", f"{API}/tickets", kiosk, {"service_id": "consult-120"}, **{"Idempotency-Key": f"e{round_}"}
            )
            assert status == 201, ticket
            stream = EventStream(port, ticket["id"], kiosk)
            try:
                while stream.next()[0] != "position":  # subscribed: the waiting status, then the position
                    pass
                time.sleep(random.uniform(0, 0.25))  # a clerk calls at any moment of the stream's polling
                started = time.perf_counter()
                status, called = client.request("POST", f"{API}/counters/{setup['events_counter']}/call-next", staff)
                assert status == 200 and called["id"] == ticket["id"], called
                while (event := stream.next()) is not None:
                    if event[0] == "status" and event[1]["status"] == "called":
                        samples.append((time.perf_counter() - started) * 1000)
                        break
                for action in ("start", "finish"):
                    client.request("POST", f"{API}/tickets/{ticket['id']}/{action}", staff)
            finally:
                stream.close()
    finally:
        client.close()
    return samples


# --- 4. idle subscribers -------------------------------------------------------------------------------


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU of the server: the gunicorn arbiter and its workers."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for process in [pid, *map(int, children)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def subscriber_cost(port: int, setup: dict, pid: int, seconds: float = 5.0) -> float:
    kiosk = setup["kiosk"]
    client = Http(port)
    streams, tickets = [], []
    try:
        for n in range(SUBSCRIBERS):
            status, ticket = client.request(
                "POST", f"{API}/tickets", kiosk, {"service_id": "documents"}, **{"Idempotency-Key": f"s{n}"}
            )
            assert status == 201, ticket
            tickets.append(ticket["id"])
            streams.append(EventStream(port, ticket["id"], kiosk))
        for stream in streams:
            while stream.next()[0] != "position":
                pass
        time.sleep(0.5)
        before = server_cpu_seconds(pid)
        time.sleep(seconds)
        used = server_cpu_seconds(pid) - before
    finally:
        for stream in streams:
            stream.close()
        for ticket in tickets:  # closed tickets end their streams on the server
            client.request("POST", f"{API}/tickets/{ticket}/cancel", kiosk)
        client.close()
    return 100 * used / seconds


# --- the run ---------------------------------------------------------------------------------------------


def bench(kind: str, root: Path, hello_rps: list[float]) -> None:
    folder = root / kind
    folder.mkdir()
    with database(kind, folder) as url:
        if url is None:
            return
        setup = set_up(url)
        with madang_server(url, folder) as (port, pid):
            print(f"{kind}: `madang admin serve` with {WORKERS} workers x {THREADS} threads")
            for label, clerks, pause, tickets in RUNS:
                latencies, elapsed = call_next_latency(port, setup, clerks, pause, tickets)
                rate = 3 * len(latencies) / elapsed
                print(f"  call-next {label:<14} {percentiles(latencies)}  ({rate:.0f} requests/s overall)")
            with hello_server(folder) as hello_port:
                manifest, hello = manifest_ratio(port, setup, hello_port)
            hello_rps.append(hello)
            print(f"  manifest 304          {manifest:7.0f} requests/s; hello {hello:7.0f} requests/s")
            print(f"  manifest/hello ratio  {manifest / hello:7.2f}   (goal > 0.7)")
            print(f"  call-next to event    {percentiles(call_to_event(port, setup))}   (goal p95 < 300 ms)")
            print(f"  {SUBSCRIBERS} idle subscribers   {subscriber_cost(port, setup, pid):5.1f}% of one core")
        setup["engine"].dispose()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--hello-server":
        serve_hello(int(sys.argv[2]))
        return
    root = Path(tempfile.mkdtemp(prefix="madang-bench-"))
    started = time.monotonic()
    try:
        hello: list[float] = []
        for kind in sys.argv[1:] or ("sqlite", "postgresql"):
            bench(kind, root, hello)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"(the whole benchmark took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
