"""Retries are harmless on SQLite and PostgreSQL: a message or voice memo sent again with its Idempotency-Key is
the same message (200, no second message, no second event), even when both arrive at once; a cancel or a rating
repeated after a lost answer is answered as it is."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import text

WAV = b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00"


def take(client, kiosk, service="tax-square") -> str:
    response = client.post(
        "/api/v1/tickets", json={"service_id": service}, headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def events(engine, ticket: str, kind: str = "message") -> list[str]:
    """The data of the ticket's events of this kind, as its event stream would send them."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM ticket_event WHERE ticket_id = :id AND type = :kind ORDER BY id"),
            {"id": ticket, "kind": kind},
        )
        return [row[0] for row in rows]


def test_a_message_sent_again_with_its_key_is_the_same_message(client, fleet, engine):
    kiosk = fleet.kiosk()
    ticket = take(client, kiosk)
    path = f"/api/v1/tickets/{ticket}/messages"
    headers = {**kiosk, "Idempotency-Key": "message-1"}
    first = client.post(path, json={"text": "서류를 가져왔어요"}, headers=headers)
    again = client.post(path, json={"text": "서류를 가져왔어요"}, headers=headers)
    other = client.post(path, json={"text": "한 가지 더"}, headers={**kiosk, "Idempotency-Key": "message-2"})
    plain = client.post(path, json={"text": "키 없이"}, headers=kiosk)  # no key: a new message each time
    assert (first.status_code, again.status_code, other.status_code, plain.status_code) == (201, 200, 201, 201)
    assert again.json == first.json
    texts = [message["text"] for message in client.get(path, headers=kiosk).json]
    assert texts == ["서류를 가져왔어요", "한 가지 더", "키 없이"]
    assert len(events(engine, ticket)) == 3


def test_the_same_key_on_another_ticket_is_another_message(client, fleet):
    kiosk = fleet.kiosk()
    one, two = take(client, kiosk), take(client, kiosk)
    headers = {**kiosk, "Idempotency-Key": "same-key"}
    first = client.post(f"/api/v1/tickets/{one}/messages", json={"text": "a"}, headers=headers)
    second = client.post(f"/api/v1/tickets/{two}/messages", json={"text": "b"}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201) and first.json["id"] != second.json["id"]


def test_a_retry_after_the_conversation_closed_is_still_answered(client, fleet):
    kiosk = fleet.kiosk()
    ticket = take(client, kiosk)
    path = f"/api/v1/tickets/{ticket}/messages"
    headers = {**kiosk, "Idempotency-Key": "before-closing"}
    first = client.post(path, json={"text": "마지막 말"}, headers=headers)
    assert client.post(f"/api/v1/tickets/{ticket}/cancel", headers=kiosk).status_code == 200
    again = client.post(path, json={"text": "마지막 말"}, headers=headers)
    assert (again.status_code, again.json["id"]) == (200, first.json["id"])
    late = client.post(path, json={"text": "new"}, headers={**kiosk, "Idempotency-Key": "after-closing"})
    assert late.status_code == 409


def test_a_voice_memo_sent_again_with_its_key_is_stored_once(client, fleet, engine):
    kiosk, clerk = fleet.kiosk(), fleet.staff()
    ticket = take(client, kiosk)
    path = f"/api/v1/tickets/{ticket}/audio"
    headers = {**kiosk, "Idempotency-Key": "memo-1", "Content-Type": "audio/wav"}
    first = client.post(path, data=WAV, headers=headers)
    again = client.post(path, data=WAV, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200) and again.json == first.json
    chat = client.get(f"/api/v1/tickets/{ticket}/messages", headers=kiosk).json
    assert [message["kind"] for message in chat] == ["audio"]
    assert client.get(first.json["audio_url"], headers=clerk).data == WAV
    with engine.connect() as connection:
        clips = connection.exec_driver_sql(f"SELECT count(*) FROM audio_clip WHERE ticket_id = '{ticket}'").scalar()
    assert clips == 1


def test_an_unusable_key_is_refused(client, fleet):
    kiosk = fleet.kiosk()
    path = f"/api/v1/tickets/{take(client, kiosk)}/messages"
    long = client.post(path, json={"text": "a"}, headers={**kiosk, "Idempotency-Key": "k" * 101})
    control = client.post(path, json={"text": "a"}, headers={**kiosk, "Idempotency-Key": "a\x7fb"})
    assert (long.status_code, control.status_code) == (422, 422)
    assert "100 characters" in long.json["detail"] and "printable" in control.json["detail"]


def test_the_same_message_sent_at_once_many_times_is_stored_once(app, client, fleet, engine):
    kiosk = fleet.kiosk()
    ticket = take(client, kiosk)
    path = f"/api/v1/tickets/{ticket}/messages"
    answers: list[tuple[int, int]] = []
    start = threading.Barrier(8)

    def send() -> None:
        own = app.test_client()
        start.wait(timeout=10)
        response = own.post(path, json={"text": "동시에"}, headers={**kiosk, "Idempotency-Key": "raced"})
        answers.append((response.status_code, response.json["id"]))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in answers) == [200] * 7 + [201]
    assert len({message_id for _, message_id in answers}) == 1
    assert len(client.get(path, headers=kiosk).json) == 1
    assert len(events(engine, ticket)) == 1


def test_cancel_and_rating_repeated_after_a_lost_answer_are_answered_as_they_are(client, fleet, engine):
    kiosk, clerk = fleet.kiosk(), fleet.staff()
    counter = fleet.counter("창구 1", "tax-square")
    cancelled = take(client, kiosk)
    first = client.post(f"/api/v1/tickets/{cancelled}/cancel", headers=kiosk)
    again = client.post(f"/api/v1/tickets/{cancelled}/cancel", headers=kiosk)
    assert (first.status_code, again.status_code) == (200, 200) and again.json["status"] == "cancelled"
    assert sum('"cancelled"' in data for data in events(engine, cancelled, "status")) == 1  # the retry changed nothing

    rated = take(client, kiosk)
    client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    client.post(f"/api/v1/tickets/{rated}/start", headers=clerk)
    client.post(f"/api/v1/tickets/{rated}/finish", json={"note": "done"}, headers=clerk)
    answers = [client.post(f"/api/v1/tickets/{rated}/rating", json={"rating": 4}, headers=kiosk) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[1].json == answers[0].json
    done_cancel = client.post(f"/api/v1/tickets/{rated}/cancel", headers=kiosk)
    assert done_cancel.status_code == 409  # a finished consultation is not "already cancelled"
