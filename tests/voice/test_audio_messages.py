"""`{"type":"audio","path":WAV}`: a recording goes through the same recogniser, grammar and acceptance as the
microphone. Clips are synthesised with espeak-ng, the real Korean model listens."""

from __future__ import annotations

from pathlib import Path

import pytest

from madang.voice.hearing import VoskHearing
from madang.voice.wav import write_wav
from tests.kiosk.conftest import said
from tests.kiosk.driver import KioskDriver
from tests.voice.pulse import citizen_clip


@pytest.fixture(scope="module")
def hearing():
    hearing = VoskHearing()
    assert hearing.unavailable("ko") is None
    return hearing


def spoken_clip(folder: Path, text: str, lang: str = "ko") -> str:
    return str(citizen_clip(text, folder / f"{abs(hash(text))}.wav", lang))


def heard(events: list[dict]) -> list[dict]:
    return [event for event in events if event["type"] == "heard"]


def test_a_spoken_choice_is_heard_and_confirmed_before_it_acts(tmp_path, hearing):
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    events = kiosk.send(type="audio", path=spoken_clip(tmp_path, "세금 내러 왔어요"))
    assert heard(events) == [{"type": "heard", "text": "세금 내러 왔어요", "choice": "service:tax-square"}]
    assert "세금 광장, 맞으면 '네', 아니면 '아니요'라고 말씀하세요." in said(events)
    assert kiosk.screen_id == "home"
    events = kiosk.send(type="audio", path=spoken_clip(tmp_path, "네 맞아 요"))
    assert heard(events)[0]["choice"] == "yes"
    assert kiosk.screen_id == "service:tax-square"


def test_while_a_question_is_open_only_yes_or_no_is_listened_for(tmp_path, hearing):
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    kiosk.send(type="audio", path=spoken_clip(tmp_path, "세금 내러 왔어요"))
    assert set(kiosk.kiosk.recogniser_choices()) == {"yes", "no"}
    events = kiosk.send(type="audio", path=spoken_clip(tmp_path, "아니요 틀려 요"))
    assert heard(events)[0]["choice"] == "no"
    assert kiosk.screen_id == "home" and "취소했습니다" in said(events)


def test_unrelated_speech_does_nothing(tmp_path, hearing):
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    for sentence in ("오늘 날씨가 참 좋네요", "지하철 이호선 어디서 타요"):
        events = kiosk.send(type="audio", path=spoken_clip(tmp_path, sentence))
        assert all(event["choice"] is None for event in heard(events)), sentence
        assert kiosk.screen_id == "home" and kiosk.element("voice-confirm") is None


def test_a_file_that_is_not_audio_is_refused_with_what_to_send(tmp_path, hearing):
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    bogus = tmp_path / "note.wav"
    bogus.write_text("not a recording")
    events = kiosk.send(type="audio", path=str(bogus))
    assert events[0]["type"] == "error" and events[0]["code"] == "bad_audio"
    assert "WAV" in events[0]["detail"]
    assert kiosk.screen_id == "home"


def test_without_an_english_model_english_voice_input_is_off_and_said_so_in_english(tmp_path, hearing, monkeypatch):
    monkeypatch.delenv("MADANG_VOSK_MODEL_EN", raising=False)
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    events = kiosk.touch("language")
    assert "This kiosk cannot listen in English" in said(events)
    events = kiosk.send(type="audio", path=spoken_clip(tmp_path, "tax square", lang="en"))
    assert events[0]["type"] == "error" and events[0]["code"] == "voice_unavailable"
    assert "MADANG_VOSK_MODEL_EN" in events[0]["detail"]
    assert "touch screen" in said(events)
    assert kiosk.screen["lang"] == "en"  # and speech output goes on in English


def test_each_choice_shows_the_words_to_say_for_it(tmp_path, hearing):
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    tax = kiosk.element("service:tax-square")
    assert tax["say"] == f"말씀하세요: {tax['voice'][0]}"
    assert tax["voice"][0] in kiosk.kiosk.recogniser_phrases()  # what is shown is what is listened for
    silent = KioskDriver.build(tmp_path / "no-voice")  # a kiosk that cannot listen shows no such words
    assert "say" not in silent.element("service:tax-square")


def test_a_recording_with_no_words_in_it_is_not_understood(tmp_path, hearing):
    kiosk = KioskDriver.build(tmp_path, hearing=hearing)
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, b"\0" * 32_000)
    events = kiosk.send(type="audio", path=str(quiet))
    assert heard(events) == [{"type": "heard", "text": "", "choice": None}]
    assert "잘 알아듣지 못했습니다" in said(events)
