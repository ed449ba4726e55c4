"""The idle-desk figure: how long a visitor waited while a desk that serves their service was open
with nobody at it. Pure: intervals in, seconds out.

The 10-minute clock follows the standard literally ("the visitor before" finished), so with
parallel desks a visitor can wait a long time on a clock of 0 while another desk sits idle. This
figure shows that time beside the clock. A desk counts as **open** while an officer is signed in
at it (the only desk history the database keeps; a desk used only with buttons never counts) and
as **busy** from calling a visitor until that visitor leaves it (done, no-show, transfer). Only
opening hours count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.domain.timing import OpeningHours

Interval = tuple[datetime, datetime]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of ``intervals`` as sorted, disjoint intervals (empty ones dropped)."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(base: Iterable[Interval], cut: Iterable[Interval]) -> list[Interval]:
    """``base`` minus ``cut`` (both any intervals): sorted, disjoint."""
    result: list[Interval] = []
    cuts = merge(cut)
    for start, end in merge(base):
        at = start
        for c_start, c_end in cuts:
            if c_end <= at or c_start >= end:
                continue
            if c_start > at:
                result.append((at, c_start))
            at = max(at, c_end)
        if at < end:
            result.append((at, end))
    return result


@dataclass(frozen=True)
class DeskDay:
    """One desk over a day: the services it serves, when it was open (signed in) and when a
    visitor was at it."""

    desk: str
    services: frozenset[str]
    open: tuple[Interval, ...]
    busy: tuple[Interval, ...]

    def idle(self) -> list[Interval]:
        return subtract(self.open, self.busy)


def idle_desk_seconds(
    service: str, waited: Interval, desks: Iterable[DeskDay], hours: OpeningHours | None = None
) -> float:
    """Seconds of ``waited`` (entering the queue to the call, or to leaving uncalled) during which
    at least one desk serving ``service`` was open and idle, inside opening hours (``hours``;
    ``None``: every second counts). Two idle desks at once count once."""
    idle = merge(i for d in desks if service in d.services for i in d.idle())
    total = 0.0
    for start, end in idle:
        start, end = max(start, waited[0]), min(end, waited[1])
        if end > start:
            total += hours.open_seconds(start, end) if hours else (end - start).total_seconds()
    return total
