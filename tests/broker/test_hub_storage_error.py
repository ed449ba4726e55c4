"""A database failure is answered, not swallowed, and the request can be retried."""

from __future__ import annotations

import json
from pathlib import Path

from broker.hub import Hub
from shared import contract
from shared.config import Settings
from shared.db import make_engine, upgrade


def test_a_database_failure_gets_a_storage_error_and_a_retry_succeeds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    hub = Hub(Settings(db_url=url, data_dir=tmp_path), make_engine(url))
    request = contract.encode({"request_id": "k1-1", "service": "A"})

    # No schema yet: every statement fails, as with a broken or missing database file.
    first = hub.kiosk_request("k1", request)
    answer = json.loads(first[-1].payload)
    assert first[-1].topic == "antre/pst/kiosk/k1/response"
    assert answer["error"]["code"] == "storage_error"

    upgrade(url)
    retry = [json.loads(p.payload) for p in hub.kiosk_request("k1", request) if p.topic.endswith("/response")]
    assert retry[0]["ticket"] == "A-001"
