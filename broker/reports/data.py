"""The report's query layer: what the database holds for a range of business days, aggregated.

Counting is done in SQL (GROUP BY, CASE sums); only the samples a median needs (one number per
called queue pass, per rating, per complaint) come back row by row, as plain numbers. The
guestbook's free text is read grouped by its distinct values and folded into categories
(``classify``) right here: no name, ID, email, phone, institution or purpose text leaves this
module, only counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, String, and_, case, distinct, func, or_, select, type_coerce
from sqlalchemy.orm import Session, load_only

from broker.reports.sla import idle_desk_waits
from shared.config import Settings
from shared.domain.skm import ELEMENT_KEYS
from shared.domain.visit_categories import institution_category, purpose_category
from shared.store.models import (
    ComplaintRow,
    GuestRow,
    OfficerRow,
    OnlineRequestRow,
    QueuePassRow,
    RatingRow,
    TicketEventRow,
    TicketRow,
)
from shared.store.online import served_at
from shared.timing_config import opening_hours, sla_limits

if TYPE_CHECKING:
    from broker.reports.lane_data import LaneData


@dataclass(frozen=True)
class Period:
    """Business days ``start`` to ``end``, both included (office time zone)."""

    start: date
    end: date

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class PassCounts:
    """The 10-minute standard over a group of queue passes (a desk, an officer, a day)."""

    key: str | None
    passes: int
    called: int
    met: int
    breached: int

    @property
    def not_called(self) -> int:
        return self.passes - self.met - self.breached


@dataclass(frozen=True)
class OnlineFacts:
    received: int  # recorded on a day of the period
    due: list[tuple[date, date | None]]  # due in the period: (due date, office date served or None)


@dataclass(frozen=True)
class ComplaintFacts:
    status: str
    kind: str
    answer_s: float | None  # created -> first follow-up


@dataclass(frozen=True)
class ReportData:
    period: Period
    breach_s: float
    visits: list[tuple[date, str, int]]  # (business day, service chosen at the kiosk, tickets)
    unique_guests: int
    without_guestbook: int
    institutions: dict[str, int]  # category -> visits
    purposes: dict[str, int]
    waits: list[tuple[float, float]]  # per called pass: (raw wait s, the standard's clock at the call s)
    idle_desk: list[float]  # per pass that waited while a desk serving it was open and idle: seconds
    compliance_total: PassCounts
    compliance_by_day: list[PassCounts]
    compliance_by_desk: list[PassCounts]  # called passes, by the desk that called
    compliance_by_officer: list[PassCounts]  # called passes, by the officer signed in at the call
    officer_names: dict[str, str]
    online: OnlineFacts
    ratings: list[dict[str, int | None]]  # u1..u9 per rating
    overall: dict[int, int]  # one-tap face (1-5) -> ratings
    complaints: list[ComplaintFacts]
    lanes: LaneData | None = None  # the priority lane and the desk actions (``lane_data``)


def read(session: Session, settings: Settings, period: Period) -> ReportData:
    """Everything the report needs for ``period``, in a handful of queries."""
    from broker.reports.lane_data import read_lanes  # not at the top: it builds on this module

    breach_s = sla_limits(settings).breach_s
    institutions, purposes = _guestbook(session, period)
    person = func.coalesce(GuestRow.person_id, GuestRow.id)  # an entry made before 0009: itself
    guests = session.execute(
        select(func.count(distinct(person)), func.count() - func.count(TicketRow.guest_id))
        .select_from(TicketRow)
        .outerjoin(GuestRow, GuestRow.id == TicketRow.guest_id)
        .where(_in(TicketRow.business_day, period))
    ).one()
    return ReportData(
        period=period, breach_s=breach_s, visits=_visits(session, period), unique_guests=int(guests[0]),
        without_guestbook=int(guests[1]), institutions=institutions, purposes=purposes,
        waits=_waits(session, period), idle_desk=_idle_desk(session, settings, period),
        compliance_total=_compliance(session, period, breach_s, None)[0],
        compliance_by_day=_compliance(session, period, breach_s, QueuePassRow.business_day),
        compliance_by_desk=_compliance(session, period, breach_s, QueuePassRow.desk, called_only=True),
        compliance_by_officer=_compliance(session, period, breach_s, TicketEventRow.officer_id,
                                          called_only=True),
        officer_names={str(i): str(n) for i, n in session.execute(select(OfficerRow.id, OfficerRow.name))},
        online=_online(session, settings, period), ratings=_ratings(session, period),
        overall=_overall(session, period), complaints=_complaints(session, period),
        lanes=read_lanes(session, period, breach_s),
    )  # fmt: skip


def _idle_desk(
    session: Session, settings: Settings, period: Period, until: datetime | None = None
) -> list[float]:
    """``antre sla``'s idle-desk time per pass, over the period's passes that were called or left
    (one still waiting has no end yet). ``until``: now, for a period still running (a desk still
    signed in is open up to it, not to midnight)."""
    return idle_desk_of(session, settings, pass_times(session, period), until)


class PassTimes(NamedTuple):
    """The times of one queue pass, as the idle-desk figure and the waits read them."""

    business_day: date
    service: str
    desk: str | None
    entered_at: datetime
    called_at: datetime | None
    left_at: datetime | None
    clock_s: float | None
    priority: bool = False  # the pass is in the priority lane


def pass_times(session: Session, period: Period) -> list[PassTimes]:
    """The period's passes that were called or left (every called one among them). Plain tuples,
    times parsed by ``utc``: a month of ORM objects would cost more than the figures themselves."""
    p = QueuePassRow
    query = select(p.business_day, p.service, p.desk, raw_time(p.entered_at), raw_time(p.called_at),
                   raw_time(p.left_at), p.clock_s, p.priority).where(
        _in(p.business_day, period), or_(p.called_at.is_not(None), p.left_at.is_not(None))
    )  # fmt: skip
    return [PassTimes(day, service, desk, utc(entered), utc(called), utc(left), clock, bool(flag))
            for day, service, desk, entered, called, left, clock, flag in session.execute(query)]  # fmt: skip


def wait_of(called_at: datetime, entered_at: datetime, clock_s: float | None) -> tuple[float, float]:
    """A called pass's (raw wait s, the standard's clock at the call s)."""
    return (called_at - entered_at).total_seconds(), float(clock_s or 0.0)


def idle_desk_of(
    session: Session, settings: Settings, passes: list[PassTimes], until: datetime | None = None
) -> list[float]:
    """``_idle_desk`` of passes already read (``pass_times``)."""
    by_day: dict[date, list[PassTimes]] = {}
    for row in passes:
        by_day.setdefault(row.business_day, []).append(row)
    hours = opening_hours(settings)
    seconds: list[float] = []
    for day, rows in sorted(by_day.items()):
        day_end = datetime.combine(day + timedelta(days=1), time(0), settings.tz)
        seconds += idle_desk_waits(session, settings, hours, rows, day, min(until or day_end, day_end))
    return seconds


def raw_time(column: Any) -> Any:
    """A ``UTCDateTime`` column read as the stored value, for ``utc``: SQLAlchemy's SQLite
    datetime parsing (a regex per value) costs more than a month's report figures themselves."""
    return type_coerce(column, String)


