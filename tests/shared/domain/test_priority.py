"""The priority lane's ordering policy and the desk actions (issue 18), in the pure domain: the rules
over the in-memory repository of ``test_domain``, looking at the order visitors are called in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.priority import PriorityPolicy, choose, pick_in_service, trailing_run
from shared.domain.queue import Action, Outcome, QueueError, QueueRules, Ticket, TicketStatus
from shared.domain.timing import PassView, clock_starts
from tests.shared.domain.test_domain import DESKS, SERVICES, WIB, Clock, MemoryRepository, wib


class Lobby:
    def __init__(self, policy: PriorityPolicy | None = None) -> None:
        self.repo = MemoryRepository()
        self.clock = Clock(wib(24, 8, 0))
        self.rules = QueueRules(self.repo, SERVICES, DESKS, WIB, self.clock, policy)
        for desk in DESKS:
            self.press(desk.id, "open")

    def issue(self, service: str = "A", priority: bool = False, category: str | None = None) -> str:
        self.clock.advance(minutes=1)
        ticket, _ = self.rules.issue(service, priority, category)
        return ticket.code

    def press(self, desk: str, action: str, to_service: str | None = None, **kw: str) -> Outcome:
        self.clock.advance(seconds=10)
        return self.rules.command(desk, Action(action), to_service, **kw)

    def calls(self, desk: str, times: int) -> list[str]:
        """``next`` pressed ``times`` times at ``desk``: the codes called."""
        return [str(self.press(desk, "next").answer["ticket"]) for _ in range(times)]

    def ticket(self, code: str) -> Ticket:
        (found,) = [t for t in self.repo.tickets.values() if t.code == code]
        return found

    def events(self, code: str) -> list[str]:
        return [action for c, action, _desk, _at in self.repo.events if c == code]


# --- the policy alone ----------------------------------------------------------------------------


def test_the_defaults_and_the_config_section() -> None:
    assert PriorityPolicy.from_mapping({}) == PriorityPolicy(3, 1800.0)
    assert PriorityPolicy.from_mapping({"priority_run": 2, "priority_head_start_s": 600}).run == 2
    for bad in ({"priority_run": -1}, {"priority_run": True}, {"priority_head_start_s": -5}):
        with pytest.raises(ValueError, match=r"\[queue\]"):
            PriorityPolicy.from_mapping(bad)


def test_a_priority_ticket_queues_earlier_by_the_head_start_unless_the_lane_is_off() -> None:
    at = wib(24, 9, 0)
    assert PriorityPolicy(head_start_s=600).queue_at(at, True) == at - timedelta(minutes=10)
    assert PriorityPolicy(head_start_s=600).queue_at(at, False) == at
    assert PriorityPolicy(run=0).queue_at(at, True) == at


def test_the_run_of_a_service_counts_priority_calls_since_the_last_ordinary_one() -> None:
    at = wib(24, 9, 0)
    calls = [(at + timedelta(minutes=m), m, p) for m, p in enumerate([True, False, True, True])]
    assert trailing_run(reversed(calls)) == 2
    assert trailing_run([]) == 0


def test_pick_in_service_and_choose_across_services() -> None:
    at = wib(24, 9, 0)
    policy = PriorityPolicy(run=2, head_start_s=600)

    def ticket(tid: int, minute: int, priority: bool, service: str = "A") -> Ticket:
        issued = at + timedelta(minutes=minute)
        return Ticket(f"{service}-{tid:03d}", service, service, at.date(), tid, issued, id=tid,
                      priority=priority, queue_at=policy.queue_at(issued, priority))  # fmt: skip

    plain, prio = ticket(1, 0, False), ticket(2, 5, True)
    assert pick_in_service(prio, plain, 0, policy) is prio
    assert pick_in_service(prio, plain, 2, policy) is plain  # the bound
    old = ticket(3, -20, False)  # waited longer than the head start already
    assert pick_in_service(prio, old, 0, policy) is old
    assert pick_in_service(None, plain, 5, policy) is plain
    other = ticket(4, -30, False, "B")
    assert choose([(prio, plain, 0), (None, other, 0)], policy) is other
    assert choose([], policy) is None


# --- the rules -----------------------------------------------------------------------------------


def test_a_priority_ticket_is_called_before_ordinary_visitors_and_says_so() -> None:
    lobby = Lobby()
    lobby.issue("A")
    lobby.issue("A")
    ticket, outcome = lobby.rules.issue("A", True, "lansia")
    assert (ticket.code, ticket.priority, ticket.priority_category) == ("A-003", True, "lansia")
    assert outcome.answer == {"ticket": "A-003", "service": "A", "ahead": 0, "priority": True,
                              "category": "lansia"}  # fmt: skip
    called = lobby.press("2", "next")
    assert called.answer["ticket"] == "A-003" and called.answer["priority"] is True
    assert called.calls[0].priority is True
    assert lobby.calls("2", 2) == ["A-001", "A-002"]


def test_the_fairness_bound_lets_an_ordinary_visitor_through_after_n_priority_calls() -> None:
    lobby = Lobby(PriorityPolicy(run=2))
    lobby.issue("A")  # A-001, ordinary
    lobby.issue("A")  # A-002, ordinary
    for _ in range(5):
        lobby.issue("A", priority=True)  # A-003 .. A-007
    assert lobby.calls("2", 7) == ["A-003", "A-004", "A-001", "A-005", "A-006", "A-002", "A-007"]


def test_with_no_ordinary_visitor_waiting_the_bound_does_not_hold_priority_back() -> None:
    lobby = Lobby(PriorityPolicy(run=1))
    for _ in range(3):
        lobby.issue("A", priority=True)
    assert lobby.calls("2", 3) == ["A-001", "A-002", "A-003"]


def test_an_ordinary_visitor_who_waited_longer_than_the_head_start_is_not_overtaken() -> None:
    lobby = Lobby(PriorityPolicy(head_start_s=120))
    lobby.issue("A")  # 08:01
    lobby.clock.advance(minutes=5)
    lobby.issue("A", priority=True)  # 08:07, stands at 08:05
    lobby.issue("A")  # 08:08
    assert lobby.calls("2", 3) == ["A-001", "A-002", "A-003"]


def test_the_lane_turned_off_queues_priority_tickets_by_issue_time() -> None:
    lobby = Lobby(PriorityPolicy(run=0))
    lobby.issue("A")
    lobby.issue("A", priority=True)
    assert lobby.calls("2", 2) == ["A-001", "A-002"]
    assert lobby.ticket("A-002").priority  # still marked


def test_a_generalist_desk_takes_the_earliest_pick_across_its_services() -> None:
    lobby = Lobby(PriorityPolicy(run=1))
    lobby.issue("A")
    lobby.issue("B", priority=True)  # B-001
    lobby.issue("A", priority=True)
    # Desk 1 serves A and B: both priority tickets stand ahead of A-001; B-001 came first.
    assert lobby.calls("1", 3) == ["B-001", "A-002", "A-001"]


def test_a_category_needs_the_priority_flag_and_the_list() -> None:
    lobby = Lobby()
    for priority, category in ((False, "lansia"), (True, "vip")):
        with pytest.raises(QueueError) as caught:
            lobby.rules.issue("A", priority, category)
        assert caught.value.code == "bad_category"


def test_a_transferred_priority_ticket_keeps_its_mark_and_place() -> None:
    lobby = Lobby()
    lobby.issue("B")  # B-001
    lobby.issue("A", priority=True)
    lobby.issue("B")  # B-002
    assert lobby.calls("2", 1) == ["A-001"]
    lobby.press("2", "transfer", "B")
    moved = lobby.ticket("A-001")
    assert (moved.service, moved.priority, moved.status) == ("B", True, TicketStatus.WAITING)
    assert lobby.calls("3", 3) == ["A-001", "B-001", "B-002"]


# --- the desk actions ----------------------------------------------------------------------------


def test_hold_parks_the_visitor_the_desk_calls_others_and_resume_calls_them_back() -> None:
    lobby = Lobby()
    lobby.issue("A", priority=True)
    lobby.issue("A")
    lobby.calls("2", 1)
    lobby.press("2", "start")
    held = lobby.press("2", "hold")
    assert held.answer["parked"] == ["A-001"]
    assert lobby.ticket("A-001").status is TicketStatus.PARKED
    assert lobby.calls("2", 1) == ["A-002"]
    with pytest.raises(QueueError) as busy:
        lobby.press("2", "resume")
    assert busy.value.code == "desk_busy"
    lobby.press("2", "finish")
    resumed = lobby.press("2", "resume")
    assert resumed.answer["ticket"] == "A-001" and resumed.calls[0].priority
    assert lobby.ticket("A-001").status is TicketStatus.SERVING  # the visit had started
    assert lobby.repo.parked_at("2") == []
    assert lobby.events("A-001")[-2:] == ["hold", "resume"]


def test_resume_and_return_refuse_what_is_not_parked_here() -> None:
    lobby = Lobby()
    lobby.issue("A")
    lobby.issue("A")
    with pytest.raises(QueueError) as none:
        lobby.press("2", "resume")
    assert none.value.code == "not_parked"
    for _ in range(2):
        lobby.calls("2", 1)
        lobby.press("2", "hold")
    with pytest.raises(QueueError) as which:
        lobby.press("2", "resume")
    assert which.value.code == "ticket_needed"
    with pytest.raises(QueueError) as elsewhere:
        lobby.press("1", "resume", ticket="A-001")
    assert elsewhere.value.code == "not_parked"
    assert lobby.press("2", "resume", ticket="A-002").answer["ticket"] == "A-002"


def test_call_ticket_calls_a_chosen_waiting_ticket_and_keeps_the_reason() -> None:
    lobby = Lobby()
    for _ in range(3):
        lobby.issue("A")
    out = lobby.press("2", "call_ticket", ticket="A-003", reason="appointment")
    assert out.answer["ticket"] == "A-003" and out.answer["out_of_order"] is True
    assert lobby.events("A-003")[-2:] == ["call", "out_of_order:appointment"]
    assert lobby.calls("2", 2) == ["A-001", "A-002"]


@pytest.mark.parametrize(
    ("code", "reason", "refusal"),
    [
        ("A-001", "because", "bad_reason"),
        ("A-001", None, "bad_reason"),
        ("A-099", "other", "unknown_ticket"),
        ("A-002", "other", "not_waiting"),
        ("B-001", "other", "wrong_service"),
        (None, "other", "ticket_needed"),
    ],
)
def test_call_ticket_refusals(code: str | None, reason: str | None, refusal: str) -> None:
    lobby = Lobby()
    lobby.issue("A")
    lobby.issue("A")
    lobby.issue("B")
    lobby.press("1", "call_ticket", ticket="A-002", reason="returned")
    with pytest.raises(QueueError) as caught:
        kw = {k: v for k, v in (("ticket", code), ("reason", reason)) if v is not None}
        lobby.press("2", "call_ticket", **kw)
    assert caught.value.code == refusal


def test_return_puts_the_visitor_back_at_their_place() -> None:
    lobby = Lobby()
    for _ in range(3):
        lobby.issue("A")
    lobby.calls("2", 1)
    back = lobby.press("2", "return")
    assert back.answer == {"ticket": "A-001", "ahead": 0, "desk": "2", "action": "return"}
    today = lobby.rules.business_day(lobby.clock())
    assert lobby.repo.waiting_codes("A", today) == ["A-001", "A-002", "A-003"]
    assert lobby.calls("2", 1) == ["A-001"]
    lobby.press("2", "hold")
    assert lobby.press("2", "return", ticket="A-001").answer["ahead"] == 0  # a parked one too
    assert lobby.ticket("A-001").status is TicketStatus.WAITING


def test_a_returned_priority_ticket_still_stands_ahead() -> None:
    lobby = Lobby()
    lobby.issue("A")
    lobby.issue("A", priority=True)
    assert lobby.calls("2", 1) == ["A-002"]
    lobby.press("2", "return")
    assert lobby.calls("2", 2) == ["A-002", "A-001"]


def test_repeat_is_recall() -> None:
    lobby = Lobby()
    lobby.issue("A", priority=True)
    lobby.calls("2", 1)
    out = lobby.press("2", "repeat")
    assert out.answer["recalls"] == 1 and out.calls[0].recall and out.calls[0].priority


def test_desk_actions_at_a_closed_desk_are_refused() -> None:
    lobby = Lobby()
    lobby.press("3", "close")
    for action in ("hold", "resume", "return", "call_ticket"):
        with pytest.raises(QueueError) as caught:
            lobby.press("3", action)
        assert caught.value.code == "desk_closed"


# --- the 10-minute clock with priority tickets ---------------------------------------------------


def test_the_clock_runs_for_the_visitor_the_queue_serves_next_a_priority_one_included() -> None:
    """A pass's ``issued_at`` is its queue time: a waiting priority visitor who stands ahead is the
    head whose clock runs; the ordinary visitor behind them waits on them, as on anyone before."""
    at = wib(24, 9, 0)
    done = PassView(1, "A-001", "A", at, 1, at, called_at=at, left_at=at + timedelta(minutes=3))
    plain = PassView(2, "A-002", "A", at + timedelta(minutes=1), 2, at + timedelta(minutes=1))
    prio = PassView(3, "A-003", "A", at - timedelta(minutes=28), 3, at + timedelta(minutes=2), priority=True)
    starts = clock_starts([done, plain, prio])
    assert starts == {3: at + timedelta(minutes=3), 2: None}
