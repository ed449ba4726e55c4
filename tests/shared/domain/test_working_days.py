"""Working days and the online due date: weekends, national holidays, collective leave."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from shared.config import ConfigError, settings_from_mapping
from shared.domain.working_days import WorkingCalendar, calendar_from, due_date, is_working_day
from shared.store.online import OnlinePolicy

WIB = ZoneInfo("Asia/Jakarta")


def wib(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def test_the_holidays_package_knows_the_days_these_tests_use() -> None:
    national = holidays.country_holidays("ID", years=2026)
    assert date(2026, 8, 17) in national  # Independence Day, a Monday
    assert date(2026, 12, 25) in national  # Christmas, a Friday
    assert date(2026, 12, 24) not in national  # cuti bersama: the government category, below


def test_a_weekday_is_a_working_day_unless_a_holiday_or_leave() -> None:
    assert is_working_day(date(2026, 11, 24))  # Tuesday
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert not is_working_day(date(2026, 8, 17))  # Independence Day
    assert is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 12, 24), collective_leave=[date(2026, 12, 24)])
    calendar = WorkingCalendar(frozenset({date(2026, 12, 24)}))
    assert calendar.why_closed(date(2026, 12, 24)) == "collective leave"
    assert calendar.why_closed(date(2026, 12, 25)) == "national holiday (Christmas Day)"
    assert calendar.why_closed(date(2026, 11, 21)) == "weekend"
    assert calendar.why_closed(date(2026, 11, 24)) is None


def test_due_on_the_third_working_day_after_the_day_it_became_complete() -> None:
    assert due_date(wib(2026, 11, 24), WIB) == date(2026, 11, 27)  # Tue -> Fri
    assert due_date(wib(2026, 11, 24, 23, 59), WIB) == date(2026, 11, 27)  # the hour does not matter


def test_due_date_across_a_weekend() -> None:
    assert due_date(wib(2026, 11, 20), WIB) == date(2026, 11, 25)  # Fri 10:00 -> Wed (Mon, Tue, Wed)
    assert due_date(wib(2026, 11, 19), WIB) == date(2026, 11, 24)  # Thu -> Tue (Fri, Mon, Tue)
    # Complete on Saturday or Sunday: day 1 is Monday, the same due date as Friday's.
    assert due_date(wib(2026, 11, 21), WIB) == date(2026, 11, 25)
    assert due_date(wib(2026, 11, 22), WIB) == date(2026, 11, 25)


def test_due_date_across_a_national_holiday() -> None:
    # Friday 14 August 2026; Monday the 17th is Independence Day: Tue, Wed, Thu.
    assert due_date(wib(2026, 8, 14), WIB) == date(2026, 8, 20)
    # Complete on the holiday itself: counting starts at the next working day (Tuesday).
    assert due_date(wib(2026, 8, 17), WIB) == date(2026, 8, 20)


def test_due_date_across_configured_collective_leave() -> None:
    complete = wib(2026, 12, 22)  # Tuesday
    assert due_date(complete, WIB) == date(2026, 12, 28)  # Wed 23, Thu 24, (Fri 25 Christmas), Mon 28
    settings = settings_from_mapping({"timing": {"collective_leave": ["2026-12-24"]}})
    policy = OnlinePolicy.from_settings(settings)
    # Wed 23, (Thu 24 cuti bersama), (Fri 25 Christmas), Mon 28, Tue 29.
    assert policy.calendar.due_date(complete, WIB, policy.due_working_days) == date(2026, 12, 29)


def test_the_office_day_decides_not_the_utc_day() -> None:
    # 18:00 UTC on Friday is 01:00 WIB on Saturday: complete on Saturday in the office.
    assert due_date(datetime(2026, 11, 20, 18, 0, tzinfo=UTC), WIB) == date(2026, 11, 25)
    assert due_date(datetime(2026, 11, 19, 18, 0, tzinfo=UTC), WIB) == date(2026, 11, 25)  # Fri WIB


def test_the_number_of_working_days_is_configurable() -> None:
    settings = settings_from_mapping({"timing": {"online_due_working_days": 5}})
    policy = OnlinePolicy.from_settings(settings)
    assert policy.calendar.due_date(wib(2026, 11, 24), WIB, policy.due_working_days) == date(2026, 12, 1)


def test_toml_dates_and_strings_are_both_accepted() -> None:
    calendar = calendar_from({"collective_leave": [date(2026, 12, 24), "2026-12-31"]})
    assert calendar.collective_leave == {date(2026, 12, 24), date(2026, 12, 31)}


@pytest.mark.parametrize(
    ("timing", "message"),
    [
        ({"collective_leave": "2026-12-24"}, "must be a list"),
        ({"collective_leave": ["24-12-2026"]}, "not a date"),
        ({"online_due_working_days": 0}, "whole number"),
        ({"online_close_after_days": -1}, "online_close_after_days"),
    ],
)
def test_a_bad_timing_setting_says_what_is_wrong(timing: dict, message: str) -> None:
    settings = settings_from_mapping({"timing": timing})
    with pytest.raises(ConfigError, match=message):
        OnlinePolicy.from_settings(settings)


def test_collective_leave_comes_from_the_package_by_default() -> None:
    """The installed package's government category for 2026 (issue 17's list): 16 Feb, 18/20/23/24
    Mar, 15/28 May, 24 Dec. By hand, complete Tue 22 Dec 2026: Wed 23, (Thu 24 leave), (Fri 25
    Christmas), Mon 28, Tue 29 -> due Tue 29 Dec; without the package's leave: Mon 28 Dec."""
    calendar = calendar_from({})
    year = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    assert [d for d in year if calendar.is_leave(d)] == [
        date(2026, 2, 16), date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24),
        date(2026, 5, 15), date(2026, 5, 28), date(2026, 12, 24),
    ]  # fmt: skip
    assert calendar.why_closed(date(2026, 12, 24)) == "collective leave"
    assert calendar.due_date(wib(2026, 12, 22), WIB) == date(2026, 12, 29)
    assert OnlinePolicy.from_settings(settings_from_mapping({})).calendar.due_date(
        wib(2026, 12, 22), WIB
    ) == date(2026, 12, 29)
    without = calendar_from({"collective_leave_from_package": False})
    assert without.due_date(wib(2026, 12, 22), WIB) == date(2026, 12, 28)
    worked = calendar_from({"collective_leave_worked": ["2026-12-24"], "collective_leave": ["2026-12-28"]})
    assert worked.is_working_day(date(2026, 12, 24)) and not worked.is_working_day(date(2026, 12, 28))
    assert worked.due_date(wib(2026, 12, 22), WIB) == date(2026, 12, 29)  # Wed 23, Thu 24, Tue 29
