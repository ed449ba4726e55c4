"""The idle-desk figure at a desk on a break with its officer still signed in (issue 17): the
counter's break button (``close``, **Istirahat**) closes the desk and ``open`` reopens it; both are
written to ``desk_history``, and a closed desk serves nobody, so it is not idle whatever the
sign-in says. Through the hub in-process with an injected clock (docs/clocks.md, "parallel desks",
the break example): the live queue states, ``antre sla`` and the monthly report agree."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from broker.hub.staff import StaffDesk
from broker.reports.data import Period, read
from broker.reports.sla import build_report
from shared.contract import topics as contract
from shared.domain.pins import hash_pin
from tests.broker.hub.test_idle_button_desk import history
from tests.broker.hub.test_sla_clock import Clocks, issue, make_hub, press, run, wib
from tests.broker.hub.test_sla_standard import queue_states


def test_a_signed_in_desk_on_a_break_is_not_idle(tmp_path: Path, db_url: str) -> None:
    """Desks 1 and 2 serve A and B. 09:00 Budi signs in at desk 1, Sari at desk 2; A-001, A-002,
    A-003 issued; desk 1 calls A-001, desk 2 A-002. 09:02 desk 1 finishes A-001 and stays idle.
    09:07 B-001 issued. 09:10 desk 1 goes on a break (``close``), Budi still signed in. 09:15
    desk 1 is back (``open``). 09:20 desk 2 presses next: A-002 done, A-003 called.

    By hand: A-003 waited 09:00-09:20; desk 1 open and idle 09:02-09:10 (8:00) and 09:15-09:20
    (5:00), closed in between: idle-desk time 13:00 (18:00 if the break counted). B-001, still
    waiting at 09:20: 09:07-09:10 (3:00) + 09:15-09:20 (5:00) = 8:00. Day report: 2 passes,
    median (8:00 + 13:00) / 2 = 10:30, max 13:00; the month counts A-003 (called): 13:00."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=2, url=db_url)
    staff = StaffDesk(hub)
    staff.sync_officers([
        {"id": "budi", "pin_hash": hash_pin("246813", iterations=1000)},
        {"id": "sari", "pin_hash": hash_pin("135792", iterations=1000)},
    ])  # fmt: skip
    assert staff.signin("1", "budi", "246813").status == 200
    assert staff.signin("2", "sari", "135792").status == 200
    assert [issue(hub), issue(hub), issue(hub)] == ["A-001", "A-002", "A-003"]
    assert press(hub, "1", "next")["ticket"] == "A-001"
    assert press(hub, "2", "next")["ticket"] == "A-002"
    run(hub, clocks, 120, step=5)
    finished = queue_states(hub.counter_command("1", b"finish"))
    assert finished["A"]["idle_desks"] == ["1"]
    run(hub, clocks, 5 * 60, step=5)
    assert issue(hub, "B") == "B-001"
    run(hub, clocks, 3 * 60, step=5)

    # 09:10 the break: desk 1 closes, Budi stays signed in; no queue lists an idle desk.
    close = contract.encode({"action": "close", "request_id": "c-break"})
    on_break = queue_states(hub.counter_command("1", close))
    assert "idle_desks" not in on_break["A"] and "idle_desks" not in on_break["B"]
    assert on_break["A"]["clocks"][0]["idle_desk_s"] == 8 * 60  # 09:02-09:10 idle, then the break
    assert [s.desk for s in staff.signed_in()] == ["1", "2"]
    run(hub, clocks, 5 * 60, step=5)
    # The staff desk's paths read the database (the SQL repository): the same answer.
    hub.forget_book()
    at_0915 = queue_states(hub.snapshot())
    assert "idle_desks" not in at_0915["A"]
    assert at_0915["A"]["clocks"][0]["idle_desk_s"] == 8 * 60
    assert at_0915["B"]["clocks"][0]["idle_desk_s"] == 3 * 60, "the break added nothing"

    # 09:15 back from the break: desk 1 is open and idle again.
    reopen = contract.encode({"action": "open", "request_id": "o-back"})
    back = queue_states(hub.counter_command("1", reopen))
    assert back["A"]["idle_desks"] == ["1"] and back["B"]["idle_desks"] == ["1"]
    run(hub, clocks, 5 * 60, step=5)
    at_0920 = queue_states(hub.snapshot())
    assert at_0920["A"]["clocks"][0]["idle_desk_s"] == 13 * 60
    assert at_0920["B"]["clocks"][0]["idle_desk_s"] == 8 * 60
    assert press(hub, "2", "next")["ticket"] == "A-003"
    # The break's start and end are the desk's closing and opening; calls at an open desk wrote none.
    assert history(hub) == [
        ("1", "open", "09:00"), ("2", "open", "09:00"), ("1", "closed", "09:10"), ("1", "open", "09:15"),
    ]  # fmt: skip

    with Session(hub.engine) as session:
        day = build_report(session, hub.settings, wib(24, 9, 0).date(), clocks.wall)
        month = read(session, hub.settings, Period(wib(24, 9, 0).date(), wib(24, 9, 0).date()))
    assert (day.idle_desk_passes, day.idle_desk.median, day.idle_desk.max) == (2, 10.5 * 60, 13 * 60)
    assert month.idle_desk == [13 * 60.0]
