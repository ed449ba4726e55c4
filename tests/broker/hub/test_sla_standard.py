"""The audit's scenarios of the 10-minute standard (issue 17), through the hub with injected wall
and monotonic clocks and an SQLite file, then through ``antre sla`` and the monthly report's data.
Each test's docstring holds the hand calculation it checks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.publications import Publication
from broker.hub.staff import StaffDesk
from broker.reports.data import Period, read
from broker.reports.sla import build_report
from broker.reports.sla_text import render_text
from shared.contract import records
from shared.contract import topics as contract
from shared.domain.pins import hash_pin
from tests.broker.hub.test_sla_clock import Clocks, issue, levels, make_hub, passes, press, run, wib


def test_a_call_at_exactly_ten_minutes_is_met(tmp_path: Path) -> None:
    """One desk, always open, three tickets issued at 09:00.

    By hand: A-001 issued 09:00, called 09:00, finished 09:00. A-002 (issued 09:00) waits on A-001:
    its clock starts 09:00; called 09:10:00 -> clock 10:00 -> met ("maksimal 10 menit"), a warning
    at 09:08, no breach. A-003 (issued 09:00) waits on A-002, finished at 09:10:00 -> clock starts
    09:10:00; called 09:20:01 -> clock 10:01 -> breached (alert at 09:20:01).
    Day: met 2 (A-001 0:00, A-002 10:00), breached 1 (A-003)."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    assert [issue(hub), issue(hub), issue(hub)] == ["A-001", "A-002", "A-003"]
    press(hub, "1", "next")
    press(hub, "1", "finish")
    alerts = run(hub, clocks, 600)  # 09:00:00 -> 09:10:00, one-second ticks
    assert levels(alerts) == [("A-002", "warning")]
    assert press(hub, "1", "next")["ticket"] == "A-002"
    press(hub, "1", "finish")
    alerts = run(hub, clocks, 600)
    assert levels(alerts) == [("A-003", "warning")]  # exactly 10:00 on its clock: no breach yet
    alerts = run(hub, clocks, 1)
    assert levels(alerts) == [("A-003", "breach")]
    assert press(hub, "1", "next")["ticket"] == "A-003"
    rows = passes(hub)
    assert rows["A-002/A"].clock_s == 600.0 and rows["A-002/A"].breached_at is None
    assert rows["A-003/A"].clock_s == 601.0 and rows["A-003/A"].breached_at is not None

    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 9, 0).date(), clocks.wall)
        month = read(session, hub.settings, Period(wib(24, 9, 0).date(), wib(24, 9, 0).date()))
    assert (day.met, day.breached) == (2, 1)
    assert [b.ticket for b in day.breaches] == ["A-003"]
    total = month.compliance_total
    assert (total.met, total.breached) == (2, 1)


