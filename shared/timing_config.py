"""The ``[timing]`` settings, read the same way by the hub's clocks, the reports and the kiosk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from shared.config import ConfigError, Settings
from shared.domain.timing import OpeningHours, Range, SlaLimits, SpecialPeriod, parse_ranges, parse_week
from shared.domain.working_days import WorkingCalendar, calendar_from

_MAX_SPAN_DAYS = 120  # a special period longer than this is a typo (Ramadan is 29-30 days)


def sla_limits(settings: Settings) -> SlaLimits:
    """``[timing] warning_s / breach_s`` (default 480 and 600: 8 and 10 minutes)."""
    timing = settings.section("timing")
    try:
        return SlaLimits(float(timing.get("warning_s", 480)), float(timing.get("breach_s", 600)))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[timing]: {exc}") from exc


def working_calendar(settings: Settings) -> WorkingCalendar:
    """National holidays and collective leave (``[timing] collective_leave*``)."""
    try:
        return calendar_from(settings.section("timing"))
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def opening_hours(settings: Settings, calendar: WorkingCalendar | None = None) -> OpeningHours:
    """``[timing.opening_hours]`` (e.g. ``fri = "08:00-11:30, 13:00-16:00"``; default: the PST
    office's hours), ``[[timing.special_days]]`` (date-specific schedules), closed on national
    holidays and collective leave (``calendar``, default from the same settings) unless
    ``closed_on_holidays = false``."""
    timing = settings.section("timing")
    try:
        dates, periods = _special_days(timing.get("special_days", []))
        week = timing.get("opening_hours")
        if week is not None and not isinstance(week, Mapping):
            raise ValueError('must be a table, e.g. mon = "08:00-15:30"')
        on_holidays = timing.get("closed_on_holidays", True)
        if not isinstance(on_holidays, bool):
            raise ValueError(f"[timing] closed_on_holidays must be true or false, got {on_holidays!r}")
        closed = calendar if calendar is not None else calendar_from(timing)
        closed_days = closed.is_closed_day if on_holidays else None
        return OpeningHours.from_mapping(settings.tz, week, dates, periods, closed_days)
    except ValueError as exc:
        raise ConfigError(f"[timing.opening_hours]: {exc}") from exc


def _day(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{where}: {value!r} is a date and time; give the date alone")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(f'{where}: {value!r} is not a date like "2027-02-08"') from exc


def _special_days(entries: Any) -> tuple[dict[date, tuple[Range, ...]], tuple[SpecialPeriod, ...]]:
    """``[[timing.special_days]]``: each entry is either one date (``date`` and ``hours``, a string:
    that day's ranges, ``"closed"`` for none) or a period (``from``, ``to`` and ``hours``, a
    string for every day of it, or a table per weekday like ``[timing.opening_hours]``)."""
    if not isinstance(entries, list):
        raise ValueError("special_days must be a list of tables ([[timing.special_days]])")
    dates: dict[date, tuple[Range, ...]] = {}
    periods: list[SpecialPeriod] = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, Mapping):
            raise ValueError(f"special_days entry {n} must be a table")
        name = str(entry.get("name", f"special day {n}"))
        where = f"special_days {name!r}"
        unknown = set(entry) - {"name", "date", "from", "to", "hours"}
        if unknown:
            raise ValueError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
        if "hours" not in entry:
            raise ValueError(f'{where}: give hours ("08:00-12:00", or "closed")')
        hours = entry["hours"]
        if "date" in entry:
            if "from" in entry or "to" in entry:
                raise ValueError(f"{where}: give either date, or from and to")
            if not isinstance(hours, str):
                raise ValueError(f'{where}: hours of one date must be a string like "08:00-12:00"')
            dates[_day(entry["date"], where)] = parse_ranges(hours, f"{where} ")
            continue
        if "from" not in entry or "to" not in entry:
            raise ValueError(f"{where}: give date, or from and to")
        first, last = _day(entry["from"], where), _day(entry["to"], where)
        if last < first or (last - first) > timedelta(days=_MAX_SPAN_DAYS):
            raise ValueError(
                f"{where}: from {first} to {last} is not a span of at most {_MAX_SPAN_DAYS} days"
            )
        if isinstance(hours, str):
            ranges = parse_ranges(hours, f"{where} ")
            week = dict.fromkeys(range(7), ranges)
        elif isinstance(hours, Mapping):
            week = parse_week(hours, f"{where} ")
        else:
            raise ValueError(f"{where}: hours must be a string or a table of weekdays")
        periods.append(SpecialPeriod(name, first, last, week))
    return dates, tuple(periods)
