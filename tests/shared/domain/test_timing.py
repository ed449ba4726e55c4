"""Pure parts of the 10-minute clock: opening hours, who waits on whom, the tracker."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.timing import (
    OpeningHours,
    PassView,
    SlaLimits,
    SlaTracker,
    SpecialPeriod,
    clock_starts,
    head_clock_start,
    parse_ranges,
    served_order,
)

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def test_default_hours_are_the_offices() -> None:
    hours = OpeningHours.from_mapping(WIB)
    assert hours.is_open(at(24, 8, 0)) and not hours.is_open(at(24, 7, 59))  # Tuesday
    assert hours.is_open(at(24, 15, 29)) and not hours.is_open(at(24, 15, 30))
    assert hours.is_open(at(27, 15, 45))  # Friday until 16:00
    assert not hours.is_open(at(28, 10, 0))  # Saturday
    assert hours.is_open(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 09:00 WIB


def test_open_seconds_span_nights_and_weekends() -> None:
    hours = OpeningHours.from_mapping(WIB)
    assert hours.open_seconds(at(24, 7, 0), at(24, 8, 10)) == 600
    assert hours.open_seconds(at(24, 15, 25), at(25, 8, 5)) == 600  # 5 min before closing + 5 after opening
    assert hours.open_seconds(at(27, 15, 55), at(30, 8, 5)) == 600  # Friday to Monday
    assert hours.open_seconds(at(24, 10, 0), at(24, 9, 0)) == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"moon": "08:00-15:00"}, "unknown day"),
        ({"mon": "8-15"}, "must look like"),
        ({"mon": "15:00-08:00"}, "closing must be after opening"),
    ],
)
def test_bad_opening_hours_say_what_is_wrong(table: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OpeningHours.from_mapping(WIB, table)


def view(
    pid: int, minute: int, called: int | None = None, left: int | None = None, entered: int | None = None
) -> PassView:
    def t(m: int | None) -> datetime | None:
        return None if m is None else at(24, 9, m)

    issued = at(24, 9, minute)
    return PassView(pid, f"A-{pid:03d}", "A", issued, pid, t(entered) or issued, t(called), t(left))


def test_a_clock_waits_for_the_visitor_before_to_finish() -> None:
    passes = [view(1, 0, called=1, left=20), view(2, 5), view(3, 6)]
    assert clock_starts(passes) == {2: at(24, 9, 20), 3: None}
    assert clock_starts([view(1, 0)]) == {1: at(24, 9, 0)}  # the first of the day starts at issue
    assert clock_starts([view(1, 0, called=1, left=3), view(2, 5)]) == {2: at(24, 9, 5)}  # arrived later


def test_the_tracker_counts_monotonic_time_only_while_open() -> None:
    hours = OpeningHours.from_mapping(WIB)
    tracker = SlaTracker(SlaLimits(warning_s=60, breach_s=120), hours)
    tracker.start(view(1, 0), at(24, 9, 0), at(24, 9, 0), mono_now=0.0)
    assert (
        tracker.tick(
            at(
                24,
                9,
                0,
            )
            + timedelta(hours=5),
            59.0,
        )
        == []
    )  # the wall jumped; 59 s passed
    alerts = tracker.tick(at(24, 9, 1), 61.0)
    assert [(a.code, a.level) for a in alerts] == [("A-001", "warning")]
    assert tracker.tick(at(24, 20, 0), 500.0) == []  # closed: the clock stands still
    assert [a.level for a in tracker.tick(at(24, 9, 2), 560.0)] == ["breach"]
    assert tracker.stop(1) == pytest.approx(121.0)


def test_the_visitor_before_is_the_one_served_before_in_the_actual_order() -> None:
    """Queue B: B-001 (issued 09:00) called 09:00, finished 09:20; A-001 (issued 08:55) transferred
    in at 09:10, so it stands before B-002 (issued 09:05). Before A-001's call: A-001 waits on
    B-001 (from 09:20), B-002 on A-001 (no clock). After A-001 is called at 09:21 and finished at
    09:35: B-002 from 09:35, not from B-001's finish."""

    def pass_(pid: int, code: str, issued: int, entered: int, called: int | None = None,
              left: int | None = None) -> PassView:  # fmt: skip
        def t(m: int | None) -> datetime | None:
            return None if m is None else at(24, 9, 0) + timedelta(minutes=m)

        return PassView(pid, code, "B", t(issued), pid, t(entered), t(called), t(left))  # type: ignore[arg-type]

    b1 = pass_(1, "B-001", 0, 0, called=0, left=20)
    b2 = pass_(2, "B-002", 5, 5)
    a1 = pass_(3, "A-001", -5, 10)
    assert clock_starts([b1, b2, a1]) == {3: at(24, 9, 20), 2: None}
    a1_served = pass_(3, "A-001", -5, 10, called=21, left=35)
    assert [p.code for p in served_order([b2, a1_served, b1])] == ["B-001", "A-001", "B-002"]
    assert clock_starts([b1, b2, a1_served]) == {2: at(24, 9, 35)}
    assert head_clock_start(b2, pass_(3, "A-001", -5, 10, called=21)) is None  # A-001 still served
    assert head_clock_start(b2, None) == at(24, 9, 5)  # nobody called yet: from entering


