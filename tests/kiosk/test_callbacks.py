"""Call-back requests as a citizen types them: the phone number the staff will read, and what is refused.

Keeping and delivering them (exactly once, the number erased afterwards, through a stopped server and a kiosk
killed mid-send) is the outbox's: see tests/outbox.
"""

from __future__ import annotations

import pytest

from madang.content.errors import MadangError
from madang.kiosk.callbacks import callback_payload, callback_text, normalize_phone


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("010-1234-5678", "010-1234-5678"),
        ("01012345678", "010-1234-5678"),
        ("+82 10 1234 5678", "010-1234-5678"),
        ("(02) 1234-5678", "02-1234-5678"),
        ("031-123-4567", "031-123-4567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("821012345678", "821012345678"),
    ],
)
def test_phone_numbers_are_kept_the_usual_way(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize("typed", ["", "1234", "1234567890123456", "phone me", "010-1234-567x", "010+1234+5678"])
def test_a_wrong_phone_number_is_refused_with_a_hint(typed):
    with pytest.raises(MadangError, match="010-1234-5678"):
        callback_payload(service_id="tax-square", lang="ko", phone=typed)


def test_a_wrong_language_or_no_service_or_a_long_note_is_refused():
    with pytest.raises(MadangError, match="ko, en"):
        callback_payload(service_id="tax-square", lang="fr", phone="010-1234-5678")
    with pytest.raises(MadangError, match="service"):
        callback_payload(service_id=" ", lang="ko", phone="010-1234-5678")
    with pytest.raises(MadangError, match="500 characters"):
        callback_payload(service_id="tax-square", lang="ko", phone="010-1234-5678", note="x" * 501)


def test_the_request_reads_as_the_staff_need_it():
    when = "2026-11-22T06:43:00+00:00"
    payload = callback_payload(
        service_id=" consult-120 ", lang="en", phone="02 123 4567", note=" wheelchair user ", created_at=when
    )
    assert payload == {
        "service_id": "consult-120",
        "lang": "en",
        "phone": "02-123-4567",
        "note": "wheelchair user",
        "created_at": when,
    }
    text = callback_text(payload["phone"], payload["note"], payload["created_at"])
    assert text.splitlines() == [
        "[전화 요청 / call-back] 02-123-4567 (요청 시각 / requested at 2026-11-22 15:43 KST)",
        "wheelchair user",
    ]
