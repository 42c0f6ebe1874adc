"""Sessions on the kiosk's virtual clock: the idle warning, more time, the privacy wipe, the headset, and what
the kiosk does while the admin web is down or not configured at all.
"""

from __future__ import annotations

import re

import pytest

from madang.kiosk.profile import Profile
from madang.kiosk.session import IDLE_TIMEOUT_S, WARNING_BEFORE_S
from tests.live_server import LiveServer, staff_action, staff_call_next, staff_message

from .conftest import Citizen, said, screen_text, server_rows, tick_until
from .driver import KioskDriver

DEFAULT_PROFILE = Profile().to_json()
PHONE = "01098765432"
PHONE_KEPT = "010-9876-5432"  # how the staff see it
MADE_UP_NUMBER = re.compile(r"[A-Z]-\d{3}")  # what a ticket number looks like


def session_events(events: list[dict]) -> list[str]:
    return [event["event"] for event in events if event["type"] == "session"]


def idle(kiosk: KioskDriver, seconds: float, step: float = 1.0) -> list[dict]:
    events: list[dict] = []
    for _ in range(round(seconds / step)):
        events += kiosk.tick(step)
    return events


# --- the idle warning and more time --------------------------------------------------------------------------


def test_the_idle_warning_comes_20_s_before_the_timeout_shown_and_spoken(open_kiosk):
    kiosk = open_kiosk()
    assert session_events(kiosk.touch("service:tour")) == ["started"]
    warning_at = IDLE_TIMEOUT_S - WARNING_BEFORE_S
    assert WARNING_BEFORE_S == 20

    quiet = idle(kiosk, warning_at - 1)
    assert session_events(quiet) == [] and kiosk.screen_id == "service:tour"
    events = kiosk.tick(1)
    assert session_events(events) == ["warning"]
    assert kiosk.screen_id == "session:warning"
    countdown = kiosk.element("countdown")["label"]
    assert "20" in countdown and countdown in said(events)
    assert kiosk.element("more-time")["focused"] is True  # one press of enter gives more time

    assert session_events(idle(kiosk, WARNING_BEFORE_S - 1)) == []
    events = kiosk.tick(1)
    assert session_events(events) == ["ended"]
    assert kiosk.screen_id == "home"


def test_more_time_works_again_and_again(open_kiosk, modality):
    kiosk = open_kiosk()
    citizen = Citizen(kiosk, modality)
    citizen.choose("service:reading-plaza")
    for round_ in range(12):
        events = tick_until(kiosk, lambda events: "warning" in session_events(events), step=5, limit=IDLE_TIMEOUT_S)
        assert kiosk.screen_id == "session:warning", round_
        events = citizen.choose("more-time")
        assert session_events(events) == ["extended"], round_
        assert kiosk.screen_id == "service:reading-plaza"
        assert "시간을 더 드렸습니다" in said(events)
    # the full idle time again after the last extension
    assert session_events(idle(kiosk, IDLE_TIMEOUT_S - WARNING_BEFORE_S - 5, step=5)) == []


def test_the_session_waits_while_a_ticket_is_open_but_not_after_it_ended(server, open_kiosk):
    """Nobody is timed out while waiting in line or talking to a counsellor; but a citizen who walks away after
    the consultation leaves no chat on the screen for the next person."""
    kiosk = open_kiosk(server)
    kiosk.touch("service:consult-120")
    kiosk.touch_anywhere("consult")
    ticket = next(event for event in kiosk.touch_anywhere("yes") if event["type"] == "ticket")
    assert session_events(idle(kiosk, 2 * IDLE_TIMEOUT_S, step=5)) == []
    staff_call_next(server)
    staff_action(server, ticket["id"], "start")
    private = "고객님의 주민등록번호 뒷자리를 확인했습니다"
    staff_message(server, ticket["id"], private)
    tick_until(kiosk, lambda events: private in said(events))
    assert session_events(idle(kiosk, 2 * IDLE_TIMEOUT_S, step=5)) == []
    assert kiosk.screen_id == "consultation"

    staff_action(server, ticket["id"], "finish", {"note": "done"})
    events = idle(kiosk, IDLE_TIMEOUT_S + 5, step=5)
    assert session_events(events) == ["warning", "ended"]
    assert kiosk.screen_id == "home" and private not in screen_text(kiosk)


def test_a_cancelled_ticket_left_on_screen_times_out(server, open_kiosk):
    kiosk = open_kiosk(server)
    kiosk.touch("service:documents")
    kiosk.touch_anywhere("document:basic-certificate")
    kiosk.touch_anywhere("request-document")
    kiosk.touch_anywhere("yes")
    kiosk.touch("cancel-ticket")
    assert session_events(idle(kiosk, IDLE_TIMEOUT_S + 5, step=5)) == ["warning", "ended"]
    assert kiosk.screen_id == "home"


# --- the end of a session wipes everything ---------------------------------------------------------------------


