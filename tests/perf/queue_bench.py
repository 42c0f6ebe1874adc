"""The call-next claim in one process, without HTTP: the service in its write transaction, on SQLite and
PostgreSQL, with 1 clerk and with 16 clerks at once (each a thread with a counter of its own).

Prints figures; never fails on timing. Run with `make bench` or `.venv/bin/python tests/perf/queue_bench.py`
(add `sqlite` or `postgresql` to measure only one). PostgreSQL is measured when it answers at
MADANG_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from server_bench import CLERKS, add_tickets, database, percentiles, set_up

from madang.admin_web.db import write_session
from madang.admin_web.services import queue

RUNS = (("1 clerk", 1, 100), (f"{CLERKS} clerks", CLERKS, 800))  # (label, clerks, tickets)


def claims(setup: dict, clerks: int, tickets: int) -> tuple[list[float], float]:
    """Each clerk: call next (timed: the whole write transaction), then start and finish, until none waits."""
    engine = setup["engine"]
    add_tickets(engine, tickets)
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clerks)

    def clerk(counter_id: int) -> None:
        barrier.wait()
        while True:
            started = time.perf_counter()
            with write_session(engine) as session:
                ticket = queue.call_next(session, counter_id=counter_id, actor="bench")
            elapsed = (time.perf_counter() - started) * 1000
            if ticket is None:
                return
            with lock:
                latencies.append(elapsed)
            with write_session(engine) as session:
                queue.start(session, ticket_id=ticket.id, actor="bench")
                queue.finish(session, ticket_id=ticket.id, actor="bench")

    threads = [threading.Thread(target=clerk, args=(counter,), daemon=True) for counter in setup["counters"][:clerks]]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return latencies, time.monotonic() - started


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="madang-queue-bench-"))
    try:
        for kind in sys.argv[1:] or ("sqlite", "postgresql"):
            folder = root / kind
            folder.mkdir()
            with database(kind, folder) as url:
                if url is None:
                    continue
                setup = set_up(url)
                print(f"{kind}: call-next claim transaction, in one process")
                for label, clerks, tickets in RUNS:
                    latencies, elapsed = claims(setup, clerks, tickets)
                    rate = len(latencies) / elapsed
                    print(f"  {label:<10} {percentiles(latencies)}  ({rate:.0f} tickets/s called and finished)")
                setup["engine"].dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
