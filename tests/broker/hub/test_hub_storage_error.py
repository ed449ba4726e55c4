"""A database failure is answered, not swallowed, and the request can be retried."""

from __future__ import annotations

import json
from pathlib import Path

from broker.hub.commands import Hub
from shared.config import Settings
from shared.contract import topics as contract
from shared.store.db import make_engine, upgrade


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


def test_a_database_failure_logs_no_personal_data(tmp_path: Path, caplog) -> None:
    from tests.broker.hub.test_hub_commands import GUEST

    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:  # storing a guestbook entry fails, as on a full disk
        connection.exec_driver_sql(
            "CREATE TRIGGER no_room BEFORE INSERT ON guests BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    hub = Hub(Settings(db_url=url, data_dir=tmp_path), engine)
    request = contract.encode({"request_id": "k1-2", "service": "A", "guest": GUEST})
    with caplog.at_level("DEBUG"):
        answer = json.loads(hub.kiosk_request("k1", request)[-1].payload)
    assert answer["error"]["code"] == "storage_error"
    assert "failed in the database" in caplog.text
    for value in ("Siti", "1808014101900001", "siti@example.id", "081234567890", "Data IPM"):
        assert value not in caplog.text