def enter_a_proposal(kiosk: KioskDriver) -> str:
    kiosk.touch("service:mayor-office")
    kiosk.touch_anywhere("propose")
    secret = "제 주소는 종로구 세종대로 175입니다"
    kiosk.touch("proposal-text")
    kiosk.type_text(secret)
    assert kiosk.element("proposal-text")["value"] == secret
    return secret


def enter_a_phone(kiosk: KioskDriver) -> str:
    kiosk.touch("service:consult-120")
    kiosk.touch_anywhere("consult")
    kiosk.touch_anywhere("yes")
    assert kiosk.screen_id == "offline"  # this kiosk has no server
    kiosk.touch_anywhere("callback")
    kiosk.type_text(PHONE)
    assert kiosk.element("phone")["value"] == PHONE
    return PHONE


def change_the_profile(kiosk: KioskDriver) -> None:
    kiosk.key("volume-up")
    kiosk.key("volume-up")
    kiosk.say("글자 크게")
    assert kiosk.screen["profile"] != DEFAULT_PROFILE
    assert kiosk.screen["profile"]["volume"] > DEFAULT_PROFILE["volume"]
    assert kiosk.screen["profile"]["text_scale"] > DEFAULT_PROFILE["text_scale"]


def revisit(kiosk: KioskDriver, what: str) -> str:
    """The next citizen walks to where the secret was typed; the field's value there."""
    if what == "proposal":
        kiosk.touch("service:mayor-office")
        kiosk.touch_anywhere("propose")
        return kiosk.element("proposal-text")["value"] or ""
    kiosk.touch("service:consult-120")
    kiosk.touch_anywhere("consult")
    kiosk.touch_anywhere("yes")
    kiosk.touch_anywhere("callback")
    return kiosk.element("phone")["value"] or ""


@pytest.mark.parametrize("ending", ["timeout", "finish"])
@pytest.mark.parametrize("what", ["proposal", "phone"])
def test_the_end_of_a_session_wipes_what_was_entered_and_resets_the_profile(open_kiosk, ending, what):
    kiosk = open_kiosk()
    change_the_profile(kiosk)
    secret = enter_a_proposal(kiosk) if what == "proposal" else enter_a_phone(kiosk)
    if ending == "timeout":
        events = idle(kiosk, IDLE_TIMEOUT_S, step=2)
    else:  # the citizen answers the idle warning with "finish"
        tick_until(kiosk, lambda events: "warning" in session_events(events), step=5, limit=IDLE_TIMEOUT_S)
        events = kiosk.touch("finish")
    assert session_events(events)[-1] == "ended"
    assert "입력하신 내용과 설정은 모두 지웠습니다" in said(events)
    assert kiosk.screen_id == "home"
    assert kiosk.screen["profile"] == DEFAULT_PROFILE

    after = len(kiosk.events)
    assert session_events(kiosk.send(type="presence")) == ["started"]
    assert kiosk.screen["profile"] == DEFAULT_PROFILE
    kiosk.say("다시 말해 주세요")  # "repeat" has nothing of the last citizen's
    kiosk.key("back")  # and "back" leads nowhere from home
    assert kiosk.screen_id == "home"
    assert revisit(kiosk, what) == ""
    assert kiosk.screen["profile"]["volume"] == DEFAULT_PROFILE["volume"]
    for event in kiosk.events[after:]:
        assert secret not in str(event), event


# --- the headset makes listening private ------------------------------------------------------------------------


def phone_digits_spoken(events: list[dict], kinds: tuple[str, ...] = ("speech", "caption")) -> bool:
    """Whether any spoken line (or caption) holds the phone number, however it is grouped or spaced."""
    return any(PHONE[3:] in re.sub(r"\D", "", event["text"]) for event in events if event["type"] in kinds)


def test_the_phone_number_is_spoken_only_into_the_headset(open_kiosk):
    kiosk = open_kiosk()
    enter_a_phone(kiosk)  # typed with the headset unplugged
    assert not phone_digits_spoken(kiosk.events)

    private = kiosk.send(type="headset", plugged=True)
    assert "이어폰" in said(private)
    heard = kiosk.type_text(PHONE)
    assert phone_digits_spoken(heard, ("speech",))
    kiosk.key_to("phone")
    kiosk.key("up")
    heard = kiosk.key("down")  # the keypad's focus, back on the field, reads it
    assert kiosk.element("phone")["focused"] is True
    assert phone_digits_spoken(heard, ("speech",))

    start = len(kiosk.events)
    kiosk.send(type="headset", plugged=False)
    kiosk.type_text(PHONE)
    kiosk.key("up")
    kiosk.key("down")  # back onto the field: its value is not read out
    assert kiosk.element("phone")["focused"] is True
    kiosk.touch("settings")
    kiosk.touch_anywhere("voice-guidance")  # now everything on a screen is read on arrival
    kiosk.touch("back")
    assert kiosk.screen_id == "callback" and kiosk.element("phone")["value"] == PHONE
    kiosk.say("다시 말해 주세요")
    assert "자 입력됨" in said(kiosk.events[start:])  # it says that digits are there, not which
    assert not phone_digits_spoken(kiosk.events[start:])


