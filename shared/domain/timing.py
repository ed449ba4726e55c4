"""The 10-minute standard, as the standard writes it. Pure Python: no I/O, clocks passed in.

A waiting visitor's clock starts at the later of the moment they joined the service queue (their
issue time, or a transfer in) and the moment the visitor before them in that queue finished (done,
no-show or transferred out). It runs only inside opening hours. Warning at 8 minutes, breach past
10 (configurable; a call at exactly 10:00 is met: "maksimal 10 menit"). While the hub runs, a
running clock adds up *monotonic* time, so a wall-clock jump (NTP) neither raises a false flag nor
hides a real one; wall time decides only whether the office is open.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from shared.domain.priority import PriorityPolicy, next_run, pick_in_service

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The PST office's published hours (WIB): Monday-Thursday 08:00-15:30, Friday 08:00-16:00.
DEFAULT_HOURS = {"mon": "08:00-15:30", "tue": "08:00-15:30", "wed": "08:00-15:30", "thu": "08:00-15:30",
                 "fri": "08:00-16:00"}  # fmt: skip
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
CLOSED_WORDS = ("", "closed", "tutup")

Range = tuple[time, time | None]  # (opens, closes); closes None = midnight
"""One opening range of a day, in office time."""


def parse_ranges(text: object, where: str) -> tuple[Range, ...]:
    """``"08:00-11:30, 13:00-16:00"`` -> the day's ranges, in order; ``""``/``"closed"``/``"tutup"``
    -> none (closed). ``where`` names the setting in the error."""
    if not isinstance(text, str):
        raise ValueError(f'opening hours for {where} must be a string like "08:00-15:30", got {text!r}')
    if text.strip().lower() in CLOSED_WORDS:
        return ()
    ranges: list[Range] = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            raise ValueError(
                f'opening hours for {where} must look like "08:00-15:30" or "08:00-11:30, 13:00-16:00", '
                f"got {text!r}"
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise ValueError(f"opening hours for {where}: {part.strip()!r} is not a time of day")
        opens = time(h1, m1)
        closes = None if h2 == 24 else time(h2, m2)
        if closes is not None and closes <= opens:
            raise ValueError(f"opening hours for {where}: closing must be after opening ({part.strip()})")
        if ranges and (ranges[-1][1] is None or opens < ranges[-1][1]):  # type: ignore[operator]
            raise ValueError(f"opening hours for {where}: the ranges must be in order without overlap")
        ranges.append((opens, closes))
    return tuple(ranges)


def parse_week(table: Mapping[str, object], where: str) -> dict[int, tuple[Range, ...]]:
    """``{"mon": "08:00-15:30", ...}`` -> weekday number -> ranges (a day not listed: closed)."""
    parsed: dict[int, tuple[Range, ...]] = {}
    for day, text in table.items():
        if day not in WEEKDAYS:
            raise ValueError(f"opening hours: unknown day {day!r} (use {', '.join(WEEKDAYS)})")
        parsed[WEEKDAYS.index(day)] = parse_ranges(text, f"{where}{day}")
    return parsed


@dataclass(frozen=True)
class SpecialPeriod:
    """Weekly hours that replace the usual ones from ``first`` to ``last`` (both included), e.g.
    Ramadan; holidays and collective leave still close the office."""

    name: str
    first: date
    last: date
    week: Mapping[int, tuple[Range, ...]]


@dataclass(frozen=True)
class OpeningHours:
    """When the office is open, in its time zone. For a date: a date-specific schedule
    (``dates``: a half day, an extra closed day; it wins over everything), else closed on a
    holiday or collective-leave day (``closed_days``), else a special period's week (Ramadan),
    else the usual week (``hours``). A day may have several ranges (a lunch or Friday-prayer
    break); a weekday not listed is closed."""

    tz: ZoneInfo
    hours: Mapping[int, tuple[Range, ...]]
    dates: Mapping[date, tuple[Range, ...]] = field(default_factory=dict)
    periods: tuple[SpecialPeriod, ...] = ()
    closed_days: Callable[[date], bool] | None = field(default=None, compare=False)
    _memo: dict[date, tuple[Range, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_mapping(
        cls,
        tz: ZoneInfo,
        table: Mapping[str, str] | None = None,
        dates: Mapping[date, tuple[Range, ...]] | None = None,
        periods: tuple[SpecialPeriod, ...] = (),
        closed_days: Callable[[date], bool] | None = None,
    ) -> OpeningHours:
        week = parse_week(table if table is not None else DEFAULT_HOURS, "")
        return cls(tz, week, dict(dates or {}), periods, closed_days)

    def ranges_on(self, day: date) -> tuple[Range, ...]:
        """The opening ranges of ``day`` (empty: closed all day)."""
        found = self._memo.get(day)
        if found is None:
            found = self._decide(day)
            if len(self._memo) > 400:  # a long-running hub: keep about a year of days
                self._memo.clear()
            self._memo[day] = found
        return found

    def _decide(self, day: date) -> tuple[Range, ...]:
        if day in self.dates:
            return self.dates[day]
        if self.closed_days is not None and self.closed_days(day):
            return ()
        for period in self.periods:
            if period.first <= day <= period.last:
                return period.week.get(day.weekday(), ())
        return self.hours.get(day.weekday(), ())

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        end_of_day = datetime.combine(day + timedelta(days=1), time(0), self.tz)
        return [(datetime.combine(day, opens, self.tz),
                 datetime.combine(day, closes, self.tz) if closes else end_of_day)
                for opens, closes in self.ranges_on(day)]  # fmt: skip

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        now = local.time()
        return any(
            opens <= now and (closes is None or now < closes)
            for opens, closes in self.ranges_on(local.date())
        )

    def open_seconds(self, start: datetime, end: datetime) -> float:
        """How many seconds between ``start`` and ``end`` fall inside opening hours (wall time)."""
        if end <= start:
            return 0.0
        total = 0.0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for opens, closes in self._windows(day):
                total += max((min(end, closes) - max(start, opens)).total_seconds(), 0.0)
            day += timedelta(days=1)
        return total

    def next_opening(self, at: datetime, within_days: int = 366) -> datetime | None:
        """``at`` itself when open, else the next moment the office opens (office time);
        ``None`` when nothing opens within ``within_days``."""
        if self.is_open(at):
            return at.astimezone(self.tz)
        day = at.astimezone(self.tz).date()
        for offset in range(within_days + 1):
            for opens, _closes in self._windows(day + timedelta(days=offset)):
                if opens > at:
                    return opens
        return None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the range ``at`` falls in ends (``None``: closed now)."""
        for opens, closes in self._windows(at.astimezone(self.tz).date()):
            if opens <= at < closes:
                return closes
        return None


