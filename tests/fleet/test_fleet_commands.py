"""Staff's commands to a kiosk, given on its page of the staff web (CSRF, audit log) and answered in its next
heartbeat: push a published version (the manifest follows the pin) or follow the newest again, and restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from madang.admin_web.db import make_engine, write_session
from madang.admin_web.services import content_store

from .conftest import page_text, utc


def publish_again(server) -> int:
    """A new published version (the newest one's files again, as a roll back publishes): its number."""
    engine = make_engine(server.live.database_url)
    try:
        with write_session(engine) as session:
            newest = content_store.current_version(session)
            return content_store.rollback(session, version_id=newest.id, actor="test").id
    finally:
        engine.dispose()


def test_a_pushed_version_is_in_the_heartbeat_answer_and_the_manifest(fleet_server, staff_web):
    server = fleet_server
    name, token = server.new_kiosk()
    kiosk_id = server.kiosk_id(name)
    newest = publish_again(server)
    older = newest - 1
    page = staff_web.get(f"/kiosks/{kiosk_id}")
    assert f'<option value="{older}">' in page and '<option value="newest" selected>' in page

    status, page = staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/content", version=str(older))
    assert status == 200 and f"'{name}' 기기가 콘텐츠 v{older}을(를) 실행하도록 설정했습니다." in page_text(page)
    answer = server.heartbeat(token, content_version=newest)
    assert answer["commands"] == {"restart": False, "content_version": older}
    assert server.call("GET", "/content/manifest", token)[1]["version"] == older
    state = server.state(name)
    assert (state["pinned_content_version"], state["target_content_version"]) == (older, older)
    assert "고정: v" in page_text(staff_web.get("/kiosks"))

    status, page = staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/content", version="999999")
    assert status == 422 and "그런 게시 버전이 없습니다" in page
    assert staff_web.post_without_token(f"/kiosks/{kiosk_id}/content", version="newest") == 400

    staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/content", version="newest")
    assert server.heartbeat(token)["commands"]["content_version"] == newest
    assert server.call("GET", "/content/manifest", token)[1]["version"] == newest
    log = page_text(staff_web.get("/audit?action=kiosk.content"))
    assert log.count(name) == 2


def test_a_restart_is_asked_until_a_run_started_after_the_request_reports(fleet_server, staff_web):
    server = fleet_server
    name, token = server.new_kiosk()
    kiosk_id = server.kiosk_id(name)
    now = datetime.now(UTC)
    assert server.heartbeat(token, started_at=utc(now - timedelta(hours=1)))["commands"]["restart"] is False

    status, page = staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/restart")
    assert status == 200 and "다시 시작하기를 기다리는 중입니다" in page_text(page)
    for _ in range(2):  # the same run is asked again and again
        assert server.heartbeat(token, started_at=utc(now - timedelta(hours=1)))["commands"]["restart"] is True
    assert server.heartbeat(token, started_at=utc(now + timedelta(seconds=5)))["commands"]["restart"] is False
    assert server.state(name)["restart_requested_at"] is None

    # a kiosk whose clock is behind: its new run says it started before the request, yet it was told and restarted
    staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/restart")
    assert server.heartbeat(token, started_at=utc(now + timedelta(seconds=5)))["commands"]["restart"] is True
    assert server.heartbeat(token, started_at=utc(now - timedelta(hours=2)))["commands"]["restart"] is False

    # a kiosk whose clock is ahead: its run "started" after the request, but it is the run that was asked
    ahead = utc(now + timedelta(hours=3))
    server.heartbeat(token, started_at=ahead)
    staff_web.post(f"/kiosks/{kiosk_id}", f"/kiosks/{kiosk_id}/restart")
    assert server.heartbeat(token, started_at=ahead)["commands"]["restart"] is True
    assert server.heartbeat(token, started_at=utc(now + timedelta(hours=3, seconds=9)))["commands"]["restart"] is False
    log = page_text(staff_web.get("/audit?action=kiosk.restart"))
    assert log.count(name) == 3
