"""A kiosk process killed (SIGKILL) in the middle of sending or downloading, then started again on its data folder:
nothing it kept is lost, nothing reaches the server twice, and its content download continues and ends verified.

The kiosk is tests/faults/kiosk_agent.py: the real outbox, worker, content sync and API client in a process of
its own. The proxy holds one chosen request, so the kill lands exactly while it is in flight.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from madang.kiosk.content_cache import ContentCache

from .conftest import content_problems, published, server_rows
from .kiosk_agent import message_text
from .tcp_proxy import CONTENT_FILES, Fault

REPO_ROOT = Path(__file__).resolve().parents[2]
TICKETS = r"/api/v1/tickets$"
MESSAGES = r"/api/v1/tickets/[^/]+/messages$"


def start_agent(proxy, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.kiosk_agent", "--server", proxy.url, *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_while_held(proxy, *args: str, timeout: float = 30.0) -> None:
    """Starts the agent with ``args`` and kills it (SIGKILL) as soon as the proxy holds one of its requests."""
    holds = proxy.holds
    agent = start_agent(proxy, *args)
    deadline = time.monotonic() + timeout
    while not proxy.wait_hold(holds, timeout=0.05):
        if agent.poll() is not None or time.monotonic() > deadline:
            agent.kill()
            _, err = agent.communicate()
            raise AssertionError(f"the agent was never caught in flight (exit {agent.returncode}):\n{err[-3000:]}")
    os.kill(agent.pid, signal.SIGKILL)
    agent.communicate(timeout=10)
    assert agent.returncode == -signal.SIGKILL


def finished(agent: subprocess.Popen) -> dict:
    """What the agent holds once it finished its plan (it exits 0)."""
    try:
        out, err = agent.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        agent.kill()
        agent.communicate()
        raise
    assert agent.returncode == 0, f"the agent exited with {agent.returncode}:\n{out[-2000:]}\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


def test_a_kiosk_killed_mid_send_loses_and_duplicates_nothing(server, proxy, tmp_path):
    name = f"killed-{uuid.uuid4().hex[:8]}"
    plan = ["--token", server.kiosk_token, "--data", str(tmp_path / "kiosk"), "--name", name, "--outbox"]
    plan += ["--tickets", "6", "--messages", "3"]

    # 1. the server takes the 4th ticket, and the kiosk dies before it hears the answer
    proxy.inject(Fault("pass"), path=TICKETS, method="POST", times=3)
    proxy.inject(Fault("delay", ms=1500, at=0), path=TICKETS, method="POST")
    kill_while_held(proxy, *plan)
    taken = server_rows(server, "SELECT idempotency_key FROM ticket WHERE idempotency_key LIKE :p", p=f"{name}-%")
    assert sorted(key for (key,) in taken) == [f"{name}-t{n}" for n in range(4)]

    # 2. restarted, it asks for the 4th ticket again (and is given the same one); then it dies while that ticket's
    # first message is on its way, which the network still delivers after its death
    proxy.inject(Fault("delay", ms=1500), path=MESSAGES, method="POST", times=1)
    kill_while_held(proxy, *plan)
    assert proxy.wait_idle(10)  # the dead kiosk's message has reached the server

    # 3. restarted again, it finishes
    held = finished(start_agent(proxy, *plan))
    assert held["failed"] == [] and all(held["done"].values())

    tickets = server_rows(
        server, "SELECT idempotency_key, id, status FROM ticket WHERE idempotency_key LIKE :p", p=f"{name}-%"
    )
    assert sorted(key for key, _, _ in tickets) == [f"{name}-t{n}" for n in range(6)]  # each once
    assert {key: ticket_id for key, ticket_id, _ in tickets} == held["tickets"]
    assert {status for _, _, status in tickets} == {"waiting"}
    for key, ticket_id, _ in tickets:
        messages = server_rows(
            server,
            "SELECT text, idempotency_key FROM message WHERE ticket_id = :t AND sender = 'citizen' ORDER BY id",
            t=ticket_id,
        )
        assert messages == [(message_text(key, index), f"{key}-m{index}") for index in range(3)]  # once, in order
    posts = [seen.key for seen in proxy.seen if seen.method == "POST" and seen.path == "/api/v1/tickets"]
    assert sorted(posts) == sorted([*held["tickets"], f"{name}-t3"])  # the 4th asked for twice, issued once
    delayed = next(seen.key for seen in proxy.seen if seen.fault.kind == "delay" and seen.path.endswith("/messages"))
    assert [seen.key for seen in proxy.seen].count(delayed) == 2  # sent by the dead kiosk, and again: posted once


def test_a_kiosk_killed_mid_download_continues_and_ends_verified(server, proxy, tmp_path):
    data = tmp_path / "kiosk"
    content = ["--token", server.kiosk_token, "--data", str(data), "--name", "download", "--tickets", "0", "--content"]
    newest = published(server)
    largest = max(newest["files"], key=lambda entry: entry["size"])
    assert largest["size"] > 8000
    path = CONTENT_FILES + largest["sha256"]

    # the largest file is cut after 4,000 bytes; its continuation is held, and the kiosk killed meanwhile
    proxy.inject(Fault("cut", limit=4000), path=path)
    proxy.inject(Fault("delay", ms=1500), path=path)
    kill_while_held(proxy, *content)
    cache = ContentCache(data / "content")
    kept = cache.part_path(largest["sha256"]).stat().st_size
    assert 0 < kept < 4000 and cache.current() is None

    held = finished(start_agent(proxy, *content))
    assert held["content"] == newest["version"]
    assert content_problems(ContentCache(data / "content"), newest) == []
    asked: dict[str, list[str | None]] = {}
    for seen in proxy.seen:
        if seen.path.startswith(CONTENT_FILES):
            asked.setdefault(seen.path.removeprefix(CONTENT_FILES), []).append(seen.range)
    # the cut file continued from where it stopped, before the kill and after it; every other file came once
    assert asked.pop(largest["sha256"]) == [None, f"bytes={kept}-", f"bytes={kept}-"]
    assert asked == {entry["sha256"]: [None] for entry in newest["files"] if entry["sha256"] != largest["sha256"]}
