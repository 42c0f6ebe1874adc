"""The admin pages with the Flask client on SQLite and PostgreSQL: kiosks, the audit log, and who may see
every staff page and form of the app."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html import unescape
from urllib.parse import urlparse

import pytest
from sqlalchemy import LargeBinary
from sqlmodel import SQLModel, select
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from madang.admin_web.db import write_session
from madang.admin_web.models import DeviceKind, Kiosk, Role, utcnow
from madang.admin_web.services import kiosks
from madang.admin_web.services.auth import token_hash

from .conftest import PASSWORD

PUBLIC = "public"
ALL = (Role.admin, Role.editor, Role.counselor)
QUEUES = (Role.admin, Role.counselor)  # staff/queues.py: STAFF
EDITORS = (Role.admin, Role.editor)  # staff/content.py: EDITORS
# Who may use each staff endpoint, from the login_required decorators in admin_web/staff/.
# Every staff endpoint must be listed: a new page fails the test below until its roles are written here.
ROLES: dict[str, str | tuple[Role, ...]] = {
    "staff.login": PUBLIC,
    "staff.logout": PUBLIC,  # signs out whoever is signed in
    "staff.language": PUBLIC,
    "staff.home": ALL,
    "staff.kiosks": (Role.admin,),
    "staff.register_kiosk_page": (Role.admin,),
    "staff.confirm_revoke_kiosk": (Role.admin,),
    "staff.revoke_kiosk_page": (Role.admin,),
    "staff.kiosk_detail": (Role.admin,),
    "staff.pin_kiosk_content": (Role.admin,),
    "staff.restart_kiosk": (Role.admin,),
    "staff.audit_log": (Role.admin,),
    "staff.stats": (Role.admin, Role.counselor),
    "staff.stats_csv": (Role.admin, Role.counselor),
    "staff.queues": QUEUES,
    "staff.queue_counter": QUEUES,
    "staff.queue_regions": QUEUES,
    "staff.queue_stream": QUEUES,
    "staff.queue_audio": QUEUES,
    "staff.queue_call_next": QUEUES,
    "staff.queue_move": QUEUES,
    "staff.queue_transfer": QUEUES,
    "staff.queue_finish": QUEUES,
    "staff.queue_message": QUEUES,
    "staff.queue_action_page": QUEUES,
    "staff.content": EDITORS,
    "staff.content_publish": EDITORS,
    "staff.content_item": EDITORS,
    "staff.content_item_save": EDITORS,
    "staff.content_preview_page": EDITORS,
    "staff.content_versions": EDITORS,
    "staff.content_rollback_confirm": EDITORS,
    "staff.content_rollback": EDITORS,
}


def signed_in(app, fleet, role: Role = Role.admin):
    app.config["WTF_CSRF_ENABLED"] = False
    name = f"{role.value}-{uuid.uuid4().hex[:6]}"
    fleet.staff(name, role)
    browser = app.test_client()
    assert browser.post("/login", data={"name": name, "password": PASSWORD}).status_code == 302
    browser.name = name
    return browser


def staff_routes(app) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, a URL that reaches it, whether the URL has arguments) for every staff view and form."""
    routes = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or rule.endpoint == "staff.static":
            continue
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            else:
                values[name] = 1 if isinstance(converter, IntegerConverter) else "x1"
        url = rule.build(values, append_unknown=False)[1]  # this rule's own address, when an endpoint has several
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert adapter.match(url, method=method)[0] == rule.endpoint, f"{method} {url} reaches another endpoint"
            routes.append((rule.endpoint, method, url, bool(rule.arguments)))
    return routes


def test_every_staff_endpoint_has_its_roles_in_the_table(app):
    endpoints = {endpoint for endpoint, *_ in staff_routes(app)}
    missing, gone = sorted(endpoints - set(ROLES)), sorted(set(ROLES) - endpoints)
    assert not missing, f"add these staff endpoints to ROLES with the roles of their login_required: {missing}"
    assert not gone, f"these endpoints no longer exist; remove them from ROLES: {gone}"


def test_anonymous_users_are_sent_to_login(app):
    app.config["WTF_CSRF_ENABLED"] = False
    anonymous = app.test_client()
    for endpoint, method, url, _ in staff_routes(app):
        if ROLES.get(endpoint) == PUBLIC:
            continue
        response = anonymous.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, url, response.status_code)
        assert urlparse(response.headers["Location"]).path == "/login", (endpoint, method)


