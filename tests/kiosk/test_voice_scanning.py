"""Voice scanning: after two utterances not understood, the choices are read one at a time and '네' picks one."""

from __future__ import annotations

from madang.kiosk.scanning import ANSWER_WAIT_S

from .conftest import said
from .driver import KioskDriver


def start_scanning(kiosk: KioskDriver) -> list[dict]:
    kiosk.say("오늘 날씨 어때요")
    return kiosk.say("점심 뭐 먹지")


def test_two_misunderstandings_start_reading_the_choices_one_at_a_time(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    first = kiosk.say("오늘 날씨 어때요")
    assert "잘 알아듣지 못했습니다. 화면에 있는" in said(first)
    events = kiosk.say("점심 뭐 먹지")
    spoken = said(events)
    assert "하나씩 읽어 드릴게요" in spoken
    assert "120다산콜센터. 이것이면 '네'" in spoken
    assert kiosk.screen_id == "home"
    assert [e["id"] for e in kiosk.screen["elements"] if e["focused"]] == ["service:consult-120"]


def test_no_and_silence_move_on_and_yes_opens_the_choice_without_another_question(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    start_scanning(kiosk)
    assert "민원서류. 이것이면" in said(kiosk.say("아니요"))
    assert "세금 광장. 이것이면" in said(kiosk.tick(ANSWER_WAIT_S + 10))  # no answer: the next choice
    kiosk.say("네")
    assert kiosk.screen_id == "service:tax-square"
    assert kiosk.element("voice-confirm") is None


def test_only_yes_or_no_answer_a_choice_being_read(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    start_scanning(kiosk)
    events = kiosk.say("세금 광장")  # a choice's own phrase is not an answer: the choice is read again
    assert kiosk.screen_id == "home" and "120다산콜센터. 이것이면" in said(events)


def test_touch_or_keys_stop_the_reading(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    start_scanning(kiosk)
    kiosk.touch("service:documents")
    assert kiosk.screen_id == "service:documents"
    assert "이것이면" not in said(kiosk.tick(ANSWER_WAIT_S + 10))


def test_a_citizen_who_answers_nothing_hears_every_choice_twice_ending_with_staff_then_reading_stops(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    heard = said(start_scanning(kiosk)).splitlines()
    heard += [line for _ in range(40) for line in said(kiosk.tick(ANSWER_WAIT_S + 10)).splitlines()]
    offered = [line.split(".")[0] for line in heard if "이것이면" in line]
    assert len(offered) == 26 and offered[:13] == offered[13:]  # 10 services, help, settings and staff, twice
    assert offered[10:13] == ["도움말", "설정", "직원 부르기"]
    assert any("읽기를 멈췄습니다" in line for line in heard)
    assert kiosk.screen_id == "home"


def test_yes_at_call_staff_calls_a_person(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    start_scanning(kiosk)
    for _ in range(12):
        kiosk.say("아니요")
    kiosk.say("네 맞아 요")
    assert kiosk.screen_id == "help"
    assert "직원" in kiosk.screen["title"] or any("직원" in e["label"] for e in kiosk.screen["elements"])


def test_on_a_deeper_screen_back_is_offered_before_staff(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    kiosk.touch("service:tour")
    events = start_scanning(kiosk)
    assert "이것이면" in said(events)
    heard = [line for _ in range(30) for line in said(kiosk.tick(ANSWER_WAIT_S + 10)).splitlines()]
    offered = [line.split(".")[0] for line in heard if "이것이면" in line]
    assert offered.index("뒤로") < offered.index("처음으로") < offered.index("직원 부르기")


def test_a_question_not_answered_twice_becomes_reading_with_the_choice_heard_first(tmp_path):
    kiosk = KioskDriver.build(tmp_path)
    kiosk.say("세금")
    assert kiosk.element("voice-confirm") is not None
    kiosk.say("음")
    events = kiosk.say("글쎄요")
    assert kiosk.element("voice-confirm") is None
    assert "세금 광장. 이것이면" in said(events).splitlines()[-1]
    kiosk.say("네")
    assert kiosk.screen_id == "service:tax-square"
