"""The plain records the counter's view-model keeps and the view reads: the waiting list with its
tickets' clocks, and the last answer of the hub (no I/O, no Kivy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TicketClock:
    """A waiting ticket's 10-minute-standard clock: seconds since it started (None: not started,
    the visitor before them is still being served) and the level the hub says it reached."""

    clock_s: float | None
    level: str | None = None  # None | "warning" | "breach"


TicketClocks = Callable[[str], TicketClock | None]
"""The clock of a waiting ticket by code, or ``None`` when unknown. By default the view-model reads
the ``clocks`` of the queue states; a test or another source can be plugged in instead."""


@dataclass(frozen=True)
class WaitingTicket:
    code: str
    service: str
    clock: TicketClock | None = None
    priority: bool = False  # a priority-lane ticket (the queue state's ``priority``)
    # Seconds waited in the queue while a desk serving it was open and idle (the queue state's
    # ``idle_desk_s``, running on while a desk is still idle): docs/clocks.md, parallel desks.
    idle_desk_s: float = 0.0


@dataclass(frozen=True)
class WaitingSection:
    service: str
    name: str
    count: int  # all waiting; ``tickets`` is the head the hub sends (at most 50)
    tickets: tuple[WaitingTicket, ...]
    idle_desks: tuple[str, ...] = ()  # the desks serving it open with nobody at them (ids)


@dataclass(frozen=True)
class LastAnswer:
    """The last thing the hub (or the staff API) said, kept raw so it renders in either language.
    ``answer`` is a hub answer (no personal data in it); ``key`` a local text key."""

    kind: str  # "ok" | "error"
    answer: dict[str, Any] | None = None
    key: str | None = None
    mine: bool = True  # False: a hardware button or keypad at this desk sent it
