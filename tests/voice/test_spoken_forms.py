"""What the synthesiser is given to say: numbers, times and ticket codes as a listener expects to hear them."""

from __future__ import annotations

import re

import pytest

from madang.kiosk.texts import UiTexts
from madang.voice.spoken_forms import for_speech, native_korean, sino_korean

KOREAN = [
    # ticket numbers: letter name, Sino-Korean number without leading zeros, one 번
    ("T-017", "티 십칠 번"),
    ("번호는 T-017번입니다.", "번호는 티 십칠 번입니다."),
    ("번호표 T-017", "번호표 티 십칠 번"),
    ("T-120번 고객님, 차례입니다.", "티 백이십 번 고객님, 차례입니다."),
    ("D-001, Y-010, W-100", "디 일 번, 와이 십 번, 더블유 백 번"),
    ("P-000번", "피 영 번"),
    ("t-5번", "티 오 번"),
    # clock times: native hours, 오전/오후, no minutes on the hour
    ("14:30", "오후 두 시 삼십 분"),
    ("14:00에 시작합니다", "오후 두 시에 시작합니다"),
    ("09:05", "오전 아홉 시 오 분"),
    ("12:00", "오후 열두 시"),
    ("0:15", "오전 열두 시 십오 분"),
    ("23:59", "오후 열한 시 오십구 분"),
    ("오후 2:30에 열립니다", "오후 두 시 삼십 분에 열립니다"),
    # people, hours, ages, digits, characters: native numbers
    ("앞에 2명이 기다리고 있습니다", "앞에 두 명이 기다리고 있습니다"),
    ("1명 20명 21명 102명", "한 명 스무 명 스물한 명 백두 명"),
    ("24시간 받아요", "스물네 시간 받아요"),
    ("1시부터 5시까지", "한 시부터 다섯 시까지"),
    ("19살부터 39살까지", "열아홉 살부터 서른아홉 살까지"),
    ("9자리 이상", "아홉 자리 이상"),
    ("3자 입력됨", "세 자 입력됨"),
    ("1번째, 2번째, 11번째", "첫 번째, 두 번째, 열한 번째"),
    # minutes, seconds, scores, dates, lines, money: Sino-Korean numbers
    ("약 3분입니다", "약 삼 분입니다"),
    ("30초 뒤에", "삼십 초 뒤에"),
    ("1점부터 5점까지", "일 점부터 오 점까지"),
    ("1915년 6월 1일", "천구백십오 년 유월 일 일"),
    ("10월과 12월", "시월과 십이 월"),
    ("1호선과 2호선", "일 호선과 이 호선"),
    ("10,000원", "만 원"),
    ("150%", "백오십 퍼센트"),
    ("2 / 5 쪽", "오 쪽 중 이 쪽"),
    # phone numbers: digit by digit, 0 is 공
    ("120다산콜센터", "일이공 다산콜센터"),
    ("전화로는 120번, 서울 밖에서는 02-120번으로", "전화로는 일이공 번, 서울 밖에서는 공이 일이공 번으로"),
    ("범죄는 112번에 신고해요", "범죄는 일일이 번에 신고해요"),
    ("120에 전화하면 되나요?", "일이공에 전화하면 되나요?"),
    ("상담전화 109에", "상담전화 일공구에"),
    ("전화: 1330", "전화: 일삼삼공"),
    ("01012345678", "공일공일이삼사오육칠팔"),
    # other numbers; Latin words and plain text left alone
    ("470번 버스", "사백칠십 번 버스"),
    ("18.6킬로미터", "십팔 점 육킬로미터"),
    ("3D 모델", "3D 모델"),
    ("도움말", "도움말"),
]

ENGLISH = [
    ("Your number is T-017.", "Your number is T 17."),
    ("Number T-120, please come to counter 3.", "Number T 120, please come to counter 3."),
    ("14:30", "2:30 PM"),
    ("Opens at 09:00 and 12:00.", "Opens at 9 AM and 12 PM."),
    ("0:15", "12:15 AM"),
    ("2:30 PM", "2:30 PM"),
    ("dial 02-120.", "dial 0 2, 1 2 0."),
    ("call 112 or 119.", "call 1 1 2 or 1 1 9."),
    ("the 120 Dasan Call Center", "the 1 2 0 Dasan Call Center"),
    ("2 people are ahead of you, about 3 minutes.", "2 people are ahead of you, about 3 minutes."),
]


@pytest.mark.parametrize(("text", "spoken"), KOREAN)
def test_korean(text, spoken):
    assert for_speech(text, "ko") == spoken


@pytest.mark.parametrize(("text", "spoken"), ENGLISH)
def test_english(text, spoken):
    assert for_speech(text, "en") == spoken


@pytest.mark.parametrize(
    ("number", "sino", "native"),
    [
        (0, "영", "영"),
        (1, "일", "한"),
        (10, "십", "열"),
        (17, "십칠", "열일곱"),
        (20, "이십", "스무"),
        (99, "구십구", "아흔아홉"),
        (120, "백이십", "백스무"),
        (1000, "천", "천"),
        (10000, "만", "만"),
        (20500, "이만오백", "이만오백"),
        (100000000, "일억", "일억"),
    ],
)
def test_number_words(number, sino, native):
    assert sino_korean(number) == sino
    assert native_korean(number) == native


def test_other_languages_are_left_alone():
    assert for_speech("T-017 14:30", "ja") == "T-017 14:30"


SAMPLE_VALUES = {"number": "T-017", "position": 2, "minutes": 3, "seconds": 30, "stars": 5, "count": 3}
SAMPLE_VALUES |= {"page": 2, "pages": 5, "value": 150}


def korean_screen_texts(pack):
    ui = UiTexts(pack)
    for screen in pack.screens:
        if screen.title:
            yield f"{screen.id} title", ui.title(screen.id, "ko", **SAMPLE_VALUES)
        if screen.prompt:
            yield f"{screen.id} prompt", ui.prompt(screen.id, "ko", **SAMPLE_VALUES)
        for key in screen.texts or {}:
            yield f"{screen.id} {key}", ui.text(screen.id, key, "ko", **SAMPLE_VALUES)


def test_what_the_kiosk_says_in_korean_leaves_no_digits_to_guess(shipped_pack):
    """Every Korean screen text of the shipped pack, with sample numbers filled in, is spoken in words."""
    spoken = {where: for_speech(text, "ko") for where, text in korean_screen_texts(shipped_pack)}
    assert {where: text for where, text in spoken.items() if re.search(r"(?<![A-Za-z])\d|[A-Z]-\d", text)} == {}
    assert "번호는 티 십칠 번입니다. 앞에 두 명이" in spoken["ticket:waiting prompt"]
    assert "약 삼 분" in spoken["ticket:waiting prompt"]
