"""Editing, previewing, publishing and rolling back content in the staff web, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest
from ruamel.yaml import YAML

from madang.admin_web.db import read_session
from madang.admin_web.models import Role
from madang.admin_web.services import audit, content_edit, content_review, content_store

from .conftest import PASSWORD

TAX_FILE = "services/tax-square.yaml"
NEW_SUMMARY = "Find out about Seoul's local taxes and talk to a counsellor about your bill."


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def form_value(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)[1])


def login(client, fleet, name: str = "editor", role: Role = Role.editor) -> None:
    fleet.staff(name, role)
    page = client.get("/login").text
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token(page)})
    assert answer.status_code == 302


def save(client, path: str, **fields: str):
    page = client.get(path).text
    data = {"csrf_token": token(page), "base": form_value(page, "base"), **fields}
    return client.post(path, data=data)


def publish(client, note: str = ""):
    page = client.get("/content").text
    return client.post("/content/publish", data={"csrf_token": token(page), "note": note})


def published(client, kiosk: dict[str, str]) -> tuple[int, dict[str, str]]:
    manifest = client.get("/api/v1/content/manifest", headers=kiosk).json
    files = {
        entry["path"]: client.get(f"/api/v1/content/files/{entry['sha256']}", headers=kiosk).data.decode("utf-8")
        for entry in manifest["files"]
    }
    return manifest["version"], files


def draft(engine) -> dict[str, str]:
    with read_session(engine) as session:
        return content_store.draft_files(session)


def actions(engine) -> list[tuple[str, str, str]]:
    with read_session(engine) as session:
        return [(entry.actor, entry.action, entry.target) for entry in reversed(audit.recent(session))]


def test_editing_a_summary_and_publishing_gives_version_2_with_the_new_text(client, fleet, engine):
    login(client, fleet)
    kiosk = fleet.kiosk()
    saved = save(client, "/content/service/tax-square", **{"summary.en": NEW_SUMMARY})
    assert saved.status_code == 302
    assert "저장했습니다" in client.get(saved.location).text
    text = draft(engine)[TAX_FILE]
    assert NEW_SUMMARY in text
    assert text.startswith("# Tax Square (세금 광장): Seoul's local taxes")  # comments survive
    assert "      ko: [세금, 지방세, 세금 상담, 세금 내러 왔어요]" in text  # and the layout
    assert publish(client, "tax summary").status_code == 302
    version, files = published(client, kiosk)
    assert version == 2
    assert NEW_SUMMARY in files[TAX_FILE] and files[TAX_FILE] == text
    assert ("editor", "content.edit", "service:tax-square") in actions(engine)
    assert ("editor", "content.publish", "version:2") in actions(engine)
    assert "2판" in client.get("/content").text


def test_an_emptied_english_text_is_reported_and_publishing_is_refused(client, fleet, engine):
    login(client, fleet)
    kiosk = fleet.kiosk()
    saved = save(client, "/content/service/tax-square", **{"summary.en": "  "})
    assert saved.status_code == 200
    assert 'role="alert"' in saved.text and "missing English translation" in saved.text
    assert re.search(r'id="f-summary-en"[^>]*aria-describedby="err-0"[^>]*aria-invalid="true"', saved.text, re.S)
    assert 'href="#f-summary-en"' in saved.text
    refused = publish(client)
    assert refused.status_code == 422
    assert 'role="alert"' in refused.text
    assert "services[tax-square].summary.en" in refused.text and "missing English translation" in refused.text
    assert published(client, kiosk)[0] == 1
    assert ("editor", "content.publish_refused", "draft") in actions(engine)


def test_the_form_keeps_the_editors_text_when_a_problem_is_found(client, fleet):
    login(client, fleet)
    answer = save(client, "/content/service/tax-square", **{"voice.en": "tax only", "summary.ko": "새 요약입니다."})
    assert answer.status_code == 200
    assert "only 1 voice phrase(s) in English" in answer.text
    assert ">tax only</textarea>" in answer.text and "새 요약입니다." in answer.text


def test_a_save_after_someone_elses_save_keeps_the_text_and_does_not_overwrite(client, fleet, engine):
    login(client, fleet)
    path = "/content/landmark/deoksugung"
    page = client.get(path).text
    stale = {"csrf_token": token(page), "base": form_value(page, "base")}
    assert save(client, path, **{"name.en": "Deoksugung Palace (Palace of Virtuous Longevity)"}).status_code == 302
    late = client.post(path, data={**stale, "summary.en": "My own words."})
    assert late.status_code == 409
    assert "My own words." in late.text and 'role="alert"' in late.text
    assert "My own words." not in draft(engine)["landmarks/deoksugung.yaml"]
    again = client.post(
        path,
        data={"csrf_token": stale["csrf_token"], "base": form_value(late.text, "base"), "summary.en": "My own words."},
    )
    assert again.status_code == 302
    assert "My own words." in draft(engine)["landmarks/deoksugung.yaml"]


def test_rolling_back_to_version_1_publishes_its_files_as_version_3(client, fleet, engine):
    login(client, fleet, "chief", Role.admin)
    kiosk = fleet.kiosk()
    _, first = published(client, kiosk)
    save(client, "/content/service/tax-square", **{"summary.en": NEW_SUMMARY})
    publish(client, "new summary")
    versions = client.get("/content/versions").text
    assert "new summary" in versions and 'href="/content/versions/1/rollback"' in versions
    confirm = client.get("/content/versions/1/rollback")
    assert confirm.status_code == 200 and 'name="restore_draft"' in confirm.text
    done = client.post("/content/versions/1/rollback", data={"csrf_token": token(confirm.text), "restore_draft": "1"})
    assert done.status_code == 302
    version, files = published(client, kiosk)
    assert (version, files) == (3, first)
    assert draft(engine) == first
    assert "1판으로 되돌림" in client.get("/content/versions").text
    assert ("chief", "content.rollback", "version:3") in actions(engine)


def test_a_counselor_may_not_see_or_change_content(client, fleet):
    login(client, fleet, "clerk", Role.counselor)
    assert client.get("/").status_code == 200
    for path in ("/content", "/content/service/tax-square", "/content/service/tax-square/preview", "/content/versions"):
        assert client.get(path).status_code == 403, path
    for path in ("/content/publish", "/content/service/tax-square", "/content/versions/1/rollback"):
        assert client.post(path, data={"csrf_token": token(client.get("/").text)}).status_code == 403, path


def test_the_content_list_shows_items_by_kind_the_version_and_the_checks(client, fleet):
    login(client, fleet)
    client.post("/language", data={"lang": "en", "csrf_token": token(client.get("/").text)})
    page = client.get("/content").text
    assert "Version 1" in page and "No problems: the draft can be published." in page
    for heading in ("Services (10)", "Landmarks (4)", "Events (1)", "Spaces (1)", "Documents (8)", "Taxes (6)"):
        assert heading in page
    assert "FAQs (25)" in page and "Screens (17)" in page and "Phrase sets (6)" in page
    assert ">Tax Square</a>" in page


def test_every_item_page_and_preview_opens_in_both_languages(client, fleet, engine):
    login(client, fleet)
    found = content_review.items(draft(engine))
    assert len(found) == 78
    for lang in ("ko", "en"):
        client.post("/language", data={"lang": lang, "csrf_token": token(client.get("/").text)})
        for item in found:
            page = client.get(f"/content/{item.kind}/{item.id}")
            assert page.status_code == 200, (item.kind, item.id)
            preview = client.get(f"/content/{item.kind}/{item.id}/preview")
            assert preview.status_code == 200 and 'class="kiosk" lang="ko"' in preview.text, (item.kind, item.id)


def test_the_item_form_labels_each_language(client, fleet):
    login(client, fleet)
    page = client.get("/content/landmark/donuimun-gate").text
    assert re.search(r'<input type="text" id="f-name-en" name="name.en" lang="en"', page)
    assert re.search(r'<textarea id="f-description-easy-ko" name="description.easy_ko" lang="ko"', page)
    assert '<label for="f-audio-description-en">영어</label>' in page
    assert 'name="voice.ko" lang="ko"' in page and 'name="media.0.alt.en"' in page
    assert 'tabindex="1' not in page


def test_the_preview_shows_the_options_with_their_phrases(client, fleet):
    login(client, fleet)
    save(client, "/content/service/tax-square", **{"voice.en": "tax\nlocal tax\ntax help desk"})
    page = client.get("/content/service/tax-square/preview").text
    assert "세금 광장" in page and "설명을 듣거나, 아래에서 할 일을 고르세요." in page
    assert "이렇게 말씀하세요: 자동차세, 자동차 세금, 차 세금" in page
    assert "You can say: automobile tax, car tax, vehicle tax" in page
    home = client.get("/content/space/plaza/preview").text
    assert "You can say: tax, local tax, tax help desk" in home
    easy = client.get("/content/service/tax-square/preview?reading=easy").text
    assert "지방세를 알려 드려요." in easy and 'aria-current="page">쉬운 말' in easy


# the YAML round trip itself, without a database -------------------------------------------------------------

ORIGINAL = """\
# A comment that must survive.
landmarks:
  - id: gate
    name: {ko: 문, en: Gate}  # names
    summary:
      ko: 요약.
      en: Summary.
    description:
      ko: 설명.
      en: Description.
      easy_ko: 쉬운 설명.
    audio_description:
      ko: 모습.
      en: Looks.
    voice:
      ko: [문, 대문]
      en: [gate, the gate]
