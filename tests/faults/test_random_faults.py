"""A randomised run of more than a thousand network faults: kiosks take tickets, send messages and proposals and
sync their content through the fault proxy while staff publish new versions, the server restarts once and the
network refuses for a moment. In the end every ticket and message is on the server exactly once, every ticket a
citizen was told was not issued is cancelled, and every kiosk runs the newest content version, verified.

The seed (printed; MADANG_FAULT_SEED repeats it) fixes the sequence of faults and of the kiosks' actions; which
request meets which fault depends on timing.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from madang.kiosk.api_types import SavedForLater, ServerRefused, ServerUnavailable
from madang.kiosk.content_cache import ContentCache
from madang.kiosk.content_sync import ContentSync
from madang.kiosk.server_client import KioskApiClient
from madang.kiosk.services import KioskServices

from .conftest import content_problems, memo, publish, published, register_kiosk, server_rows, wait_until

KIOSKS = 4
FAULTS = 1000  # at least this many injected before the kiosks stop
# corrupt is chosen only for a content file (about one request in twenty): among those, two in five are corrupted
WEIGHTS = {"pass": 8, "drop": 14, "reset": 14, "delay": 8, "cut": 12, "corrupt": 40, "blackhole": 1}
THINK_S = 0.1  # between one citizen and the next
SERVICES = ("documents", "consult-120", "tax-square", "youth-counsel")
RUN_LIMIT_S = 60.0


@dataclass
class FaultyKiosk:
    """One kiosk (its own data folder, outbox, worker and content cache) and what its citizens were told."""

    name: str
    services: KioskServices
    cache: ContentCache
    sync: ContentSync
    rng: random.Random
    shown: list[tuple[str, str]] = field(default_factory=list)  # tickets whose number was shown: (key, id)
    withdrawn: list[str] = field(default_factory=list)  # ticket requests answered "not now": no number shown
    proposals: list[str] = field(default_factory=list)
    expected: Counter = field(default_factory=Counter)  # (ticket key, kind, text) of every message sent
    actions: int = 0
    problems: list[str] = field(default_factory=list)

    def act(self) -> None:
        self.actions += 1
        number, choice = self.actions, self.rng.random()
        try:
            if choice < 0.4:
                self.take_ticket(f"{self.name}-t{number}")
            elif choice < 0.75 and self.shown:
                self.send_message(number)
            else:
                self.propose(f"{self.name}-p{number}")
            self.sync_content()
        except ServerRefused as refusal:  # nothing here should ever be refused
            self.problems.append(f"action {number}: {refusal}")
        except Exception as error:  # nor fail otherwise: a network fault is the kiosk's daily bread
            self.problems.append(f"action {number}: {type(error).__name__}: {error}")

    def take_ticket(self, key: str) -> None:
        note = f"note of {key}" if self.rng.random() < 0.5 else None
        try:
            ticket = self.services.take_ticket(
                service_id=self.rng.choice(SERVICES), lang="ko", needs=[], key=key, note=note
            )
        except ServerUnavailable:
            self.withdrawn.append(key)  # the offline page: no number; its note is never sent
            return
        self.shown.append((key, ticket.id))
        if note:
            self.expected[key, "text", note] += 1

    def send_message(self, number: int) -> None:
        key, ticket_id = self.rng.choice(self.shown)
        text = f"message {number} of {self.name}"
        self.expected[key, "text", text] += 1
        with contextlib.suppress(SavedForLater):  # "saved on this kiosk; it is sent when the network is back"
            self.services.send_message(ticket_id, text)

    def propose(self, key: str) -> None:
        note, recording = f"proposal {key}", memo() if self.rng.random() < 0.5 else None
        self.proposals.append(key)
        self.expected[key, "text", note] += 1
        if recording:
            self.expected[key, "audio", ""] += 1
        with contextlib.suppress(SavedForLater):
            self.services.send_proposal(service_id="mayor-office", key=key, lang="ko", note=note, memo=recording)

    def sync_content(self) -> bool:
        """One check, and the staged version used at once (the kiosk is idle between citizens); whether the
        server's version is the one in use now."""
        result = self.sync.check()
        ready = self.sync.ready_version()
        if ready is not None:
            self.cache.pack(ready)
            self.cache.switch(ready)
        return result.status != "failed" and self.cache.current() == result.version


def test_a_thousand_faults_lose_and_duplicate_nothing(server, proxy, tmp_path, fault_seed, fast_backoff):
    run = uuid.uuid4().hex[:6]
    kiosks = open_kiosks(server, proxy, tmp_path, fault_seed, run)
    try:
        faulty_s = run_faults(server, proxy, kiosks, fault_seed, run)
        proxy.calm()  # the network heals: everything kept must arrive, and the content settle
        newest = published(server)
        left = settle(kiosks, newest)
    finally:
        for kiosk in kiosks:
            kiosk.services.close()
    proxy.wait_idle()
    print(
        f"{proxy.injected} faults in {faulty_s:.1f} s over {proxy.connections} connections: {dict(proxy.counts)}; "
        f"{sum(kiosk.actions for kiosk in kiosks)} kiosk actions"
    )

    assert proxy.injected >= FAULTS
    assert all(proxy.counts[kind] > 0 for kind in WEIGHTS), proxy.counts
    assert proxy.counts["server-down"] > 0  # the restart was felt
    for kiosk in kiosks:
        assert kiosk.problems == [] and left[kiosk.name] == []  # nothing failed, nothing refused, nothing left
        assert content_problems(kiosk.cache, newest) == [], kiosk.name
        assert_on_the_server_once(server, kiosk)


