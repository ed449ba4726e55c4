"""``antre sla``: one business day against the service standard, from what the database holds.

Walk-in: tickets issued, waits, and the 10-minute standard per queue pass (a transfer opens a
second pass in the new queue). Online: the requests due that day, met or late. Codes and numbers
only: no name, contact or subject ever appears here. docs/clocks.md explains every figure.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.domain.idle_desks import IdleTimes, closed_periods, desk_days, open_periods
from shared.domain.timing import OpeningHours
from shared.store import desk_history
from shared.store.models import OnlineRequestRow, QueuePassRow, StaffSessionRow, TicketRow
from shared.store.online import served_at
from shared.timing_config import opening_hours, sla_limits


@dataclass(frozen=True)
class Stats:
    """Seconds: median, p90 (nearest rank) and max of ``count`` samples (``None`` when empty)."""

    count: int
    median: float | None
    p90: float | None
    max: float | None

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        if not samples:
            return cls(0, None, None, None)
        ordered = sorted(samples)
        p90 = ordered[max(1, math.ceil(0.9 * len(ordered))) - 1]
        return cls(len(ordered), float(statistics.median(ordered)), p90, ordered[-1])


@dataclass(frozen=True)
class Breach:
    ticket: str
    service: str
    desk: str | None  # the desk that called it; None: never called
    minutes: float  # the standard's clock: at the call, or until it left / the day ended
    called: bool


@dataclass(frozen=True)
class OnlineDue:
    due: int
    met: int
    late: int
    pending: int  # not answered yet, and the due day is not over
    late_numbers: list[str]
    pending_numbers: list[str]


@dataclass(frozen=True)
class SlaDay:
    day: date
    timezone: str
    breach_s: float
    tickets: int
    tickets_by_service: dict[str, int]
    passes: int
    called: int
    raw_wait: Stats  # entering the queue (issue, or transfer in) to the call
    clock_at_call: Stats  # the standard's clock (open hours, from the previous visitor's end)
    idle_desk_passes: int  # passes that waited while a desk serving them was open and idle
    idle_desk: Stats  # of those passes: open-hours seconds of that idle-desk waiting
    met: int
    breached: int
    not_called: int  # never called and never breached (left waiting, or still waiting)
    noshows: int
    transfers: int
    breaches: list[Breach]
    online: OnlineDue
    # The day's opening hours as the clocks count them ("08:00-12:00, 13:00-15:30"), "closed" on a
    # holiday, a collective-leave day or a closed weekday.
    opening_hours: str = ""


def build_report(session: Session, settings: Settings, day: date, now: datetime) -> SlaDay:
    limits = sla_limits(settings)
    hours = opening_hours(settings)
    day_end = datetime.combine(day + timedelta(days=1), time(0), settings.tz)
    tickets = Counter(
        session.scalars(select(TicketRow.origin_service).where(TicketRow.business_day == day)).all()
    )
    rows = session.scalars(
        select(QueuePassRow).where(QueuePassRow.business_day == day).order_by(QueuePassRow.id)
    ).all()
    raw: list[float] = []
    clocks: list[float] = []
    met = not_called = 0
    breaches: list[Breach] = []
    for row in rows:
        if row.called_at is not None:
            clock_s = row.clock_s or 0.0
            raw.append((row.called_at - row.entered_at).total_seconds())
            clocks.append(clock_s)
            if limits.breached(clock_s) or row.breached_at is not None:
                breaches.append(Breach(row.code, row.service, row.desk, round(clock_s / 60, 1), True))
            else:
                met += 1
        elif row.breached_at is not None:
            start = row.clock_started_at or row.entered_at
            end = min(row.left_at or now, now, day_end)
            minutes = round(hours.open_seconds(start, end) / 60, 1)
            breaches.append(Breach(row.code, row.service, None, minutes, False))
        else:
            not_called += 1
    idle = idle_desk_waits(session, settings, hours, rows, day, min(now, day_end))
    how = Counter(row.left_how for row in rows)
    return SlaDay(
        day=day, timezone=settings.timezone, breach_s=limits.breach_s, tickets=sum(tickets.values()),
        tickets_by_service=dict(sorted(tickets.items())), passes=len(rows), called=len(raw),
        raw_wait=Stats.of(raw), clock_at_call=Stats.of(clocks), idle_desk_passes=len(idle),
        idle_desk=Stats.of(idle), met=met, breached=len(breaches),
        not_called=not_called, noshows=how["noshow"], transfers=how["transfer"], breaches=breaches,
        online=_online_due(session, settings, day, now), opening_hours=_hours_text(hours, day),
    )  # fmt: skip


def _hours_text(hours: OpeningHours, day: date) -> str:
    ranges = hours.ranges_on(day)
    if not ranges:
        return "closed"
    return ", ".join(f"{a:%H:%M}-{f'{b:%H:%M}' if b else '24:00'}" for a, b in ranges)


class PassTimes(Protocol):
    """What the idle-desk figure reads of a queue pass (a ``QueuePassRow``, or a row of just these
    columns: the report reads a month of them)."""

    @property
    def service(self) -> str: ...
    @property
    def desk(self) -> str | None: ...
    @property
    def entered_at(self) -> datetime: ...
    @property
    def called_at(self) -> datetime | None: ...
    @property
    def left_at(self) -> datetime | None: ...


def idle_desk_waits(
    session: Session, settings: Settings, hours: OpeningHours, rows: Sequence[PassTimes], day: date,
    until: datetime,
) -> list[float]:  # fmt: skip
    """Per pass that waited while a desk serving it was open (an officer signed in, or open by the
    desk's open/close history; not while that history says closed: a break) and idle: those
    open-hours seconds (``shared.domain.idle_desks``)."""
    day_start = datetime.combine(day, time(0), settings.tz)
    signed_in = session.scalars(
        select(StaffSessionRow).where(
            StaffSessionRow.started_at < until,
            or_(StaffSessionRow.ended_at.is_(None), StaffSessionRow.ended_at > day_start),
        )
    ).all()
    changes = desk_history.changes(session, day_start, until)
    served = ((d.id, d.services) for d in settings.desks)
    desks = desk_days(served, [*signed_in, *open_periods(changes)], rows, until, closed_periods(changes))
    if not any(d.open for d in desks):
        return []
    by_service: dict[str, IdleTimes] = {}
    seconds = []
    for row in rows:
        waited = (row.entered_at, row.called_at or row.left_at or until)
        if row.service not in by_service:
            by_service[row.service] = IdleTimes.of(row.service, desks)
        idle = by_service[row.service].seconds(waited, hours)
        if idle > 0:
            seconds.append(idle)
    return seconds


def _online_due(session: Session, settings: Settings, day: date, now: datetime) -> OnlineDue:
    rows = session.scalars(
        select(OnlineRequestRow).where(OnlineRequestRow.due_date == day).order_by(OnlineRequestRow.number)
    ).all()
    today = now.astimezone(settings.tz).date()
    met, late, pending = [], [], []
    for row in rows:
        served = served_at(row)
        if served is not None:
            (met if served.astimezone(settings.tz).date() <= row.due_date else late).append(row.number)
        else:
            (late if today > row.due_date else pending).append(row.number)
    return OnlineDue(len(rows), len(met), len(late), len(pending), late, pending)


# --- output ----------------------------------------------------------------------------------


def as_json(report: SlaDay) -> dict[str, Any]:
    data = asdict(report)
    data["day"] = report.day.isoformat()
    decided = report.met + report.breached
    data["met_share"] = round(report.met / decided, 4) if decided else None
    return data
