"""The period page's reads: one grouped pass over the queue passes, one over the tickets, and the
per-day figures that need the rows themselves (waits, idle desks), kept for past days.

The rules are ``broker.reports.data``'s: ``standard_columns`` (met / breached per pass),
``pass_times`` / ``wait_of`` (the waits), ``idle_desk_of`` (the idle-desk figure). A month of
10,000 tickets is read in a few grouped queries instead of one per figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from broker.reports import data as report_data
from broker.reports.data import Period
from broker.reports.lane_data import LaneEvents, lane_events
from shared.config import Settings
from shared.store import online as online_store
from shared.store.models import OnlineRequestRow, QueuePassRow, StaffSessionRow, TicketRow

OUTCOMES = ("done", "noshow", "transfer", "expired")
SET_ASIDE = ("returned", "hold")  # sent back to the queue (a new pass follows); parked, not called back


@dataclass(frozen=True)
class PassSums:
    """The queue passes of one service on one day, summed."""

    day: date
    service: str
    passes: int
    called: int
    met: int
    breached: int
    # left done, noshow, transfer, expired; at a desk now; waiting now; left returned, hold
    outcomes: tuple[int, ...]
    priority: tuple[int, ...]  # the priority lane's passes among them: passes, called, met, breached
    changed: tuple[Any, ...]  # what moves when any of these passes changes (the day cache's key)


def pass_sums(session: Session, period: Period, breach_s: float) -> list[PassSums]:
    p = QueuePassRow

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    left = [count(p.left_how == how) for how in OUTCOMES]
    set_aside = [count(p.left_how == how) for how in SET_ASIDE]
    at_desk = count(and_(p.called_at.is_not(None), p.left_at.is_(None)))
    waiting = count(and_(p.called_at.is_(None), p.left_at.is_(None)))
    changed = [func.count(p.left_at), func.max(p.id), func.max(report_data.raw_time(p.called_at)),
               func.max(report_data.raw_time(p.left_at)), func.sum(p.clock_s)]  # fmt: skip
    query = (
        select(p.business_day, p.service, *report_data.standard_columns(breach_s), *left, at_desk, waiting,
               *set_aside, *report_data.standard_columns(breach_s, only=p.priority.is_(True)), *changed)
        .where(report_data._in(p.business_day, period))
        .group_by(p.business_day, p.service)
    )  # fmt: skip
    return [
        PassSums(row[0], str(row[1]), *(int(v) for v in row[2:6]), tuple(int(v) for v in row[6:14]),
                 tuple(int(v) for v in row[14:18]), tuple(row[2:]))
        for row in session.execute(query)
    ]  # fmt: skip


class TicketSums(NamedTuple):
    day: date
    service: str  # chosen at the kiosk
    hour: int  # of issue, office time
    priority: bool
    category: str  # the priority category stated at the kiosk, "" for none
    tickets: int


def ticket_sums(session: Session, settings: Settings, period: Period) -> list[TicketSums]:
    """Tickets per (business day, service chosen at the kiosk, hour of issue in office time,
    priority lane and category): the report's visits (``data._visits``), the arrivals per hour and
    the priority visits in one grouped read. Grouped by the stored UTC hour (``YYYY-MM-DD HH``),
    each group's hour then put in the office time zone."""
    t = TicketRow
    utc_hour = func.substr(cast(t.issued_at, String), 1, 13)
    query = (
        select(t.business_day, t.origin_service, utc_hour, t.priority, t.priority_category, func.count())
        .where(report_data._in(t.business_day, period))
        .group_by(t.business_day, t.origin_service, utc_hour, t.priority, t.priority_category)
    )
    hours: dict[str, int] = {}
    found = []
    for day, service, key, flag, category, n in session.execute(query):
        if key not in hours:
            at = datetime.strptime(str(key), "%Y-%m-%d %H").replace(tzinfo=UTC)
            hours[key] = at.astimezone(settings.tz).hour
        found.append(TicketSums(day, str(service), hours[key], bool(flag), str(category or ""), int(n)))
    return found


def auto_closed(session: Session, settings: Settings, period: Period) -> int:
    """Requests closed by the 7-day rule on a day of the period (office time)."""
    begin, finish = _bounds(settings, period)
    query = select(func.count()).where(
        OnlineRequestRow.close_reason == online_store.NO_REPLY,
        OnlineRequestRow.closed_at >= begin,
        OnlineRequestRow.closed_at < finish,
    )
    return int(session.scalar(query) or 0)


# --- waits and idle desks, per day -----------------------------------------------------------

Keys = dict[date, tuple[Any, ...]] | None  # ``day_keys``' answer, when the caller has it already


@dataclass(frozen=True)
class DayPasses:
    """What a day's queue passes give beyond the sums: the waits of its called passes and the
    idle-desk seconds of its passes."""

    waits: tuple[tuple[float, float], ...]  # (raw wait s, the standard's clock at the call s)
    idle: tuple[float, ...]
    priority: tuple[bool, ...] = ()  # per wait: the pass is in the priority lane


