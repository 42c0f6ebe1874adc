"""The event-stream format as the HTML standard defines it, fed the way a network delivers it: in pieces."""

from __future__ import annotations

from madang.kiosk.live_channel import SseEvent, SseParser


def parsed(*chunks: bytes, last_event_id: str = "") -> tuple[list[SseEvent], SseParser]:
    parser = SseParser(last_event_id)
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    return events, parser


def test_fields_comments_and_multi_line_data():
    stream = (
        b"retry: 1000\n\n"
        b": keep-alive\n\n"
        b'id: 7\nevent: status\ndata: {"status": "called"}\n\n'
        b"event: position\ndata: first line\ndata:second line\ndata\n\n"
    )
    events, parser = parsed(stream)
    assert events == [
        SseEvent("status", '{"status": "called"}', "7", "7"),
        SseEvent("position", "first line\nsecond line\n", None, "7"),
    ]
    assert parser.retry == 1.0


def test_every_line_ending_and_a_stream_cut_anywhere():
    stream = "\ufeffid: 1\r\nevent: message\r\ndata: 안녕하세요\r\n\r\nid: 2\rdata: b\r\rid: 3\ndata: c\n\n".encode()
    whole, _ = parsed(stream)
    assert [(event.id, event.type, event.data) for event in whole] == [
        ("1", "message", "안녕하세요"),
        ("2", "message", "b"),
        ("3", "message", "c"),
    ]
    for size in (1, 2, 3, 5, 7):  # CRLF split between pieces, and a Korean character split between its bytes
        pieces = [stream[at : at + size] for at in range(0, len(stream), size)]
        assert parsed(*pieces)[0] == whole, size


def test_what_the_standard_ignores():
    stream = (
        b"id: 4\n\n"  # no data: nothing dispatched, but the id is kept
        b"data: a\nid: x\x00y\n\n"  # an id with NUL is ignored
        b"retry: soon\nunknown: field\ndata: b\n\n"
        b"data: cut off at the end"
    )
    events, parser = parsed(stream, last_event_id="3")
    assert [(event.data, event.id, event.last_event_id) for event in events] == [("a", None, "4"), ("b", None, "4")]
    assert parser.retry is None