def test_each_role_reaches_only_its_pages(app, fleet):
    routes = staff_routes(app)
    for role in Role:
        browser = signed_in(app, fleet, role)
        for endpoint, method, url, has_arguments in routes:
            allowed = ROLES.get(endpoint)
            if allowed == PUBLIC or allowed is None:
                continue
            if role not in allowed:
                response = browser.open(url, method=method)
                assert response.status_code == 403, (role, endpoint, method, response.status_code)
            elif method == "GET" and not has_arguments:
                response = browser.get(url)  # a page without arguments opens for the roles it is for
                assert response.status_code == 200, (role, endpoint, response.status_code)


def row_of(html: str, name: str) -> str:
    found = re.search(rf'<tr>\s*<th scope="row">{re.escape(name)}</th>(.*?)</tr>', html, re.DOTALL)
    assert found, f"no row for {name}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def heartbeat(client, token: str, **body):
    return client.post("/api/v1/kiosks/heartbeat", json=body, headers={"Authorization": f"Bearer {token}"})


def test_register_shows_the_token_once_and_revoking_refuses_it(app, client, fleet, engine):
    admin = signed_in(app, fleet)
    empty = admin.get("/kiosks")
    assert empty.status_code == 200 and "등록된 키오스크가 없습니다." in empty.text

    page = admin.post("/kiosks", data={"name": "  시청   로비 1 "})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="kiosk-token" value="([^"]+)"', page.text).group(1)
    assert "한 번만 보이고 다시 볼 수 없습니다" in page.text
    assert row_of(admin.get("/kiosks").text, "시청 로비 1").startswith("⚠ 연결된 적 없음 연결된 적 없음 보고 없음")

    assert heartbeat(client, token, content_version=1, app_version="1.4.2", health={"printer": "ok"}).status_code == 200
    listing = admin.get("/kiosks").text
    assert token not in listing
    assert re.fullmatch(
        r"✓ 정상 \d{4}-\d\d-\d\d \d\d:\d\d v1 \(최신\) 1\.4\.2 printer: ok 보고 없음 관리 시청 로비 1 폐기 시청 로비 1",
        row_of(listing, "시청 로비 1"),
    )

    again = admin.post("/kiosks", data={"name": "시청 로비 1"})
    assert again.status_code == 409 and "이미 있습니다" in again.text and 'id="kiosk-token"' not in again.text
    assert admin.post("/kiosks", data={"name": "   "}).status_code == 422

    kiosk_id = int(re.search(r'href="/kiosks/(\d+)/revoke"', listing).group(1))
    confirm = admin.get(f"/kiosks/{kiosk_id}/revoke")
    assert confirm.status_code == 200 and "'시청 로비 1' 기기를 폐기할까요?" in unescape(confirm.text)
    assert heartbeat(client, token).status_code == 200  # asking is not revoking
    done = admin.post(f"/kiosks/{kiosk_id}/revoke", follow_redirects=True)
    assert done.status_code == 200 and "'시청 로비 1' 기기를 폐기했습니다." in unescape(done.text)
    assert "폐기됨 (" in row_of(done.text, "시청 로비 1") and "응답 없음" not in row_of(done.text, "시청 로비 1")
    refused = heartbeat(client, token)
    assert refused.status_code == 401 and refused.json["error"] == "unauthorized"
    assert admin.get("/kiosks/999999/revoke").status_code == 404

    log = admin.get("/audit").text
    assert re.search(r"<code>kiosk\.create</code></td>\s*<td>시청 로비 1</td>", log)
    assert re.search(r"<code>kiosk\.revoke</code></td>\s*<td>시청 로비 1</td>", log)
    assert "<td>127.0.0.1</td>" in log and token not in log
    only_revokes = admin.get("/audit?action=kiosk.revoke").text
    assert "<code>kiosk.create</code>" not in only_revokes and only_revokes.count("<code>kiosk.revoke</code>") == 1


