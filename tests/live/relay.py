"""A TCP relay on loopback between a kiosk's events stream and the admin web, that keeps each request's head and
can cut every connection through it (a dropped network link) or turn new ones away for a while."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress


class Relay:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.heads: list[str] = []  # each request's head (request line and headers), in the order they came
        self.refusing = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="relay", daemon=True).start()

    def header(self, head: str, name: str) -> str | None:
        for line in head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None

    def cut(self) -> None:
        """Ends every connection through the relay at once, both ways."""
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:  # each pump then sees its connection end, and closes it
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.cut()
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        self._listener.close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            ends = threading.Semaphore(0)  # the second direction to end closes both sockets
            for source, sink, request in ((client, server, True), (server, client, False)):
                args = (source, sink, request, ends)
                threading.Thread(target=self._pump, args=args, daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, request: bool, ends: threading.Semaphore) -> None:
        head = b""
        try:
            while chunk := source.recv(65536):
                if request and b"\r\n\r\n" not in head:
                    head += chunk
                    if b"\r\n\r\n" in head:
                        self.heads.append(head.split(b"\r\n\r\n")[0].decode("latin-1"))
                sink.sendall(chunk)
        except OSError:
            pass
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if ends.acquire(blocking=False):
            with self._lock:
                self._open = [sock for sock in self._open if sock not in (source, sink)]
            source.close()
            sink.close()
        else:
            ends.release()
