"""The records and ports of the counter's view-model (plain Python, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from counter.staff_client import SignedIn
from shared.contract.staff_bodies import OnlineItem, OnlineList, Visitor

Job = Callable[[], None]


class StaffPort(Protocol):
    def signin(self, desk: str, officer: str, pin: str) -> SignedIn: ...
    def signout(self, token: str) -> None: ...
    def visitor(self, token: str) -> Visitor | None: ...
    def online_list(self, token: str, which: str = "open") -> OnlineList: ...
    def online_add(
        self, token: str, channel: str, contact: str, subject: str, complete_at: str | None, request_id: str
    ) -> OnlineItem: ...
    def online_act(self, token: str, number: str, action: str, text: str, request_id: str) -> OnlineItem: ...


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


@dataclass(frozen=True)
class WaitingSection:
    service: str
    name: str
    count: int  # all waiting; ``tickets`` is the head the hub sends (at most 50)
    tickets: tuple[WaitingTicket, ...]


@dataclass(frozen=True)
class LastAnswer:
    """The last thing the hub (or the staff API) said, kept raw so it renders in either language.
    ``answer`` is a hub answer (no personal data in it); ``key`` a local text key."""

    kind: str  # "ok" | "error"
    answer: dict[str, Any] | None = None
    key: str | None = None
    mine: bool = True  # False: a hardware button or keypad at this desk sent it
