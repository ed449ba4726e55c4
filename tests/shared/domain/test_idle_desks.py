"""The idle-desk figure's interval arithmetic, by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain.idle_desks import (
    DeskChange,
    DeskDay,
    IdleTimes,
    OpenPeriod,
    closed_periods,
    desk_days,
    idle_desk_seconds,
    live_seconds,
    merge,
    open_periods,
    subtract,
)
from shared.domain.timing import OpeningHours

WIB = ZoneInfo("Asia/Jakarta")


def t(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 27, hour, minute, tzinfo=WIB)  # a Friday


def test_union_and_difference() -> None:
    assert merge([(t(9, 5), t(9, 10)), (t(9, 0), t(9, 6)), (t(9, 20), t(9, 20))]) == [(t(9, 0), t(9, 10))]
    assert subtract([(t(9, 0), t(10, 0))], [(t(9, 10), t(9, 20)), (t(9, 50), t(10, 30))]) == [
        (t(9, 0), t(9, 10)),
        (t(9, 20), t(9, 50)),
    ]


def test_idle_time_while_waiting() -> None:
    """Desk 1 (A) open 08:00-12:00, busy 09:00-09:30; desk 2 (A, B) open 09:00-10:00, busy
    09:00-09:45; desk 3 (B only) open and idle all morning. A visitor of A waits 09:10-10:10.
    By hand: desk 1 idle 09:30-12:00, desk 2 idle 09:45-10:00; together 09:30-12:00; inside the
    wait 09:30-10:10 = 40:00. Desk 3 does not serve A. With Friday hours ending 10:00 (a made-up
    break): 09:30-10:00 = 30:00."""
    desks = [
        DeskDay("1", frozenset({"A"}), ((t(8, 0), t(12, 0)),), ((t(9, 0), t(9, 30)),)),
        DeskDay("2", frozenset({"A", "B"}), ((t(9, 0), t(10, 0)),), ((t(9, 0), t(9, 45)),)),
        DeskDay("3", frozenset({"B"}), ((t(8, 0), t(12, 0)),), ()),
    ]
    assert idle_desk_seconds("A", (t(9, 10), t(10, 10)), desks) == 40 * 60
    hours = OpeningHours.from_mapping(WIB, {"fri": "08:00-10:00, 10:30-16:00"})
    assert idle_desk_seconds("A", (t(9, 10), t(10, 10)), desks, hours) == 30 * 60
    assert idle_desk_seconds("A", (t(9, 0), t(9, 30)), desks) == 0  # both desks busy


def test_desk_days_from_sign_ins_and_calls_and_the_desks_idle_at_a_moment() -> None:
    """Desk 1 (A) signed in 09:00, still on; A-001 called there 09:05, gone 09:20; A-002 called
    09:30, still at the desk. Desk 2 (A, B) signed in 09:00-09:40 and never busy. Desk 3 (B) never
    signed in. Read with what goes on ending at 12:00 (past "now", as the hub reads it live):
    desk 1 idle 09:00-09:05 and 09:20-09:30; at 09:25 desks 1 and 2 are idle for A, at 09:40 (desk
    2 signed out then, desk 1 busy) none; A visitor of A waiting 09:10-09:35 waited 09:20-09:35 with
    an idle desk (desk 2 throughout): 15:00."""

    @dataclass
    class Session:
        desk: str | None
        started_at: datetime
        ended_at: datetime | None

    @dataclass
    class Pass:
        desk: str | None
        called_at: datetime | None
        left_at: datetime | None

    signed_in = [Session("1", t(9, 0), None), Session("2", t(9, 0), t(9, 40)), Session(None, t(8, 0), None)]
    passes = [Pass("1", t(9, 5), t(9, 20)), Pass("1", t(9, 30), None), Pass(None, None, None)]
    days = desk_days([("1", ["A"]), ("2", ("A", "B")), ("3", ["B"])], signed_in, passes, t(12, 0))
    assert [d.desk for d in days] == ["1", "2", "3"] and days[1].services == frozenset({"A", "B"})
    assert days[0].idle() == [(t(9, 0), t(9, 5)), (t(9, 20), t(9, 30))]
    assert days[1].idle() == [(t(9, 0), t(9, 40))] and days[2].idle() == []
    assert [d.desk for d in days if d.idle_at(t(9, 25))] == ["1", "2"]
    assert [d.desk for d in days if d.idle_at(t(9, 40))] == []  # signed out at 09:40: not idle then
    assert [d.desk for d in days if d.idle_at(t(9, 30))] == ["2"]  # desk 1 called someone at 09:30
    assert IdleTimes.of("A", days).seconds((t(9, 10), t(9, 35))) == 25 * 60  # desk 2 idle all along
    assert IdleTimes.of("B", days).seconds((t(9, 10), t(9, 35))) == 25 * 60


def test_the_published_figure_runs_on_only_while_a_desk_is_idle_and_in_opening_hours() -> None:
    assert live_seconds(192, t(9, 0), t(9, 2), idle_now=True) == 192 + 120
    assert live_seconds(192, t(9, 0), t(9, 2), idle_now=False) == 192
    assert live_seconds(192, t(9, 2), t(9, 0), idle_now=True) == 192  # a reader's clock behind the hub's
    hours = OpeningHours.from_mapping(WIB, {"fri": "08:00-11:30, 13:00-16:00"})
    assert live_seconds(0, t(11, 20), t(13, 5), idle_now=True, hours=hours) == 15 * 60


def test_open_periods_from_a_desks_openings_and_closings() -> None:
    """Desk 1 open 08:00 (yesterday's last change, say), closed 10:00, open 10:15 and still open;
    desk 2 closed at 09:00 with no opening before it (it was closed already: nothing), open 11:00,
    opened again 11:30 (no change), closed 12:00."""
    made = [("1", True, 8, 0), ("2", False, 9, 0), ("1", False, 10, 0), ("1", True, 10, 15),
            ("2", True, 11, 0), ("2", True, 11, 30), ("2", False, 12, 0)]  # fmt: skip
    changes = [DeskChange(desk, opened, t(h, m)) for desk, opened, h, m in made]
    assert sorted(open_periods(changes), key=lambda p: p.started_at) == [
        OpenPeriod("1", t(8, 0), t(10, 0)),
        OpenPeriod("1", t(10, 15), None),
        OpenPeriod("2", t(11, 0), t(12, 0)),
    ]
    days = desk_days([("1", ["A"])], open_periods(changes), [], t(13, 0))
    assert days[0].open == ((t(8, 0), t(10, 0)), (t(10, 15), t(13, 0)))


def test_a_break_in_the_history_is_taken_off_a_sign_in() -> None:
    """Desk 1 signed in 09:00 and still on; its history: open 09:00, closed 09:10 (a break), open
    09:15, closed 09:40 (another break, not over). Desk 2 signed in 09:00 with no history (a day
    before ``desk_history``): its sign-in alone counts. By hand, read up to 10:00: desk 1 open
    09:00-09:10 and 09:15-09:40, desk 2 09:00-10:00."""

    @dataclass
    class Session:
        desk: str | None
        started_at: datetime
        ended_at: datetime | None

    made = [("1", True, 9, 0), ("1", False, 9, 10), ("1", True, 9, 15), ("1", False, 9, 40)]
    changes = [DeskChange(desk, opened, t(h, m)) for desk, opened, h, m in made]
    assert closed_periods(changes) == [OpenPeriod("1", t(9, 10), t(9, 15)), OpenPeriod("1", t(9, 40), None)]
    signed_in = [Session("1", t(9, 0), None), Session("2", t(9, 0), None), *open_periods(changes)]
    days = desk_days([("1", ["A"]), ("2", ["A"])], signed_in, [], t(10, 0), closed_periods(changes))
    assert days[0].open == ((t(9, 0), t(9, 10)), (t(9, 15), t(9, 40)))
    assert days[1].open == ((t(9, 0), t(10, 0)),)
    assert not days[0].idle_at(t(9, 12)) and days[0].idle_at(t(9, 20))
