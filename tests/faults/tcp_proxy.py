"""A TCP proxy on loopback that puts network faults between a kiosk and the admin web, one fault per connection.

The kiosk's client opens one connection per request (urllib sends ``Connection: close``), so a fault per
connection is a fault per request. The proxy reads the request's head first, then takes the connection's fault
from, in order: the one-shot rules (``inject``), the fixed fault (``always``), or the seeded random mode
(``randomize``); without any, it passes the connection through.

Faults (``Fault.kind``):

- ``pass``: forwards both ways.
- ``drop``: closes the connection without forwarding the request: the server never sees it.
- ``reset``: resets the connection (RST, ``SO_LINGER`` 0) without forwarding the request.
- ``delay``: holds the request ``ms`` before forwarding it; with ``at`` set, forwards the request and ``at`` bytes
  of the answer (headers included), then holds the rest ``ms``: with ``at=0`` the server has acted and the client
  has nothing yet.
- ``cut``: forwards the request and ``limit`` bytes of the answer (headers included), then closes the connection
  (or resets it, with ``rst``): the server has acted, the client has no complete answer.
- ``corrupt``: flips one byte of the response's body (only a content file's: a ``corruptible`` path).
- ``blackhole``: reads the request and never answers, until the client gives up (its timeout fires).

``refuse()`` stops listening (the port refuses connections) until ``listen()``. ``counts`` tells how many
connections met each fault, counted where the fault took effect (a cut of an answer shorter than the limit is a
``pass``), and how many found the server not listening (``server-down``). ``seen`` keeps each request's method,
path, Range and Idempotency-Key headers and fault.
"""

from __future__ import annotations

import contextlib
import random
import re
import selectors
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

KINDS = ("pass", "drop", "reset", "delay", "cut", "corrupt", "blackhole")
CONTENT_FILES = "/api/v1/content/files/"
HEAD_LIMIT = 64 * 1024
CHUNK = 16 * 1024


@dataclass(frozen=True)
class Fault:
    kind: str = "pass"
    ms: int = 0  # delay: how long to hold
    at: int | None = None  # delay: hold after this many answer bytes (None: before the request)
    limit: int = 0  # cut: answer bytes forwarded before the connection ends
    rst: bool = False  # cut: end with a reset instead of a close

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    range: str | None  # the Range header
    key: str | None  # the Idempotency-Key header
    fault: Fault


@dataclass
class _Rule:
    fault: Fault
    matches: Callable[[str, str], bool]
    times: int


