"""Working days of the office, and the due date of an online request. Pure: no I/O, no clock.

A working day is a weekday that is neither an Indonesian national holiday (the ``holidays``
package, nation-wide days only: no province's extra days) nor a collective-leave day (*cuti
bersama*): the package's ``government`` category by default (``calendar_from``), plus the days
``[timing] collective_leave`` adds, minus those ``[timing] collective_leave_worked`` takes back.
An online request is due at the end of the
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


def package_collective_leave() -> holidays.HolidayBase:
    """The government's joint-leave days (*cuti bersama*) as the ``holidays`` package knows them
    (its ``government`` category for Indonesia, e.g. 2026-12-24 "Christmas Joint Holiday")."""
    import holidays

    return holidays.country_holidays("ID", categories=("government",))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days the office works: weekdays minus national holidays and collective leave.

    ``collective_leave``: days added by the config; ``package_leave``: the package's joint-leave
    days (``None``: not used, only the configured ones count); ``leave_worked``: package days
    the office works anyway."""

    collective_leave: frozenset[date] = frozenset()
    national: holidays.HolidayBase = field(default_factory=_national_holidays, compare=False, repr=False)
    package_leave: holidays.HolidayBase | None = field(default=None, compare=False, repr=False)
    leave_worked: frozenset[date] = frozenset()

    def is_leave(self, day: date) -> bool:
        """A collective-leave day (configured, or from the package and not taken back)."""
        if day in self.collective_leave:
            return True
        return self.package_leave is not None and day not in self.leave_worked and day in self.package_leave

    def is_closed_day(self, day: date) -> bool:
        """A national holiday or a collective-leave day, whatever the weekday: no desk opens."""
        return self.is_leave(day) or day in self.national

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_closed_day(day)

    def why_closed(self, day: date) -> str | None:
        """Why ``day`` is not a working day (``None`` when it is one): for messages and docs."""
        if day.weekday() >= 5:
            return "weekend"
        if self.is_leave(day):
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


def _date_list(timing: Mapping[str, Any], key: str) -> frozenset[date]:
    values = timing.get(key, [])
    if isinstance(values, str) or not isinstance(values, list):
        raise ValueError(f'[timing] {key} must be a list of dates, e.g. ["2026-12-24"]')
    return parse_days(values, f"[timing] {key}")


def calendar_from(timing: Mapping[str, Any]) -> WorkingCalendar:
    """The calendar of ``[timing]``: the package's collective leave unless
    ``collective_leave_from_package = false``, plus ``collective_leave`` (a list of dates), minus
    ``collective_leave_worked``."""
    from_package = timing.get("collective_leave_from_package", True)
    if not isinstance(from_package, bool):
        raise ValueError(
            f"[timing] collective_leave_from_package must be true or false, got {from_package!r}"
        )
    return WorkingCalendar(
        _date_list(timing, "collective_leave"),
        package_leave=package_collective_leave() if from_package else None,
        leave_worked=_date_list(timing, "collective_leave_worked"),
    )


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
