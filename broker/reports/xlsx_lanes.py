"""The XLSX report's sheet on the priority lane and the desk actions (``lanes.LaneFigures``):
the same tables as the PDF's section, numbers as numbers, waits in minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from broker.reports.lanes import LaneFigures
from broker.reports.texts import t

if TYPE_CHECKING:
    from broker.reports.xlsx import _Sheet

MINUTES = "0.00"
PERCENT = "0.0%"


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def summary_rows(lanes: LaneFigures, lg: str) -> list[list[Any]]:
    return [
        [t("priority_visits", lg), lanes.priority.visits],
        [t("out_of_order_calls", lg), lanes.out_of_order_total],
    ]


def lanes_sheet(s: _Sheet, lanes: LaneFigures) -> None:
    lg = s.language
    m = t("minutes", lg)
    s.heading(t("lanes", lg))
    rows = []
    for lane in (lanes.ordinary, lanes.priority):
        c = lane.compliance
        rows.append([t("lane_priority" if lane.priority else "lane_ordinary", lg), lane.visits,
                     lane.visits / lanes.visits if lanes.visits else None, lane.raw_wait.count,
                     _min(lane.raw_wait.median), _min(lane.raw_wait.p90), c.met, c.breached,
                     c.share])  # fmt: skip
    s.table([t("lane", lg), t("visits_short", lg), t("percent", lg), t("called", lg),
             f"{t('median_wait', lg)} ({m})", f"{t('p90_wait', lg)} ({m})", t("met", lg), t("breached", lg),
             t("met_share", lg)], rows, {3: PERCENT, 5: MINUTES, 6: MINUTES, 9: PERCENT})  # fmt: skip
    s.heading(t("priority_category", lg))
    s.table([t("priority_category", lg), t("count", lg)],
            [[t(f"cat_{c}", lg), n] for c, n in lanes.categories]
            + [[t("total", lg), lanes.priority.visits]])  # fmt: skip
    s.heading(t("out_of_order_calls", lg))
    s.table([t("reason", lg), t("count", lg)],
            [[t(f"reason_{r}", lg), n] for r, n in lanes.out_of_order]
            + [[t("total", lg), lanes.out_of_order_total]])  # fmt: skip
    s.heading(t("desk_actions", lg))
    reasons = [r for r, _n in lanes.out_of_order]
    s.table([t("desk", lg), "", t("out_of_order_calls", lg), *(t(f"reason_{r}", lg) for r in reasons),
             t("holds", lg), t("resumes", lg), t("returns", lg)],
            [[d.desk or "-", d.label, d.out_of_order_total, *(d.out_of_order.get(r, 0) for r in reasons),
              d.holds, d.resumes, d.returns] for d in lanes.by_desk])  # fmt: skip
    s.heading(t("hold_endings", lg))
    s.table([t("figure", lg), t("count", lg)],
            [[t(key, lg), n] for key, n in (
                ("holds", lanes.holds), ("resumes", lanes.resumes), ("returns", lanes.returns),
                ("parked_visits", lanes.parked_visits))]
            + [[t(f"ended_{e}", lg), n] for e, n in lanes.hold_endings])  # fmt: skip
    s.note(t("lanes_note", lg))
    s.widths(30, 14, 16, 14, 16, 16, 14, 14, 14, 14)
