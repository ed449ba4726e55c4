"""Midnight in the office's time zone: the hub (in-process, injected clock) over an SQLite file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.publications import Publication
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.queue import Desk, Service
from shared.store.db import make_engine, upgrade
from shared.store.models import TicketRow


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _hub(tmp_path: Path, clock: FakeClock) -> Hub:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    settings = Settings(
        db_url=url,
        data_dir=tmp_path,
        services=(Service("A", "Konsultasi Statistik"),),
        desks=(Desk("1", "Meja 1", ("A",)), Desk("2", "Meja 2", ("A",))),
    )
    return Hub(settings, make_engine(url), clock)


def _on(pubs: list[Publication], suffix: str) -> list[dict]:
    return [json.loads(p.payload) for p in pubs if p.topic == f"antre/pst/{suffix}"]


def _issue(hub: Hub, request_id: str) -> str:
    pubs = hub.kiosk_request("k1", contract.encode({"request_id": request_id, "service": "A"}))
    return _on(pubs, "kiosk/k1/response")[0]["ticket"]


def _wib(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def test_sequence_restarts_at_midnight_in_jakarta_and_no_code_is_reused_that_day(tmp_path: Path) -> None:
    clock = FakeClock(_wib(24, 23, 57))
    hub = _hub(tmp_path, clock)
    assert [_issue(hub, "r1"), _issue(hub, "r2")] == ["A-001", "A-002"]
    clock.at = _wib(24, 23, 59)
    assert _on(hub.counter_command("1", b"next"), "event/call")[0]["ticket"] == "A-001"

    clock.at = _wib(25, 0, 1)
    pubs = hub.kiosk_request("k1", contract.encode({"request_id": "r3", "service": "A"}))
    assert _on(pubs, "kiosk/k1/response")[0]["ticket"] == "A-001"
    # Yesterday's leftovers are closed: the desk is free and only today's ticket waits.
    assert _on(pubs, "counter/1/state")[-1]["status"] == "idle"
    assert _on(pubs, "queue/A/state")[-1]["waiting"] == ["A-001"]

    call = _on(hub.counter_command("2", b"next"), "event/call")[0]
    assert call["ticket"] == "A-001"
    assert call["at"].startswith("2026-11-25T00:01")
    more = [_issue(hub, f"r{n}") for n in range(4, 8)]
    assert more == ["A-002", "A-003", "A-004", "A-005"]

    with Session(hub.engine) as session:
        today = [
            row.code
            for row in session.scalars(select(TicketRow).where(TicketRow.business_day == date(2026, 11, 25)))
        ]
        yesterday = session.scalars(select(TicketRow).where(TicketRow.code == "A-002")).all()
    assert len(today) == len(set(today)) == 5
    assert {row.status for row in yesterday} == {"expired", "waiting"}


def test_midnight_utc_is_not_a_new_business_day(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 24, 23, 58, tzinfo=UTC))  # 06:58 WIB on the 25th
    hub = _hub(tmp_path, clock)
    assert _issue(hub, "r1") == "A-001"
    clock.at = datetime(2026, 11, 25, 0, 2, tzinfo=UTC)  # 07:02 WIB, the same office day
    assert _issue(hub, "r2") == "A-002"


def test_a_long_queue_publishes_its_head_and_the_full_count(tmp_path: Path) -> None:
    hub = _hub(tmp_path, FakeClock(_wib(24, 9, 0)))
    for n in range(1, 61):
        pubs = hub.kiosk_request("k1", contract.encode({"request_id": f"r{n}", "service": "A"}))
    state = _on(pubs, "queue/A/state")[-1]
    assert state["count"] == 60
    assert state["waiting"] == [f"A-{n:03d}" for n in range(1, 51)]
