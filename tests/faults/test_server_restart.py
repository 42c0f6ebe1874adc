"""The admin server stopped and started again while kiosks send: every ticket, message and voice memo they kept
reaches it exactly once."""

from __future__ import annotations

import threading
import time
import uuid

from madang.kiosk.api_types import SavedForLater
from madang.kiosk.server_client import KioskApiClient
from madang.kiosk.services import KioskServices

from .conftest import memo, register_kiosk, server_rows, wait_until

PROPOSALS = 12  # per kiosk
SERVICE = "mayor-office"


def test_a_server_restart_while_kiosks_send_loses_and_duplicates_nothing(server, tmp_path, fast_backoff):
    tokens = [server.kiosk_token, register_kiosk(server)[1]]
    kiosks = [
        KioskServices.open(KioskApiClient(server.url, token, timeout=1.0), tmp_path / f"kiosk-{index}")
        for index, token in enumerate(tokens)
    ]
    run = uuid.uuid4().hex[:8]
    sent: dict[str, str] = {}  # proposal key -> its note
    outcomes: list[str] = []
    lock = threading.Lock()
    progress = threading.Semaphore(0)

    def citizen(services: KioskServices, index: int) -> None:
        for number in range(PROPOSALS):
            key, note = f"{run}-{index}-{number}", f"proposal {number} of kiosk {index} ({run})"
            with lock:
                sent[key] = note
            try:
                services.send_proposal(service_id=SERVICE, key=key, lang="ko", note=note, memo=memo())
                outcome = "sent"
            except SavedForLater:
                outcome = "saved"  # the citizen is told it goes when the server is back
            with lock:
                outcomes.append(outcome)
            progress.release()
            time.sleep(0.1)

    citizens = [threading.Thread(target=citizen, args=(services, i)) for i, services in enumerate(kiosks)]
    try:
        for services in kiosks:
            services.start_delivery()
        for thread in citizens:
            thread.start()
        for _ in range(4):
            progress.acquire(timeout=30)
        server.stop()  # requests in flight die with it; then the port refuses
        for _ in range(4):
            progress.acquire(timeout=30)  # citizens go on meanwhile: what they send is kept
        server.start()
        for thread in citizens:
            thread.join(timeout=60)
        for services in kiosks:
            services.deliver_pending()
            wait_until(lambda s=services: not s.outbox.pending(), 30, "delivering everything kept")
            assert services.outbox.failed() == []
    finally:
        for services in kiosks:
            services.close()

    assert "saved" in outcomes and "sent" in outcomes  # some went at once, some waited for the server
    tickets = server_rows(server, "SELECT idempotency_key, id FROM ticket WHERE idempotency_key LIKE :p", p=f"{run}-%")
    assert sorted(key for key, _ in tickets) == sorted(sent)  # each proposal's ticket once
    for key, ticket_id in tickets:
        messages = server_rows(
            server,
            "SELECT kind, text FROM message WHERE ticket_id = :t AND sender = 'citizen' ORDER BY id",
            t=ticket_id,
        )
        assert [kind for kind, _ in messages] == ["text", "audio"], key  # the note, then the memo: each once
        assert messages[0][1] == sent[key]
        clips = server_rows(server, "SELECT count(*) FROM audio_clip WHERE ticket_id = :t", t=ticket_id)
        assert clips == [(1,)]