# A past day's passes and sign-ins no longer change, so their figures are kept here under a
# fingerprint of those rows (a late change, e.g. passes expired the next morning, makes a new key)
# and of the settings they depend on. Today is always worked out again.
_PAST_DAYS: dict[tuple[Any, ...], DayPasses] = {}
_PAST_LANES: dict[tuple[Any, ...], LaneEvents] = {}  # the same for the desk actions' events
T = TypeVar("T")
_PAST_DAYS_LIMIT = 1000  # about three years of days for one office; then it starts again


def clear_cache() -> None:
    """Forget the past days' figures (tests; benches measuring a cold page)."""
    _PAST_DAYS.clear()
    _PAST_LANES.clear()


def day_passes(session: Session, settings: Settings, period: Period, now: datetime, sums: list[PassSums],
               keys: Keys = None) -> dict[date, DayPasses]:  # fmt: skip
    """Per day with queue passes: its waits and idle-desk seconds, from the cache for a past day
    seen before, else read and worked out."""
    today = now.astimezone(settings.tz).date()
    keys = keys if keys is not None else day_keys(session, settings, period, sums)
    found, missing = _cached(_PAST_DAYS, keys, today)
    if not missing:
        return found
    by_day: dict[date, list[report_data.PassTimes]] = {day: [] for day in missing}
    for row in report_data.pass_times(session, Period(missing[0], missing[-1])):
        if row.business_day in by_day:
            by_day[row.business_day].append(row)
    for day, rows in by_day.items():
        waits = tuple(report_data.wait_of(r.called_at, r.entered_at, r.clock_s) for r in rows if r.called_at)
        idle = tuple(report_data.idle_desk_of(session, settings, rows, until=now))
        found[day] = DayPasses(waits, idle, tuple(r.priority for r in rows if r.called_at))
        if day < today:
            _remember(_PAST_DAYS, keys[day], found[day])
    return found


def day_lanes(session: Session, settings: Settings, period: Period, now: datetime, sums: list[PassSums],
              keys: Keys = None) -> dict[date, LaneEvents]:  # fmt: skip
    """Per day with queue passes: its out-of-order calls, holds, call-backs and returns
    (``lane_data.lane_events``), from the cache for a past day seen before. Every such event comes
    with a change of the day's passes (a call, a hold, a return, the end of a resumed visit), so
    the passes' fingerprint is the key here too; a past day's events no longer change."""
    today = now.astimezone(settings.tz).date()
    keys = keys if keys is not None else day_keys(session, settings, period, sums)
    found, missing = _cached(_PAST_LANES, keys, today)
    if not missing:
        return found
    read = lane_events(session, Period(missing[0], missing[-1]))
    for day in missing:
        found[day] = read.get(day, LaneEvents())
        if day < today:
            _remember(_PAST_LANES, keys[day], found[day])
    return found


def _cached(cache: dict[tuple[Any, ...], T], keys: dict[date, tuple[Any, ...]], today: date
            ) -> tuple[dict[date, T], list[date]]:  # fmt: skip
    """The past days of ``keys`` found in ``cache``, and the days left to read (sorted)."""
    found = {day: cache[key] for day, key in keys.items() if day < today and key in cache}
    return found, sorted(set(keys) - set(found))


def _remember(cache: dict[tuple[Any, ...], T], key: tuple[Any, ...], value: T) -> None:
    if len(cache) >= _PAST_DAYS_LIMIT:
        cache.clear()
    cache[key] = value


def day_keys(
    session: Session, settings: Settings, period: Period, sums: list[PassSums]
) -> dict[date, tuple[Any, ...]]:
    """Per day with passes: its passes' fingerprint, the sign-ins around it, the settings read
    (the key of the past days' figures; worked out once per page for ``day_passes`` and
    ``day_lanes``)."""
    setup = (str(session.get_bind().url), settings.timezone, repr(settings.desks),
             repr(settings.section("timing")))  # fmt: skip
    begin, finish = _bounds(settings, period)
    s = StaffSessionRow
    query = select(s.token_hash, s.desk, report_data.raw_time(s.started_at), report_data.raw_time(s.ended_at))
    signed_in = [
        (token, desk, report_data.utc(start), report_data.utc(end))
        for token, desk, start, end in session.execute(
            query.where(s.started_at < finish, or_(s.ended_at.is_(None), s.ended_at > begin))
        )
    ]
    passes: dict[date, list[tuple[Any, ...]]] = {}
    for row in sums:
        passes.setdefault(row.day, []).append(
            (row.service, row.passes, row.called, *row.outcomes, *row.changed)
        )
    keys = {}
    for day, rows in passes.items():
        day_start, day_end = _bounds(settings, Period(day, day))
        around = sorted((str(token), str(desk), str(start), str(end)) for token, desk, start, end in signed_in
                        if start < day_end and (end is None or end > day_start))  # fmt: skip
        keys[day] = (*setup, day, tuple(sorted(rows)), tuple(around))
    return keys


def _bounds(settings: Settings, period: Period) -> tuple[datetime, datetime]:
    """The period's first and last instants (office midnights)."""
    return (datetime.combine(period.start, time(0), settings.tz),
            datetime.combine(period.end + timedelta(days=1), time(0), settings.tz))  # fmt: skip
