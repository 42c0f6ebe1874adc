"""What staff see of each kiosk, from its heartbeats: state and alerts in `GET /api/v1/kiosks` (the admin's JSON) and
on the kiosks page, and how they clear once the kiosk is well again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .conftest import healthy, page_text


def kinds(state: dict) -> list[tuple[str, str | None]]:
    return [(alert["kind"], alert["part"]) for alert in state["alerts"]]


def test_health_becomes_state_and_alerts_that_clear(fleet_server, staff_web):
    server = fleet_server
    name, token = server.new_kiosk()
    first = server.state(name)
    assert first["state"] == "never_seen" and kinds(first) == [("never_seen", None)]
    newest = first["target_content_version"]

    answer = server.heartbeat(token, app_version="0.1.0", content_version=newest, health=healthy())
    assert answer["commands"] == {"restart": False, "content_version": newest}
    state = server.state(name)
    assert (state["state"], state["alerts"], state["content_version"]) == ("ok", [], newest)
    assert state["health"]["microphone"] == {"ok": True, "used": True, "detail": "listening"}

    failing = healthy(
        microphone={"ok": False, "detail": "no input device"},
        speaker={"ok": True, "used": False, "detail": "no live audio"},  # not used: never an alert
        outbox={"backlog": 25, "oldest_age_s": 42.0, "failed": 2},
    )
    server.heartbeat(token, app_version="0.1.0", content_version=newest, health=failing)
    state = server.state(name)
    assert state["state"] == "attention"
    assert kinds(state) == [("unhealthy", "microphone"), ("backlog", None), ("refused", None)]
    messages = {alert["kind"]: alert["message"] for alert in state["alerts"]}
    assert messages["unhealthy"] == {
        "ko": "마이크 이상: no input device",
        "en": "Microphone is not working: no input device",
    }
    assert (
        messages["backlog"]["en"]
        == "25 records wait to be sent, the oldest from 42 seconds ago: check the kiosk's network."
    )
    assert "받지 않은 기록 2건" in messages["refused"]["ko"] and "refused 2 records" in messages["refused"]["en"]
    listing = page_text(staff_web.get("/kiosks"))
    assert f"{name} : Microphone" not in listing  # the page is in Korean for this admin
    assert f"{name} : 마이크 이상: no input device" in listing
    home = page_text(staff_web.get("/"))
    assert "키오스크 알림" in home and "건: 키오스크 화면에서 확인하세요" in home

    server.heartbeat(token, app_version="0.1.0", content_version=newest, health=healthy())
    assert server.state(name)["alerts"] == []

    server.sql(
        "UPDATE kiosk SET last_seen_at = :at WHERE name = :name", at=datetime.now(UTC) - timedelta(minutes=2), name=name
    )
    state = server.state(name)
    assert state["state"] == "silent"
    assert [alert["message"]["en"] for alert in state["alerts"]] == [
        "No heartbeat for over 2 minutes: check its power and network."
    ]
    server.heartbeat(token, content_version=newest, health=healthy())
    assert server.state(name)["state"] == "ok"


def test_content_behind_for_ten_minutes_is_an_alert(fleet_server):
    server = fleet_server
    name, token = server.new_kiosk()
    server.heartbeat(token, content_version=None, health=healthy())  # still on the content it was installed with
    newest = server.state(name)["target_content_version"]
    assert newest is not None and server.state(name)["alerts"] == []  # a fresh version has ten minutes to arrive
    published = server.sql("SELECT created_at FROM content_version WHERE id = :id", id=newest)[0][0]
    server.sql(
        "UPDATE content_version SET created_at = :at WHERE id = :id",
        at=datetime.now(UTC) - timedelta(minutes=11),
        id=newest,
    )
    try:
        state = server.state(name)
        assert kinds(state) == [("content_behind", None)]
        assert state["alerts"][0]["message"]["en"].startswith(
            f"Its content has been behind for over 11 minutes: it shows none (the content it was installed with) "
            f"but should run v{newest}."
        )
        server.heartbeat(token, content_version=newest, health=healthy())
        assert server.state(name)["alerts"] == []
    finally:
        server.sql("UPDATE content_version SET created_at = :at WHERE id = :id", at=published, id=newest)


def test_only_admins_see_the_fleet(fleet_server):
    _, token = fleet_server.new_kiosk()
    assert fleet_server.call("GET", "/kiosks", token)[0] == 403
    assert fleet_server.call("GET", "/kiosks", fleet_server.live.staff_token)[0] == 403  # a counselor
    assert fleet_server.call("GET", "/kiosks", "not-a-token")[0] == 401