def open_kiosks(server, proxy, tmp_path, seed: int, run: str) -> list[FaultyKiosk]:
    """KIOSKS kiosks, each registered with its own token, talking through the proxy with a 1 s timeout."""
    tokens = [server.kiosk_token] + [register_kiosk(server)[1] for _ in range(KIOSKS - 1)]
    kiosks = []
    for index, token in enumerate(tokens):
        client = KioskApiClient(proxy.url, token, timeout=1.0)
        cache = ContentCache(tmp_path / f"kiosk-{index}" / "content")
        kiosks.append(
            FaultyKiosk(
                name=f"{run}-k{index}",
                services=KioskServices.open(client, tmp_path / f"kiosk-{index}"),
                cache=cache,
                sync=ContentSync(client, cache),
                rng=random.Random(f"{seed}-{index}"),
            )
        )
    return kiosks


def run_faults(server, proxy, kiosks: list[FaultyKiosk], seed: int, run: str) -> float:
    """The kiosks at work through random faults, until FAULTS were injected: two versions are published, the
    server restarts, the proxy refuses for a moment. The seconds it took."""
    proxy.randomize(seed, WEIGHTS, delay_ms=(5, 120), cut_bytes=(0, 800))
    stop = threading.Event()

    def work(kiosk: FaultyKiosk) -> None:
        while not stop.wait(THINK_S):
            kiosk.act()

    threads = [threading.Thread(target=work, args=(kiosk,), name=kiosk.name) for kiosk in kiosks]
    started = time.monotonic()

    def until(faults: int) -> None:
        left = RUN_LIMIT_S - (time.monotonic() - started)
        wait_until(lambda: proxy.injected >= faults, left, f"{faults} faults injected")

    try:
        for kiosk in kiosks:
            kiosk.services.start_delivery()
        for thread in threads:
            thread.start()
        until(150)
        publish(server, f"fault run {run}, first")
        until(250)
        server.stop()  # in the middle of it all: requests in flight die, then the port refuses
        server.start()
        until(650)
        proxy.refuse()
        time.sleep(0.3)
        proxy.listen()
        publish(server, f"fault run {run}, second")
        until(FAULTS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    return time.monotonic() - started


def settle(kiosks: list[FaultyKiosk], newest: dict) -> dict[str, object]:
    """Each kiosk, at once, delivers what it kept and syncs to ``newest``; per kiosk, what is left: the records the
    server refused for good (none, we hope), or why it did not settle."""
    left: dict[str, object] = {}

    def settle_one(kiosk: FaultyKiosk) -> None:
        try:
            kiosk.services.deliver_pending()
            wait_until(lambda: not kiosk.services.outbox.pending(), 30, f"{kiosk.name} delivering its outbox")
            wait_until(kiosk.sync_content, 30, f"{kiosk.name} running content version {newest['version']}")
            left[kiosk.name] = [(record.kind, record.refusal) for record in kiosk.services.outbox.failed()]
        except Exception as error:  # not settled in time, or broken: reported with the kiosk's name
            left[kiosk.name] = f"{type(error).__name__}: {error}"

    threads = [threading.Thread(target=settle_one, args=(kiosk,)) for kiosk in kiosks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=70)
    return left


def assert_on_the_server_once(server, kiosk: FaultyKiosk) -> None:
    """Every ticket the kiosk asked for is there once (cancelled when the citizen was told "not now"), and every
    message it sent is there once, on its ticket; nothing else."""
    tickets = server_rows(
        server, "SELECT idempotency_key, id, status FROM ticket WHERE idempotency_key LIKE :p", p=f"{kiosk.name}-%"
    )
    keys = Counter(key for key, _, _ in tickets)
    assert keys == Counter([key for key, _ in kiosk.shown] + kiosk.withdrawn + kiosk.proposals)
    status = {key: state for key, _, state in tickets}
    assert {status[key] for key, _ in kiosk.shown} <= {"waiting"}
    assert {status[key] for key in kiosk.withdrawn} <= {"cancelled"}  # nobody is called who left
    issued = {key: ticket_id for key, ticket_id, _ in tickets}
    assert all(issued[key] == ticket_id for key, ticket_id in kiosk.shown)  # the number shown is the one issued

    messages = server_rows(
        server,
        "SELECT t.idempotency_key, m.kind, m.text FROM message m JOIN ticket t ON t.id = m.ticket_id"
        " WHERE t.idempotency_key LIKE :p AND m.sender = 'citizen'",
        p=f"{kiosk.name}-%",
    )
    assert Counter(map(tuple, messages)) == kiosk.expected  # each once, on its ticket; none of a withdrawn one