def test_devices_are_listed_by_kind_with_silence_and_versions(app, engine, fleet):
    with write_session(engine) as db:
        kiosks.register_kiosk(db, name="old-kiosk")
        kiosks.register_kiosk(db, name="headset-42", kind=DeviceKind.home)
        for name, minutes in (("old-kiosk", 6), ("headset-42", 4)):
            kiosk = db.exec(select(Kiosk).where(Kiosk.name == name)).one()
            kiosk.last_seen_at = utcnow() - timedelta(minutes=minutes)
            kiosk.content_version, kiosk.app_version = (0 if name == "old-kiosk" else 1), "2.0"
            kiosk.health = '{"battery": 81, "tracking": "ok"}'
            db.add(kiosk)
    admin = signed_in(app, fleet)
    admin.post("/language", data={"lang": "en", "next": "/kiosks"})
    html = admin.get("/kiosks").text
    kiosk_part, home_part = html.split('id="home-table"')
    assert "old-kiosk" in kiosk_part and "headset-42" in home_part and "headset-42" not in kiosk_part
    assert re.fullmatch(
        r"⚠ Silent \d{4}-\d\d-\d\d \d\d:\d\d v0 \(should run v1\) 2\.0 battery: 81 tracking: ok not reported .*",
        row_of(html, "old-kiosk"),
    )
    assert "old-kiosk : No heartbeat for over 6 minutes: check its power and network." in text_of(html)
    assert "Silent" not in row_of(html, "headset-42")
    assert "v1 (up to date) 2.0 battery: 81 tracking: ok Active" in row_of(html, "headset-42")


def actions_listed(html: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


def test_audit_log_filters_by_actor_and_action(app, fleet):
    admin, other = signed_in(app, fleet), signed_in(app, fleet)
    other.post("/kiosks", data={"name": "by-other"})
    html = admin.get("/audit").text
    assert actions_listed(html) == ["kiosk.create", "login", "login"]
    assert sorted(re.findall(r'<option value="(admin-[0-9a-f]{6})"', html)) == sorted([admin.name, other.name])
    theirs = admin.get(f"/audit?actor={other.name}").text
    assert actions_listed(theirs) == ["kiosk.create", "login"]
    assert f'<option value="{other.name}" selected>' in theirs
    assert actions_listed(admin.get(f"/audit?actor={other.name}&action=login").text) == ["login"]
    assert actions_listed(admin.get(f"/audit?actor={admin.name}&action=kiosk.create").text) == []
    assert "해당하는 기록이 없습니다." in admin.get("/audit?actor=nobody").text


def text_values(engine) -> list[str]:
    """Every text and binary value in every table, as text."""
    values = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in zip(table.columns, row, strict=True):
                    if isinstance(column.type, LargeBinary) and value is not None:
                        values.append(bytes(value).decode("utf-8", "replace"))
                    elif isinstance(value, str):
                        values.append(value)
    return values


def test_no_token_or_password_is_stored_in_clear(app, client, fleet, engine):
    staff_token = fleet.staff("scripted", Role.counselor)["Authorization"].removeprefix("Bearer ")
    admin = signed_in(app, fleet)
    wrong = "not the password at all"
    assert app.test_client().post("/login", data={"name": "scripted", "password": wrong}).status_code == 401
    page = admin.post("/kiosks", data={"name": "secret-check"})
    token = re.search(r'id="kiosk-token" value="([^"]+)"', page.text).group(1)
    assert heartbeat(client, token, health={"note": "fine"}).status_code == 200
    values = text_values(engine)
    assert token_hash(token) in values and token_hash(staff_token) in values
    for secret in (token, staff_token, PASSWORD, wrong):
        assert not [value for value in values if secret in value], "a secret is stored in clear"


@pytest.mark.parametrize("path", ["/kiosks", "/audit", "/stats"])
def test_forms_carry_a_csrf_token_and_labels(app, fleet, path):
    app.config["WTF_CSRF_ENABLED"] = True
    admin = app.test_client()
    fleet.staff("csrf-admin", Role.admin)
    login_page = admin.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    admin.post("/login", data={"name": "csrf-admin", "password": PASSWORD, "csrf_token": csrf})
    html = admin.get(path).text
    for form in re.findall(r"<form.*?</form>", html, re.DOTALL):
        if 'method="post"' in form:
            assert 'name="csrf_token"' in form
        for control in re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', form):
            assert f'<label for="{control}"' in form
    assert admin.post("/kiosks", data={"name": "no-token"}).status_code == 400