def test_the_limits_stay_configurable(tmp_path: Path) -> None:
    """warning_s = 60, breach_s = 120. By hand: A-001's clock starts at issue 09:00; warning at
    09:01:00 (its mark reached), no breach at 09:02:00 (exactly the limit), breach at 09:02:01."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1, limits=(60, 120))
    issue(hub)
    assert levels(run(hub, clocks, 60)) == [("A-001", "warning")]
    assert run(hub, clocks, 60) == []
    assert levels(run(hub, clocks, 1)) == [("A-001", "breach")]


def until(hub: Hub, clocks: Clocks, hour: int, minute: int) -> list[dict]:
    """Run the timing pass every second up to hh:mm on Tuesday the 24th; the alerts sent."""
    return run(hub, clocks, (wib(24, hour, minute) - clocks.wall).total_seconds())


TRANSFER = {"action": "transfer", "request_id": "t1", "to_service": "B"}


def test_a_transferred_visitor_and_the_one_behind_are_charged_only_their_own_wait(tmp_path: Path) -> None:
    """The audit's transfer case. Desk 1 serves A, desk 2 (the only B desk) serves B.

    09:55 A-001 issued, called at once by desk 1.       10:00 B-001 issued, called at once by desk 2.
    10:05 B-002 issued (B-001 at the desk: no clock).   10:10 desk 1 transfers A-001 to B; issued
    at 09:55, A-001 stands before B-002. 10:20 desk 2 finishes B-001. 10:21 desk 2 calls A-001.
    10:35 desk 2 finishes A-001. 10:36 desk 2 calls B-002.

    By hand, "the visitor before" = the one served just before in B's actual order:
    A-001 in B waits on B-001 (at the desk when A-001 came in), finished 10:20: clock 10:20 ->
    called 10:21 = 1:00 (the old rule: from 10:10, 11:00, breach).
    B-002 waits on A-001 (served before them), finished 10:35: clock 10:35 -> called 10:36 = 1:00
    (the old rule: from B-001's finish at 10:20, 16:00, breach).
    No warning, no breach; antre sla: 4 calls, all met."""
    clocks = Clocks(wib(24, 9, 55))
    hub = make_hub(tmp_path, clocks, desk_services=[["A"], ["B"]])
    assert issue(hub, "A") == "A-001"
    assert press(hub, "1", "next")["ticket"] == "A-001"
    alerts = until(hub, clocks, 10, 0)
    assert issue(hub, "B") == "B-001"
    assert press(hub, "2", "next")["ticket"] == "B-001"
    alerts += until(hub, clocks, 10, 5)
    assert issue(hub, "B") == "B-002"
    alerts += until(hub, clocks, 10, 10)
    assert press(hub, "1", TRANSFER)["to_service"] == "B"
    assert passes(hub)["A-001/B"].clock_started_at is None  # B's only desk is still busy
    alerts += until(hub, clocks, 10, 20)
    press(hub, "2", "finish")
    assert passes(hub)["A-001/B"].clock_started_at == wib(24, 10, 20)
    assert passes(hub)["B-002/B"].clock_started_at is None  # A-001 is served before them
    alerts += until(hub, clocks, 10, 21)
    assert press(hub, "2", "next")["ticket"] == "A-001"
    alerts += until(hub, clocks, 10, 35)
    press(hub, "2", "finish")
    assert passes(hub)["B-002/B"].clock_started_at == wib(24, 10, 35)
    alerts += until(hub, clocks, 10, 36)
    assert press(hub, "2", "next")["ticket"] == "B-002"
    assert alerts == []
    rows = passes(hub)
    assert rows["A-001/B"].clock_s == 60.0 and rows["B-002/B"].clock_s == 60.0
    assert rows["A-001/A"].clock_s == 0.0 and rows["B-001/B"].clock_s == 0.0

    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 10, 0).date(), clocks.wall)
    assert (day.called, day.met, day.breached, day.transfers) == (4, 4, 0, 1)
    assert day.clock_at_call.max == 60.0


def test_a_transfer_in_stops_the_clock_of_the_visitor_it_goes_before(tmp_path: Path) -> None:
    """Desk 1 serves A, desk 2 serves B.

    10:00 B-001 issued, desk 2 calls it; 10:02 B-002 issued; 10:05 desk 2 finishes B-001 and
    closes (a break): B-002's clock runs from 10:05. 09:55-issued A-001, at desk 1 since 09:56,
    is transferred to B at 10:08: A-001 now stands before B-002.
    10:12 desk 2 calls A-001 and finishes it at 10:20; 10:22 desk 2 calls B-002.

    By hand: A-001 in B waits on B-001 (called last in B), finished 10:05: clock from its entering
    at 10:08 -> called 10:12 = 4:00. B-002 is served after A-001, so A-001 is "the visitor
    before": B-002's clock stops at 10:08 and starts again at A-001's finish, 10:20 -> called
    10:22 = 2:00. No alert."""
    clocks = Clocks(wib(24, 9, 55))
    hub = make_hub(tmp_path, clocks, desk_services=[["A"], ["B"]])
    assert issue(hub, "A") == "A-001"
    alerts = until(hub, clocks, 9, 56)
    assert press(hub, "1", "next")["ticket"] == "A-001"
    alerts += until(hub, clocks, 10, 0)
    assert issue(hub, "B") == "B-001"
    assert press(hub, "2", "next")["ticket"] == "B-001"
    alerts += until(hub, clocks, 10, 2)
    assert issue(hub, "B") == "B-002"
    alerts += until(hub, clocks, 10, 5)
    press(hub, "2", "finish")
    press(hub, "2", {"action": "close", "request_id": "c1"})
    assert passes(hub)["B-002/B"].clock_started_at == wib(24, 10, 5)
    alerts += until(hub, clocks, 10, 8)
    press(hub, "1", TRANSFER)
    rows = passes(hub)
    assert rows["B-002/B"].clock_started_at is None
    assert rows["A-001/B"].clock_started_at == wib(24, 10, 8)
    alerts += until(hub, clocks, 10, 12)
    assert press(hub, "2", "next")["ticket"] == "A-001"
    alerts += until(hub, clocks, 10, 20)
    press(hub, "2", "finish")
    alerts += until(hub, clocks, 10, 22)
    assert press(hub, "2", "next")["ticket"] == "B-002"
    assert alerts == []
    rows = passes(hub)
    assert (rows["A-001/B"].clock_s, rows["B-002/B"].clock_s) == (240.0, 120.0)


# --- opening hours: breaks, special days, closed days -----------------------------------------

WEEK = {"mon": "08:00-15:30", "tue": "08:00-15:30", "wed": "08:00-15:30", "thu": "08:00-15:30",
        "fri": "08:00-11:30, 13:00-16:00"}  # fmt: skip


def office(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_no_clock_runs_over_the_friday_break(tmp_path: Path) -> None:
    """Friday 27 Nov 2026, fri = "08:00-11:30, 13:00-16:00". A-001 issued 11:28 (nobody before
    it: the clock starts at issue), called 13:05. By hand: 11:28-11:30 = 2:00, the break does not
    count, 13:00-13:05 = 5:00: 7:00, met (the audit's reading: 97:00, breach). No alert."""
    clocks = Clocks(office(2026, 11, 27, 11, 28))
    hub = make_hub(tmp_path, clocks, hours=WEEK, desks=1)
    issue(hub)
    assert run(hub, clocks, 97 * 60) == []
    assert press(hub, "1", "next")["ticket"] == "A-001"
    assert 419 <= passes(hub)["A-001/A"].clock_s <= 421  # one-second ticks
    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, clocks.wall.date(), clocks.wall)
    assert (day.met, day.breached) == (1, 0)


RAMADAN = [{"name": "Ramadan 1448 H", "from": "2027-02-08", "to": "2027-03-09",
            "hours": {d: "08:00-12:00, 12:30-14:30" for d in ("mon", "tue", "wed", "thu")}}]  # fmt: skip


def test_ramadan_hours_from_special_days(tmp_path: Path) -> None:
    """Tuesday 16 Feb 2027, inside [[timing.special_days]] "Ramadan 1448 H" (Mon-Thu
    08:00-12:00, 12:30-14:30; the usual Tuesday is 08:00-15:30). A-001 issued 11:58, called 12:35.
    By hand: 11:58-12:00 = 2:00, 12:30-12:35 = 5:00: 7:00, met (the usual hours: 37:00, breach).
    A-002, issued 14:25 behind A-001 (finished at 12:35: its clock starts at issue), is never
    called: 14:25-14:30 = 5:00 by 15:30, no alert (the usual hours: breach at 14:35:01)."""
    clocks = Clocks(office(2027, 2, 16, 11, 58))
    hub = make_hub(tmp_path, clocks, hours=WEEK, desks=1, timing={"special_days": RAMADAN})
    issue(hub)
    assert run(hub, clocks, 37 * 60) == []
    assert press(hub, "1", "next")["ticket"] == "A-001"
    press(hub, "1", "finish")
    assert 419 <= passes(hub)["A-001/A"].clock_s <= 421
    run(hub, clocks, (office(2027, 2, 16, 14, 25) - clocks.wall).total_seconds(), step=5)
    assert issue(hub) == "A-002"
    assert run(hub, clocks, 65 * 60, step=5) == []


def test_a_half_day_from_a_date_schedule(tmp_path: Path) -> None:
    """Thursday 31 Dec 2026 with a special day "08:00-12:00" (the usual Thursday: 08:00-15:30).
    A-001 issued 11:55, never called. By hand: 5:00 by 12:00, nothing after: no alert by 13:00
    (the usual hours would warn at 12:03 and breach past 12:05)."""
    half = [{"name": "Tutup buku", "date": "2026-12-31", "hours": "08:00-12:00"}]
    clocks = Clocks(office(2026, 12, 31, 11, 55))
    hub = make_hub(tmp_path, clocks, hours=WEEK, desks=1, timing={"special_days": half})
    issue(hub)
    assert run(hub, clocks, 65 * 60, step=5) == []


def test_collective_leave_comes_from_the_holidays_package(tmp_path: Path) -> None:
    """Thursday 24 Dec 2026 is cuti bersama in the package's government category ("Christmas
    Joint Holiday"), not in the config. A-001 issued 09:00: by hand no clock runs all day, so no
    alert by 09:30."""
    clocks = Clocks(office(2026, 12, 24, 9, 0))
    hub = make_hub(tmp_path, clocks, hours=WEEK, desks=1)
    issue(hub)
    assert run(hub, clocks, 30 * 60, step=5) == []


def test_the_config_takes_a_package_leave_day_back_and_adds_one(tmp_path: Path) -> None:
    """``collective_leave_worked = ["2026-12-24"]``: the office works that day. A-001 issued 09:00:
    by hand warning at 09:08:00, breach at 09:10:01. ``collective_leave = ["2026-11-26"]`` (a
    Thursday the package does not list) closes that day: no alert by 09:30 (a second hub)."""
    clocks = Clocks(office(2026, 12, 24, 9, 0))
    leave = {"collective_leave_worked": ["2026-12-24"], "collective_leave": ["2026-11-26"]}
    hub = make_hub(tmp_path, clocks, hours=WEEK, desks=1, timing=leave)
    issue(hub)
    assert levels(run(hub, clocks, 480)) == [("A-001", "warning")]
    assert levels(run(hub, clocks, 121)) == [("A-001", "breach")]

    other = tmp_path / "other"
    other.mkdir()
    clocks = Clocks(office(2026, 11, 26, 9, 0))
    hub = make_hub(other, clocks, hours=WEEK, desks=1, timing=leave)
    issue(hub)
    assert run(hub, clocks, 30 * 60, step=5) == []


# --- parallel desks: the idle-desk figure -----------------------------------------------------


def test_a_visitor_waiting_while_a_desk_is_idle_is_shown(tmp_path: Path) -> None:
    """docs/clocks.md's parallel-desks example. Desks 1 and 2 both serve A; Budi signs in at desk
    1 and Sari at desk 2 at 08:58 (signing in opens the desk). 09:00 A-001, A-002, A-003 issued;
    desk 1 calls A-001, desk 2 calls A-002. 09:02 desk 1 finishes A-001 and stays idle. 09:20
    desk 2 presses next: A-002 done, A-003 called.

    By hand: A-003 waits on A-002 (called last), finished 09:20: clock 0:00, met; raw wait 20:00;
    idle-desk time 18:00 (desk 1 open and idle 09:02-09:20). A-001 and A-002 were called at once:
    no idle-desk time. antre sla: 1 pass waited while a desk was idle, 18:00."""
    clocks = Clocks(wib(24, 8, 58))
    hub = make_hub(tmp_path, clocks, desks=2)
    staff = StaffDesk(hub)
    staff.sync_officers([{"id": "budi", "pin_hash": hash_pin("246813", iterations=1000)},
                         {"id": "sari", "pin_hash": hash_pin("135724", iterations=1000)}])  # fmt: skip
    budi = staff.signin("1", "budi", "246813")
    assert budi.status == 200
    assert staff.signin("2", "sari", "135724").status == 200
    run(hub, clocks, 120, step=5)
    assert [issue(hub), issue(hub), issue(hub)] == ["A-001", "A-002", "A-003"]
    assert press(hub, "1", "next")["ticket"] == "A-001"
    assert press(hub, "2", "next")["ticket"] == "A-002"
    run(hub, clocks, 120, step=5)
    # Live, in the queue states (docs/mqtt.md): desk 1 idle from 09:02, A-003 waiting beside it.
    finished = queue_states(hub.counter_command("1", b"finish"))
    assert finished["A"]["idle_desks"] == ["1"] and finished["B"]["idle_desks"] == ["1"]
    assert [c.get("idle_desk_s") for c in finished["A"]["clocks"]] == [None]  # idle from now on
    assert run(hub, clocks, 18 * 60, step=5) == []
    at_0920 = queue_states(hub.snapshot())["A"]
    assert (at_0920["waiting"], at_0920["clocks"][0]["idle_desk_s"]) == (["A-003"], 18 * 60)
    shown = records.parse_queue_state(contract.encode(at_0920))  # as a counter reads it, 30 s on
    assert shown.idle_desk_seconds("A-003", clocks.wall + timedelta(seconds=30)) == 18 * 60 + 30
    called = hub.counter_command("2", b"next")
    assert queue_states(called)["A"]["waiting"] == [] and queue_states(called)["A"]["idle_desks"] == ["1"]
    assert passes(hub)["A-003/A"].clock_s == 0.0

    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 9, 0).date(), clocks.wall)
    assert (day.met, day.breached) == (3, 0)
    assert day.raw_wait.max == 20 * 60
    assert (day.idle_desk_passes, day.idle_desk.max) == (1, 18 * 60)
    text = render_text(day, language="en")
    assert "  waited while a desk was idle           1\n" in text
    assert "  wait while a desk was idle           18:00   18:00   18:00\n" in text
    assert "  menunggu saat meja kosong              1\n" in render_text(day)
    with Session(hub.engine) as session:
        month = read(session, hub.settings, Period(wib(24, 9, 0).date(), wib(24, 9, 0).date()))
    assert month.idle_desk == [18 * 60.0]  # the monthly report's data: the same figure
    # Desk 1 calls a B visitor: queue A's state is sent again, its idle desk gone (the command path).
    assert issue(hub, "B") == "B-001"
    called_b = queue_states(hub.counter_command("1", b"next"))
    assert "idle_desks" not in called_b["A"] and "idle_desks" not in called_b["B"]
    assert queue_states(hub.counter_command("1", b"finish"))["A"]["idle_desks"] == ["1"]
    # Budi signs out: desk 1 is no longer open, and both its queues say so.
    signed_out = queue_states(staff.signout(budi.body["token"]).publications)
    assert "idle_desks" not in signed_out["A"] and "idle_desks" not in signed_out["B"]


def queue_states(pubs: list[Publication]) -> dict[str, dict]:
    """The queue states among ``pubs``, by service."""
    found = [json.loads(p.payload) for p in pubs if "/queue/" in p.topic and p.topic.endswith("/state")]
    return {state["service"]: state for state in found}


def test_an_office_open_on_holidays_says_so(tmp_path: Path) -> None:
    """``closed_on_holidays = false``: Friday 25 Dec 2026 (Christmas) keeps its Friday hours.
    A-001 issued 09:00: by hand warning at 09:08:00."""
    clocks = Clocks(office(2026, 12, 25, 9, 0))
    hub = make_hub(tmp_path, clocks, hours=WEEK, desks=1, timing={"closed_on_holidays": False})
    issue(hub)
    assert levels(run(hub, clocks, 480)) == [("A-001", "warning")]
