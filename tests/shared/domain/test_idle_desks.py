"""The idle-desk figure's interval arithmetic, by hand."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain.idle_desks import DeskDay, idle_desk_seconds, merge, subtract
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
