"""The fault suite's order audit on days written by hand: it passes the policy's order and names
every call that is not the policy's pick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.priority import PriorityPolicy
from tests.faults.queue_order import Stored, audit, stored_time

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
POLICY = PriorityPolicy(run=2, head_start_s=60)


def ticket(tid: int, second: int, priority: bool = False) -> Stored:
    issued = START + timedelta(seconds=second)
    return Stored(tid, f"A-{tid:03d}", "A", priority, POLICY.queue_at(issued, priority), issued)


# Queue times: A-001 0 s, A-002 10 s, A-003* -40 s, A-004* -35 s, A-005* -30 s, A-006 100 s,
# A-007* 40 s (issued at 100 s: more than the head start after ).
DAY = [ticket(1, 0), ticket(2, 10), ticket(3, 20, True), ticket(4, 25, True), ticket(5, 30, True)]
DAY += [ticket(6, 100), ticket(7, 100, True)]
POLICY_ORDER = (3, 4, 1, 5, 2, 7, 6)


def events(*steps: tuple[str, int]) -> list[tuple[int, int, str]]:
    return [(n, tid, action) for n, (action, tid) in enumerate(steps, 1)]


ISSUED = [("issue", t.id) for t in DAY]  # type: ignore[misc]


def test_the_policy_s_order_passes_and_its_branches_are_counted() -> None:
    # 3 and 4 (priority ahead), 1 (the bound: 2 priority calls in a row, 5 still ahead), 5, then
    # 2 before 7 (issued more than the head start before it), 7, 6.
    found = audit(DAY, events(*ISSUED, *[("call", t) for t in POLICY_ORDER]), POLICY)
    assert found.wrong == []
    assert (found.calls, found.priority_calls, found.bound_calls, found.kept_place) == (7, 4, 1, 1)


def test_plain_fifo_with_priority_waiting_is_named() -> None:
    found = audit(DAY, events(*ISSUED, *[("call", t) for t in (1, 2, 3, 4, 5, 6, 7)]), POLICY)
    assert found.wrong[0].startswith("call 1: A-001 called, the policy picks A-003")


def test_a_priority_call_past_the_bound_is_named() -> None:
    found = audit(DAY, events(*ISSUED, *[("call", t) for t in (3, 4, 5, 1, 2, 7, 6)]), POLICY)
    assert found.wrong[0].startswith("call 3: A-005 called, the policy picks A-001")


def test_a_call_of_a_ticket_not_waiting_and_a_step_not_covered_are_named() -> None:
    steps = events(("issue", 1), ("call", 2), ("call", 1), ("call", 1), ("return", 1), ("call", 99))
    found = audit(DAY, steps, POLICY)
    assert found.wrong == [
        "call 1: A-002 called while not waiting",
        "call 3: A-001 called while not waiting",
        "A-001: 'return' is outside what this audit covers",
        "event 'call' of ticket id 99, which is not stored",
    ]


def test_only_what_was_issued_before_a_call_waits_at_it() -> None:
    # A-003* is issued after A-001's call: A-001 was the pick then.
    steps = events(("issue", 1), ("call", 1), ("issue", 3), ("issue", 2), ("call", 3), ("call", 2))
    assert audit(DAY, steps, POLICY).wrong == []


def test_stored_times_are_read_as_sqlite_returns_them() -> None:
    assert stored_time("2026-11-24 02:00:01.500000") == datetime(2026, 11, 24, 2, 0, 1, 500000)
    assert stored_time(None) is None
