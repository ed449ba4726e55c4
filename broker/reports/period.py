"""The staff console's "day and any period" figures: visitors, the 10-minute standard, waits, online
requests, and the series its charts draw (``svg_charts``). Counts and numbers only, no personal data.

The rules are the monthly report's and ``antre sla``'s, reused from ``broker.reports.data`` (met /
breached per queue pass: ``standard_columns``; visits by the service chosen at the kiosk; waits:
``wait_of``; the idle-desk figure: ``idle_desk_of``; online requests due in the period) and
``broker.reports.figures`` / ``broker.reports.sla`` (``Stats``: median, p90 by nearest rank, max;
met / late / pending for online requests). ``period_sql`` reads them in a few grouped queries and
keeps past days' waits and idle-desk figures, so a month's page costs little more than today's.
New here: how each service's queue passes ended, arrivals per hour, online requests open now.
The priority lane and the desk actions (``lanes``: priority visits, their waits and standard,
out-of-order calls, parked visits, returns) are the report's, their waits taken from the days kept.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from broker.reports import data as report_data
from broker.reports import period_sql
from broker.reports.data import PassCounts, Period
from broker.reports.figures import Compliance, Online, online
from broker.reports.lane_data import LaneData, LaneEvents
from broker.reports.lanes import LaneFigures, build_lanes
from broker.reports.sla import Stats
from shared.config import Settings
from shared.store import online as online_store
from shared.timing_config import sla_limits


@dataclass(frozen=True)
class ServiceRow:
    """One service over the period. ``visits``: tickets that chose it at the kiosk; the rest count
    its queue passes (a transferred visitor has a pass in each service) by how they ended."""

    prefix: str
    name: str
    visits: int
    passes: int
    served: int  # left "done"
    noshow: int
    transferred: int  # left for another service
    expired: int  # never called, closed at the end of the day
    at_desk: int  # called, not finished yet
    waiting: int  # not called yet
    returned: int = 0  # sent back to the queue (the visitor's next pass counts again)
    parked: int = 0  # parked at a desk and not called back (yet): still parked, or the day closed


@dataclass(frozen=True)
class DayPoint:
    """One day of the period (days after today are left out): the per-day chart's bar."""

    day: date
    visits: int
    met: int
    breached: int
    not_called: int  # never called, never breached (left, transferred, expired, still waiting)
    median_wait_s: float | None  # raw wait, ticket (or transfer in) to the call
    median_clock_s: float | None  # the standard's clock at the call


@dataclass(frozen=True)
class OnlinePeriod:
    """Online requests: ``standard`` is the report's figure for requests due in the period (met
    within 3 working days, late, pending); the rest are counts."""

    received: int  # recorded on a day of the period
    standard: Online
    overdue_now: int  # not answered and past the due date, as of now (whatever the period)
    due_today: int  # not answered and due today
    auto_closed: int  # closed in the period because the visitor did not write for 7 days


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    generated_at: datetime  # office time zone
    to_date: date | None  # the period is still running: figures up to this day (today)
    breach_s: float
    visits: int  # tickets issued
    services: list[ServiceRow]  # the configured services in order, then any other found
    compliance: Compliance  # the 10-minute standard over every queue pass of the period
    idle_desk: Stats  # per pass that waited while a desk serving it was open and idle
    raw_wait: Stats
    clock_at_call: Stats
    days: list[DayPoint]
    hours: list[tuple[int, int]]  # (hour of the day, office time, 0-23; tickets issued in it)
    online: OnlinePeriod
    lanes: LaneFigures | None = None  # priority visits, out-of-order calls, parked and returned

    @property
    def empty(self) -> bool:
        return self.visits == 0 and self.compliance.passes == 0

    @property
    def single_day(self) -> bool:
        return self.period.start == self.period.end


