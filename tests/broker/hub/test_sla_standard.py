"""The audit's scenarios of the 10-minute standard (issue 17), through the hub with injected wall
and monotonic clocks and an SQLite file, then through ``antre sla`` and the monthly report's data.
Each test's docstring holds the hand calculation it checks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from broker.reports.data import Period, read
from broker.reports.sla import build_report
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
