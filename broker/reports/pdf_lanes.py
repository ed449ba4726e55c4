"""The PDF report's section on the priority lane and the desk actions (``lanes.LaneFigures``):
priority visits apart from ordinary ones, out-of-order calls by reason and by desk, parked visits
and returns to the queue. Written into the report's document (``pdf._Doc``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker.reports.lanes import Lane, LaneFigures
from broker.reports.texts import mmss, number, percent, t

if TYPE_CHECKING:
    from broker.reports.pdf import _Doc

WIDTH_MM = 174  # A4 less the margins


def summary_rows(lanes: LaneFigures, lg: str) -> list[list[str]]:
    """The summary table's lines: priority visits and their share, out-of-order calls."""
    return [
        [t("priority_visits", lg),
         f"{number(lanes.priority.visits, 0, lg)} ({percent(lanes.priority_share, lg)})"],
        [t("out_of_order_calls", lg), number(lanes.out_of_order_total, 0, lg)],
    ]  # fmt: skip


def lanes_section(doc: _Doc, lanes: LaneFigures, heading: str) -> None:
    lg = doc.lg
    start = len(doc.story)
    doc.para(f"{heading}. {t('lanes', lg)}", "h1")
    # The wait headers on two lines: one would fill its column edge to edge.
    waits = [t(key, lg).replace(" ", "\n") for key in ("median_wait", "p90_wait")]
    header = [t("lane", lg), t("visits_short", lg), "%", t("called", lg), *waits, t("met", lg),
              t("breached", lg), "% 10 min"]  # fmt: skip
    rows = [_lane_row(lane, lanes.visits, lg) for lane in (lanes.ordinary, lanes.priority)]
    doc.table(header, rows, [24, 20, 14, 18, 24, 20, 18, 18, 18])
    categories = doc.table(
        [t("priority_category", lg), t("count", lg)],
        [[t(f"cat_{c}", lg), number(n, 0, lg)] for c, n in lanes.categories]
        + [[t("total", lg), number(lanes.priority.visits, 0, lg)]],
        [50, 16],
        add=False,
    )
    reasons = doc.table(
        [f"{t('out_of_order_calls', lg)}: {t('reason', lg).lower()}", t("count", lg)],
        [[t(f"reason_{r}", lg), number(n, 0, lg)] for r, n in lanes.out_of_order]
        + [[t("total", lg), number(lanes.out_of_order_total, 0, lg)]],
        [70, 16],
        add=False,
    )
    doc.side_by_side(categories, reasons)
    doc.para(t("desk_actions", lg), "h2")
    _by_desk(doc, lanes)
    # How each hold ended (they add up to the holds), and how many visits were parked.
    doc.table(
        [t("hold_endings", lg), t("count", lg)],
        [[t(f"ended_{e}", lg), number(n, 0, lg)] for e, n in lanes.hold_endings]
        + [[t("holds", lg), number(lanes.holds, 0, lg)],
           [t("parked_visits", lg), number(lanes.parked_visits, 0, lg)]],
        [62, 22],
    )  # fmt: skip
    doc.para(t("lanes_note", lg), "note")
    doc.keep_together(start)  # half a page: read as one, not split over two


def _lane_row(lane: Lane, visits: int, lg: str) -> list[str]:
    c = lane.compliance
    return [
        t("lane_priority" if lane.priority else "lane_ordinary", lg),
        number(lane.visits, 0, lg),
        percent(lane.visits / visits if visits else None, lg),
        number(lane.raw_wait.count, 0, lg),
        mmss(lane.raw_wait.median),
        mmss(lane.raw_wait.p90),
        number(c.met, 0, lg),
        number(c.breached, 0, lg),
        percent(c.share, lg),
    ]


def _by_desk(doc: _Doc, lanes: LaneFigures) -> None:
    """One column per desk (the desks are few, the reasons' names long), then the total."""
    lg = doc.lg
    desks = lanes.by_desk
    first = 62
    column = min(22.0, (WIDTH_MM - first) / (len(desks) + 1))
    reasons = [r for r, _n in lanes.out_of_order]
    lines: list[tuple[str, list[int], int]] = [
        (t(f"reason_{r}", lg), [d.out_of_order.get(r, 0) for d in desks], n) for r, n in lanes.out_of_order
    ]
    lines.insert(0, (t("out_of_order_calls", lg), [d.out_of_order_total for d in desks],
                     lanes.out_of_order_total))  # fmt: skip
    lines += [
        (t("holds", lg), [d.holds for d in desks], lanes.holds),
        (t("resumes", lg), [d.resumes for d in desks], lanes.resumes),
        (t("returns", lg), [d.returns for d in desks], lanes.returns),
    ]
    rows = [
        [f"  {label}" if 0 < index <= len(reasons) else label,
         *(number(n, 0, lg) for n in counts), number(total, 0, lg)]
        for index, (label, counts, total) in enumerate(lines)
    ]  # fmt: skip
    header = [t("desk", lg), *(d.label or "-" for d in desks), t("total", lg)]
    doc.table(header, rows, [first, *([column] * (len(desks) + 1))])