"""


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"summary.en": "New summary."}, "      en: New summary.\n"),
        ({"name.en": "Great Gate"}, "    name: {ko: 문, en: Great Gate} # names\n"),
        ({"description.easy_en": "Easy."}, "      easy_ko: 쉬운 설명.\n      easy_en: Easy.\n"),
        ({"voice.en": "gate\nyes\n\n the  big gate "}, '      en: [gate, "yes", the big gate]\n'),
        ({"visiting.en": "Walk."}, "    visiting:\n      en: Walk.\n"),
    ],
)
def test_an_edit_changes_only_its_value_and_keeps_comments(fields, expected):
    text, changed = content_edit.apply_edits(ORIGINAL, "landmark", "gate", fields)
    assert changed == list(fields)
    assert expected in text
    assert text.startswith("# A comment that must survive.\n")
    assert len(set(ORIGINAL.splitlines()) - set(text.splitlines())) <= 1  # at most the edited line is gone


def test_an_emptied_text_is_removed_and_a_long_one_is_folded():
    long = "A long description that goes on and on, " * 6 + "and ends."
    text, _ = content_edit.apply_edits(ORIGINAL, "landmark", "gate", {"summary.en": "", "description.en": long})
    data = YAML(typ="safe").load(text)["landmarks"][0]
    assert "en" not in data["summary"] and data["description"]["en"] == long
    assert "      en: >-\n        A long description" in text
    assert max(len(line) for line in text.splitlines()) <= 110
    assert content_edit.apply_edits(ORIGINAL, "landmark", "gate", {"summary.en": "Summary."}) == (ORIGINAL, [])


@pytest.mark.parametrize(
    "value", ["yes", "120", "- a list?", "# not a comment", "a: b", "'quoted'", "{x}", "탭\there", "😀"]
)
def test_any_text_reads_back_exactly_as_typed(value):
    text, _ = content_edit.apply_edits(ORIGINAL, "landmark", "gate", {"summary.en": value, "name.en": value})
    data = YAML(typ="safe").load(text)["landmarks"][0]
    assert data["summary"]["en"] == value
    assert data["name"]["en"] == " ".join(value.split())  # a one-line text keeps single spaces
