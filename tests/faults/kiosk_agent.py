"""A kiosk as a process of its own, for tests that kill it: the real outbox and its worker, the content sync and
the API client, on a data folder, following a fixed plan.

    python -m tests.faults.kiosk_agent --server URL --token TOKEN --data DIR [--tickets 6 --messages 3] \\
        [--outbox] [--content]

The plan: ``--tickets`` tickets, each with ``--messages`` messages, kept in the outbox under fixed keys (a key the
outbox holds already is the same record, so a restarted agent adds nothing twice, as a kiosk's citizen acts once).
With ``--outbox`` it delivers until nothing waits; with ``--content`` it syncs until it runs the version the server
gives it. Then it prints one JSON line (what it holds) and exits 0; 1 when ``--deadline`` passes first.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from madang.kiosk import outbox as outbox_module
from madang.kiosk.content_cache import ContentCache
from madang.kiosk.content_sync import ContentSync
from madang.kiosk.outbox import Outbox
from madang.kiosk.outbox_worker import OutboxWorker
from madang.kiosk.server_client import KioskApiClient

SERVICE = "documents"
POLL_S = 0.05


def plan(outbox: Outbox, name: str, tickets: int, messages: int) -> list[tuple[str, list[str]]]:
    """Keeps the plan's records (those not kept yet); each ticket's key and its messages' keys."""
    keys = []
    for number in range(tickets):
        ticket = f"{name}-t{number}"
        outbox.add("ticket", {"service_id": SERVICE, "lang": "ko", "needs": []}, key=ticket, notify=False)
        sent = []
        for index in range(messages):
            key = f"{ticket}-m{index}"
            payload = {"ticket_key": ticket, "text": message_text(ticket, index), "kind": "text"}
            sent.append(outbox.add("message", payload, key=key, notify=False))
        keys.append((ticket, sent))
    return keys


def message_text(ticket_key: str, index: int) -> str:
    return f"message {index} of {ticket_key}"


def deliver_all(outbox: Outbox, client: KioskApiClient, deadline: float) -> bool:
    worker = OutboxWorker(outbox, client)
    worker.start()
    worker.wake()
    try:
        while time.monotonic() < deadline:
            if not outbox.pending():
                return True
            time.sleep(POLL_S)
        return False
    finally:
        worker.stop()


def sync_content(sync: ContentSync, cache: ContentCache, deadline: float) -> bool:
    while time.monotonic() < deadline:
        result = sync.check()
        ready = sync.ready_version()
        if ready is not None:
            cache.pack(ready)  # validated, as the kiosk's core gets it
            cache.switch(ready)
        if result.status != "failed" and cache.current() == result.version:
            return True
        time.sleep(POLL_S)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.kiosk_agent")
    parser.add_argument("--server", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--name", default="agent", help="prefix of the plan's keys")
    parser.add_argument("--tickets", type=int, default=6)
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument("--outbox", action="store_true", help="deliver the plan")
    parser.add_argument("--content", action="store_true", help="sync the content")
    parser.add_argument("--timeout", type=float, default=5.0, help="the API client's timeout, in seconds")
    parser.add_argument("--backoff-cap", type=float, default=0.3, help="the outbox's longest backoff, in seconds")
    parser.add_argument("--deadline", type=float, default=60.0, help="seconds to finish in")
    args = parser.parse_args(argv)

    outbox_module.BASE_DELAY_S = min(outbox_module.BASE_DELAY_S, args.backoff_cap / 10)
    outbox_module.MAX_DELAY_S = args.backoff_cap
    deadline = time.monotonic() + args.deadline
    client = KioskApiClient(args.server, args.token, timeout=args.timeout)
    outbox = Outbox(args.data / "outbox.db")
    cache = ContentCache(args.data / "content")
    keys = plan(outbox, args.name, args.tickets, args.messages)
    print(json.dumps({"planned": len(keys)}), flush=True)

    done = {"outbox": True, "content": True}
    jobs = []
    if args.outbox:
        jobs.append(threading.Thread(target=lambda: done.update(outbox=deliver_all(outbox, client, deadline))))
    if args.content:
        sync = ContentSync(client, cache)
        jobs.append(threading.Thread(target=lambda: done.update(content=sync_content(sync, cache, deadline))))
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()

    held = {
        "tickets": {ticket: outbox.get(ticket).ticket_id for ticket, _ in keys},
        "messages": {key: (outbox.result(key) or {}).get("id") for _, sent in keys for key in sent},
        "failed": [record.key for record in outbox.failed()],
        "content": cache.current(),
        "done": done,
    }
    print(json.dumps(held), flush=True)
    outbox.close()
    return 0 if all(done.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
