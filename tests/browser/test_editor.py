"""An editor in a real browser: edit a text, preview it, publish it, roll back; and what axe-core says."""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations, login, set_language

ITEM = "/content/service/reading-plaza"
NEW_SUMMARY = "Pick something to read, and we read it aloud to you."


def live_version(page, server) -> int:
    page.goto(server.url + "/content")
    return int(re.search(r"Version (\d+) ·", page.locator("#published-h ~ p").first.inner_text())[1])


def test_an_editor_edits_previews_publishes_and_rolls_back(page, live_server):
    login(page, live_server, "editor")
    set_language(page, "en")
    before = live_version(page, live_server)

    page.get_by_role("link", name="Reading Seoul Plaza", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Edit Reading Seoul Plaza"
    summary = page.get_by_role("group", name="Summary").get_by_label("English")
    summary.fill("")
    page.get_by_role("button", name="Save to the draft").press("Enter")
    alert = page.get_by_role("alert")
    assert "missing English translation" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "problem-summary"
    assert summary.get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/editor-item-problem.png", full_page=True)

    alert.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-summary-en"
    page.keyboard.type(NEW_SUMMARY)
    page.get_by_role("button", name="Save to the draft").click()
    assert page.get_by_role("status").inner_text() == "Saved. This item has no problems."

    page.get_by_role("link", name="Preview this item").click()
    english = page.locator(".kiosk[lang=en]")
    assert NEW_SUMMARY in english.inner_text()
    korean = page.locator(".kiosk[lang=ko]")
    korean.get_by_text("Heard on every screen").press("Enter")  # opens the list of commands
    assert "이렇게 말씀하세요: 처음으로, 처음 화면, 처음부터" in korean.inner_text()
    page.screenshot(path="/tmp/editor-preview.png", full_page=True)

    page.goto(live_server.url + "/content")
    page.get_by_label("Note on the change (optional)").fill("Shorter summary for Reading Seoul Plaza")
    page.get_by_role("button", name="Publish the draft as a new version").click()
    assert (
        page.get_by_role("status").inner_text() == f"Version {before + 1} is published. Kiosks will fetch it shortly."
    )
    assert live_version(page, live_server) == before + 1

    page.goto(live_server.url + "/content/versions")
    page.get_by_role("link", name=f"Roll back to version {before}").click()
    assert page.get_by_role("checkbox").is_checked()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Roll back").click()
    assert page.get_by_role("status").inner_text() == (
        f"Version {before}'s content is live again as version {before + 2}."
    )
    page.screenshot(path="/tmp/editor-versions.png", full_page=True)
    page.goto(live_server.url + ITEM)
    assert page.locator("#f-summary-en").input_value() != NEW_SUMMARY


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("path", ["/content", ITEM, ITEM + "/preview", "/content/versions"])
def test_content_pages_have_no_accessibility_violations(page, live_server, lang, path):
    login(page, live_server, "editor")
    page.goto(live_server.url + path)
    set_language(page, lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/content-{lang}-{path.strip('/').replace('/', '-')}.png", full_page=True)
