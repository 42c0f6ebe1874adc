"""What the kiosk does with recognised speech: exact phrases only, every choice confirmed, the speaker's language."""

from __future__ import annotations

from madang.kiosk.flows.memo import MAX_MEMO_BYTES
from madang.kiosk.hearing import Heard, Spoken

from .conftest import said
from .driver import KioskDriver


def test_an_english_speaker_at_a_korean_screen_is_answered_in_english(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    events = kiosk.say("tax square", lang="en")
    assert kiosk.screen["lang"] == "en" and kiosk.screen_id == "home"
    assert 'Tax Square. Say "yes" if that is right, or "no".' in said(events)
    kiosk.say("yes", lang="en")
    assert kiosk.screen_id == "service:tax-square" and kiosk.screen["title"] == "Tax Square"


def test_speech_that_is_no_phrase_of_the_screen_changes_nothing(tmp_path):
    unrelated = (("오늘 날씨 어때요", "ko"), ("what time is it", "en"), ("세금 광장 세금", "ko"))
    for index, (heard, lang) in enumerate(unrelated):
        kiosk = KioskDriver.build(tmp_path / str(index))
        kiosk.send(type="presence")
        events = kiosk.say(heard, lang=lang)
        assert kiosk.screen_id == "home" and kiosk.screen["lang"] == "ko", heard
        assert "잘 알아듣지 못했습니다" in said(events), heard
        assert kiosk.element("voice-confirm") is None


def test_no_cancels_a_choice_heard_and_only_yes_or_no_answers_the_question(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    kiosk.say("세금")
    assert kiosk.element("voice-confirm") is not None
    events = kiosk.say("민원 서류")  # another option while the question is open: asked again, nothing done
    assert kiosk.screen_id == "home" and "세금 광장, 맞으면" in said(events)
    events = kiosk.say("아니요")
    assert kiosk.screen_id == "home" and kiosk.element("voice-confirm") is None
    assert "취소했습니다" in said(events)


def test_repeat_and_louder_act_at_once_without_a_question(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    kiosk.say("세금")
    kiosk.say("네")
    before = kiosk.screen["profile"]["volume"]
    kiosk.say("소리 크게")
    assert kiosk.screen["profile"]["volume"] > before and kiosk.element("voice-confirm") is None
    prompt = kiosk.spoken()[-1]
    events = kiosk.say("다시 말해 주세요")
    assert said(events) and kiosk.spoken(events)[-1] == prompt


def test_a_language_the_kiosk_does_not_speak_is_a_bad_line(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    events = kiosk.send(type="utterance", text="bonjour", lang="fr")
    assert [event["code"] for event in kiosk.errors(events)] == ["bad_field"]
    assert kiosk.screen_id == "home"


def test_a_memo_longer_than_the_server_takes_is_refused_whole_not_cut(tmp_path):
    kiosk = KioskDriver.build(tmp_path / "kiosk")
    kiosk.touch("service:mayor-office")
    kiosk.touch_anywhere("propose")
    kiosk.touch_anywhere("record-memo")
    too_long = tmp_path / "memo.wav"
    too_long.write_bytes(b"RIFF" + bytes(MAX_MEMO_BYTES))
    events = kiosk.send(type="audio", path=str(too_long))
    assert not kiosk.errors(events)
    assert "녹음이 너무 길어" in said(events)
    assert kiosk.element("memo") is None  # nothing recorded, so nothing half-sent later
    assert kiosk.kiosk.page.memo is None


def test_a_harmless_command_acts_at_once_only_when_heard_exactly(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    kiosk.kiosk.handle(Spoken("ko", (Heard("다시 말해 주세요 네"),)))  # near the phrase, not it: asked first
    assert kiosk.kiosk.pending is not None and kiosk.kiosk.pending.id == "repeat"
    kiosk = KioskDriver.build(tmp_path / "exact")
    events = kiosk.kiosk.handle(Spoken("ko", (Heard("다시 말해 주세요"),)))
    assert kiosk.kiosk.pending is None and "맞으면" not in said(events)


def test_a_stray_syllable_from_noise_is_not_an_utterance(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    kiosk.say("세금")
    events = kiosk.kiosk.handle(Spoken("ko", (Heard("네 맞아 요"), Heard("요"))))
    assert kiosk.kiosk.pending is None and "잘 알아듣지" not in said(events)