def utc(value: Any) -> Any:
    """A ``raw_time`` value as an aware UTC datetime (``None`` stays ``None``): SQLite gives the
    stored text, another database its own datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value + "+00:00")  # a seventh of the cost of .replace(tzinfo=UTC)


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= period.end)


def _visits(session: Session, period: Period) -> list[tuple[date, str, int]]:
    query = (
        select(TicketRow.business_day, TicketRow.origin_service, func.count())
        .where(_in(TicketRow.business_day, period))
        .group_by(TicketRow.business_day, TicketRow.origin_service)
        .order_by(TicketRow.business_day, TicketRow.origin_service)
    )
    return [(day, service, int(n)) for day, service, n in session.execute(query)]


def _guestbook(session: Session, period: Period) -> tuple[dict[str, int], dict[str, int]]:
    """Visits per institution category and per purpose category (each distinct text read once)."""
    result = []
    for stored, column, classify in (
        (GuestRow.institution_type, GuestRow.institution, institution_category),
        (GuestRow.purpose_category, GuestRow.purpose, purpose_category),
    ):
        # The category stored with the entry (it outlives the purged text); the text is read only
        # for an entry that has none.
        text = case((stored.is_(None), column), else_=None)
        query = (
            select(stored, text, func.count())
            .select_from(TicketRow)
            .join(GuestRow, GuestRow.id == TicketRow.guest_id)
            .where(_in(TicketRow.business_day, period))
            .group_by(stored, text)
        )
        counts: Counter[str] = Counter()
        for category, raw, n in session.execute(query):
            counts[category or classify(raw)] += int(n)
        result.append(dict(counts))
    return result[0], result[1]


def _waits(session: Session, period: Period) -> list[tuple[float, float]]:
    """The wait is subtracted here from the stored datetimes: SQLite's julianday arithmetic gives
    59.9999964 s for a 60 s wait, which would put whole minutes in the histogram's lower bar."""
    query = select(
        raw_time(QueuePassRow.called_at), raw_time(QueuePassRow.entered_at), QueuePassRow.clock_s
    ).where(_in(QueuePassRow.business_day, period), QueuePassRow.called_at.is_not(None))  # fmt: skip
    return [wait_of(utc(called), utc(entered), clock) for called, entered, clock in session.execute(query)]