@dataclass(frozen=True)
class PassView:
    """One visitor's stay in one service queue, as the clock needs it."""

    id: int
    code: str
    service: str
    issued_at: datetime  # the ticket's queue time (its issue time unless priority)
    ticket_id: int
    entered_at: datetime
    called_at: datetime | None = None
    left_at: datetime | None = None
    priority: bool = False
    call_seq: int | None = None  # grows with each call of the day: orders calls at the same time


class QueuedPass(Protocol):
    """What the clock reads of a pass to find its place (``PassView``, a stored pass, the book's)."""

    @property
    def issued_at(self) -> datetime: ...
    @property
    def ticket_id(self) -> int: ...
    @property
    def priority(self) -> bool: ...


class CalledPass(Protocol):
    """What the clock reads of a pass to place its call among the others."""

    @property
    def id(self) -> int: ...
    @property
    def called_at(self) -> datetime | None: ...
    @property
    def call_seq(self) -> int | None: ...
    @property
    def priority(self) -> bool: ...


_Pass = TypeVar("_Pass", bound=QueuedPass)


def pass_queue_key(item: QueuedPass) -> tuple[datetime, int]:
    """A waiting pass's place in its queue: its queue time, then ticket id (``queue_key``)."""
    return (item.issued_at, item.ticket_id)


def call_key(item: CalledPass) -> tuple[datetime, int, int]:
    """The order calls were made in: call time, then the call's sequence (calls at the same
    time, e.g. two desks within one clock reading), then the pass id (rows from before the
    sequence was kept)."""
    assert item.called_at is not None
    return (item.called_at, item.call_seq if item.call_seq is not None else -1, item.id)


def clock_pick(priority_head: _Pass | None, ordinary_head: _Pass | None, run: int,
               policy: PriorityPolicy) -> _Pass | None:  # fmt: skip
    """The waiting pass whose clock runs in a queue: the one its next call would pick (the
    policy's ``pick_in_service`` over the first waiting priority pass and the first waiting
    ordinary one, with the service's current ``run`` of priority calls)."""
    return pick_in_service(priority_head, ordinary_head, run, policy, key=pass_queue_key)


def service_run(passes: Iterable[CalledPass]) -> int:
    """A service's run of priority calls from its passes of the day, in any order (``trailing_run``
    in ``call_key`` order): how the hub's book and a restarted hub find it."""
    run = 0
    for item in sorted((p for p in passes if p.called_at is not None), key=call_key):
        run = next_run(run, item.priority)
    return run


