"""The 10-minute standard as the standard writes it: the hub in-process, injected wall and
monotonic clocks, an SQLite file on disk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.publications import Publication
from shared.config import settings_from_mapping
from shared.contract import topics as contract
from shared.store.db import make_engine, upgrade
from shared.store.models import QueuePassRow

ALWAYS_OPEN = {day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


class Clocks:
    """The wall clock and the monotonic clock, moved together unless a test jumps the wall."""

    def __init__(self, wall: datetime) -> None:
        self.wall = wall
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


def make_hub(
    tmp_path: Path,
    clocks: Clocks,
    hours: dict[str, str] | None = None,
    desks: int = 2,
    limits: tuple[float, float] = (480, 600),
    timing: dict | None = None,
    desk_services: list[list[str]] | None = None,
    queue: dict | None = None,
    url: str | None = None,
) -> Hub:
    """A hub on an SQLite file (or the database at ``url``: the ``db_url`` fixture's PostgreSQL)
    with services A and B, ``desks`` desks serving both (or desk n+1 serving ``desk_services[n]``);
    ``timing`` adds to the ``[timing]`` table, ``queue`` is the ``[queue]`` table (the priority
    lane's settings)."""
    url = url or f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    raw = {
        "services": [
            {"prefix": "A", "name": "Konsultasi Statistik"},
            {"prefix": "B", "name": "Perpustakaan"},
        ],
        "desks": [{"id": str(n), "services": ["A", "B"]} for n in range(1, desks + 1)]
        if desk_services is None
        else [{"id": str(n), "services": served} for n, served in enumerate(desk_services, 1)],
        "timing": {
            "opening_hours": hours or ALWAYS_OPEN,
            "warning_s": limits[0],
            "breach_s": limits[1],
            **(timing or {}),
        },
        "db": {"url": url},
        "queue": queue or {},
    }
    hub = Hub(settings_from_mapping(raw, {"ANTRE_DATA_DIR": str(tmp_path)}), make_engine(url), clocks.now)
    hub.timing.mono = clocks.monotonic
    return hub


def wib(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def issue(hub: Hub, service: str = "A") -> str:
    pubs = hub.kiosk_request(
        "k1", contract.encode({"request_id": f"r{id(pubs_box)}{len(pubs_box)}", "service": service})
    )
    pubs_box.append(1)
    return json.loads(next(p.payload for p in pubs if p.topic.endswith("/response")))["ticket"]


pubs_box: list[int] = []


def press(hub: Hub, desk: str, word: str | dict) -> dict:
    raw = contract.encode(word) if isinstance(word, dict) else word.encode()
    pubs = hub.counter_command(desk, raw)
    return json.loads(next(p.payload for p in pubs if p.topic.endswith("/response")))


def run(hub: Hub, clocks: Clocks, seconds: float, step: float = 1.0) -> list[dict]:
    """Let time pass with the timing pass running, as the hub does; the alerts it sent."""
    alerts: list[dict] = []
    for _ in range(int(seconds / step)):
        clocks.advance(step)
        alerts += [json.loads(p.payload) for p in hub.timing_tick() if p.topic.endswith("/alert/sla")]
    return alerts


def levels(alerts: list[dict]) -> list[tuple[str, str]]:
    return [(a["ticket"], a["level"]) for a in alerts]


def passes(hub: Hub) -> dict[str, QueuePassRow]:
    with Session(hub.engine) as session:
        rows = session.scalars(select(QueuePassRow).order_by(QueuePassRow.id)).all()
    return {f"{r.code}/{r.service}": r for r in rows}


def test_a_long_service_makes_the_next_visitor_breach(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    assert [issue(hub), issue(hub)] == ["A-001", "A-002"]
    press(hub, "1", "next")  # A-001 called at once
    press(hub, "1", "start")
    # A-001 is served for 30 minutes: A-002's clock has not started (the one before is not done).
    assert run(hub, clocks, 30 * 60, step=5) == []
    press(hub, "1", "finish")  # now A-002's clock starts
    alerts = run(hub, clocks, 7 * 60)
    assert alerts == []
    alerts = run(hub, clocks, 60)
    assert levels(alerts) == [("A-002", "warning")]
    assert 480 <= alerts[0]["clock_s"] <= 481
    alerts = run(hub, clocks, 3 * 60)
    assert levels(alerts) == [("A-002", "breach")]  # each level once
    press(hub, "1", "next")
    row = passes(hub)["A-002/A"]
    assert row.clock_s is not None and 660 <= row.clock_s <= 661
    assert row.warned_at is not None and row.breached_at is not None
    assert row.clock_started_at == wib(24, 9, 30) + timedelta(seconds=0)


def test_two_desks_keep_the_standard(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=2)
    for _ in range(3):
        issue(hub)
    press(hub, "1", "next")
    run(hub, clocks, 60)
    press(hub, "2", "next")  # A-002, called while A-001 is served
    run(hub, clocks, 4 * 60)
    press(hub, "1", "next")  # A-001 done, A-003 called at once
    assert run(hub, clocks, 20 * 60, step=10) == []
    rows = passes(hub)
    assert rows["A-003/A"].clock_s == 0.0  # its clock never started: the one before was at desk 2


def test_a_ticket_issued_while_the_previous_one_is_served(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    issue(hub)
    press(hub, "1", "next")
    run(hub, clocks, 5 * 60)
    issue(hub)  # A-002 arrives while A-001 is at the desk: no clock yet
    assert run(hub, clocks, 15 * 60, step=5) == []
    press(hub, "1", "finish")
    # Breach past 10:00 (a call at exactly 10:00 is met): one second more.
    assert levels(run(hub, clocks, 10 * 60 + 1)) == [("A-002", "warning"), ("A-002", "breach")]


def test_tickets_before_opening_start_their_clock_at_opening(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 7, 30))  # a Tuesday, the office opens at 08:00
    hub = make_hub(tmp_path, clocks, hours={"tue": "08:00-15:30"})
    issue(hub)
    assert run(hub, clocks, 30 * 60, step=5) == []  # 07:30-08:00: closed, no clock runs
    assert levels(run(hub, clocks, 8 * 60)) == [("A-001", "warning")]  # 8 minutes after opening


def test_no_clock_runs_after_closing(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 15, 25))
    hub = make_hub(tmp_path, clocks, hours={"tue": "08:00-15:30", "wed": "08:00-15:30"})
    issue(hub)
    assert run(hub, clocks, 60 * 60, step=10) == []  # 5 minutes counted, then closed


def test_a_transfer_and_a_no_show(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    assert [issue(hub), issue(hub), issue(hub, "B")] == ["A-001", "A-002", "B-001"]
    press(hub, "1", "next")
    run(hub, clocks, 2 * 60)
    press(hub, "1", {"action": "transfer", "request_id": "t1", "to_service": "B"})
    # A-001 left queue A: A-002's clock starts now. In B, A-001 (issued first) stands before B-001.
    run(hub, clocks, 3 * 60)
    assert press(hub, "1", "next")["ticket"] == "A-001"  # the transferred visitor, by issue time
    assert press(hub, "1", "noshow")["ticket"] == "A-001"
    rows = passes(hub)
    assert rows["A-001/A"].left_how == "transfer" and rows["A-001/B"].left_how == "noshow"
    assert rows["A-002/A"].clock_started_at == wib(24, 9, 2)
    alerts = run(hub, clocks, 5 * 60)
    # 3 + 5 = 8 minutes since A-001 was transferred out; B-001: 5 minutes since the no-show.
    assert levels(alerts) == [("A-002", "warning")]


def test_a_wall_clock_jump_raises_no_false_flag_and_hides_no_real_one(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks)
    issue(hub)
    run(hub, clocks, 60)
    clocks.wall += timedelta(hours=1)  # NTP steps the wall clock forward; monotonic time does not
    assert run(hub, clocks, 60) == []
    clocks.wall -= timedelta(minutes=10)  # and back
    alerts = run(hub, clocks, 6 * 60)
    assert levels(alerts) == [("A-001", "warning")]
    assert 480 <= alerts[0]["clock_s"] <= 481


def test_the_timing_pass_publishes_alert_sla(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks)
    issue(hub)
    clocks.advance(601)  # past the 10 minutes
    pubs: list[Publication] = hub.timing_tick()
    alerts = [json.loads(p.payload) for p in pubs if p.topic == "antre/pst/alert/sla"]
    assert [(a["ticket"], a["level"], a["service"]) for a in alerts] == [
        ("A-001", "warning", "A"),
        ("A-001", "breach", "A"),
    ]
    assert alerts[0]["at"].endswith("+07:00") and alerts[0]["v"] == 1


def test_the_queue_state_shows_each_waiting_clock_and_its_level(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    issue(hub)
    issue(hub)
    clocks.advance(480)
    pubs = hub.timing_tick()
    state = next(json.loads(p.payload) for p in pubs if p.topic == "antre/pst/queue/A/state")
    assert state["waiting"] == ["A-001", "A-002"]
    assert state["clocks"] == [
        {"ticket": "A-001", "issued_at": "2026-11-24T09:00:00+07:00",
         "clock_started_at": "2026-11-24T09:00:00+07:00", "level": "warning"},
        {"ticket": "A-002", "issued_at": "2026-11-24T09:00:00+07:00",
         "clock_started_at": None, "level": None},
    ]  # fmt: skip