def _compliance(
    session: Session, period: Period, breach_s: float, key: Any, called_only: bool = False
) -> list[PassCounts]:
    """Met / breached per ``key`` (``None``: one total), as ``antre sla`` decides them per pass."""
    p = QueuePassRow
    called = p.called_at.is_not(None)
    columns = standard_columns(breach_s)
    query = select(*([key] if key is not None else []), *columns).where(_in(p.business_day, period))
    if called_only:
        query = query.where(called)
    if key is TicketEventRow.officer_id:
        query = query.outerjoin(
            TicketEventRow,
            and_(TicketEventRow.ticket_id == p.ticket_id, TicketEventRow.action == "call",
                 TicketEventRow.at == p.called_at),
        )  # fmt: skip
    if key is None:
        row = session.execute(query).one()
        return [PassCounts(None, *(int(v) for v in row))]
    rows = session.execute(query.group_by(key)).all()
    found = [PassCounts(_key(row[0]), *(int(v) for v in row[1:])) for row in rows]
    return sorted(found, key=lambda c: (c.key is None, c.key or ""))


def standard_columns(breach_s: float, only: Any = None) -> list[Any]:
    """The 10-minute standard over a group of queue passes, as ``antre sla`` decides it per pass:
    passes, called, met, breached (``PassCounts``' fields after the key). ``only``: a condition
    on the pass; the four count only the passes that meet it (the priority lane's, say)."""
    p = QueuePassRow
    called = p.called_at.is_not(None)
    breached = or_(and_(called, or_(func.coalesce(p.clock_s, 0.0) > breach_s, p.breached_at.is_not(None))),
                   and_(p.called_at.is_(None), p.breached_at.is_not(None)))  # fmt: skip
    met = and_(called, func.coalesce(p.clock_s, 0.0) <= breach_s, p.breached_at.is_(None))
    if only is not None:
        return [_count(only), *(_count(and_(only, c)) for c in (called, met, breached))]
    return [func.count(), func.count(p.called_at), _count(met), _count(breached)]


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _key(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _online(session: Session, settings: Settings, period: Period) -> OnlineFacts:
    received = session.scalar(select(func.count()).where(_in(OnlineRequestRow.day, period))) or 0
    rows = session.scalars(
        select(OnlineRequestRow)
        .options(
            load_only(OnlineRequestRow.due_date, OnlineRequestRow.answered_at, OnlineRequestRow.closed_at)
        )
        .where(_in(OnlineRequestRow.due_date, period))
    ).all()
    due = []
    for row in rows:
        served: datetime | None = served_at(row)
        due.append((row.due_date, served.astimezone(settings.tz).date() if served else None))
    return OnlineFacts(int(received), due)


def _ratings(session: Session, period: Period) -> list[dict[str, int | None]]:
    columns = [getattr(RatingRow, key) for key in ELEMENT_KEYS]
    query = select(*columns).where(
        _in(RatingRow.business_day, period), or_(*(c.is_not(None) for c in columns))
    )
    return [dict(zip(ELEMENT_KEYS, row, strict=True)) for row in session.execute(query)]


def _overall(session: Session, period: Period) -> dict[int, int]:
    query = (
        select(RatingRow.overall, func.count())
        .where(_in(RatingRow.business_day, period), RatingRow.overall.is_not(None))
        .group_by(RatingRow.overall)
    )
    return {int(score): int(n) for score, n in session.execute(query)}


def _complaints(session: Session, period: Period) -> list[ComplaintFacts]:
    query = select(
        ComplaintRow.status, ComplaintRow.kind, ComplaintRow.created_at, ComplaintRow.answered_at
    ).where(_in(ComplaintRow.day, period))
    return [
        ComplaintFacts(status, kind, (answered - created).total_seconds() if answered else None)
        for status, kind, created, answered in session.execute(query)
    ]
