"""Logging in with a real browser, in both languages, and what axe-core says of the pages."""

from __future__ import annotations

import pytest

from .conftest import axe_violations, login, set_language


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_login_page_has_no_accessibility_violations(page, live_server, lang):
    page.goto(live_server.url + "/login")
    set_language(page, lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []


def test_wrong_password_is_announced_and_right_one_logs_in(page, live_server):
    page.goto(live_server.url + "/login")
    set_language(page, "en")
    page.fill("#name", "counselor")
    page.fill("#password", "not the password")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text() == "Wrong name or password."
    login(page, live_server, "counselor")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, counselor"
    assert axe_violations(page) == []