class TcpProxy:
    """Listens on ``127.0.0.1:port`` (a free port by default) and forwards to ``target_port``."""

    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1", port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.corruptible: Callable[[str], bool] = lambda path: path.startswith(CONTENT_FILES)
        self.counts: Counter[str] = Counter()
        self.connections = 0
        self.seen: list[Seen] = []
        self.holds = 0  # delays begun so far
        self._held = threading.Condition()
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._fixed: Fault | None = None
        self._random: tuple[random.Random, dict[str, float], Callable[[random.Random, str], Fault]] | None = None
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._closed = threading.Event()
        self._bind(port)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def injected(self) -> int:
        """Connections that met a fault of the proxy's (every kind but ``pass``; ``server-down`` counts the
        connections the proxy could not forward because the server did not listen)."""
        with self._lock:
            return sum(count for kind, count in self.counts.items() if kind not in {"pass", "server-down"})

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Waits until no connection is open (each one counted); whether it came to that in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._open:
                    return True
            time.sleep(0.01)
        return False

    # --- choosing faults --------------------------------------------------------------------------------------

    def inject(self, fault: Fault, *, path: str = "", method: str = "", times: int = 1) -> None:
        """The next ``times`` requests whose path matches the regular expression ``path`` from its start (and of
        ``method``, when given) meet ``fault``; rules are tried in the order they were given."""
        pattern = re.compile(path)
        with self._lock:
            self._rules.append(_Rule(fault, lambda m, p: bool(pattern.match(p)) and (not method or m == method), times))

    def always(self, fault: Fault | None) -> None:
        """Every request not matched by a rule meets ``fault`` (None: back to passing, or the random mode)."""
        with self._lock:
            self._fixed = fault

    def randomize(
        self,
        seed: int,
        weights: Mapping[str, float],
        *,
        delay_ms: tuple[int, int] = (5, 150),
        cut_bytes: tuple[int, int] = (0, 4000),
    ) -> None:
        """Chooses each fault with ``random.Random(seed)``, by ``weights`` per kind; ``corrupt`` only for a
        corruptible path. The sequence of faults is reproducible; which request meets which depends on timing."""

        def make(rng: random.Random, kind: str) -> Fault:
            if kind == "delay":
                at = rng.choice([None, rng.randint(0, cut_bytes[1])])
                return Fault("delay", ms=rng.randint(*delay_ms), at=at)
            if kind == "cut":
                return Fault("cut", limit=rng.randint(*cut_bytes), rst=rng.random() < 0.5)
            return Fault(kind)

        unknown = set(weights) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        with self._lock:
            self._random = (random.Random(seed), dict(weights), make)

    def calm(self) -> None:
        """No rules, no fixed fault, no random mode: every request passes."""
        with self._lock:
            self._rules.clear()
            self._fixed = None
            self._random = None

    def _choose(self, method: str, path: str) -> Fault:
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                    return rule.fault
            if self._fixed is not None:
                return self._fixed
            if self._random is None:
                return Fault()
            rng, weights, make = self._random
            kinds = [kind for kind in weights if kind != "corrupt" or self.corruptible(path)]
            kind = rng.choices(kinds, weights=[weights[kind] for kind in kinds])[0]
            return make(rng, kind)

    def _count(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] += 1

    # --- listening --------------------------------------------------------------------------------------------

    def refuse(self) -> None:
        """Stops listening: new connections are refused (connections already open go on)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            _shut(listener)  # out of the listening state at once, even while the accept loop polls it
            listener.close()

    def listen(self) -> None:
        """Listens again on the same port."""
        with self._lock:
            if self._listener is None:
                self._bind(self.port)

    def _bind(self, port: int) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        listener.settimeout(0.05)
        self._listener = listener

    def close(self) -> None:
        """Stops listening and ends every open connection."""
        self._closed.set()
        self.refuse()
        self._acceptor.join(timeout=5)
        with self._lock:
            still_open = list(self._open)
        for sock in still_open:
            _shut(sock)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by refuse()
                continue
            client.settimeout(None)
            with self._lock:
                self.connections += 1
                self._open.add(client)
            threading.Thread(target=self._serve, args=(client,), name="tcp-proxy-conn", daemon=True).start()

    # --- one connection ---------------------------------------------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        try:
            head = _read_head(client)
            if head is None:
                return
            method, path, headers = _request_head(head)
            fault = self._choose(method, path)
            with self._lock:
                self.seen.append(Seen(method, path, headers.get("range"), headers.get("idempotency-key"), fault))
            if fault.kind == "drop":
                self._count("drop")
                return
            if fault.kind == "reset":
                self._count("reset")
                _reset(client)
                return
            if fault.kind == "blackhole":
                self._count("blackhole")
                while not self._closed.is_set() and client.recv(CHUNK):
                    pass
                return
            if fault.kind == "delay" and fault.at is None and not self._hold(fault.ms):
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._count("server-down")  # not a fault of the proxy's: the server does not listen
                return
            upstream.settimeout(None)
            with self._lock:
                self._open.add(upstream)
            upstream.sendall(head)
            if not self._pump(client, upstream, fault, path):
                self._count("pass")
        except OSError:
            pass  # either side went away: the client sees what it sees
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    with self._lock:
                        self._open.discard(sock)
                    sock.close()

    def _hold(self, ms: int) -> bool:
        """Holds the connection ``ms``; False when the proxy closed meanwhile."""
        self._count("delay")
        with self._held:
            self.holds += 1
            self._held.notify_all()
        return not self._closed.wait(ms / 1000)

    def wait_hold(self, after: int, timeout: float) -> bool:
        """Waits until more than ``after`` delays have begun (a request is held now); whether it came to that."""
        with self._held:
            return self._held.wait_for(lambda: self.holds > after, timeout=timeout)

    def _pump(self, client: socket.socket, upstream: socket.socket, fault: Fault, path: str) -> bool:
        """Forwards both ways until the server's answer ends; whether a fault took effect on the way."""
        answer = _Answer(self, client, fault, path)
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ)
            selector.register(upstream, selectors.EVENT_READ)
            while not self._closed.is_set():
                for key, _ in selector.select(timeout=0.1):
                    data = key.fileobj.recv(CHUNK)
                    if key.fileobj is upstream:
                        if not data or answer.forward(data):  # the answer ended, or the fault ended it
                            return answer.injected
                    elif data:
                        upstream.sendall(data)
                    else:
                        selector.unregister(client)
                        upstream.shutdown(socket.SHUT_WR)
        return answer.injected


class _Answer:
    """The server's answer on its way to the client, through the connection's fault."""

    def __init__(self, proxy: TcpProxy, client: socket.socket, fault: Fault, path: str) -> None:
        self.proxy, self.client, self.fault = proxy, client, fault
        self.corrupt = fault.kind == "corrupt" and proxy.corruptible(path)
        self.stop_at = {"cut": fault.limit, "delay": fault.at}.get(fault.kind)
        self.injected = fault.kind == "delay" and fault.at is None  # held before the request already
        self.head = bytearray()  # until its end is found
        self.in_body = False
        self.sent = 0

    def forward(self, data: bytes) -> bool:
        """Forwards ``data`` as the fault says; True when the connection must end now."""
        if self.in_body:
            start, body = b"", data
        else:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0 and len(self.head) < HEAD_LIMIT:
                return False
            end = len(self.head) if end < 0 else end + 4
            start, body, self.in_body = bytes(self.head[:end]), bytes(self.head[end:]), True
        if self.corrupt and body and not self.injected:
            flipped = bytearray(body)
            flipped[len(flipped) // 2] ^= 0xFF
            body, self.injected = bytes(flipped), True
            self.proxy._count("corrupt")
        out = start + body
        if self.stop_at is not None and not self.injected and self.sent + len(out) > self.stop_at:
            self.client.sendall(out[: self.stop_at - self.sent])
            out, self.sent, self.injected = out[self.stop_at - self.sent :], self.stop_at, True
            if self.fault.kind == "cut":
                if self.fault.rst:
                    _reset(self.client)
                self.proxy._count("cut")
                return True
            if not self.proxy._hold(self.fault.ms):
                return True
        self.client.sendall(out)
        self.sent += len(out)
        return False


def _read_head(client: socket.socket) -> bytes | None:
    """The request's head (and whatever of its body came with it); None when the client sent nothing."""
    client.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < HEAD_LIMIT:
        try:
            chunk = client.recv(CHUNK)
        except TimeoutError:
            return None
        if not chunk:
            return None
        data += chunk
    client.settimeout(None)
    return data


def _request_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    """The method, the path and the headers (by lower-case name) of a request's head."""
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    method, path = [*lines[0].split(" "), "", ""][:2]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return method, path, headers


def _reset(sock: socket.socket) -> None:
    """Closes with a reset (RST) instead of an orderly close (FIN)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
