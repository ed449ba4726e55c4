"""The 10-minute clock with priority tickets (docs/queue.md, "The 10-minute clock with priority
tickets"): the hub in-process on an SQLite file, injected wall and monotonic clocks, the harness
of ``test_sla_clock``.

The clock runs for the visitor the queue's next call would pick: a priority visitor placed ahead,
or, once the fairness bound makes it the ordinary visitor's turn, that ordinary visitor (an idle
desk charges them, not the priority visitor behind); the others wait on them. A parked (``hold``)
visitor counts as finished for the clock. A restarted hub finds the same clocks, calls made at
the same instant included.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

from broker.hub.commands import Hub
from shared.contract import topics as contract
from tests.broker.hub.test_sla_clock import Clocks, levels, make_hub, passes, press, run, wib

_ids = count(1)


def issue(hub: Hub, priority: bool = False, category: str | None = None) -> dict:
    """A ticket of service A from kiosk k1 (a priority one with ``priority``): the kiosk's answer."""
    body: dict = {"request_id": f"p{next(_ids)}", "service": "A"}
    if priority:
        body.update(priority=True, category=category)
    pubs = hub.kiosk_request("k1", contract.encode(body))
    return json.loads(next(p.payload for p in pubs if p.topic.endswith("/response")))


def started(hub: Hub, code: str) -> datetime | None:
    """The stored start of ``code``'s clock in queue A (``None``: not running)."""
    return passes(hub)[f"{code}/A"].clock_started_at


def running(hub: Hub) -> set[str]:
    """The codes whose clock the hub is running now."""
    return {clock.code for clock in hub.timing.tracker.running.values()}


def test_a_priority_visitor_placed_ahead_has_the_running_clock_and_the_one_behind_waits_on_them(
    tmp_path: Path,
) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    assert issue(hub)["ticket"] == "A-001"
    assert press(hub, "1", "next")["ticket"] == "A-001"
    assert issue(hub)["ticket"] == "A-002"
    run(hub, clocks, 60)
    answer = issue(hub, priority=True, category="lansia")
    assert (answer["ticket"], answer["priority"], answer["ahead"]) == ("A-003", True, 0)
    assert run(hub, clocks, 3 * 60) == [] and running(hub) == set()  # A-001 still at the desk
    press(hub, "1", "finish")  # 09:04: A-003, placed ahead, is the head: its clock starts
    assert started(hub, "A-003") == wib(24, 9, 4) and started(hub, "A-002") is None
    assert running(hub) == {"A-003"}
    alerts = run(hub, clocks, 8 * 60)
    assert levels(alerts) == [("A-003", "warning")]  # not A-002, who has waited 12 minutes now
    assert press(hub, "1", "next")["ticket"] == "A-003"
    row = passes(hub)["A-003/A"]
    assert row.clock_s is not None and 480 <= row.clock_s <= 481
    # A-002 waits on A-003 as on anyone before them: no clock while A-003 is served.
    assert run(hub, clocks, 20 * 60, step=10) == [] and started(hub, "A-002") is None
    press(hub, "1", "finish")  # 09:32
    assert started(hub, "A-002") == wib(24, 9, 32)
    assert levels(run(hub, clocks, 8 * 60)) == [("A-002", "warning")]


