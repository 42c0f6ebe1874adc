"""The live voice on the virtual devices: what it says, what it stops saying, and what it does without a part."""

from __future__ import annotations

import json
import os
import subprocess
import time

from madang.kiosk.hearing import Listening, Spoken
from madang.voice.hearing import VoskHearing
from madang.voice.live import LiveVoice
from tests.conftest import MADANG
from tests.voice.pulse import citizen_clip

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


def test_a_kiosk_with_no_sound_server_says_what_is_missing_and_runs_on(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULSE")}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # no PulseAudio here, and this machine has no sound card
    done = subprocess.run(
        [str(MADANG), "kiosk", "--mode", "headless", "--audio", "--data-dir", str(tmp_path / "kiosk")],
        input='{"type":"touch","target":"service:tour"}\n',
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    problems = done.stderr.splitlines()
    assert any(line.startswith("madang kiosk: speech output is off: no speaker") for line in problems), problems
    assert any(line.startswith("madang kiosk: voice input is off: no microphone") for line in problems), problems
    screens = [json.loads(line)["id"] for line in done.stdout.splitlines() if '"type":"screen"' in line]
    assert screens[-1] == "service:tour"  # touch goes on working, and captions: every line is still an event


def test_a_citizen_talking_over_the_kiosk_stops_it_and_is_heard(virtual_audio, tmp_path):
    heard: list[Spoken] = []
    live = LiveVoice(VoskHearing(), report=lambda problem: None)
    clip = citizen_clip("세금 상담", tmp_path / "tax.wav")
    try:
        live.start(heard.append)
        listening = Listening("ko", ("세금 상담", "등본 발급", "도움말"), None)
        live.follow([speech(LONG * 2)], listening, 1.0)
        time.sleep(1.0)
        assert live.speaker.speaking
        virtual_audio.feed(clip)
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not list(live.speaker.played)[-1].completed  # the kiosk stopped talking
        assert [utterance.text for spoken in heard for utterance in spoken.utterances] == ["세금 상담"]
    finally:
        live.close()
