"""Complete journeys by voice alone, at a real kiosk process: espeak-ng Korean into the virtual microphone,
the real Korean model listening, the kiosk's speech played to the virtual speaker. When the recogniser fails,
the citizen gets through by the yes/no fallback (choices read one at a time)."""

from __future__ import annotations

import re

import pytest

from tests.voice.live_kiosk import YES

pytestmark = pytest.mark.slow


def test_a_voice_only_citizen_takes_a_tax_consultation_ticket(live_kiosk, kiosk_server):
    citizen = live_kiosk({"url": kiosk_server.url, "token": kiosk_server.kiosk_token})
    citizen.choose("세금 내러 왔어요", "세금 광장", lambda screen: screen["id"] == "service:tax-square")
    citizen.choose("상담 받고 싶어요", "상담원과 이야기하기", lambda screen: screen["id"] == "ticket:confirm")
    citizen.choose(YES, None, lambda screen: screen["id"] == "ticket:waiting")
    citizen.wait_until_quiet()
    ticket = next(event for _, event in reversed(citizen.kiosk.events) if event["type"] == "ticket")
    assert re.fullmatch(r"[A-Z]-\d{3}", ticket["number"]) and ticket["status"] == "waiting"
    said = " ".join(citizen.kiosk.said_since(0))
    assert ticket["number"] in said  # the number is read out


def test_a_voice_only_citizen_makes_the_text_bigger_in_settings(live_kiosk):
    citizen = live_kiosk()
    citizen.choose("설정", "설정", lambda screen: screen["id"] == "settings")
    before = citizen.kiosk.screen["profile"]["text_scale"]
    # the text-size setting, which voice scanning also reads out (the "bigger text" command is not a choice there)
    citizen.choose("글씨 크기", "글씨 크기", lambda screen: screen["profile"]["text_scale"] > before)


def test_unrelated_speech_changes_nothing(live_kiosk):
    citizen = live_kiosk()
    index = citizen.say("오늘 날씨가 참 좋네요")
    citizen.await_reply(index)
    citizen.wait_until_quiet()
    assert citizen.kiosk.screen["id"] == "home"
    assert not any(element["id"] == "voice-confirm" for element in citizen.kiosk.screen["elements"])
    heard = [event for _, event in citizen.kiosk.events[index:] if event["type"] == "heard"]
    assert all(event["choice"] is None for event in heard)


def test_when_speech_keeps_failing_a_yes_at_the_right_choice_gets_through(live_kiosk):
    citizen = live_kiosk()
    for mumble in ("점심 뭐 먹지", "지하철 어디서 타요"):
        citizen.await_reply(citizen.say(mumble))
    citizen.choose("음", "민원서류", lambda screen: screen["id"] == "service:documents")
    said = " ".join(citizen.kiosk.said_since(0))
    assert "하나씩 읽어 드릴게요" in said


def test_the_kiosk_is_heard_greeting_at_start(live_kiosk):
    citizen = live_kiosk()
    citizen.wait_until_quiet()
    citizen.speaker.close()  # the recording is complete once the recorder has stopped
    samples = citizen.speaker.samples()
    loud = samples[abs(samples) > 0.01]
    greeting = "서울 마당 화면을 누르거나, 키패드를 누르거나, 말씀하시면 시작합니다."
    seconds = loud.size / 16_000
    syllables = len(greeting.replace(" ", "").replace(",", "").replace(".", ""))
    assert 0.08 * syllables < seconds < 0.5 * syllables, seconds  # speech of a plausible length, not a blip
