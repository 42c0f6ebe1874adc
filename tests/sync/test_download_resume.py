"""The kiosk client's file download against servers that break off, ignore ranges or answer beyond the end:
what arrived is kept, a Range request continues it, and a whole answer starts it over."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from madang.kiosk.server_client import KioskApiClient, ServerUnavailable

FILE = bytes(range(256)) * 40  # 10 KiB
SHA = "ab" * 32


class FileServer(http.server.ThreadingHTTPServer):
    """Serves FILE at /api/v1/content/files/<SHA> the way ``mode`` says; records each Range header asked."""

    mode = "ranges"  # "ranges" | "cut" (half the body, then the connection closes) | "whole" (ignores Range)
    ranges: list[str | None]


class Handler(http.server.BaseHTTPRequestHandler):
    server: FileServer

    def do_GET(self) -> None:
        asked = self.headers.get("Range")
        self.server.ranges.append(asked)
        start = int(asked.removeprefix("bytes=").removesuffix("-")) if asked and self.server.mode != "whole" else 0
        body = FILE[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(FILE) - 1}/{len(FILE)}")
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if self.server.mode == "cut" else body)
        self.close_connection = True

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server = FileServer(("127.0.0.1", 0), Handler)
    server.ranges = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_cut_download_keeps_what_arrived_and_the_next_one_asks_only_for_the_rest(file_server, tmp_path):
    client = KioskApiClient(f"http://127.0.0.1:{file_server.server_address[1]}", "token", timeout=5)
    part = tmp_path / f"{SHA}.part"
    file_server.mode = "cut"
    with pytest.raises(ServerUnavailable, match="broke off"):
        client.download_content_file(SHA, part)
    kept = part.stat().st_size
    assert 0 < kept < len(FILE) and part.read_bytes() == FILE[:kept]
    file_server.mode = "ranges"
    assert client.download_content_file(SHA, part) == len(FILE) - kept
    assert file_server.ranges == [None, f"bytes={kept}-"]
    assert part.read_bytes() == FILE


def test_a_server_that_answers_the_whole_file_to_a_range_starts_it_over(file_server, tmp_path):
    client = KioskApiClient(f"http://127.0.0.1:{file_server.server_address[1]}", "token", timeout=5)
    part = tmp_path / f"{SHA}.part"
    part.write_bytes(FILE[:1000])
    file_server.mode = "whole"
    assert client.download_content_file(SHA, part) == len(FILE)
    assert file_server.ranges == ["bytes=1000-"] and part.read_bytes() == FILE
