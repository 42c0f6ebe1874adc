"""The live voice on the virtual devices: what it says, what it stops saying, and what it does without a part."""

from __future__ import annotations

import time

from madang.kiosk.hearing import Listening
from madang.voice.hearing import VoskHearing
from madang.voice.live import LiveVoice

LONG = "서울 마당에 오신 것을 환영합니다. 원하는 서비스를 누르거나 말씀하세요. 도움이 필요하면 직원을 부르세요."
LISTENING = Listening("ko", ("세금 상담",), None)


def speech(text: str) -> dict:
    return {"type": "speech", "text": text, "lang": "ko", "rate": 1.0}


def test_a_new_screen_cuts_off_what_was_being_said_about_the_old_one(virtual_audio):
    problems: list[str] = []
    live = LiveVoice(VoskHearing(), report=problems.append)
    try:
        assert problems == []
        live.follow([speech(LONG)], LISTENING, 1.0)
        time.sleep(0.6)
        live.follow([{"type": "screen"}, speech("세금 광장")], LISTENING, 1.0)
        assert live.speaker.wait_until_quiet(15)
        first, second = list(live.speaker.played)[-2:]
        assert first.text == LONG and not first.completed
        assert second.text == "세금 광장" and second.completed
    finally:
        live.close()


def test_a_missing_microphone_is_reported_and_the_kiosk_still_speaks(virtual_audio):
    problems: list[str] = []
    live = LiveVoice(VoskHearing(), microphone="no-such-microphone", report=problems.append)
    try:
        assert live.microphone is None and live.can_speak
        assert len(problems) == 1 and problems[0].startswith("voice input is off")
        assert "no-such-microphone" in problems[0] and "pulse" in problems[0]  # what exists instead
        with virtual_audio.capture() as heard:
            live.follow([speech("세금 광장")], LISTENING, 1.0)
            assert live.speaker.wait_until_quiet(10)
        assert heard.sounding_seconds() > 0.3
    finally:
        live.close()
