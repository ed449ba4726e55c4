"""The priority lane and the desk actions through the contract: a real Mosquitto, the hub process,
its SQLite file (issue 18)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from tests.support import Probe

QUEUE = "\n[queue]\npriority_run = 2\n"


def _rid() -> str:
    return uuid.uuid4().hex[:16]


def _json(probe: Probe, desk: str, action: str, **fields: Any) -> dict[str, Any]:
    return probe.command(desk, {"v": 1, "action": action, "request_id": _rid(), **fields}, timeout=30)


def _priority(probe: Probe, service: str = "A", category: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"service": service, "priority": True}
    if category is not None:
        body["category"] = category
    return probe.ask("k1", body, timeout=30)


def _events(db_url: str, action_prefix: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT t.code, e.action FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
                    "WHERE e.action LIKE :prefix ORDER BY e.id"
                ),
                {"prefix": f"{action_prefix}%"},
            ).all()
    finally:
        engine.dispose()
    return [(row[0], row[1]) for row in rows]


def test_priority_tickets_from_the_kiosk_are_called_first_within_the_bound(
    hub_factory, sqlite_url: str, probe: Probe
) -> None:
    hub_factory(sqlite_url, extra=QUEUE)
    assert probe.issue("A", timeout=30)["ticket"] == "A-001"
    assert probe.issue("A", timeout=30)["ticket"] == "A-002"
    first = _priority(probe, category="lansia")
    got = (first["ticket"], first["priority"], first["category"], first["ahead"])
    assert got == ("A-003", True, "lansia", 0)
    assert _priority(probe)["ticket"] == "A-004"
    assert _priority(probe, category="hamil")["ticket"] == "A-005"
    state = probe.wait_for("queue/A/state", lambda p: p["count"] == 5, timeout=30)
    assert state["waiting"] == ["A-003", "A-004", "A-005", "A-001", "A-002"]
    assert state["priority"] == ["A-003", "A-004", "A-005"]
    # The 10-minute clock runs for the head of the line, a priority visitor now; not for those behind.
    clocks = {c["ticket"]: c["clock_started_at"] for c in state["clocks"]}
    assert clocks["A-003"] is not None
    assert [clocks[code] for code in ("A-004", "A-005", "A-001", "A-002")] == [None] * 4

    mark = probe.mark()
    order = [probe.command("1", "next", timeout=30)["ticket"] for _ in range(5)]
    assert order == ["A-003", "A-004", "A-001", "A-005", "A-002"]  # at most 2 priority calls in a row
    calls = probe.on("event/call", since=mark)
    assert [(c["ticket"], c["priority"]) for c in calls] == [
        ("A-003", True), ("A-004", True), ("A-001", False), ("A-005", True), ("A-002", False),
    ]  # fmt: skip


def test_a_bad_priority_category_is_refused(hub, probe: Probe) -> None:
    answer = probe.ask("k1", {"service": "A", "priority": True, "category": "vip"}, timeout=30)
    assert answer["error"]["code"] == "bad_category"
    answer = probe.ask("k1", {"service": "A", "priority": "yes"}, timeout=30)
    assert answer["error"]["code"] == "bad_request"


def test_hold_and_resume_from_a_button_and_the_desk_state_shows_the_parked(hub, probe: Probe) -> None:
    probe.issue("A", timeout=30)
    probe.issue("A", timeout=30)
    probe.command("1", "next", timeout=30)
    probe.command("1", "start", timeout=30)
    held = probe.command("1", "hold", timeout=30)  # a plain word, as a button sends it
    assert held["ok"] and held["parked"] == ["A-001"]
    state = probe.wait_for("counter/1/state", lambda p: p["parked"] == ["A-001"], timeout=30)
    assert state["status"] == "idle" and state["ticket"] is None
    assert probe.command("1", "next", timeout=30)["ticket"] == "A-002"
    assert _json(probe, "1", "resume")["error"]["code"] == "desk_busy"
    probe.command("1", "finish", timeout=30)
    mark = probe.mark()
    resumed = _json(probe, "1", "resume", ticket="A-001")
    assert resumed["ok"] and resumed["ticket"] == "A-001"
    assert probe.wait_for("event/call", since=mark, timeout=30)["ticket"] == "A-001"
    state = probe.wait_for("counter/1/state", lambda p: p["ticket"] == "A-001", timeout=30, since=mark)
    assert state["status"] == "serving" and state["parked"] == []
    assert _json(probe, "1", "resume")["error"]["code"] == "desk_busy"
    probe.command("1", "finish", timeout=30)
    assert _json(probe, "1", "resume")["error"]["code"] == "not_parked"


def test_call_ticket_out_of_order_stores_the_reason(hub_factory, sqlite_url: str, probe: Probe) -> None:
    hub_factory(sqlite_url)
    for _ in range(3):
        probe.issue("A", timeout=30)
    closed = _json(probe, "2", "call_ticket", ticket="A-003", reason="returned")
    assert closed["error"]["code"] == "desk_closed"
    _json(probe, "2", "open")
    _json(probe, "3", "open")
    called = _json(probe, "2", "call_ticket", ticket="A-003", reason="returned")
    assert (called["ticket"], called["reason"], called["out_of_order"]) == ("A-003", "returned", True)
    assert _json(probe, "2", "call_ticket", ticket="A-002", reason="vip")["error"]["code"] == "bad_reason"
    unknown = _json(probe, "2", "call_ticket", ticket="A-009", reason="other")
    assert unknown["error"]["code"] == "unknown_ticket"
    assert _json(probe, "3", "call_ticket", ticket="A-003", reason="other")["error"]["code"] == "not_waiting"
    assert _json(probe, "2", "call_ticket", ticket="A3", reason="other")["error"]["code"] == "bad_request"
    assert _events(sqlite_url, "out_of_order:") == [("A-003", "out_of_order:returned")]
    assert probe.command("2", "next", timeout=30)["ticket"] == "A-001"


def test_return_sends_the_visitor_back_to_their_place(hub, probe: Probe) -> None:
    for _ in range(3):
        probe.issue("A", timeout=30)
    assert probe.command("1", "next", timeout=30)["ticket"] == "A-001"
    mark = probe.mark()
    back = probe.command("1", "return", timeout=30)
    assert back["ok"] and (back["ticket"], back["ahead"]) == ("A-001", 0)
    state = probe.wait_for("queue/A/state", lambda p: p["count"] == 3, timeout=30, since=mark)
    assert state["waiting"] == ["A-001", "A-002", "A-003"]
    assert probe.command("2", "next", timeout=30)["ticket"] == "A-001"
    mark = probe.mark()
    repeated = probe.command("2", "repeat", timeout=30)
    assert repeated["ok"] and repeated["recalls"] == 1
    assert probe.wait_for("event/call", since=mark, timeout=30)["recall"] is True
