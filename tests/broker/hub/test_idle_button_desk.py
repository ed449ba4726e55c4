"""The idle-desk figure at button-only desks (issue 17): nobody signs in, the desk opens with
``next`` and closes with ``close``; its open periods come from ``desk_history``. Through the hub
in-process with an injected clock (docs/clocks.md, "parallel desks", the button-desk example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.staff import StaffDesk
from broker.reports.data import Period, read
from broker.reports.sla import build_report
from shared.contract import topics as contract
from shared.domain.pins import hash_pin
from shared.store.models import DeskHistoryRow
from tests.broker.hub.test_sla_clock import Clocks, issue, make_hub, press, run, wib
from tests.broker.hub.test_sla_standard import queue_states


def history(hub: Hub) -> list[tuple[str, str, str]]:
    """``desk_history`` as (desk, status, local HH:MM), in the order written."""
    with Session(hub.engine) as session:
        rows = session.scalars(select(DeskHistoryRow).order_by(DeskHistoryRow.id)).all()
    return [(r.desk, r.status, (r.at + timedelta(hours=7)).strftime("%H:%M")) for r in rows]


def test_a_button_desk_idle_while_a_visitor_waits_counts_and_on_a_break_it_does_not(
    tmp_path: Path, db_url: str
) -> None:
    """Desks 1 and 2 serve A and B, no officer ever signs in. 09:00 A-001, A-002, A-003 issued;
    desk 1 presses next (opens, calls A-001), desk 2 too (A-002). 09:02 desk 1 finishes A-001
    and stays idle. 09:07 B-001 issued. 09:10 desk 1 goes on a break (close). 09:20 desk 2
    presses next: A-002 done, A-003 called.

    By hand: A-003 waited 09:00-09:20; desk 1 was open and idle 09:02-09:10 (8:00), then closed:
    idle-desk time 8:00, not 18:00. B-001, still waiting: 3:00 (09:07-09:10). A-001 and A-002
    were called at once: none."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=2, url=db_url)
    assert [issue(hub), issue(hub), issue(hub)] == ["A-001", "A-002", "A-003"]
    assert press(hub, "1", "next")["ticket"] == "A-001"
    assert press(hub, "2", "next")["ticket"] == "A-002"
    run(hub, clocks, 120, step=5)
    finished = queue_states(hub.counter_command("1", b"finish"))
    assert finished["A"]["idle_desks"] == ["1"] and finished["B"]["idle_desks"] == ["1"]
    run(hub, clocks, 5 * 60, step=5)
    # The book is loaded again (as after the staff desk's work): desk 1 is still open by its history.
    hub.forget_book()
    raw = contract.encode({"request_id": "b-1", "service": "B"})
    assert queue_states(hub.kiosk_request("k1", raw))["B"]["idle_desks"] == ["1"]
    run(hub, clocks, 3 * 60, step=5)
    at_0910 = queue_states(hub.snapshot())["A"]
    assert (at_0910["waiting"], at_0910["clocks"][0]["idle_desk_s"]) == (["A-003"], 8 * 60)
    # The break: desk 1 closes, and queue A no longer lists an idle desk.
    close = contract.encode({"action": "close", "request_id": "c-break"})
    on_break = queue_states(hub.counter_command("1", close))
    assert "idle_desks" not in on_break["A"] and "idle_desks" not in on_break["B"]
    run(hub, clocks, 10 * 60, step=5)
    at_0920 = queue_states(hub.snapshot())["A"]
    assert "idle_desks" not in at_0920
    assert queue_states(hub.snapshot())["B"]["clocks"][0]["idle_desk_s"] == 3 * 60
    assert at_0920["clocks"][0]["idle_desk_s"] == 8 * 60, "the closed desk added nothing"
    assert press(hub, "2", "next")["ticket"] == "A-003"
    # Openings and closings only: the calls and finishes at an open desk wrote no row.
    assert history(hub) == [("1", "open", "09:00"), ("2", "open", "09:00"), ("1", "closed", "09:10")]

    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 9, 0).date(), clocks.wall)
        month = read(session, hub.settings, Period(wib(24, 9, 0).date(), wib(24, 9, 0).date()))
    assert (day.idle_desk_passes, day.idle_desk.median, day.idle_desk.max) == (2, 5.5 * 60, 8 * 60)
    assert month.idle_desk == [8 * 60.0]  # the monthly report counts passes that ended: A-003


def test_a_button_desk_reopened_after_its_break_counts_again(tmp_path: Path, db_url: str) -> None:
    """Desk 1 only, button-only. 09:00 next with nobody waiting opens it idle; 09:05 close;
    09:06 A-001 issued; 09:10 next at the closed desk opens it and calls A-001. By hand: A-001
    waited 09:06-09:10 with desk 1 closed: no idle-desk time. 09:12 finish; 09:13 A-002 issued;
    09:15 next: A-002 waited 09:13-09:15 with desk 1 open and idle: 2:00."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1, url=db_url)
    assert press(hub, "1", "next")["notice"] == "nobody_waiting"
    run(hub, clocks, 5 * 60, step=5)
    assert press(hub, "1", {"action": "close", "request_id": "c-break"})["status"] == "closed"
    run(hub, clocks, 60, step=5)
    assert issue(hub) == "A-001"
    run(hub, clocks, 4 * 60, step=5)
    assert press(hub, "1", "next")["ticket"] == "A-001"
    run(hub, clocks, 2 * 60, step=5)
    press(hub, "1", "finish")
    run(hub, clocks, 60, step=5)
    assert issue(hub) == "A-002"
    run(hub, clocks, 2 * 60, step=5)
    assert press(hub, "1", "next")["ticket"] == "A-002"
    assert history(hub) == [("1", "open", "09:00"), ("1", "closed", "09:05"), ("1", "open", "09:10")]
    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 9, 0).date(), clocks.wall)
    assert (day.idle_desk_passes, day.idle_desk.max) == (1, 2 * 60)


def test_signing_in_and_out_writes_the_desk_history_too(tmp_path: Path, db_url: str) -> None:
    """The staff desk's paths (the SQL repository): Budi signs in at desk 1 at 09:00 (opens it),
    presses next and finish, signs out at 09:05 (closes it). A later command loads the book again
    and sees the same history."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1, url=db_url)
    staff = StaffDesk(hub)
    staff.sync_officers([{"id": "budi", "pin_hash": hash_pin("246813", iterations=1000)}])
    budi = staff.signin("1", "budi", "246813")
    assert budi.status == 200
    assert issue(hub) == "A-001"
    assert press(hub, "1", "next")["ticket"] == "A-001"
    run(hub, clocks, 5 * 60, step=5)
    assert press(hub, "1", "finish")["ticket"] == "A-001"
    assert staff.signout(budi.body["token"]).status == 200
    assert history(hub) == [("1", "open", "09:00"), ("1", "closed", "09:05")]
    assert issue(hub) == "A-002"  # the book, loaded again, holds the same changes
    assert [(c.desk, c.opened) for c in hub.runner.book.desk_changes] == [("1", True), ("1", False)]
