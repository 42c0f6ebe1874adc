"""Home devices on the staff's kiosks page in a real browser: their own table (axe-core in both languages) and
revoking one with the keyboard, after which its token is refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from .conftest import axe_violations, login, set_language
from .test_admin_pages import tab_to


def post(server, path: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        server.url + "/api/v1" + path, data=json.dumps(body).encode(), method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def headset(live_server) -> dict:
    """A home device registered as a headset registers itself (no token), that has sent one heartbeat."""
    status, device = post(live_server, "/home-devices", {"app_version": "0.7.1"})
    assert status == 201, device
    health = {"app_version": "0.7.1", "health": {"openxr": "Monado"}}
    assert post(live_server, "/kiosks/heartbeat", health, device["token"])[0] == 200
    return device


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_home_devices_have_their_own_accessible_table(page, live_server, headset, lang):
    login(page, live_server, "admin")
    page.goto(live_server.url + "/kiosks")
    set_language(page, lang)
    caption = {"ko": "가정용 기기(VR 헤드셋)", "en": "Home devices, VR headsets"}[lang]
    homes = page.get_by_role("table", name=caption, exact=False)
    assert homes.get_by_role("row", name=headset["name"], exact=False).count() == 1
    kiosks = page.get_by_role("table", name={"ko": "키오스크 (", "en": "Kiosks ("}[lang], exact=False)
    assert kiosks.get_by_role("row", name=headset["name"], exact=False).count() == 0
    page.screenshot(path=f"/tmp/madang-admin-home-devices-{lang}.png", full_page=True)
    assert axe_violations(page) == []


def test_revoke_a_home_device_with_the_keyboard(page, live_server, headset):
    login(page, live_server, "admin")
    page.goto(live_server.url + "/kiosks")
    set_language(page, "en")
    revoke = page.get_by_role("link", name=f"Revoke {headset['name']}").get_attribute("href")
    tab_to(page, f'a[href="{revoke}"]')
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "A home device can register itself again" in page.inner_text("main")
    assert axe_violations(page) == []
    tab_to(page, "button.danger")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == f"The device '{headset['name']}' was revoked."
    status, refusal = post(live_server, "/kiosks/heartbeat", {}, headset["token"])
    assert status == 401 and "register the device again" in refusal["detail"]
