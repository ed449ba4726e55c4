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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The PST office's published hours (WIB): Monday-Thursday 08:00-15:30, Friday 08:00-16:00.
DEFAULT_HOURS = {"mon": "08:00-15:30", "tue": "08:00-15:30", "wed": "08:00-15:30", "thu": "08:00-15:30",
                 "fri": "08:00-16:00"}  # fmt: skip
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours per weekday in the office's time zone; a day not listed is closed."""

    tz: ZoneInfo
    hours: Mapping[int, tuple[time, time | None]]  # weekday -> (open, close); None close = midnight

    @classmethod
    def from_mapping(cls, tz: ZoneInfo, table: Mapping[str, str] | None = None) -> OpeningHours:
        parsed: dict[int, tuple[time, time | None]] = {}
        for day, text in (table if table is not None else DEFAULT_HOURS).items():
            if day not in WEEKDAYS:
                raise ValueError(f"opening hours: unknown day {day!r} (use {', '.join(WEEKDAYS)})")
            match = _RANGE.match(str(text).strip())
            if not match:
                raise ValueError(f'opening hours for {day} must look like "08:00-15:30", got {text!r}')
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if (h2, m2) == (24, 0):
                close: time | None = None
            else:
                close = time(h2, m2)
                if close <= time(h1, m1):
                    raise ValueError(f"opening hours for {day}: closing must be after opening")
            parsed[WEEKDAYS.index(day)] = (time(h1, m1), close)
        return cls(tz, parsed)

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        window = self.hours.get(local.weekday())
        if window is None:
            return False
        opens, closes = window
        return opens <= local.time() and (closes is None or local.time() < closes)

    def open_seconds(self, start: datetime, end: datetime) -> float:
        """How many seconds between ``start`` and ``end`` fall inside opening hours (wall time)."""
        if end <= start:
            return 0.0
        total = 0.0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            window = self.hours.get(day.weekday())
            if window is not None:
                opens = datetime.combine(day, window[0], self.tz)
                closes = datetime.combine(day, window[1], self.tz) if window[1] else datetime.combine(
                    day + timedelta(days=1), time(0), self.tz)  # fmt: skip
                overlap = (min(end, closes) - max(start, opens)).total_seconds()
                total += max(overlap, 0.0)
            day += timedelta(days=1)
        return total


@dataclass(frozen=True)
class PassView:
    """One visitor's stay in one service queue, as the clock needs it."""

    id: int
    code: str
    service: str
    issued_at: datetime
    ticket_id: int
    entered_at: datetime
    called_at: datetime | None = None
    left_at: datetime | None = None


def served_order(passes: Iterable[PassView]) -> list[PassView]:
    """One service queue in the order its visitors are (or will be) served: the passes already
    called, by call time, then the waiting ones in the queue's FIFO (issue time, then ticket id,
    as ``shared.domain.queue`` calls them). A pass that left without a call (expired) has no
    place in it. A transferred visitor keeps their issue time, so they are called before those
    issued after them; this order puts them where they were actually served."""
    items = list(passes)
    called = sorted((p for p in items if p.called_at is not None), key=lambda p: (p.called_at, p.id))
    waiting = sorted((p for p in items if p.called_at is None and p.left_at is None),
                     key=lambda p: (p.issued_at, p.ticket_id))  # fmt: skip
    return [*called, *waiting]


def head_clock_start(head: PassView, last_called: PassView | None) -> datetime | None:
    """When the clock of ``head`` (the first waiting visitor of a queue) starts: "the visitor
    before" is the one served just before them in the queue's actual order, the last one called
    (``last_called``). No one called yet: at their entering the queue. That visitor not finished
    yet: not started (``None``). Otherwise the later of their entering and that finish."""
    if last_called is None:
        return head.entered_at
    if last_called.left_at is None:
        return None
    return max(head.entered_at, last_called.left_at)


def clock_starts(passes: Iterable[PassView]) -> dict[int, datetime | None]:
    """For each waiting pass (not called, not left) of ONE service queue, when its clock started
    (``None``: the visitor before them has not finished yet). ``passes`` holds every pass of the
    queue that day, waiting or not; order does not matter. Only the head of the waiting line can
    have a clock: everyone behind them waits on a visitor not yet served."""
    ordered = served_order(passes)
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
