"""The 10-minute clock's pure rule with priority tickets (docs/queue.md, "The 10-minute clock with
priority tickets"): the clock runs for the visitor the queue's next call would pick (the priority
policy's pick with the service's run, the fairness bound included), and the call order decides
who was "the visitor before".

The passes are built from what the domain's own rules did (``QueueRules`` over the in-memory
repository of ``test_domain``): queue times, call times and the first leaving step (``done``,
``noshow`` or ``hold``: a resumed visit's end does not move it, as ``shared.store.pass_log``
keeps it), so the order is the policy's, not one written by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from shared.domain.priority import PriorityPolicy
from shared.domain.timing import PassView, clock_pick, clock_starts, served_order, service_run
from tests.shared.domain.test_priority import Lobby

LEAVING = ("done", "noshow", "hold")


def at(lobby: Lobby, code: str, action: str) -> datetime | None:
    """When ``code`` first had ``action`` (``None``: not yet)."""
    return next((when for c, a, _desk, when in lobby.repo.events if c == code and a == action), None)


def queue(lobby: Lobby, *codes: str) -> list[PassView]:
    """The passes of ``codes`` in queue A as the store writes them (``call_seq``: the call's
    place among the day's calls)."""
    calls = [c for c, a, _d, _w in lobby.repo.events if a == "call"]
    views = []
    for code in codes:
        ticket = lobby.ticket(code)
        assert ticket.id is not None
        left = next((w for c, a, _d, w in lobby.repo.events if c == code and a in LEAVING), None)
        seq = calls.index(code) + 1 if code in calls else None
        views.append(
            PassView(ticket.id, code, ticket.service, ticket.queue_at or ticket.issued_at, ticket.id,
                     ticket.issued_at, at(lobby, code, "call"), left, ticket.priority, seq)
        )  # fmt: skip
    return views


def starts(lobby: Lobby, *codes: str) -> dict[str, datetime | None]:
    """``clock_starts`` by code, with the lobby's policy."""
    views = queue(lobby, *codes)
    found = clock_starts(views, lobby.rules.policy)
    return {v.code: found[v.id] for v in views if v.id in found}


def order(lobby: Lobby, *codes: str) -> list[str]:
    """``served_order`` by code, with the lobby's policy."""
    return [p.code for p in served_order(queue(lobby, *codes), lobby.rules.policy)]


def test_a_priority_visitor_placed_ahead_is_the_head_and_the_ordinary_one_behind_waits_on_them() -> None:
    lobby = Lobby()
    first = lobby.issue()  # A-001, called at once
    assert lobby.calls("1", 1) == [first]
    plain = lobby.issue()
    prio = lobby.issue(priority=True, category="lansia")  # A-003, issued after A-002
    assert starts(lobby, first, plain, prio) == {prio: None, plain: None}  # A-001 at the desk
    lobby.press("1", "finish")
    finished = at(lobby, first, "done")
    assert order(lobby, first, plain, prio) == [first, prio, plain]
    assert starts(lobby, first, plain, prio) == {prio: finished, plain: None}
    assert lobby.calls("1", 1) == [prio]  # the policy calls the head whose clock ran
    assert starts(lobby, first, plain, prio) == {plain: None}  # A-003 at the desk: A-002 waits on them
    lobby.press("1", "finish")
    assert starts(lobby, first, plain, prio) == {plain: at(lobby, prio, "done")}


def test_when_the_fairness_bound_makes_it_the_ordinary_visitors_turn_their_clock_runs() -> None:
    """The found case: with a run of 1, after a priority call finishes, the next call is the
    ordinary head's, so the idle desk's minutes are theirs; the priority visitor behind them is
    timed from that call's finish."""
    lobby = Lobby(PriorityPolicy(run=1))
    plain = lobby.issue()
    first = lobby.issue(priority=True)
    second = lobby.issue(priority=True, category="anak")
    assert starts(lobby, plain, first, second) == {
        first: lobby.ticket(first).issued_at,
        second: None,
        plain: None,
    }
    assert order(lobby, plain, first, second) == [first, plain, second]  # the bound foreseen
    assert lobby.calls("1", 1) == [first]
    lobby.press("1", "finish")
    # One priority call in a row: the next call is A-001's, and so is the clock.
    assert starts(lobby, plain, first, second) == {plain: at(lobby, first, "done"), second: None}
    lobby.clock.advance(minutes=11)  # the desk sits idle
    assert lobby.calls("1", 1) == [plain]  # the visitor whose clock ran
    assert order(lobby, plain, first, second) == [first, plain, second]
    assert starts(lobby, plain, first, second) == {second: None}  # A-001 at the desk
    lobby.clock.advance(minutes=7)
    lobby.press("1", "finish")
    assert starts(lobby, plain, first, second) == {second: at(lobby, plain, "done")}  # from that finish


def test_a_new_priority_ticket_takes_the_clock_only_when_the_next_call_would_pick_it() -> None:
    lobby = Lobby(PriorityPolicy(run=1))
    plain = lobby.issue()  # the pick, timed from its issue
    assert starts(lobby, plain) == {plain: lobby.ticket(plain).issued_at}
    first = lobby.issue(priority=True)  # the run is 0, so it is the pick now
    assert starts(lobby, plain, first) == {first: lobby.ticket(first).issued_at, plain: None}
    assert lobby.calls("1", 1) == [first]
    lobby.press("1", "finish")
    finished = at(lobby, first, "done")
    assert starts(lobby, plain, first) == {plain: finished}
    second = lobby.issue(priority=True)  # held back by the bound, the clock stays
    assert starts(lobby, plain, first, second) == {plain: finished, second: None}
    assert lobby.calls("1", 2) == [plain, second]


def test_the_pick_and_the_run_from_passes_alone() -> None:
    """``clock_pick`` is the policy's pick over passes (queue time, then ticket id), and the run
    follows the order calls were made in, ``call_seq`` breaking ties of the same instant."""
    t = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    plain = PassView(1, "A-001", "A", t, 1, t)
    prio = PassView(2, "A-002", "A", t - timedelta(minutes=30), 2, t, priority=True)
    late = PassView(3, "A-003", "A", t + timedelta(minutes=45), 3, t + timedelta(minutes=75), priority=True)
    for run, pick in ((0, prio), (2, prio), (3, plain)):
        assert clock_pick(prio, plain, run, PriorityPolicy(run=3)) is pick
    assert clock_pick(late, plain, 0, PriorityPolicy()) is plain  # A-001 waited past the head start
    assert clock_pick(prio, plain, 5, PriorityPolicy(run=0)) is prio  # the lane off: queue time only
    assert clock_pick(None, plain, 3, PriorityPolicy()) is plain
    same = t + timedelta(minutes=5)
    # Called at the same instant, A-002 first then A-001: the run is 0 (an ordinary call last),
    # whatever the pass ids say.
    called = [replace(plain, called_at=same, call_seq=2), replace(prio, called_at=same, call_seq=1)]
    assert service_run(called) == 0
    assert service_run([replace(called[0], call_seq=1), replace(called[1], call_seq=2)]) == 1
    waiting = replace(late, entered_at=t)
    assert served_order([*called, waiting], PriorityPolicy(run=1))[:2] == [called[1], called[0]]
    finished = [replace(called[0], left_at=same + timedelta(minutes=3)), replace(called[1], left_at=same)]
    assert clock_starts([*finished, waiting]) == {3: same + timedelta(minutes=3)}  # A-001's finish


def test_a_parked_visitor_has_finished_for_the_clock_and_the_resumed_visits_end_moves_nothing() -> None:
    lobby = Lobby()
    parked = lobby.issue(priority=True, category="hamil")
    waiting = lobby.issue()
    assert lobby.calls("1", 1) == [parked]
    lobby.press("1", "hold")
    held = at(lobby, parked, "hold")
    assert held is not None and starts(lobby, parked, waiting) == {waiting: held}
    assert lobby.press("1", "resume").answer["ticket"] == parked
    assert starts(lobby, parked, waiting) == {waiting: held}  # not held up by the resumed visit
    lobby.clock.advance(minutes=4)
    lobby.press("1", "finish")
    assert at(lobby, parked, "done") is not None
    assert starts(lobby, parked, waiting) == {waiting: held}  # no clock moves back


def test_with_the_lane_off_a_priority_ticket_waits_in_issue_order_for_the_clock_too() -> None:
    lobby = Lobby(PriorityPolicy(run=0))
    plain = lobby.issue()
    prio = lobby.issue(priority=True)
    assert starts(lobby, plain, prio) == {plain: lobby.ticket(plain).issued_at, prio: None}
    assert lobby.calls("1", 2) == [plain, prio]
