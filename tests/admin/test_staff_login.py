"""Staff login: argon2 passwords, lockout after repeated failures, CSRF, safe cookies, no open redirect."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlmodel import select

from madang.admin_web.app import create_app
from madang.admin_web.db import read_session
from madang.admin_web.models import AuditEntry, Role, StaffUser

from .conftest import PASSWORD


def csrf_token(client, path="/login", **extra) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, **extra).text).group(1)


def log_in(client, name, password, **extra):
    token = csrf_token(client, **extra)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token}, **extra)


def test_password_is_stored_as_argon2_and_login_works(client, fleet, engine):
    fleet.staff("kim", Role.counselor)
    with read_session(engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.name == "kim")).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    response = log_in(client, "kim", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "안녕하세요, kim님" in client.get("/").text
    with read_session(engine) as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "login")).one().actor == "kim"


def test_repeated_failures_lock_the_account(client, fleet, app):
    fleet.staff("kim", Role.counselor)
    attempts = app.extensions["madang"]["settings"].login_attempts
    for _ in range(attempts):
        assert log_in(client, "kim", "wrong password!").status_code == 401
    locked = log_in(client, "kim", PASSWORD)
    assert locked.status_code == 429
    assert "로그인 실패가 너무 많습니다" in locked.text
    assert client.get("/").status_code == 302, "a locked account must not be logged in"


def test_unknown_user_and_wrong_password_look_the_same(client, fleet):
    fleet.staff("kim", Role.counselor)
    unknown, wrong = log_in(client, "nobody", PASSWORD), log_in(client, "kim", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert re.search(r'role="alert">([^<]+)<', unknown.text).group(1) == re.search(
        r'role="alert">([^<]+)<', wrong.text
    ).group(1)


def test_forms_without_a_csrf_token_are_refused(client, fleet):
    fleet.staff("kim", Role.counselor)
    response = client.post("/login", data={"name": "kim", "password": PASSWORD})
    assert response.status_code == 400 and "CSRF" in response.text


def test_session_cookie_is_http_only_same_site_and_secure_when_configured(app, fleet, settings):
    fleet.staff("kim", Role.counselor)
    secure_app = create_app(replace(settings, cookie_secure=True), engine=app.extensions["madang"]["engine"])
    client = secure_app.test_client()
    # over HTTPS the CSRF check also wants the Referer a browser sends
    response = log_in(
        client, "kim", PASSWORD, base_url="https://localhost", headers={"Referer": "https://localhost/login"}
    )
    assert response.status_code == 302, response.text
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_login_never_redirects_to_another_site(client, fleet):
    fleet.staff("kim", Role.counselor)
    token = csrf_token(client)
    for target in ("https://evil.example/", "//evil.example/", "/queues"):
        client.post("/logout", data={"csrf_token": token})
        response = client.post(
            f"/login?next={target}", data={"name": "kim", "password": PASSWORD, "csrf_token": csrf_token(client)}
        )
        location = response.headers["Location"]
        assert location in {"/", "/queues"}, location
