"""The report's reads for the priority lane and the desk actions (issue 18).

Priority visits are the tickets issued with the priority flag (``tickets.priority``, its stated
category ``tickets.priority_category``); their waits and the 10-minute standard are read per queue
pass by the pass's own flag (``queue_passes.priority``), with the rules of ``broker.reports.data``
(``standard_columns``, ``wait_of``). Out-of-order calls are the ticket events
``out_of_order:<reason>`` written with the call (``shared.domain.desk_actions``); parking and
returning are the events ``hold``, ``resume`` and ``return``. Counts only, no personal data.

The events are few but sit among every ticket's steps, so they are read once, per business day
(``lane_events``): the console's period page keeps a past day's (``period_sql.day_lanes``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from broker.reports.data import PassCounts, Period, _in, raw_time, standard_columns, utc, wait_of
from shared.store.models import QueuePassRow, TicketEventRow, TicketRow

OUT_OF_ORDER = "out_of_order:"
PARK_ACTIONS = ("hold", "resume", "return")
HOLD_ENDINGS = ("resumed", "returned", "open")  # a hold ended by a call back, a return, or neither yet


@dataclass(frozen=True)
class LaneEvents:
    """The desk actions of some days: events per (desk, action), how each hold ended, and how many
    visits were parked at least once."""

    desk_events: dict[tuple[str, str], int] = field(default_factory=dict)  # (desk or "", action)
    hold_endings: dict[str, int] = field(default_factory=dict)  # HOLD_ENDINGS -> holds
    parked_visits: int = 0

    @staticmethod
    def merge(parts: Iterable[LaneEvents]) -> LaneEvents:
        """Several days' events as one (a ticket's events all belong to its business day)."""
        desk_events: Counter[tuple[str, str]] = Counter()
        endings: Counter[str] = Counter()
        parked = 0
        for part in parts:
            desk_events.update(part.desk_events)
            endings.update(part.hold_endings)
            parked += part.parked_visits
        return LaneEvents(dict(desk_events), dict(endings), parked)


@dataclass(frozen=True)
class LaneData:
    visits: dict[bool, int]  # tickets issued in the period, by the priority flag
    categories: dict[str, int]  # priority tickets by the category stated at the kiosk ("": none)
    waits: dict[bool, list[tuple[float, float]]]  # called passes by their flag: (raw wait s, clock s)
    standard: dict[bool, PassCounts]  # the 10-minute standard over the passes, by their flag
    events: LaneEvents


def read_lanes(session: Session, period: Period, breach_s: float) -> LaneData:
    """The period's lane and desk-action facts (the monthly report's), in four queries."""
    t = TicketRow
    visits: Counter[bool] = Counter()
    categories: Counter[str] = Counter()
    for flag, category, n in session.execute(
        select(t.priority, t.priority_category, func.count())
        .where(_in(t.business_day, period))
        .group_by(t.priority, t.priority_category)
    ):
        visits[bool(flag)] += int(n)
        if flag:
            categories[str(category or "")] += int(n)
    p = QueuePassRow
    query = select(p.priority, *standard_columns(breach_s)).where(_in(p.business_day, period))
    standard = {
        bool(row[0]): PassCounts(None, *(int(v) for v in row[1:]))
        for row in session.execute(query.group_by(p.priority))
    }
    return LaneData(
        visits=dict(visits), categories=dict(categories), waits=_waits(session, period), standard=standard,
        events=LaneEvents.merge(lane_events(session, period).values()),
    )  # fmt: skip


def _waits(session: Session, period: Period) -> dict[bool, list[tuple[float, float]]]:
    p = QueuePassRow
    query = select(raw_time(p.called_at), raw_time(p.entered_at), p.clock_s, p.priority).where(
        _in(p.business_day, period), p.called_at.is_not(None)
    )
    found: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for called, entered, clock, flag in session.execute(query):
        found[bool(flag)].append(wait_of(utc(called), utc(entered), clock))
    return found


def lane_events(session: Session, period: Period) -> dict[date, LaneEvents]:
    """Per business day with any: its out-of-order calls, holds, call-backs and returns."""
    e = TicketEventRow
    query = (
        select(TicketRow.business_day, e.ticket_id, e.desk, e.action)
        .join(TicketRow, TicketRow.id == e.ticket_id)
        .where(_in(TicketRow.business_day, period),
               or_(e.action.in_(PARK_ACTIONS), e.action.like(f"{OUT_OF_ORDER}%")))
        .order_by(e.ticket_id, e.at, e.id)
    )  # fmt: skip
    by_day: dict[date, list[tuple[Any, ...]]] = {}
    for day, ticket, desk, action in session.execute(query):
        by_day.setdefault(day, []).append((ticket, str(desk or ""), str(action)))
    return {day: _day_events(rows) for day, rows in by_day.items()}


def _day_events(rows: list[tuple[Any, ...]]) -> LaneEvents:
    """One day's events, in order per ticket: a hold ends at the ticket's next resume or return,
    else it is still open (the visitor still parked, or the day closed without them)."""
    desk_events: Counter[tuple[str, str]] = Counter()
    endings: Counter[str] = Counter()
    parked: set[Any] = set()
    held: set[Any] = set()  # tickets parked now, as the events are read
    for ticket, desk, action in rows:
        desk_events[(desk, action)] += 1
        if action == "hold":
            parked.add(ticket)
            held.add(ticket)
        elif action in ("resume", "return") and ticket in held:
            held.discard(ticket)
            endings["resumed" if action == "resume" else "returned"] += 1
    endings["open"] += len(held)
    return LaneEvents(dict(desk_events), {k: endings[k] for k in HOLD_ENDINGS}, len(parked))