# --- without the server ----------------------------------------------------------------------------------------


def ask_for_a_ticket_offline(kiosk: KioskDriver) -> None:
    """A ticket asked for while the server cannot be reached: the kiosk says so and offers a call-back."""
    kiosk.touch("service:tax-square")
    kiosk.touch_anywhere("consult")
    events = kiosk.touch_anywhere("yes")
    assert kiosk.screen_id == "offline"
    offline = kiosk.element("offline")["label"]
    assert offline in said(events)
    assert "번호표" in offline  # it names what it cannot give now
    assert kiosk.element("callback") is not None
    assert not MADE_UP_NUMBER.search(screen_text(kiosk)), screen_text(kiosk)
    assert not MADE_UP_NUMBER.search(said(kiosk.events)), said(kiosk.events)
    assert kiosk.last("ticket") is None


def leave_a_callback(kiosk: KioskDriver) -> None:
    kiosk.touch_anywhere("callback")
    assert kiosk.screen_id == "callback"
    kiosk.type_text(PHONE)
    events = kiosk.touch_anywhere("send")
    assert kiosk.screen_id == "callback:saved"
    assert "번호표는 드리지 않습니다" in said(events)
    assert not MADE_UP_NUMBER.search(screen_text(kiosk))


def callbacks_on_server(server: LiveServer) -> list[tuple[str, str]]:
    """(ticket number, service) of every call-back request the staff have, with this test's phone number."""
    rows = server_rows(
        server,
        "SELECT ticket.number, ticket.service_id FROM message JOIN ticket ON ticket.id = message.ticket_id"
        " WHERE message.text LIKE :phone",
        phone=f"%{PHONE_KEPT}%",
    )
    return [tuple(row) for row in rows]


def test_with_the_server_down_no_ticket_and_the_call_back_is_delivered_once_when_it_is_back(server, open_kiosk):
    kiosk = open_kiosk(server)
    server.stop()
    ask_for_a_ticket_offline(kiosk)
    leave_a_callback(kiosk)
    idle(kiosk, 35, step=5)  # a retry while the server is still down
    assert len(kiosk.kiosk.services.outbox.pending("callback")) == 1

    server.start()
    assert callbacks_on_server(server) == []
    kiosk.send(type="presence")
    idle(kiosk, 35, step=5)
    delivered = callbacks_on_server(server)
    assert len(delivered) == 1 and delivered[0][1] == "tax-square"
    assert kiosk.kiosk.services.outbox.pending("callback") == []
    kiosk.send(type="presence")
    idle(kiosk, 65, step=5)  # later retries send nothing again
    assert callbacks_on_server(server) == delivered
    assert kiosk.last("ticket") is None  # the kiosk never showed a number for it


def test_a_kiosk_without_a_server_says_the_same_and_keeps_the_call_back(open_kiosk):
    kiosk = open_kiosk()
    ask_for_a_ticket_offline(kiosk)
    leave_a_callback(kiosk)
    idle(kiosk, 35, step=5)
    assert len(kiosk.kiosk.services.outbox.pending("callback")) == 1
    kiosk.touch("home")
    kiosk.touch("service:tour")  # information still works
    kiosk.touch_anywhere("landmark:deoksugung")
    assert kiosk.screen_id == "landmark:deoksugung"


def test_a_saved_notice_speaks_again_in_the_language_switched_to(open_kiosk):
    kiosk = open_kiosk()
    ask_for_a_ticket_offline(kiosk)
    leave_a_callback(kiosk)
    korean = kiosk.screen["title"]
    events = kiosk.say("영어 로 바꿔 주세요")  # the language command is heard on every screen
    assert kiosk.element("voice-confirm") is not None
    events += kiosk.say("네")
    assert kiosk.screen_id == "callback:saved" and kiosk.screen["lang"] == "en"
    assert kiosk.screen["title"] != korean and kiosk.screen["title"] == "Ask for a call back"
    assert "No ticket number is given." in said(events)


def test_a_call_back_the_kiosk_cannot_keep_is_said_and_the_number_stays_typed(open_kiosk):
    kiosk = open_kiosk()
    ask_for_a_ticket_offline(kiosk)
    kiosk.touch_anywhere("callback")
    kiosk.type_text(PHONE)
    kiosk.kiosk.services.outbox.close()  # the local store's file is gone from under the kiosk
    events = kiosk.touch_anywhere("send")
    assert kiosk.screen_id == "callback"
    assert "보내지 못했습니다" in said(events) and "직원" in said(events)
    assert kiosk.element("phone")["value"] == PHONE
