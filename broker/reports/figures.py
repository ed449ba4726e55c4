"""The report's figures from what ``data`` read: pure arithmetic, no I/O, no wording.

Waits use ``antre sla``'s statistics (``broker.reports.sla.Stats``: median, p90 by nearest rank, max)
and its definition of met / breached per queue pass (docs/clocks.md). The satisfaction index is
``shared.domain.skm.compute_ikm``; the one-tap faces (1-5) are counted apart from it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from broker.reports.data import PassCounts, Period, ReportData
from broker.reports.sla import Stats
from shared.config import Settings
from shared.domain.skm import OVERALL_SCALE, IkmResult, compute_ikm
from shared.domain.visit_categories import INSTITUTION_CATEGORIES, PURPOSE_CATEGORIES

if TYPE_CHECKING:
    from broker.reports.lanes import LaneFigures

HISTOGRAM_MINUTES = 30  # one bar per minute of wait; the last bar holds everything longer
STATUSES = ("open", "answered", "closed")


def share(part: int, whole: int) -> float | None:
    """``part / whole`` (0-1), ``None`` when there is nothing to divide."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Compliance:
    """One row of the 10-minute standard: met of decided (met + breached)."""

    key: str | None
    label: str
    passes: int
    called: int
    met: int
    breached: int
    not_called: int

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def share(self) -> float | None:
        return share(self.met, self.decided)


@dataclass(frozen=True)
class DayRow:
    day: date
    by_service: dict[str, int]
    total: int
    compliance: Compliance | None


@dataclass(frozen=True)
class Online:
    received: int
    due: int
    met: int
    late: int
    pending: int  # not answered yet, the due day not over

    @property
    def share(self) -> float | None:
        return share(self.met, self.met + self.late)


@dataclass(frozen=True)
class Complaints:
    total: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    answered: int
    answer: Stats  # seconds, created -> first follow-up


@dataclass(frozen=True)
class Figures:
    office: str
    period: Period
    generated_at: datetime  # in the office's time zone
    to_date: date | None  # the period is still running: its figures go up to this day (today)
    breach_s: float
    services: list[tuple[str, str, int]]  # prefix, name, visits
    days: list[DayRow]
    visits: int
    unique_guests: int
    without_guestbook: int
    institutions: list[tuple[str, int]]  # in INSTITUTION_CATEGORIES order
    purposes: list[tuple[str, int]]
    raw_wait: Stats
    clock_at_call: Stats
    idle_desk: Stats  # per pass that waited while a desk serving it was idle
    histogram: list[tuple[int, int, int]]  # (minute, raw waits in it, clocks in it); the last: and longer
    compliance: Compliance
    by_desk: list[Compliance]
    by_officer: list[Compliance]
    online: Online
    ikm: IkmResult | None
    element_counts: dict[str, dict[int, int]]  # u1..u9 -> score 1-4 -> answers
    overall: list[tuple[int, int]]  # face 1-5, ratings
    complaints: Complaints
    lanes: LaneFigures | None = None  # priority visits, out-of-order calls, parked and returned

    @property
    def empty(self) -> bool:
        """No visit at all in the period (so far)."""
        return self.visits == 0

    @property
    def overall_count(self) -> int:
        return sum(n for _score, n in self.overall)

    @property
    def overall_mean(self) -> float | None:
        total = self.overall_count
        return sum(s * n for s, n in self.overall) / total if total else None


