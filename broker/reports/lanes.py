"""The priority lane and the desk actions as figures (issue 18): pure arithmetic over ``LaneData``.

Shared by the monthly report (``figures.Figures.lanes``) and the console's period page
(``period.PeriodFigures.lanes``): priority visits apart from ordinary ones (visits, categories,
waits, the 10-minute standard), out-of-order calls by reason and by desk, parked visits and
returns to the queue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from broker.reports.data import PassCounts
from broker.reports.figures import Compliance, share
from broker.reports.lane_data import HOLD_ENDINGS, OUT_OF_ORDER, LaneData
from broker.reports.sla import Stats
from shared.domain.priority import CALL_REASONS, PRIORITY_CATEGORIES

UNSTATED = "unstated"  # a priority ticket issued without a category


@dataclass(frozen=True)
class Lane:
    """One lane (ordinary or priority) over the period."""

    priority: bool
    visits: int  # tickets issued in it
    raw_wait: Stats  # ticket (or return, transfer) to the call, per called pass
    clock_at_call: Stats  # the standard's clock at the call
    compliance: Compliance  # the 10-minute standard over its queue passes


@dataclass(frozen=True)
class DeskActions:
    """One desk's out-of-order calls by reason, parked visitors, call-backs and returns."""

    desk: str  # desk id ("" when the event has none)
    label: str
    out_of_order: dict[str, int]  # reason -> calls, every reason of CALL_REASONS (then any other)
    holds: int
    resumes: int
    returns: int

    @property
    def out_of_order_total(self) -> int:
        return sum(self.out_of_order.values())


@dataclass(frozen=True)
class LaneFigures:
    ordinary: Lane
    priority: Lane
    categories: list[tuple[str, int]]  # PRIORITY_CATEGORIES order, then UNSTATED when any
    out_of_order: list[tuple[str, int]]  # reason, calls: CALL_REASONS order, then any other
    by_desk: list[DeskActions]  # desks with any of these events
    holds: int  # times a visitor was parked
    resumes: int  # times a parked visitor was called back
    returns: int  # times a visitor was sent back to the queue (from the desk or parked)
    parked_visits: int  # visits parked at least once
    hold_endings: list[tuple[str, int]]  # HOLD_ENDINGS: how each hold ended (they add up to holds)

    @property
    def visits(self) -> int:
        return self.ordinary.visits + self.priority.visits

    @property
    def priority_share(self) -> float | None:
        return share(self.priority.visits, self.visits)

    @property
    def out_of_order_total(self) -> int:
        return sum(n for _reason, n in self.out_of_order)


def build_lanes(data: LaneData, desk_names: dict[str, str]) -> LaneFigures:
    lanes = {
        flag: Lane(
            priority=flag,
            visits=data.visits.get(flag, 0),
            raw_wait=Stats.of([raw for raw, _clock in data.waits.get(flag, [])]),
            clock_at_call=Stats.of([clock for _raw, clock in data.waits.get(flag, [])]),
            compliance=_compliance(data.standard.get(flag), "priority" if flag else "ordinary"),
        )
        for flag in (False, True)
    }
    categories = [(c, data.categories.get(c, 0)) for c in PRIORITY_CATEGORIES]
    unstated = sum(n for c, n in data.categories.items() if c not in PRIORITY_CATEGORIES)
    if unstated:
        categories.append((UNSTATED, unstated))
    reasons: Counter[str] = Counter()
    desks: dict[str, Counter[str]] = {}
    for (desk, action), n in sorted(data.events.desk_events.items()):
        desks.setdefault(desk, Counter())[action] += n
        if action.startswith(OUT_OF_ORDER):
            reasons[action.removeprefix(OUT_OF_ORDER)] += n
    order = [*CALL_REASONS, *sorted(set(reasons) - set(CALL_REASONS))]
    by_desk = [
        DeskActions(
            desk=desk, label=desk_names.get(desk, desk),
            out_of_order={r: counts.get(OUT_OF_ORDER + r, 0) for r in order
                          if r in CALL_REASONS or counts.get(OUT_OF_ORDER + r)},
            holds=counts.get("hold", 0), resumes=counts.get("resume", 0), returns=counts.get("return", 0),
        )
        for desk, counts in sorted(desks.items(), key=lambda item: (item[0] == "", item[0]))
    ]  # fmt: skip
    return LaneFigures(
        ordinary=lanes[False], priority=lanes[True], categories=categories,
        out_of_order=[(r, reasons.get(r, 0)) for r in order], by_desk=by_desk,
        holds=sum(d.holds for d in by_desk), resumes=sum(d.resumes for d in by_desk),
        returns=sum(d.returns for d in by_desk), parked_visits=data.events.parked_visits,
        hold_endings=[(e, data.events.hold_endings.get(e, 0)) for e in HOLD_ENDINGS],
    )  # fmt: skip


def _compliance(counts: PassCounts | None, key: str) -> Compliance:
    c = counts or PassCounts(None, 0, 0, 0, 0)
    return Compliance(key, key, c.passes, c.called, c.met, c.breached, c.not_called)