def test_when_the_fairness_bound_picks_the_ordinary_visitor_their_clock_runs_and_an_idle_desk_charges_them(
    tmp_path: Path,
) -> None:
    """The found case (issue 18): with ``priority_run = 1``, after a priority call finished and
    the desk sat idle 11 minutes, the breach is the ordinary visitor's, the one called next; the
    priority visitor behind them is not charged and is timed from that call's finish."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1, queue={"priority_run": 1})
    issue(hub)  # A-001, ordinary
    issue(hub, priority=True, category="hamil")
    issue(hub, priority=True, category="anak")
    assert running(hub) == {"A-002"}  # the pick, nobody called yet: the priority head
    assert press(hub, "1", "next")["ticket"] == "A-002"
    run(hub, clocks, 2 * 60)
    press(hub, "1", "finish")  # 09:02: one priority call in a row: the next call is A-001's
    assert started(hub, "A-001") == wib(24, 9, 2) and started(hub, "A-003") is None
    assert running(hub) == {"A-001"}
    alerts = run(hub, clocks, 11 * 60)  # the desk sits idle
    assert levels(alerts) == [("A-001", "warning"), ("A-001", "breach")]
    assert press(hub, "1", "next")["ticket"] == "A-001"  # the visitor the clock ran for
    rows = passes(hub)
    assert rows["A-001/A"].clock_s is not None and 660 <= rows["A-001/A"].clock_s <= 661
    assert rows["A-001/A"].breached_at is not None
    assert rows["A-003/A"].breached_at is None and rows["A-003/A"].warned_at is None
    assert started(hub, "A-003") is None and running(hub) == set()  # A-001 at the desk
    run(hub, clocks, 5 * 60)
    press(hub, "1", "finish")  # 09:18: the run is 0 again; A-003 is the pick, timed from here
    assert started(hub, "A-003") == wib(24, 9, 18)
    alerts = run(hub, clocks, 8 * 60)
    assert levels(alerts) == [("A-003", "warning")] and 480 <= alerts[0]["clock_s"] <= 481
    assert press(hub, "1", "next")["ticket"] == "A-003"
    rows = passes(hub)
    assert rows["A-003/A"].clock_s is not None and 480 <= rows["A-003/A"].clock_s <= 481
    assert rows["A-003/A"].breached_at is None


def test_the_clock_moves_when_a_new_priority_ticket_becomes_the_pick_and_stays_when_the_bound_holds_it(
    tmp_path: Path,
) -> None:
    """A new priority ticket that the next call would pick takes the clock, as any visitor put
    ahead does (the displaced clock stops, its warning goes, a breach stays); one the fairness
    bound holds back leaves the clock with the ordinary visitor the next call picks."""
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1, queue={"priority_run": 1})
    issue(hub)  # A-001, ordinary: the pick, its clock from its issue
    alerts = run(hub, clocks, 9 * 60)
    assert levels(alerts) == [("A-001", "warning")] and running(hub) == {"A-001"}
    assert issue(hub, priority=True)["ticket"] == "A-002"  # 09:09: the run is 0, A-002 is the pick
    assert running(hub) == {"A-002"} and started(hub, "A-002") == wib(24, 9, 9)
    rows = passes(hub)
    assert rows["A-001/A"].clock_started_at is None and rows["A-001/A"].warned_at is None
    assert press(hub, "1", "next")["ticket"] == "A-002"
    run(hub, clocks, 60)
    press(hub, "1", "finish")  # 09:10: one priority call in a row: A-001 is the pick
    assert running(hub) == {"A-001"} and started(hub, "A-001") == wib(24, 9, 10)
    run(hub, clocks, 2 * 60)
    assert issue(hub, priority=True)["ticket"] == "A-003"  # held back by the bound
    assert running(hub) == {"A-001"} and started(hub, "A-001") == wib(24, 9, 10)
    assert started(hub, "A-003") is None
    assert press(hub, "1", "next")["ticket"] == "A-001"


def test_a_parked_visitor_counts_as_finished_for_the_clock_of_the_next_one(tmp_path: Path) -> None:
    clocks = Clocks(wib(24, 9, 0))
    hub = make_hub(tmp_path, clocks, desks=1)
    issue(hub, priority=True, category="disabilitas")
    issue(hub)
    assert press(hub, "1", "next")["ticket"] == "A-001"
    press(hub, "1", "start")
    run(hub, clocks, 3 * 60)
    press(hub, "1", "hold")  # 09:03: A-001 steps away; for the clock they have finished
    assert started(hub, "A-002") == wib(24, 9, 3) and running(hub) == {"A-002"}
    run(hub, clocks, 2 * 60)
    assert press(hub, "1", "resume")["ticket"] == "A-001"
    assert started(hub, "A-002") == wib(24, 9, 3) and running(hub) == {"A-002"}  # not held up
    run(hub, clocks, 4 * 60)
    press(hub, "1", "finish")  # 09:09: the resumed visit ends; its pass says how, its time unchanged
    held = passes(hub)["A-001/A"]
    assert (held.left_how, held.left_at) == ("done", wib(24, 9, 3))
    assert started(hub, "A-002") == wib(24, 9, 3)  # no clock moves back
    alerts = run(hub, clocks, 2 * 60)
    assert levels(alerts) == [("A-002", "warning")] and 480 <= alerts[0]["clock_s"] <= 481
    assert press(hub, "1", "next")["ticket"] == "A-002"


def test_a_restarted_hub_finds_the_same_clocks_with_priority_tickets(tmp_path: Path) -> None:
    """The clocks a hub reads from the database at start follow the same order: a priority head
    after the bound call has no clock until that call's visitor finishes."""
    clocks = Clocks(wib(24, 9, 0))
    queue = {"priority_run": 1}
    hub = make_hub(tmp_path, clocks, desks=1, queue=queue)
    issue(hub)
    issue(hub, priority=True)
    issue(hub, priority=True, category="lansia")
    assert press(hub, "1", "next")["ticket"] == "A-002"
    clocks.advance(30)
    assert press(hub, "1", "next")["ticket"] == "A-001"  # A-002 done; the bound: A-001 before A-003
    assert running(hub) == set()
    hub.engine.dispose()
    again = make_hub(tmp_path, clocks, desks=1, queue=queue)
    again.timing_tick()
    assert running(again) == set() and started(again, "A-003") is None
    run(again, clocks, 60)
    press(again, "1", "finish")
    assert running(again) == {"A-003"} and started(again, "A-003") == wib(24, 9, 1) + timedelta(seconds=30)


