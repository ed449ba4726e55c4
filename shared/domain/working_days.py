"""Working days of the office, and the due date of an online request. Pure: no I/O, no clock.

A working day is a weekday that is neither an Indonesian national holiday (the ``holidays``
package, nation-wide days only: no province's extra days) nor a configured collective-leave day
(*cuti bersama*, ``[timing] collective_leave``). An online request is due at the end of the
``online_due_working_days``-th (default 3rd) working day *after* the day it became complete, in the
office's time zone: the day it became complete never counts, whatever the hour and whether or not
it was a working day. See docs/clocks.md for worked examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

DEFAULT_DUE_WORKING_DAYS = 3
_MAX_SCAN_DAYS = 366  # a year without working days is a configuration error, not a loop


def _national_holidays() -> holidays.HolidayBase:
    # Imported here, when a due date is first needed: the package costs the hub ~13 MB of memory
    # that its queue work never uses. Years are filled in lazily by the package on each lookup.
    import holidays

    return holidays.country_holidays("ID")


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days the office works: weekdays minus national holidays and collective leave."""

    collective_leave: frozenset[date] = frozenset()
    national: holidays.HolidayBase = field(default_factory=_national_holidays, compare=False, repr=False)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.collective_leave and day not in self.national

    def why_closed(self, day: date) -> str | None:
        """Why ``day`` is not a working day (``None`` when it is one): for messages and docs."""
        if day.weekday() >= 5:
            return "weekend"
        if day in self.collective_leave:
            return "collective leave"
        name = self.national.get(day)
        return f"national holiday ({name})" if name else None

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself never counts; count >= 1)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        current, found = day, 0
        for _ in range(count * 7 + _MAX_SCAN_DAYS):
            current += timedelta(days=1)
            if self.is_working_day(current):
                found += 1
                if found == count:
                    return current
        raise ValueError(f"no {count} working days within a year after {day}: check collective_leave")

    def due_date(
        self, complete_at: datetime, tz: ZoneInfo, working_days: int = DEFAULT_DUE_WORKING_DAYS
    ) -> date:
        """The last day an online request that became complete at ``complete_at`` may be answered
        and still meet the standard (it is met if answered by the end of that day, office time)."""
        if complete_at.tzinfo is None:
            raise ValueError("complete_at must carry a time zone")
        return self.add_working_days(complete_at.astimezone(tz).date(), working_days)


def parse_days(values: Iterable[Any], setting: str = "[timing] collective_leave") -> frozenset[date]:
    """Dates from the config: TOML dates (``2026-12-24``) or ISO strings (``"2026-12-24"``)."""
    parsed: set[date] = set()
    for value in values:
        if isinstance(value, datetime):
            raise ValueError(f"{setting}: {value!r} is a date and time; give the date alone")
        if isinstance(value, date):
            parsed.add(value)
            continue
        try:
            parsed.add(date.fromisoformat(str(value).strip()))
        except ValueError as exc:
            raise ValueError(f'{setting}: {value!r} is not a date like "2026-12-24"') from exc
    return frozenset(parsed)


def calendar_from(timing: Mapping[str, Any]) -> WorkingCalendar:
    """The calendar of ``[timing]`` (``collective_leave``: a list of dates)."""
    leave = timing.get("collective_leave", [])
    if isinstance(leave, str) or not isinstance(leave, list):
        raise ValueError('[timing] collective_leave must be a list of dates, e.g. ["2026-12-24"]')
    return WorkingCalendar(parse_days(leave))


def due_working_days_from(timing: Mapping[str, Any]) -> int:
    value = timing.get("online_due_working_days", DEFAULT_DUE_WORKING_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"[timing] online_due_working_days must be a whole number >= 1, got {value!r}")
    return value


def is_working_day(day: date, collective_leave: Iterable[date] = ()) -> bool:
    """``WorkingCalendar(...).is_working_day`` for a one-off question."""
    return WorkingCalendar(frozenset(collective_leave)).is_working_day(day)


def due_date(
    complete_at: datetime,
    tz: ZoneInfo,
    working_days: int = DEFAULT_DUE_WORKING_DAYS,
    collective_leave: Iterable[date] = (),
) -> date:
    """``WorkingCalendar(...).due_date`` for a one-off question."""
    return WorkingCalendar(frozenset(collective_leave)).due_date(complete_at, tz, working_days)
