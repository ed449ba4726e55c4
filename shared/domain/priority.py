"""The priority lane's ordering policy: which waiting ticket a desk calls next. Pure Python.

Priority visitors (older visitors, visitors with disabilities, pregnant women, visitors with small
children: UU 25/2009 Pasal 29) are served first, within two fairness bounds, both set in
``[queue]`` (docs/queue.md):

- ``priority_head_start_s`` (default 1800): a priority ticket stands in its service's queue as if
  it had been issued that many seconds earlier (its *queue time*, ``Ticket.queue_at``), so it
  goes ahead of ordinary visitors who came less than that before it, never of one who has
  waited longer than that already. The queue time is fixed at issue: a transfer, a return to the
  queue or a change of setting later does not move it.
- ``priority_run`` (default 3): at most that many priority calls in a row in one service while an
  ordinary visitor waits in it; the next call there is the ordinary head's. 0 turns the priority
  ordering off (priority tickets queue by issue time like any other, still marked).

The run of a service counts its calls in the order they were made: a priority call adds one, an
ordinary call sets it back to 0 (an out-of-order call of a chosen ticket counts like any call).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

PRIORITY_CATEGORIES = ("lansia", "disabilitas", "hamil", "anak")
"""Why a visitor takes the priority lane, as the visitor says it at the kiosk (nothing more is kept):
older visitor, visitor with a disability, pregnant woman, visitor with a small child."""

CALL_REASONS = ("returned", "appointment", "priority_need", "same_group", "other")
"""Why a desk calls a chosen ticket out of order: the visitor came back, had an appointment, needs
priority service the ticket does not show, belongs with the visitor just served, other."""

DEFAULT_RUN = 3
DEFAULT_HEAD_START_S = 1800.0


class Queued(Protocol):
    """What the policy reads of a waiting ticket."""

    id: int | None
    priority: bool
    queue_at: datetime | None
    issued_at: datetime


@dataclass(frozen=True)
class PriorityPolicy:
    run: int = DEFAULT_RUN
    head_start_s: float = DEFAULT_HEAD_START_S

    def __post_init__(self) -> None:
        if not isinstance(self.run, int) or isinstance(self.run, bool) or self.run < 0:
            raise ValueError(f"[queue] priority_run must be a whole number >= 0, got {self.run!r}")
        if not isinstance(self.head_start_s, int | float) or self.head_start_s < 0:
            raise ValueError(f"[queue] priority_head_start_s must be >= 0 seconds, got {self.head_start_s!r}")

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> PriorityPolicy:
        """The ``[queue]`` section of the settings (missing keys: the defaults)."""
        return cls(
            run=section.get("priority_run", DEFAULT_RUN),
            head_start_s=section.get("priority_head_start_s", DEFAULT_HEAD_START_S),
        )

    @property
    def enabled(self) -> bool:
        return self.run > 0

    def queue_at(self, issued_at: datetime, priority: bool) -> datetime:
        """A new ticket's place in its queue: its issue time, earlier by the head start if priority."""
        if priority and self.enabled:
            return issued_at - timedelta(seconds=self.head_start_s)
        return issued_at


def queue_key(ticket: Queued) -> tuple[datetime, int]:
    """The queue's order: queue time, then ticket id."""
    return (ticket.queue_at or ticket.issued_at, ticket.id or 0)


_Head = TypeVar("_Head")


def pick_in_service(
    priority_head: _Head | None,
    ordinary_head: _Head | None,
    run: int,
    policy: PriorityPolicy,
    key: Callable[[Any], tuple[datetime, int]] = queue_key,
) -> _Head | None:
    """One service's next ticket: the earlier of its two heads by queue time, unless that is the
    priority head and the service has had ``policy.run`` priority calls in a row already.
    ``key``: a head's place in the queue (a ticket's ``queue_key``; the 10-minute clock passes
    its queue passes, ordered the same way by their own fields)."""
    if priority_head is None or ordinary_head is None:
        return priority_head or ordinary_head
    if key(ordinary_head) < key(priority_head):
        return ordinary_head  # waited longer than the head start: never overtaken
    if policy.enabled and run >= policy.run:
        return ordinary_head  # the fairness bound: the ordinary head's turn
    return priority_head


def choose(
    heads: Iterable[tuple[Queued | None, Queued | None, int]], policy: PriorityPolicy
) -> Queued | None:
    """A desk's next ticket across its services: ``heads`` holds each service's (priority head,
    ordinary head, run); each service proposes its pick, the earliest queue time wins."""
    picks = [p for prio, plain, run in heads if (p := pick_in_service(prio, plain, run, policy))]
    return min(picks, key=queue_key) if picks else None


def next_run(run: int, priority: bool) -> int:
    """A service's run after a call of a ticket (priority or not)."""
    return run + 1 if priority else 0


def trailing_run(calls: Iterable[tuple[datetime, int, bool]]) -> int:
    """A service's run from its calls of the day, ``(called_at, call order, priority)`` in any
    order: the priority calls since its last ordinary call (how a restarted hub finds it). The
    call order breaks ties of equal call times: a number that grows with each call (a queue
    pass's ``call_seq``)."""
    run = 0
    for _at, _id, priority in sorted(calls):
        run = next_run(run, priority)
    return run
