"""The kiosk API's ticket contract on SQLite and PostgreSQL: issue, follow, call, and every status change."""

from __future__ import annotations

import uuid


def take(client, kiosk, service="tax-square", **body):
    response = client.post(
        "/api/v1/tickets", json={"service_id": service, **body}, headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.json
    return response.json


def test_ticket_has_the_contract_fields_and_a_per_service_number(client, fleet):
    kiosk = fleet.kiosk()
    first, second = take(client, kiosk), take(client, kiosk)
    other = take(client, kiosk, "consult-120", lang="en")
    assert set(first) >= {"id", "number", "service_id", "status", "position", "estimated_wait_s"}
    assert (first["number"], second["number"], other["number"]) == ("T-001", "T-002", "A-001")
    assert (first["status"], first["position"], second["position"]) == ("waiting", 1, 2)
    assert other["lang"] == "en"


def test_same_idempotency_key_returns_the_same_ticket(client, fleet):
    kiosk = fleet.kiosk()
    headers = {**kiosk, "Idempotency-Key": "retry-after-timeout"}
    first = client.post("/api/v1/tickets", json={"service_id": "tax-square"}, headers=headers)
    again = client.post("/api/v1/tickets", json={"service_id": "tax-square"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["number"] == "T-001"
    assert take(client, kiosk)["number"] == "T-002"


def test_declared_needs_are_called_first(client, fleet):
    kiosk, clerk = fleet.kiosk(), fleet.staff()
    counter = fleet.counter("창구 1", "tax-square")
    take(client, kiosk)
    needs = take(client, kiosk, needs=["wheelchair"])
    assert needs["position"] == 1
    called = client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    assert called.status_code == 200 and called.json["number"] == needs["number"]
    assert called.json["status"] == "called" and called.json["counter"] == "창구 1"


def test_call_next_with_nobody_waiting_is_204(client, fleet):
    counter = fleet.counter("창구 1", "tax-square")
    assert client.post(f"/api/v1/counters/{counter}/call-next", headers=fleet.staff()).status_code == 204


def test_a_full_consultation(client, fleet):
    kiosk, clerk = fleet.kiosk(), fleet.staff()
    counter = fleet.counter("창구 1", "tax-square")
    ticket = take(client, kiosk)
    path = f"/api/v1/tickets/{ticket['id']}"
    assert client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).json["id"] == ticket["id"]
    busy = client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    assert busy.status_code == 409 and "still serving T-001" in busy.json["detail"]
    assert client.post(f"{path}/start", headers=clerk).json["status"] == "in_consultation"
    assert client.post(f"{path}/messages", json={"text": "서류를 준비해 주세요."}, headers=clerk).status_code == 201
    assert client.post(f"{path}/messages", json={"text": "네", "kind": "quick"}, headers=kiosk).status_code == 201
    assert client.post(f"{path}/hold", headers=clerk).json["status"] == "on_hold"
    assert client.post(f"{path}/resume", headers=clerk).json["status"] == "in_consultation"
    done = client.post(f"{path}/finish", json={"note": "자동차세 분할 납부 안내"}, headers=clerk)
    assert done.json["status"] == "done"
    assert client.post(f"{path}/rating", json={"rating": 5}, headers=kiosk).status_code == 200
    texts = [(m["sender"], m["text"]) for m in client.get(f"{path}/messages", headers=kiosk).json]
    assert texts == [("staff", "서류를 준비해 주세요."), ("citizen", "네")]
    closed = client.post(f"{path}/messages", json={"text": "more"}, headers=kiosk)
    assert closed.status_code == 409


def test_recall_twice_then_no_show(client, fleet):
    kiosk, clerk = fleet.kiosk(), fleet.staff()
    counter = fleet.counter("창구 1", "tax-square")
    ticket = take(client, kiosk)
    path = f"/api/v1/tickets/{ticket['id']}"
    client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    early = client.post(f"{path}/no-show", headers=clerk)
    assert early.status_code == 409 and "recall T-001 2 more time(s)" in early.json["detail"]
    assert [client.post(f"{path}/recall", headers=clerk).json["recalls"] for _ in range(2)] == [1, 2]
    assert client.post(f"{path}/recall", headers=clerk).status_code == 409
    assert client.post(f"{path}/no-show", headers=clerk).json["status"] == "no_show"
    assert client.get(path, headers=kiosk).json["status"] == "no_show"


def test_transfer_keeps_the_place_in_line(client, fleet):
    kiosk, clerk = fleet.kiosk(), fleet.staff()
    fleet.counter("창구 1", "tax-square")
    early = take(client, kiosk, "tax-square")
    take(client, kiosk, "consult-120")
    moved = client.post(f"/api/v1/tickets/{early['id']}/transfer", json={"service_id": "consult-120"}, headers=clerk)
    assert moved.json["status"] == "waiting" and moved.json["service_id"] == "consult-120"
    assert moved.json["position"] == 1, "the transferred ticket came first, so it stays first"
    assert moved.json["number"] == "T-001"


def test_kiosk_sees_only_its_own_tickets(client, fleet):
    mine, theirs = fleet.kiosk("kiosk-a"), fleet.kiosk("kiosk-b")
    ticket = take(client, mine)
    response = client.get(f"/api/v1/tickets/{ticket['id']}", headers=theirs)
    assert response.status_code == 403 and response.json["error"] == "forbidden"


def test_manifest_etag_gives_304(client, fleet):
    kiosk = fleet.kiosk()
    first = client.get("/api/v1/content/manifest", headers=kiosk)
    assert first.status_code == 200 and first.json["version"] == 1
    paths = {entry["path"] for entry in first.json["files"]}
    assert {"pack.yaml", "services/tax-square.yaml"} <= paths
    again = client.get("/api/v1/content/manifest", headers={**kiosk, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    sha = next(entry["sha256"] for entry in first.json["files"] if entry["path"] == "pack.yaml")
    assert b"home: plaza" in client.get(f"/api/v1/content/files/{sha}", headers=kiosk).data


def test_heartbeat_records_versions(client, fleet):
    response = client.post(
        "/api/v1/kiosks/heartbeat",
        json={"content_version": 1, "app_version": "0.1.0", "health": {"microphone": "ok"}},
        headers=fleet.kiosk(),
    )
    assert response.status_code == 200 and response.json["kiosk"] == "kiosk-1"


def test_errors_have_one_shape(client, fleet):
    kiosk = fleet.kiosk()
    cases = [
        (client.post("/api/v1/tickets", json={"service_id": "tax-square"}), 401),
        (client.post("/api/v1/tickets", json={"service_id": "tax-square"}, headers=kiosk), 400),
        (
            client.post(
                "/api/v1/tickets",
                data="{oops",
                content_type="application/json",
                headers={**kiosk, "Idempotency-Key": "k"},
            ),
            400,
        ),
        (client.post("/api/v1/tickets", json={"service_id": 7}, headers={**kiosk, "Idempotency-Key": "k2"}), 422),
        (
            client.post(
                "/api/v1/tickets", json={"service_id": "reading-plaza"}, headers={**kiosk, "Idempotency-Key": "k3"}
            ),
            404,
        ),
        (client.get("/api/v1/tickets/nope", headers=kiosk), 404),
        (client.get("/api/v1/no-such-endpoint"), 404),
        (client.post("/api/v1/counters/1/call-next", headers=kiosk), 403),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.path, response.json)
        assert set(response.json) == {"error", "detail"} and response.json["detail"]
