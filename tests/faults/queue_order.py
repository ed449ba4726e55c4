"""Did every call follow the queue's order? Derived afterwards from the stored day, not from timing.

What waits at each press of ``next`` depends on how the traffic interleaved (and on kills), so
the expected pick cannot be written down before the run. It can be derived afterwards from the
database: the ``ticket_events`` rows in the order they were written (the hub is the only writer)
say which tickets had been issued and not yet called when each call was made, the ``tickets``
rows give each one's queue time and mark, and the calls made so far give each service's run of
priority calls. The expected pick is then what the domain's own policy
(``shared.domain.priority.choose``) takes from those heads, the same function the hub runs.

Covers issues and ``next`` calls at desks that serve every service (the fault lobby's desks);
any other ticket step that moves a ticket back into a queue is reported as not covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.priority import PriorityPolicy, choose, next_run, queue_key

# Steps that put a ticket (back) into a queue or call it out of order: outside this audit.
NOT_COVERED = ("return", "transfer:", "out_of_order:", "resume")


@dataclass(frozen=True)
class Stored:
    """A ``tickets`` row as the policy reads it (``shared.domain.priority.Queued``)."""

    id: int | None
    code: str
    service: str
    priority: bool
    queue_at: datetime | None
    issued_at: datetime


@dataclass
class Audit:
    calls: int = 0
    priority_calls: int = 0
    bound_calls: int = 0  # the ordinary head called by the fairness bound, a priority one ahead
    kept_place: int = 0  # the ordinary head called as it waited longer than the head start
    wrong: list[str] = field(default_factory=list)


def stored_time(value: str | datetime | None) -> datetime | None:
    """A time as ``sqlite3`` returns an SQLAlchemy ``DateTime`` column (naive UTC text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def audit(tickets: Iterable[Stored], events: Iterable[tuple[int, int, str]], policy: PriorityPolicy) -> Audit:
    """Check each ``call`` event against the policy's pick among the tickets waiting then.

    ``events``: ``(event id, ticket id, action)`` rows of ``ticket_events``, any order."""
    by_id = {t.id: t for t in tickets}
    waiting: dict[str, dict[int, Stored]] = {}
    runs: dict[str, int] = {}
    found = Audit()
    for _event, ticket_id, action in sorted(events):
        ticket = by_id.get(ticket_id)
        if ticket is None:
            found.wrong.append(f"event {action!r} of ticket id {ticket_id}, which is not stored")
            continue
        if action == "issue":
            waiting.setdefault(ticket.service, {})[ticket_id] = ticket
        elif action.startswith(NOT_COVERED):
            found.wrong.append(f"{ticket.code}: {action!r} is outside what this audit covers")
        elif action == "call":
            _check_call(ticket, waiting, runs, policy, found)
    return found


def _check_call(
    called: Stored, waiting: dict[str, dict[int, Stored]], runs: dict[str, int], policy: PriorityPolicy,
    found: Audit,
) -> None:  # fmt: skip
    found.calls += 1
    found.priority_calls += called.priority
    heads = []
    for service, queue in sorted(waiting.items()):
        prio = min((t for t in queue.values() if t.priority), key=queue_key, default=None)
        plain = min((t for t in queue.values() if not t.priority), key=queue_key, default=None)
        if prio is None and plain is None:
            continue
        heads.append((prio, plain, runs.get(service, 0)))
        if prio is not None and plain is not None and called.id == plain.id:
            if queue_key(plain) < queue_key(prio):
                found.kept_place += 1
            else:
                found.bound_calls += 1
    expected = choose(heads, policy)
    if called.id not in waiting.get(called.service, {}):
        found.wrong.append(f"call {found.calls}: {called.code} called while not waiting")
    elif expected is None or expected.id != called.id:
        seen = ", ".join(
            f"{t.code}{'*' if t.priority else ''}"
            for q in waiting.values()
            for t in sorted(q.values(), key=queue_key)
        )
        pick = getattr(expected, "code", None)
        found.wrong.append(
            f"call {found.calls}: {called.code} called, the policy picks {pick} (waiting: {seen})"
        )
    waiting.get(called.service, {}).pop(called.id or 0, None)  # type: ignore[arg-type]
    runs[called.service] = next_run(runs.get(called.service, 0), called.priority)