def test_a_restarted_hub_keeps_the_clock_on_the_ordinary_visitor_the_bound_picks(tmp_path: Path) -> None:
    """The run a restarted hub reads from the day's calls gives the same pick, so the same clock."""
    clocks = Clocks(wib(24, 9, 0))
    queue = {"priority_run": 1}
    hub = make_hub(tmp_path, clocks, desks=1, queue=queue)
    issue(hub)
    issue(hub, priority=True)
    issue(hub, priority=True, category="lansia")
    assert press(hub, "1", "next")["ticket"] == "A-002"
    clocks.advance(120)
    press(hub, "1", "finish")  # 09:02
    assert running(hub) == {"A-001"}
    hub.engine.dispose()
    again = make_hub(tmp_path, clocks, desks=1, queue=queue)
    again.timing_tick()
    assert running(again) == {"A-001"} and started(again, "A-001") == wib(24, 9, 2)
    assert started(again, "A-003") is None
    assert levels(run(again, clocks, 11 * 60)) == [("A-001", "warning"), ("A-001", "breach")]
    assert press(again, "1", "next")["ticket"] == "A-001"
    assert passes(again)["A-003/A"].breached_at is None


def test_calls_at_the_same_instant_keep_the_order_they_were_made_in(tmp_path: Path) -> None:
    """Two desks calling within one clock reading: the visitor called last (whose finish starts
    the next clock) and the run of priority calls follow the order of the calls, not of the
    passes' ids, live and after a restart."""
    clocks = Clocks(wib(24, 9, 0))
    queue = {"priority_run": 1}
    hub = make_hub(tmp_path, clocks, desks=2, queue=queue)
    issue(hub)  # A-001, ordinary (pass 1)
    issue(hub, priority=True)  # A-002 (pass 2)
    issue(hub, priority=True, category="anak")
    issue(hub)  # A-004, ordinary
    assert press(hub, "1", "next")["ticket"] == "A-002"
    assert press(hub, "2", "next")["ticket"] == "A-001"  # the same instant; the bound: A-001's turn
    assert [p.call_seq for p in (passes(hub)["A-002/A"], passes(hub)["A-001/A"])] == [1, 2]
    clocks.advance(60)
    press(hub, "1", "finish")  # A-002 leaves, but A-001, called after them, is still at desk 2
    assert running(hub) == set()
    hub.engine.dispose()
    again = make_hub(tmp_path, clocks, desks=2, queue=queue)
    again.timing_tick()
    assert running(again) == set()
    clocks.advance(60)
    press(again, "2", "finish")  # 09:02: the run is 0 (an ordinary call last): A-003 is the pick
    assert running(again) == {"A-003"} and started(again, "A-003") == wib(24, 9, 2)
    assert press(again, "1", "next")["ticket"] == "A-003"