def build(data: ReportData, settings: Settings, now: datetime) -> Figures:
    from broker.reports.lanes import build_lanes  # not at the top: it builds on this module

    names = {s.prefix: s.name for s in settings.services}
    by_day_service: dict[date, Counter[str]] = {}
    per_service: Counter[str] = Counter()
    for day, service, n in data.visits:
        by_day_service.setdefault(day, Counter())[service] += n
        per_service[service] += n
    prefixes = [s.prefix for s in settings.services] + sorted(set(per_service) - set(names))
    daily = {c.key: c for c in data.compliance_by_day}
    local_now = now.astimezone(settings.tz)
    today = local_now.date()
    # A period still running: the days after today have no figures yet, not zeros.
    to_date = today if data.period.start <= today < data.period.end else None
    days = [
        DayRow(day, dict(by_day_service.get(day, {})), sum(by_day_service.get(day, Counter()).values()),
               _row(daily[day.isoformat()], day.isoformat()) if day.isoformat() in daily else None)
        for day in data.period.days()
        if day <= today
    ]  # fmt: skip
    desk_names = {d.id: d.name for d in settings.desks}
    return Figures(
        office=settings.office_name, period=data.period, generated_at=local_now, to_date=to_date,
        breach_s=data.breach_s,
        services=[(p, names.get(p, p), per_service[p]) for p in prefixes], days=days,
        visits=sum(per_service.values()), unique_guests=data.unique_guests,
        without_guestbook=data.without_guestbook,
        institutions=[(c, data.institutions.get(c, 0)) for c in INSTITUTION_CATEGORIES],
        purposes=[(c, data.purposes.get(c, 0)) for c in PURPOSE_CATEGORIES],
        raw_wait=Stats.of([raw for raw, _clock in data.waits]),
        clock_at_call=Stats.of([clock for _raw, clock in data.waits]), idle_desk=Stats.of(data.idle_desk),
        histogram=histogram(data.waits), compliance=_row(data.compliance_total, ""),
        by_desk=[_row(c, desk_names.get(c.key or "", c.key or "")) for c in data.compliance_by_desk],
        by_officer=[_row(c, data.officer_names.get(c.key or "", "")) for c in data.compliance_by_officer],
        online=online(data.online.received, data.online.due, today),
        ikm=compute_ikm(data.ratings), element_counts=element_counts(data.ratings),
        overall=[(s, data.overall.get(s, 0)) for s in OVERALL_SCALE], complaints=complaints(data),
        lanes=build_lanes(data.lanes, desk_names) if data.lanes is not None else None,
    )  # fmt: skip


def _row(counts: PassCounts, label: str) -> Compliance:
    return Compliance(counts.key, label, counts.passes, counts.called, counts.met, counts.breached,
                      counts.not_called)  # fmt: skip


def histogram(
    waits: list[tuple[float, float]], minutes: int = HISTOGRAM_MINUTES
) -> list[tuple[int, int, int]]:
    """Per whole minute 0..``minutes`` (the last bar: that many minutes or more), how many raw waits
    and how many standard's clocks fell in it. Bar ``m`` holds ``m * 60 <= s < (m + 1) * 60``,
    ``s`` rounded to the millisecond first (a float sum may say 59.9999996 for a whole minute)."""
    raw = [0] * (minutes + 1)
    clock = [0] * (minutes + 1)
    for raw_s, clock_s in waits:
        raw[_bar(raw_s, minutes)] += 1
        clock[_bar(clock_s, minutes)] += 1
    return [(m, raw[m], clock[m]) for m in range(minutes + 1)]


def _bar(seconds: float, minutes: int) -> int:
    return min(minutes, max(0, int(round(seconds, 3) // 60)))


def online(received: int, due: list[tuple[date, date | None]], today: date) -> Online:
    """As ``antre sla``: met if served on or before the due date; late if served after it, or not
    served and the due day is over; pending otherwise."""
    met = late = pending = 0
    for due_date, served in due:
        if served is not None:
            met += served <= due_date
            late += served > due_date
        elif today > due_date:
            late += 1
        else:
            pending += 1
    return Online(received, len(due), met, late, pending)


def element_counts(ratings: list[dict[str, int | None]]) -> dict[str, dict[int, int]]:
    counts: dict[str, Counter[int]] = {}
    for rating in ratings:
        for key, score in rating.items():
            if score is not None:
                counts.setdefault(key, Counter())[score] += 1
    return {key: {s: c.get(s, 0) for s in (1, 2, 3, 4)} for key, c in counts.items()}


def complaints(data: ReportData) -> Complaints:
    status = Counter(c.status for c in data.complaints)
    kinds = Counter(c.kind for c in data.complaints)
    answers = [c.answer_s for c in data.complaints if c.answer_s is not None]
    return Complaints(
        total=len(data.complaints),
        by_status={s: status.get(s, 0) for s in (*STATUSES, *sorted(set(status) - set(STATUSES)))},
        by_kind=dict(sorted(kinds.items())),
        answered=len(answers),
        answer=Stats.of(answers),
    )
