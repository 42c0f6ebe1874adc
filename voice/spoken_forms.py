"""Text as a listener expects to hear it: ticket numbers, clock times, phone numbers and counted things.

The screen shows ``T-017``, ``14:30`` and ``2명``; the synthesiser must say 티 십칠 번, 오후 두 시 삼십 분 and
두 명. Korean counts things with two number systems: native numbers (한, 두, 세 …) for people, hours and
objects, Sino-Korean numbers (일, 이, 삼 …) for minutes, seconds, dates, scores and labels such as ticket numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

LETTER_NAMES_KO = {
    "A": "에이", "B": "비", "C": "씨", "D": "디", "E": "이", "F": "에프", "G": "지", "H": "에이치", "I": "아이",
    "J": "제이", "K": "케이", "L": "엘", "M": "엠", "N": "엔", "O": "오", "P": "피", "Q": "큐", "R": "알",
    "S": "에스", "T": "티", "U": "유", "V": "브이", "W": "더블유", "X": "엑스", "Y": "와이", "Z": "지",
}  # fmt: skip

_SINO_DIGITS = ("", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
_PHONE_DIGITS = ("공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")  # 0 is 공 in phone numbers
_NATIVE_UNITS = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")  # before a counter
_NATIVE_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")
_MONTHS = {6: "유월", 10: "시월"}  # the two months whose names are not plain Sino-Korean numbers

# Counters the content uses after a number (or may soon), and which number system each takes.
NATIVE_COUNTERS = ("번째", "시간", "자리", "마리", "가지", "명", "시", "살", "개", "자", "장", "권", "곳", "잔", "벌")
SINO_COUNTERS = ("개월", "호선", "퍼센트", "분", "초", "점", "쪽", "년", "월", "일", "번", "층", "원", "세", "회", "주")


def sino_korean(number: int) -> str:
    """일, 이, 삼 … up to 조; 0 is 영; no 일 before 십, 백, 천 or 만 (10 is 십, 10000 is 만)."""
    if number == 0:
        return "영"
    words = []
    for unit, name in ((10**12, "조"), (10**8, "억"), (10**4, "만")):
        if number >= unit:
            group, number = divmod(number, unit)
            words.append(("" if group == 1 and unit == 10**4 else _below_10000(group)) + name)
    if number:
        words.append(_below_10000(number))
    return "".join(words)


def _below_10000(number: int) -> str:
    words = []
    for unit, name in ((1000, "천"), (100, "백"), (10, "십")):
        digit, number = divmod(number, unit)
        if digit:
            words.append(("" if digit == 1 else _SINO_DIGITS[digit]) + name)
    return "".join(words) + _SINO_DIGITS[number]


def native_korean(number: int) -> str:
    """The form before a counter: 한, 두, 스무, 스물한 …; hundreds and above are Sino-Korean (백두 명)."""
    if number == 0:
        return "영"
    hundreds, rest = divmod(number, 100)
    head = sino_korean(hundreds * 100) if hundreds else ""
    if rest == 20:
        return head + "스무"
    tens, units = divmod(rest, 10)
    return head + _NATIVE_TENS[tens] + _NATIVE_UNITS[units]


def ordinal_korean(number: int) -> str:
    """첫, 두, 세 … before 번째."""
    return "첫" if number == 1 else native_korean(number)


def phone_digits(digits: str) -> str:
    return "".join(_PHONE_DIGITS[int(digit)] for digit in digits if digit.isdigit())


def korean_clock(hour: int, minute: int, *, period: str | None = None) -> str:
    """14:30 → 오후 두 시 삼십 분; ``period`` is 오전/오후 when the text already says it."""
    spoken_hour = hour % 12 or 12
    words = [] if period else ["오전" if hour < 12 else "오후"]
    words.append(f"{native_korean(spoken_hour)} 시")
    if minute:
        words.append(f"{sino_korean(minute)} 분")
    return " ".join(words)


def english_clock(hour: int, minute: int) -> str:
    """14:30 → 2:30 PM, 14:00 → 2 PM."""
    spoken = str(hour % 12 or 12) + (f":{minute:02d}" if minute else "")
    return f"{spoken} {'AM' if hour < 12 else 'PM'}"


def _number(text: str) -> int:
    return int(text.replace(",", ""))


_LATIN = "A-Za-z"
_TICKET = re.compile(rf"(?<![{_LATIN}\d-])([{_LATIN}])-(\d{{1,6}})(?![\d{_LATIN}])")
_TICKET_KO = re.compile(_TICKET.pattern + r"(\s*번(?!호))?")
_CLOCK = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_CLOCK_KO = re.compile(r"(?:(오전|오후)\s*)?" + _CLOCK.pattern)
_CLOCK_EN = re.compile(_CLOCK.pattern + r"(?!\s*(?:[AaPp]\.?[Mm]\b|o'clock))")
_AREA_PHONE = re.compile(r"(?<![\d-])(0\d{1,2})-(\d{3,4})(?:-(\d{4}))?(?![\d-])")
# Service numbers (112, 119, 120, 1330 …) are said digit by digit: 일일구, 일이공 다산콜센터.
_SERVICE_PHONE_KO = re.compile(
    r"(?<![\d,.])(1\d{2,3})(?![\d,.])(?=\s*(?:번(?!\s*(?:버스|출구|마을버스|째))|다산|에\s*전화))"
    r"|(?<=전화)(\s*:?\s*)(\d{3,4})(?![\d,.])"
)
_LONG_DIGITS = re.compile(r"(?<![\d,.])\d{7,}(?![\d,.])")
_PAGE_OF = re.compile(r"(\d+)\s*/\s*(\d+)\s*쪽")
_PERCENT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*%")
_COUNTERS = "|".join(sorted(NATIVE_COUNTERS + SINO_COUNTERS, key=len, reverse=True))
_COUNTED = re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+|\d+) ?({_COUNTERS})")
_DECIMAL = re.compile(rf"(?<![\d.,{_LATIN}])(\d+)\.(\d+)(?![\d.,{_LATIN}])")
_BARE = re.compile(rf"(?<![\d{_LATIN}])(\d{{1,3}}(?:,\d{{3}})+|\d+)(?![\d{_LATIN}])")
_PHONE_EN = re.compile(
    r"\b(?:call|dial|phone|telephone|line|hotline)\s*:?\s*1\d{2,3}\b(?:(?:,\s*|\s+or\s+|\s+and\s+)1\d{2,3}\b)*"
    r"|\b1\d{2,3}(?=\s+Dasan\b)",
    re.IGNORECASE,
)
_SERVICE_NUMBER_EN = re.compile(r"(?<![\d,.])1\d{2,3}(?![\d,.])")


def _ticket_ko(match: re.Match[str]) -> str:
    letter, digits = match.group(1).upper(), match.group(2)
    return f"{LETTER_NAMES_KO[letter]} {sino_korean(int(digits))} 번"


def _clock_ko(match: re.Match[str]) -> str:
    period, hour, minute = match.group(1), int(match.group(2)), int(match.group(3))
    spoken = korean_clock(hour, minute, period=period)
    return f"{period} {spoken}" if period else spoken


def _service_phone_ko(match: re.Match[str]) -> str:
    if match.group(1):
        word_follows = match.string[match.end() : match.end() + 1] in ("번", "다")  # not a particle such as 에
        return phone_digits(match.group(1)) + (" " if word_follows else "")
    return f"{match.group(2)}{phone_digits(match.group(3))}"


def _counted_ko(match: re.Match[str]) -> str:
    number, counter = _number(match.group(1)), match.group(2)
    if counter == "월" and number in _MONTHS:
        return _MONTHS[number]
    if counter == "번째":
        return f"{ordinal_korean(number)} 번째"
    if counter in NATIVE_COUNTERS:
        return f"{native_korean(number)} {counter}"
    return f"{sino_korean(number)} {counter}"


def _decimal_ko(match: re.Match[str]) -> str:
    return f"{sino_korean(int(match.group(1)))} 점 {''.join(_PHONE_DIGITS[int(d)] for d in match.group(2))}"


def _percent_ko(match: re.Match[str]) -> str:
    whole, _, fraction = match.group(1).replace(",", "").partition(".")
    spoken = sino_korean(int(whole)) + (f" 점 {phone_digits(fraction)}" if fraction else "")
    return f"{spoken} 퍼센트"


_KOREAN_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_TICKET_KO, _ticket_ko),
    (_CLOCK_KO, _clock_ko),
    (_AREA_PHONE, lambda m: " ".join(phone_digits(group) for group in m.groups() if group) + " "),
    (_SERVICE_PHONE_KO, _service_phone_ko),
    (_LONG_DIGITS, lambda m: phone_digits(m.group(0))),
    (_PAGE_OF, lambda m: f"{sino_korean(int(m.group(2)))} 쪽 중 {sino_korean(int(m.group(1)))} 쪽"),
    (_PERCENT, _percent_ko),
    (_COUNTED, _counted_ko),
    (_DECIMAL, _decimal_ko),
    (_BARE, lambda m: sino_korean(_number(m.group(1)))),
)

_ENGLISH_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_TICKET, lambda m: f"{m.group(1).upper()} {int(m.group(2))}"),
    (_CLOCK_EN, lambda m: english_clock(int(m.group(1)), int(m.group(2)))),
    (_AREA_PHONE, lambda m: ", ".join(" ".join(group) for group in m.groups() if group)),
    (_PHONE_EN, lambda m: _SERVICE_NUMBER_EN.sub(lambda n: " ".join(n.group(0)), m.group(0))),
)


def for_speech(text: str, lang: str) -> str:
    """``text`` rewritten for the synthesiser of ``lang`` ("ko" or "en"); other languages are left as they are."""
    rules = {"ko": _KOREAN_RULES, "en": _ENGLISH_RULES}.get(lang.split("-", maxsplit=1)[0].lower(), ())
    for pattern, spoken in rules:
        text = pattern.sub(spoken, text)
    return re.sub(r"[ \t]{2,}", " ", text).strip() if rules else text
