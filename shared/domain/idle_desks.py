"""The idle-desk figure: how long a visitor waited while a desk that serves their service was open
with nobody at it. Pure: intervals in, seconds out.

The 10-minute clock follows the standard literally ("the visitor before" finished), so with
parallel desks a visitor can wait a long time on a clock of 0 while another desk sits idle. This
figure shows that time beside the clock. A desk counts as **open** while an officer is signed in
at it, or while its open/close history says it is open (``DeskChange``: ``next`` or ``open`` at a
closed desk opens it, ``close`` closes it; the only record a button-only desk has), except while
its history says it is closed: a desk on a break (``close``) is not open even with its officer
still signed in, it serves nobody. Days without history (before ``desk_history``) count by the
sign-ins alone. A desk is **busy** from calling a visitor until that visitor leaves it (done,
no-show, transfer). Only opening hours count.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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
    """One desk over a day: the services it serves, when it was open (signed in or opened by its
    history, less its closed stretches) and when a visitor was at it."""

    desk: str
    services: frozenset[str]
    open: tuple[Interval, ...]
    busy: tuple[Interval, ...]

    def idle(self) -> list[Interval]:
        return subtract(self.open, self.busy)

    def idle_at(self, at: datetime) -> bool:
        """Open and idle at the moment ``at`` (intervals taken as [start, end): a desk signed out
        or a visitor called at ``at`` is not idle then)."""
        return any(start <= at < end for start, end in self.idle())


@dataclass(frozen=True)
class DeskChange:
    """A desk opening (``opened``) or closing at ``at`` (a ``desk_history`` row)."""

    desk: str
    opened: bool
    at: datetime


@dataclass(frozen=True)
class OpenPeriod:
    """A stretch a desk was open (or closed) by its history: a ``SignedIn`` to ``desk_days``."""

    desk: str | None
    started_at: datetime
    ended_at: datetime | None


def open_periods(changes: Iterable[DeskChange]) -> list[OpenPeriod]:
    """The open stretches of ``changes`` (in the order made; each desk's first one may come from
    before the time asked about: a desk open then is open from its opening). A desk still open
    has ``ended_at`` ``None``; a second opening or closing in a row changes nothing."""
    return _stretches(changes, opened=True)


def closed_periods(changes: Iterable[DeskChange]) -> list[OpenPeriod]:
    """The closed stretches of ``changes``, from a closing to the next opening (``None``: still
    closed): a break, or the time after signing out. ``desk_days`` takes them off the sign-ins."""
    return _stretches(changes, opened=False)


def _stretches(changes: Iterable[DeskChange], opened: bool) -> list[OpenPeriod]:
    began: dict[str, datetime] = {}
    periods = []
    for change in changes:
        if change.opened == opened:
            began.setdefault(change.desk, change.at)
        elif change.desk in began:
            periods.append(OpenPeriod(change.desk, began.pop(change.desk), change.at))
    periods += [OpenPeriod(desk, at, None) for desk, at in began.items()]
    return periods


class SignedIn(Protocol):
    """A stretch an officer was signed in at a desk (a ``staff_sessions`` row)."""

    @property
    def desk(self) -> str | None: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...


class AtDesk(Protocol):
    """A queue pass as the figure reads it: at which desk, from the call until leaving it."""

    @property
    def desk(self) -> str | None: ...
    @property
    def called_at(self) -> datetime | None: ...
    @property
    def left_at(self) -> datetime | None: ...


def desk_days(
    desks: Iterable[tuple[str, Iterable[str]]],
    signed_in: Sequence[SignedIn],
    passes: Sequence[AtDesk],
    until: datetime,
    closed: Sequence[SignedIn] = (),
) -> list[DeskDay]:
    """Each desk (id, services) with its open stretches (``signed_in``: sign-ins and the history's
    ``open_periods``, less the history's ``closed`` ones: a break) and busy ones (``passes`` called
    at it), what is still going on ending at ``until``. The reports pass the end of what they
    count; the live states pass a moment past now, so ``DeskDay.idle_at(now)`` holds for a desk
    idle now."""

    def stretches(periods: Sequence[SignedIn], desk: str) -> list[Interval]:
        return [(p.started_at, p.ended_at or until) for p in periods if p.desk == desk]

    return [
        DeskDay(
            desk,
            frozenset(services),
            tuple(subtract(stretches(signed_in, desk), stretches(closed, desk))),
            tuple((p.called_at, p.left_at or until) for p in passes if p.desk == desk and p.called_at),
        )
        for desk, services in desks
    ]


def live_seconds(
    published_s: float, since: datetime, now: datetime, idle_now: bool, hours: OpeningHours | None = None
) -> float:
    """The figure read at ``now`` from what the hub published at ``since``: ``published_s`` then,
    plus the time since while a desk serving the visitor was still idle (``idle_now``; inside
    opening hours when ``hours`` is given). The hub publishes again when a desk's state changes."""
    if not idle_now or now <= since:
        return published_s
    more = hours.open_seconds(since, now) if hours else (now - since).total_seconds()
    return published_s + more


def idle_desk_seconds(
    service: str, waited: Interval, desks: Iterable[DeskDay], hours: OpeningHours | None = None
) -> float:
    """Seconds of ``waited`` (entering the queue to the call, or to leaving uncalled) during which
    at least one desk serving ``service`` was open and idle, inside opening hours (``hours``;
    ``None``: every second counts). Two idle desks at once count once."""
    return IdleTimes.of(service, desks).seconds(waited, hours)


@dataclass(frozen=True)
class IdleTimes:
    """When at least one desk serving a service was open and idle, over a day: sorted, disjoint.
    Worked out once per service and day, then asked for each waiting visitor (a month of passes
    would otherwise merge every desk's day again for each of them)."""

    intervals: tuple[Interval, ...]

    @classmethod
    def of(cls, service: str, desks: Iterable[DeskDay]) -> IdleTimes:
        return cls(tuple(merge(i for d in desks if service in d.services for i in d.idle())))

    def seconds(self, waited: Interval, hours: OpeningHours | None = None) -> float:
        """``idle_desk_seconds`` of ``waited``: only the intervals that overlap it are visited."""
        total = 0.0
        # The first interval that ends after the wait began (ends are sorted as the intervals are).
        first = bisect_right(self.intervals, waited[0], key=lambda i: i[1])
        for start, end in self.intervals[first:]:
            if start >= waited[1]:
                break
            start, end = max(start, waited[0]), min(end, waited[1])
            if end > start:
                total += hours.open_seconds(start, end) if hours else (end - start).total_seconds()
        return total