def test_several_ranges_a_day_and_the_time_between_them_is_closed() -> None:
    """Friday 27 Nov 2026, 08:00-11:30 and 13:00-16:00. By hand: 11:28 -> 13:05 is 2 minutes
    before the break and 5 after it: 7:00 (420 s), not 97:00."""
    hours = OpeningHours.from_mapping(WIB, {"fri": "08:00-11:30, 13:00-16:00"})
    assert hours.ranges_on(at(27, 0).date()) == ((time(8), time(11, 30)), (time(13), time(16)))
    assert hours.is_open(at(27, 11, 29)) and not hours.is_open(at(27, 11, 30))
    assert not hours.is_open(at(27, 12, 59)) and hours.is_open(at(27, 13, 0))
    assert hours.open_seconds(at(27, 11, 28), at(27, 13, 5)) == 420
    assert hours.next_opening(at(27, 12, 0)) == at(27, 13, 0)
    assert hours.next_opening(at(27, 16, 0)) == datetime(2026, 12, 4, 8, 0, tzinfo=WIB)  # next Friday
    assert hours.closes_at(at(27, 9, 0)) == at(27, 11, 30) and hours.closes_at(at(27, 12, 0)) is None


def test_dates_periods_and_closed_days_in_their_order() -> None:
    """A date-specific schedule wins over all; a closed day (holiday, leave) over a period's
    week; a period's week (Ramadan) over the usual week."""
    ramadan = SpecialPeriod("Ramadan", date(2027, 2, 8), date(2027, 3, 9), {0: ((time(8), time(14)),)})
    hours = OpeningHours.from_mapping(
        WIB,
        {"mon": "08:00-15:30"},
        dates={date(2027, 2, 22): ((time(8), time(12)),), date(2027, 3, 1): ()},
        periods=(ramadan,),
        closed_days=lambda d: d == date(2027, 2, 15),
    )
    assert hours.ranges_on(date(2027, 2, 1)) == ((time(8), time(15, 30)),)  # before Ramadan
    assert hours.ranges_on(date(2027, 2, 8)) == ((time(8), time(14)),)  # a Ramadan Monday
    assert hours.ranges_on(date(2027, 2, 15)) == ()  # a closed day inside Ramadan stays closed
    assert hours.ranges_on(date(2027, 2, 22)) == ((time(8), time(12)),)  # the date's own hours
    assert hours.ranges_on(date(2027, 3, 1)) == ()  # a date closed by its own schedule
    assert hours.next_opening(datetime(2027, 2, 12, 17, 0, tzinfo=WIB)) == datetime(
        2027, 2, 22, 8, 0, tzinfo=WIB
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("08:00-11:30; 13:00-16:00", "must look like"),
        ("13:00-16:00, 08:00-11:30", "in order without overlap"),
        ("08:00-12:00, 11:00-16:00", "in order without overlap"),
        ("08:00-25:00", "not a time of day"),
        (8, "must be a string"),
    ],
)
def test_bad_ranges_say_what_is_wrong(text: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ranges(text, "fri")


def test_closed_words() -> None:
    assert parse_ranges("closed", "x") == parse_ranges("tutup", "x") == parse_ranges("", "x") == ()