def period_figures(
    engine: Engine, settings: Settings, start: date, end: date, now: datetime
) -> PeriodFigures:
    """The figures of business days ``start`` to ``end`` (both included) as of ``now``."""
    if end < start:
        raise ValueError("the period ends before it starts")
    period = Period(start, end)
    breach_s = sla_limits(settings).breach_s
    local_now = now.astimezone(settings.tz)
    today = local_now.date()
    with Session(engine) as session:
        sums = period_sql.pass_sums(session, period, breach_s)
        keys = period_sql.day_keys(session, settings, period, sums)
        per_day_passes = period_sql.day_passes(session, settings, period, now, sums, keys)
        events = period_sql.day_lanes(session, settings, period, now, sums, keys)
        tickets = period_sql.ticket_sums(session, settings, period)
        facts = report_data._online(session, settings, period)
        online_figures = OnlinePeriod(
            received=facts.received, standard=online(facts.received, facts.due, today),
            overdue_now=len(online_store.overdue(session, today)),
            due_today=len(online_store.due_today(session, today)),
            auto_closed=period_sql.auto_closed(session, settings, period),
        )  # fmt: skip
    per_day: Counter[date] = Counter()
    per_service: Counter[str] = Counter()
    per_hour: Counter[int] = Counter()
    for row in tickets:
        per_day[row.day] += row.tickets
        per_service[row.service] += row.tickets
        per_hour[row.hour] += row.tickets
    by_day: dict[date, list[int]] = {}  # passes, called, met, breached
    # passes, done, noshow, transfer, expired, at desk, waiting, returned, parked
    outcomes: dict[str, list[int]] = {}
    for row in sums:
        day_sums = by_day.setdefault(row.day, [0, 0, 0, 0])
        service_sums = outcomes.setdefault(row.service, [0] * 9)
        for index, value in enumerate((row.passes, row.called, row.met, row.breached)):
            day_sums[index] += value
        for index, value in enumerate((row.passes, *row.outcomes)):
            service_sums[index] += value
    total = [sum(c[i] for c in by_day.values()) for i in range(4)]
    compliance = Compliance(None, "", *total, total[0] - total[2] - total[3])
    waits_by_day = {day: figures.waits for day, figures in per_day_passes.items()}
    samples = [wait for figures in per_day_passes.values() for wait in figures.waits]
    idle = [seconds for figures in per_day_passes.values() for seconds in figures.idle]
    days = []
    for day in period.days():
        if day > today:
            break
        passes, _called, met, breached = by_day.get(day, (0, 0, 0, 0))
        waits = waits_by_day.get(day, ())
        days.append(DayPoint(
            day, per_day.get(day, 0), met, breached, passes - met - breached,
            statistics.median(w[0] for w in waits) if waits else None,
            statistics.median(w[1] for w in waits) if waits else None,
        ))  # fmt: skip
    return PeriodFigures(
        period=period, generated_at=local_now, to_date=today if start <= today < end else None,
        breach_s=breach_s, visits=sum(per_service.values()),
        services=_services(settings, per_service, outcomes), compliance=compliance,
        idle_desk=Stats.of(idle), raw_wait=Stats.of([raw for raw, _clock in samples]),
        clock_at_call=Stats.of([clock for _raw, clock in samples]), days=days,
        hours=[(hour, per_hour.get(hour, 0)) for hour in range(24)],
        online=online_figures, lanes=_lanes(settings, tickets, sums, per_day_passes, events),
    )  # fmt: skip


def _lanes(settings: Settings, tickets: list[period_sql.TicketSums], sums: list[period_sql.PassSums],
           per_day_passes: dict[date, period_sql.DayPasses],
           events: dict[date, LaneEvents]) -> LaneFigures:  # fmt: skip
    """The report's lane figures (``lanes.build_lanes``) from what the page read already."""
    visits: Counter[bool] = Counter()
    categories: Counter[str] = Counter()
    for row in tickets:
        visits[row.priority] += row.tickets
        if row.priority:
            categories[row.category] += row.tickets
    waits: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for figures in per_day_passes.values():
        for wait, flag in zip(figures.waits, figures.priority, strict=True):
            waits[flag].append(wait)
    everything = [sum(getattr(row, name) for row in sums) for name in ("passes", "called", "met", "breached")]
    priority = [sum(row.priority[index] for row in sums) for index in range(4)]
    ordinary = [a - b for a, b in zip(everything, priority, strict=True)]
    standard = {True: PassCounts(None, *priority), False: PassCounts(None, *ordinary)}
    data = LaneData(dict(visits), dict(categories), waits, standard, LaneEvents.merge(events.values()))
    return build_lanes(data, {d.id: d.name for d in settings.desks})


def _services(settings: Settings, visits: Counter[str], outcomes: dict[str, list[int]]) -> list[ServiceRow]:
    names = {s.prefix: s.name for s in settings.services}
    prefixes = [s.prefix for s in settings.services] + sorted((set(visits) | set(outcomes)) - set(names))
    return [ServiceRow(p, names.get(p, p), visits.get(p, 0), *outcomes.get(p, [0] * 9)) for p in prefixes]
