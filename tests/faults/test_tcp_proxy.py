"""The fault proxy itself, against a small HTTP server of the test: each fault does what it says, and only that."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .tcp_proxy import Fault, TcpProxy

BODY = bytes(range(256)) * 40  # 10 KiB, every byte value
FILE = "/api/v1/content/files/abc"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args: object) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        return "Thu, 01 Jan 2026 00:00:00 GMT"  # every answer the same, byte for byte


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    with TcpProxy(server.server_address[1]) as proxy:
        proxy.upstream = server
        yield proxy
    server.shutdown()
    server.server_close()


def get(proxy: TcpProxy, path: str = "/x", timeout: float = 2.0) -> bytes:
    try:
        with urllib.request.urlopen(f"{proxy.url}{path}", timeout=timeout) as response:
            return response.read()
    finally:
        proxy.wait_idle()


def raw_get(proxy: TcpProxy, path: str = "/x") -> bytes:
    """Everything the proxy sends back, headers included, until it closes."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    proxy.wait_idle()
    return data


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def test_pass_forwards_the_answer_whole(proxy):
    assert get(proxy) == BODY
    assert proxy.counts == {"pass": 1} and proxy.connections == 1 and proxy.injected == 0


def test_drop_closes_before_the_server_sees_the_request(proxy):
    proxy.inject(Fault("drop"))
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        get(proxy)
    assert proxy.upstream.requests == [] and proxy.counts == {"drop": 1}


def test_reset_sends_a_reset(proxy):
    proxy.inject(Fault("reset"))
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            sock.recv(100)
    proxy.wait_idle()
    assert proxy.upstream.requests == [] and proxy.counts == {"reset": 1}


def test_delay_holds_the_request_then_forwards_it(proxy):
    proxy.inject(Fault("delay", ms=300))
    started = time.monotonic()
    assert get(proxy) == BODY
    assert time.monotonic() - started >= 0.3
    assert proxy.counts == {"delay": 1}


def test_delay_at_holds_the_answer_after_the_server_acted(proxy):
    proxy.inject(Fault("delay", ms=400, at=1000))
    answer: list[bytes] = []
    reader = threading.Thread(target=lambda: answer.append(raw_get(proxy)))
    reader.start()
    assert proxy.wait_hold(0, timeout=5)
    assert proxy.upstream.requests == ["/x"] and answer == []  # the server answered; the client waits
    reader.join(5)
    assert body_of(answer[0]) == BODY


@pytest.mark.parametrize("limit", [0, 20, 5000])
def test_cut_forwards_limit_bytes_of_the_answer(proxy, limit):
    whole = raw_get(proxy)
    proxy.inject(Fault("cut", limit=limit))
    assert raw_get(proxy) == whole[:limit]
    assert proxy.upstream.requests == ["/x", "/x"] and proxy.counts == {"pass": 1, "cut": 1}


def test_cut_with_rst_resets(proxy):
    proxy.inject(Fault("cut", limit=100, rst=True))
    with pytest.raises((http.client.IncompleteRead, ConnectionResetError, urllib.error.URLError)):
        get(proxy)
    assert proxy.counts == {"cut": 1}


def test_corrupt_flips_one_byte_of_a_content_files_body_only(proxy):
    proxy.always(Fault("corrupt"))
    assert get(proxy, "/api/v1/content/manifest") == BODY  # not a content file: untouched
    corrupted = get(proxy, FILE)
    assert len(corrupted) == len(BODY)
    assert sum(a != b for a, b in zip(corrupted, BODY, strict=True)) == 1
    assert proxy.counts == {"pass": 1, "corrupt": 1}


def test_blackhole_never_answers(proxy):
    proxy.inject(Fault("blackhole"))
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        get(proxy, timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 2
    assert proxy.upstream.requests == [] and proxy.counts == {"blackhole": 1}


def test_rules_match_a_path_and_run_out(proxy):
    proxy.inject(Fault("drop"), path="/api/v1/content/files/", times=2)
    assert get(proxy, "/other") == BODY
    for _ in range(2):
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
            get(proxy, FILE)
    assert get(proxy, FILE) == BODY
    assert proxy.counts == {"pass": 2, "drop": 2}


def test_refuse_then_listen_again_on_the_same_port(proxy):
    port = proxy.port
    proxy.refuse()
    with pytest.raises(urllib.error.URLError) as refused:
        get(proxy)
    assert isinstance(refused.value.reason, ConnectionRefusedError)
    proxy.listen()
    assert proxy.port == port and get(proxy) == BODY


def test_random_mode_is_reproducible_from_its_seed(proxy):
    weights = {"pass": 2, "drop": 1, "reset": 1, "delay": 1, "cut": 1, "corrupt": 1}

    def run() -> list[Fault]:
        proxy.seen.clear()
        proxy.randomize(1234, weights, delay_ms=(1, 5))
        for _ in range(30):
            with contextlib.suppress(OSError, http.client.HTTPException):
                get(proxy, FILE)
        return [seen.fault for seen in proxy.seen]

    first = run()
    assert run() == first
    assert {fault.kind for fault in first} >= {"pass", "drop", "reset", "delay", "cut", "corrupt"}
    assert sum(proxy.counts.values()) == proxy.connections == 60


def test_a_server_that_does_not_listen_is_counted_apart():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once it is closed
    with TcpProxy(port) as proxy:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
            get(proxy)
        assert proxy.counts == {"server-down": 1} and proxy.injected == 0