def served_order(passes: Iterable[PassView], policy: PriorityPolicy | None = None) -> list[PassView]:
    """One service queue in the order its visitors are (or will be) served: the passes already
    called, in the order they were called (``call_key``), then the waiting ones in the order the
    service's next calls would pick them (``clock_pick`` with the run as it would go on, the
    fairness bound included; no one new assumed). A pass's ``issued_at`` is its ticket's queue
    time, so a priority ticket stands ahead by the head start. A pass that left without a call
    (expired) has no place in it. A transferred visitor keeps their issue time, so they are called
    before those issued after them; this order puts them where they were actually served."""
    policy = policy or PriorityPolicy()
    items = list(passes)
    called = sorted((p for p in items if p.called_at is not None), key=call_key)
    waiting = sorted((p for p in items if p.called_at is None and p.left_at is None), key=pass_queue_key)
    lines = {kind: deque(p for p in waiting if bool(p.priority) is kind) for kind in (True, False)}
    run = service_run(called)
    foreseen: list[PassView] = []
    while lines[True] or lines[False]:
        heads = [lines[kind][0] if lines[kind] else None for kind in (True, False)]
        pick = clock_pick(heads[0], heads[1], run, policy)
        assert pick is not None
        lines[bool(pick.priority)].popleft()
        foreseen.append(pick)
        run = next_run(run, pick.priority)
    return [*called, *foreseen]


def head_clock_start(head: PassView, last_called: PassView | None) -> datetime | None:
    """When the clock of ``head`` (the waiting visitor the queue's next call would pick) starts:
    "the visitor before" is the one served just before them in the queue's actual order, the last
    one called (``last_called``). No one called yet: at their entering the queue. That visitor
    not finished yet: not started (``None``). Otherwise the later of their entering and that
    finish."""
    if last_called is None:
        return head.entered_at
    if last_called.left_at is None:
        return None
    return max(head.entered_at, last_called.left_at)


def clock_starts(
    passes: Iterable[PassView], policy: PriorityPolicy | None = None
) -> dict[int, datetime | None]:
    """For each waiting pass (not called, not left) of ONE service queue, when its clock started
    (``None``: not running). ``passes`` holds every pass of the queue that day, waiting or not;
    order does not matter. Only the visitor the queue's next call would pick can have a clock
    (``served_order``'s first waiting one): everyone else waits on a visitor not yet served."""
    ordered = served_order(passes, policy)
    starts: dict[int, datetime | None] = {}
    last_called: PassView | None = None
    for item in ordered:
        if item.called_at is not None:
            last_called = item
        elif not starts:
            starts[item.id] = head_clock_start(item, last_called)
        else:
            starts[item.id] = None
    return starts


@dataclass(frozen=True)
class SlaLimits:
    warning_s: float = 480.0
    breach_s: float = 600.0

    def __post_init__(self) -> None:
        if not 0 < self.warning_s < self.breach_s:
            raise ValueError("the SLA warning must come before the breach, both above zero")

    def breached(self, clock_s: float) -> bool:
        """Past the standard. "Maksimal 10 menit": a call at exactly ``breach_s`` is met."""
        return clock_s > self.breach_s

    def level(self, clock_s: float) -> str | None:
        # The warning is reached at its mark; the breach only past the limit (see ``breached``).
        if self.breached(clock_s):
            return "breach"
        if clock_s >= self.warning_s:
            return "warning"
        return None


@dataclass
class RunningClock:
    pass_id: int
    code: str
    service: str
    clock_s: float  # open-hours seconds counted so far
    last_mono: float
    levels_sent: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class SlaAlert:
    pass_id: int
    code: str
    service: str
    level: str
    clock_s: float


class SlaTracker:
    """The running clocks of waiting visitors, advanced on a monotonic clock."""

    def __init__(self, limits: SlaLimits, hours: OpeningHours) -> None:
        self.limits = limits
        self.hours = hours
        self.running: dict[int, RunningClock] = {}

    def start(self, view: PassView, started_at: datetime, wall_now: datetime, mono_now: float,
              levels_sent: Iterable[str] = ()) -> None:  # fmt: skip
        """Begin (or keep) ``view``'s clock; a clock started in the past (a hub restart) counts
        the open-hours time since ``started_at`` by the wall clock, the only record there is."""
        if view.id in self.running:
            return
        counted = self.hours.open_seconds(started_at, wall_now)
        self.running[view.id] = RunningClock(
            view.id, view.code, view.service, counted, mono_now, set(levels_sent)
        )

    def stop(self, pass_id: int) -> float | None:
        """Stop a clock (the visitor was called or left); its reading, if it ran."""
        clock = self.running.pop(pass_id, None)
        return clock.clock_s if clock else None

    def tick(self, wall_now: datetime, mono_now: float) -> list[SlaAlert]:
        """Advance every running clock; the alerts of levels newly reached (each once)."""
        is_open = self.hours.is_open(wall_now)
        alerts: list[SlaAlert] = []
        for clock in self.running.values():
            if is_open:
                clock.clock_s += max(mono_now - clock.last_mono, 0.0)
            clock.last_mono = mono_now
            level = self.limits.level(clock.clock_s)
            reached = (
                ["warning", "breach"] if level == "breach" else ["warning"] if level == "warning" else []
            )
            for name in reached:
                if name not in clock.levels_sent:
                    clock.levels_sent.add(name)
                    alerts.append(SlaAlert(clock.pass_id, clock.code, clock.service, name, clock.clock_s))
        return alerts


def business_day_of(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()
