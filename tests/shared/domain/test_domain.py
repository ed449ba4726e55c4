"""Unit tests of shared/domain/queue.py ``QueueRules`` over an in-memory ``QueueRepository``.

The tests look at what people see: ticket codes, the order of the waiting list on the display, the
status of a desk and of a ticket, the answers and the calls; not at how the rules get there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.priority import trailing_run
from shared.domain.queue import (
    ACTIVE_STATUSES,
    Action,
    Call,
    Desk,
    DeskState,
    DeskStatus,
    Outcome,
    QueueError,
    QueueRepository,
    QueueRules,
    Service,
    Ticket,
    TicketStatus,
    ticket_code,
)

WIB = ZoneInfo("Asia/Jakarta")


class MemoryRepository:
    """``QueueRepository`` over dicts. Stores and hands out copies, as a database would, so a
    change the rules make without saving it is lost here too."""

    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.sequences: dict[tuple[str, date], int] = {}
        self.desks: dict[str, DeskState] = {}
        self.events: list[tuple[str, str, str | None, datetime]] = []

    def next_sequence(self, service: str, day: date) -> int:
        self.sequences[service, day] = self.sequences.get((service, day), 0) + 1
        return self.sequences[service, day]

    def add_ticket(self, ticket: Ticket) -> Ticket:
        ticket.id = len(self.tickets) + 1
        self.tickets[ticket.id] = replace(ticket)
        return ticket

    def save_ticket(self, ticket: Ticket) -> None:
        if ticket.id not in self.tickets:
            raise LookupError(f"ticket {ticket.id} vanished")
        self.tickets[ticket.id] = replace(ticket)

    def get_ticket(self, ticket_id: int) -> Ticket | None:
        ticket = self.tickets.get(ticket_id)
        return replace(ticket) if ticket else None

    def _waiting(self, services: Iterable[str], day: date) -> list[Ticket]:
        wanted = set(services)
        found = [
            t
            for t in self.tickets.values()
            if t.status is TicketStatus.WAITING and t.business_day == day and t.service in wanted
        ]
        return sorted(found, key=lambda t: (t.queue_at or t.issued_at, t.id))

    def waiting_heads(self, service: str, day: date) -> tuple[Ticket | None, Ticket | None]:
        waiting = self._waiting([service], day)
        first = [next((replace(t) for t in waiting if t.priority is kind), None) for kind in (True, False)]
        return first[0], first[1]

    def priority_run(self, service: str) -> int:
        calls = [(at, i, self._priority_of(code)) for i, (code, action, _d, at) in enumerate(self.events)
                 if action == "call" and self._service_of(code) == service]  # fmt: skip
        return trailing_run(calls)

    def _priority_of(self, code: str) -> bool:
        return any(t.priority for t in self.tickets.values() if t.code == code)

    def _service_of(self, code: str) -> str | None:
        return next((t.service for t in self.tickets.values() if t.code == code), None)

    def find_ticket(self, code: str, day: date) -> Ticket | None:
        found = [t for t in self.tickets.values() if t.code == code and t.business_day == day]
        return replace(found[0]) if found and found[0].status in ACTIVE_STATUSES else None

    def parked_at(self, desk: str) -> list[Ticket]:
        parked = [t for t in self.tickets.values() if t.status is TicketStatus.PARKED and t.desk == desk]
        return [replace(t) for t in sorted(parked, key=lambda t: t.id or 0)]

    def first_waiting(self, services: Iterable[str], day: date) -> Ticket | None:
        waiting = self._waiting(services, day)
        return replace(waiting[0]) if waiting else None

    def count_waiting_before(self, ticket: Ticket) -> int:
        return sum(
            1
            for t in self._waiting([ticket.service], ticket.business_day)
            if t.id != ticket.id and (t.queue_at or t.issued_at) <= (ticket.queue_at or ticket.issued_at)
        )

    def desk_state(self, desk: str) -> DeskState:
        state = self.desks.get(desk)
        return replace(state) if state else DeskState(desk=desk)

    def save_desk(self, state: DeskState) -> None:
        self.desks[state.desk] = replace(state)

    def record_event(self, ticket: Ticket, action: str, desk: str | None, at: datetime) -> None:
        self.events.append((ticket.code, action, desk, at))

    def expire_before(self, day: date, at: datetime) -> tuple[set[str], set[str]]:
        stale = [t for t in self.tickets.values() if t.business_day < day and t.status in ACTIVE_STATUSES]
        for ticket in stale:
            ticket.status = TicketStatus.EXPIRED
            ticket.finished_at = at
        ids = {t.id for t in stale}
        desks = {s.desk for s in self.desks.values() if s.ticket_id in ids}
        for name in desks:
            self.desks[name] = DeskState(desk=name, status=DeskStatus.IDLE, ticket_id=None, since=at)
        return desks, {t.service for t in stale}

    # what the display shows: the waiting list of one service, today
    def waiting_codes(self, service: str, day: date) -> list[str]:
        return [t.code for t in self._waiting([service], day)]


def wib(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A moment in November 2026, given on the lobby's wall clock, as the UTC the system passes."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=WIB).astimezone(UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


SERVICES = (
    Service("A", "Konsultasi Statistik"),
    Service("B", "Perpustakaan"),
    Service("C", "Penjualan Publikasi"),
)
DESKS = (
    Desk("1", "Meja 1", ("A", "B")),  # a generalist
    Desk("2", "Meja 2", ("A",)),
    Desk("3", "Meja 3", ("B",)),
)


class Lobby:
    """The rules, the memory repository and the clock, with the words a test needs."""

    def __init__(self) -> None:
        self.repo = MemoryRepository()
        self.clock = Clock(wib(24, 8, 0))
        self.rules = QueueRules(self.repo, SERVICES, DESKS, WIB, self.clock)

    def issue(self, service: str) -> str:
        """A visitor taps the kiosk a minute after the previous one."""
        self.clock.advance(minutes=1)
        ticket, _ = self.rules.issue(service)
        return ticket.code

    def press(self, desk: str, action: str, to_service: str | None = None) -> Outcome:
        self.clock.advance(seconds=10)
        return self.rules.command(desk, Action(action), to_service)

    def open_all(self) -> None:
        for desk in DESKS:
            self.press(desk.id, "open")

    def desk(self, desk: str) -> tuple[str, str | None]:
        """What ``counter/{desk}/state`` shows: the status and the ticket at the desk."""
        state = self.repo.desk_state(desk)
        ticket = self.repo.get_ticket(state.ticket_id) if state.ticket_id is not None else None
        return str(state.status), ticket.code if ticket else None

    def waiting(self, service: str) -> list[str]:
        """What ``queue/{service}/state`` shows today."""
        return self.repo.waiting_codes(service, self.rules.business_day(self.clock()))

    def ticket(self, code: str, day: date | None = None) -> Ticket:
        day = day or self.rules.business_day(self.clock())
        (found,) = [t for t in self.repo.tickets.values() if t.code == code and t.business_day == day]
        return found

    def status(self, code: str, day: date | None = None) -> str:
        return str(self.ticket(code, day).status)

    def refused(self, code: str, desk: str, action: str, to_service: str | None = None) -> QueueError:
        """The command is refused with ``code`` and nothing anyone sees has changed."""
        before = self.seen()
        with pytest.raises(QueueError) as caught:
            self.press(desk, action, to_service)
        assert caught.value.code == code, caught.value.message
        assert self.seen() == before
        return caught.value

    def seen(self) -> tuple[object, ...]:
        desks = tuple(self.desk(d.id) for d in DESKS)
        queues = tuple(tuple(self.waiting(s.prefix)) for s in SERVICES)
        tickets = tuple((t.code, str(t.status), t.service, t.desk) for t in self.repo.tickets.values())
        return desks, queues, tickets


@pytest.fixture
def lobby() -> Lobby:
    return Lobby()


def test_memory_repository_follows_the_protocol() -> None:
    repo: QueueRepository = MemoryRepository()
    assert repo.desk_state("1") == DeskState(desk="1")


# --- the kiosk ---------------------------------------------------------------------------------


def test_ticket_codes_count_per_service(lobby: Lobby) -> None:
    codes = [lobby.issue(s) for s in "AABAC"]
    assert codes == ["A-001", "A-002", "B-001", "A-003", "C-001"]
    assert lobby.waiting("A") == ["A-001", "A-002", "A-003"]
    assert lobby.status("A-003") == "waiting"


def test_ticket_code_format() -> None:
    assert ticket_code("A", 1) == "A-001"
    assert ticket_code("PST", 42) == "PST-042"
    assert ticket_code("B", 1000) == "B-1000"


def test_issue_answers_how_many_are_ahead(lobby: Lobby) -> None:
    lobby.issue("A")
    lobby.issue("B")
    lobby.clock.advance(minutes=1)
    ticket, outcome = lobby.rules.issue("A")
    assert outcome.answer == {"ticket": "A-002", "service": "A", "ahead": 1}
    assert outcome.services == {"A"}
    assert ticket.issued_at == lobby.clock()


def test_issue_for_an_unknown_service(lobby: Lobby) -> None:
    with pytest.raises(QueueError) as caught:
        lobby.rules.issue("Z")
    assert caught.value.code == "unknown_service"
    assert lobby.issue("A") == "A-001"


# --- calling in order --------------------------------------------------------------------------


def test_fifo_across_the_services_a_desk_serves(lobby: Lobby) -> None:
    lobby.open_all()
    issued = [lobby.issue(s) for s in "ABABBA"]
    called = [lobby.press("1", "next").answer["ticket"] for _ in issued]
    assert called == issued == ["A-001", "B-001", "A-002", "B-002", "B-003", "A-003"]


def test_a_desk_calls_only_its_services(lobby: Lobby) -> None:
    lobby.open_all()
    lobby.issue("B")
    lobby.issue("C")
    lobby.issue("A")
    assert lobby.press("2", "next").answer["ticket"] == "A-001"
    assert lobby.press("3", "next").answer["ticket"] == "B-001"
    lobby.press("3", "finish")
    lobby.refused("nobody_waiting", "3", "next")
    assert lobby.waiting("C") == ["C-001"]


def test_same_instant_tickets_keep_the_order_of_issue(lobby: Lobby) -> None:
    lobby.open_all()
    for service in "BA":
        lobby.rules.issue(service)  # the clock does not move
    assert lobby.press("1", "next").answer["ticket"] == "B-001"
    assert lobby.press("1", "next").answer["ticket"] == "A-001"


def test_two_desks_never_get_the_same_ticket(lobby: Lobby) -> None:
    lobby.open_all()
    lobby.issue("A")
    lobby.issue("A")
    assert lobby.press("1", "next").answer["ticket"] == "A-001"
    assert lobby.press("2", "next").answer["ticket"] == "A-002"
    assert lobby.desk("1") == ("called", "A-001")
    assert lobby.desk("2") == ("called", "A-002")
    lobby.refused("nobody_waiting", "3", "next")


# --- one visit, step by step -------------------------------------------------------------------


def test_a_desk_starts_closed_and_opens(lobby: Lobby) -> None:
    assert lobby.desk("1") == ("closed", None)
    outcome = lobby.press("1", "open")
    assert outcome.answer == {"status": "idle", "desk": "1", "action": "open"}
    assert outcome.desks == {"1"}
    assert lobby.desk("1") == ("idle", None)
    assert lobby.press("1", "open").answer["status"] == "idle"


def test_call_recall_start_finish(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.issue("A")

    outcome = lobby.press("2", "next")
    assert outcome.answer == {"ticket": "A-001", "service": "A", "desk": "2", "action": "next"}
    assert outcome.calls == [Call("A-001", "A", "2", False, lobby.clock())]
    assert outcome.desks == {"2"}
    assert outcome.services == {"A"}
    assert lobby.desk("2") == ("called", "A-001")
    assert lobby.status("A-001") == "called"
    assert lobby.waiting("A") == ["A-002"]

    for n in (1, 2):
        outcome = lobby.press("2", "recall")
        assert outcome.answer == {"ticket": "A-001", "recalls": n, "desk": "2", "action": "recall"}
        assert outcome.calls == [Call("A-001", "A", "2", True, lobby.clock())]
    assert lobby.desk("2") == ("called", "A-001")

    outcome = lobby.press("2", "start")
    assert outcome.answer["ticket"] == "A-001"
    assert outcome.calls == []
    assert lobby.desk("2") == ("serving", "A-001")
    assert lobby.status("A-001") == "serving"

    outcome = lobby.press("2", "finish")
    assert outcome.answer["ticket"] == "A-001"
    assert outcome.services == {"A"}
    assert lobby.desk("2") == ("idle", None)
    assert lobby.status("A-001") == "done"
    assert lobby.waiting("A") == ["A-002"]

    assert lobby.press("2", "close").answer["status"] == "closed"
    assert lobby.desk("2") == ("closed", None)


def test_finish_straight_after_the_call(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.press("2", "next")
    called_at = lobby.clock()
    lobby.press("2", "finish")
    ticket = lobby.ticket("A-001")
    assert str(ticket.status) == "done"
    assert ticket.started_at == called_at, "a one-button desk's visit began when it was called"
    assert lobby.desk("2") == ("idle", None)


def test_noshow(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.issue("A")
    lobby.press("2", "next")
    outcome = lobby.press("2", "noshow")
    assert outcome.answer["ticket"] == "A-001"
    assert lobby.status("A-001") == "noshow"
    assert lobby.desk("2") == ("idle", None)
    assert lobby.waiting("A") == ["A-002"], "a no-show does not go back in the queue"
    assert lobby.press("2", "next").answer["ticket"] == "A-002"


def test_next_on_a_serving_desk_finishes_and_calls_the_next(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.issue("A")
    lobby.press("2", "next")
    lobby.press("2", "start")
    outcome = lobby.press("2", "next")
    assert outcome.answer["finished"] == "A-001"
    assert outcome.answer["ticket"] == "A-002"
    assert [call.ticket for call in outcome.calls] == ["A-002"]
    assert lobby.status("A-001") == "done"
    assert lobby.desk("2") == ("called", "A-002")


def test_next_on_a_called_desk_finishes_and_calls_the_next(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.issue("A")
    lobby.press("2", "next")
    outcome = lobby.press("2", "next")
    assert (outcome.answer["finished"], outcome.answer["ticket"]) == ("A-001", "A-002")
    assert lobby.status("A-001") == "done"


def test_next_with_nobody_left_finishes_and_goes_idle(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.press("2", "next")
    outcome = lobby.press("2", "next")
    assert outcome.answer["finished"] == "A-001"
    assert outcome.answer["ticket"] is None
    assert outcome.answer["notice"] == "nobody_waiting"
    assert outcome.calls == []
    assert lobby.status("A-001") == "done"
    assert lobby.desk("2") == ("idle", None)


def test_next_opens_a_closed_desk(lobby: Lobby) -> None:
    """A hardware button can only send the plain words, so ``next`` opens a closed desk."""
    lobby.issue("A")
    assert lobby.press("2", "next").answer["ticket"] == "A-001"
    assert lobby.desk("2") == ("called", "A-001")
    outcome = lobby.press("3", "next")
    assert outcome.answer["ticket"] is None
    assert lobby.desk("3") == ("idle", None)


# --- transfer ----------------------------------------------------------------------------------


def test_transfer_keeps_the_place_by_issue_time(lobby: Lobby) -> None:
    lobby.open_all()
    assert lobby.issue("A") == "A-001"  # 08:01
    assert lobby.issue("B") == "B-001"  # 08:02
    lobby.issue("B")
    lobby.press("2", "next")
    lobby.press("2", "start")
    lobby.clock.advance(minutes=20)
    assert lobby.issue("B") == "B-003"  # after the transfer's moment, so behind A-001

    outcome = lobby.press("2", "transfer", "B")
    assert outcome.answer == {"ticket": "A-001", "to_service": "B", "desk": "2", "action": "transfer"}
    assert outcome.services == {"A", "B"}
    assert outcome.calls == []
    assert lobby.desk("2") == ("idle", None)
    assert lobby.status("A-001") == "waiting"
    assert lobby.waiting("A") == []
    assert lobby.waiting("B") == ["A-001", "B-001", "B-002", "B-003"]

    assert lobby.press("3", "next").answer == {
        "ticket": "A-001",
        "service": "B",
        "desk": "3",
        "action": "next",
    }
    assert lobby.desk("3") == ("called", "A-001")


def test_transfer_of_a_called_visitor_and_ahead_count(lobby: Lobby) -> None:
    lobby.open_all()
    lobby.issue("A")
    lobby.issue("B")
    lobby.press("2", "next")
    lobby.press("2", "transfer", "B")
    lobby.clock.advance(minutes=1)
    _, outcome = lobby.rules.issue("B")
    assert outcome.answer["ticket"] == "B-002"
    assert outcome.answer["ahead"] == 2, "the transferred visitor counts in the new queue"
    lobby.refused("no_ticket", "2", "recall")


def test_transfer_to_an_unknown_service(lobby: Lobby) -> None:
    lobby.open_all()
    lobby.issue("A")
    lobby.press("2", "next")
    lobby.refused("unknown_service", "2", "transfer", "Z")
    lobby.refused("unknown_service", "2", "transfer", None)
    assert lobby.desk("2") == ("called", "A-001")


# --- refusals ----------------------------------------------------------------------------------


def test_unknown_desk(lobby: Lobby) -> None:
    for action in Action:
        lobby.refused("unknown_desk", "9", str(action), "B")


@pytest.mark.parametrize(
    ("action", "to_service"),
    [("recall", None), ("start", None), ("finish", None), ("noshow", None), ("transfer", "B")],
)
def test_desk_closed(lobby: Lobby, action: str, to_service: str | None) -> None:
    lobby.issue("A")
    lobby.refused("desk_closed", "2", action, to_service)


@pytest.mark.parametrize(
    ("action", "to_service"),
    [("recall", None), ("start", None), ("finish", None), ("noshow", None), ("transfer", "B")],
)
def test_no_ticket(lobby: Lobby, action: str, to_service: str | None) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.refused("no_ticket", "2", action, to_service)


@pytest.mark.parametrize("action", ["recall", "start", "noshow"])
def test_bad_state_once_serving(lobby: Lobby, action: str) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    lobby.press("2", "next")
    lobby.press("2", "start")
    error = lobby.refused("bad_state", "2", action)
    assert "A-001" in error.message


def test_nobody_waiting(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.issue("B")
    lobby.refused("nobody_waiting", "2", "next")
    assert lobby.desk("2") == ("idle", None)


@pytest.mark.parametrize("steps", [["next"], ["next", "start"]], ids=["called", "serving"])
def test_desk_busy(lobby: Lobby, steps: list[str]) -> None:
    lobby.press("2", "open")
    lobby.issue("A")
    for step in steps:
        lobby.press("2", step)
    lobby.refused("desk_busy", "2", "close")


def test_an_action_the_rules_do_not_know(lobby: Lobby) -> None:
    with pytest.raises(QueueError) as caught:
        lobby.rules.command("1", "dance")  # type: ignore[arg-type]
    assert caught.value.code == "bad_action"


def test_close_a_closed_desk_is_no_change(lobby: Lobby) -> None:
    assert lobby.press("2", "close").answer["status"] == "closed"
    assert lobby.desk("2") == ("closed", None)


# --- the business day --------------------------------------------------------------------------


def test_the_sequence_restarts_at_midnight_in_jakarta(lobby: Lobby) -> None:
    lobby.clock.now = wib(24, 23, 55)
    lobby.issue("A")  # 23:56
    lobby.issue("A")  # 23:57
    lobby.clock.now = wib(24, 23, 59)
    late, _ = lobby.rules.issue("A")
    lobby.clock.now = wib(25, 0, 1)
    early, _ = lobby.rules.issue("A")
    assert late.issued_at.date() == early.issued_at.date(), "both are on the same UTC day"
    assert (late.code, early.code) == ("A-003", "A-001")
    assert lobby.rules.business_day(late.issued_at) == date(2026, 11, 24)
    assert lobby.rules.business_day(early.issued_at) == date(2026, 11, 25)
    assert lobby.waiting("A") == ["A-001"], "the display shows today's queue"


def test_midnight_utc_is_not_a_new_day(lobby: Lobby) -> None:
    lobby.clock.now = wib(24, 6, 59)  # 23:59 UTC on the 23rd
    first, _ = lobby.rules.issue("A")
    lobby.clock.now = wib(24, 7, 1)  # 00:01 UTC on the 24th
    second, _ = lobby.rules.issue("A")
    assert (first.code, second.code) == ("A-001", "A-002")


def test_yesterdays_ticket_is_not_called_today_and_expires(lobby: Lobby) -> None:
    lobby.open_all()
    lobby.clock.now = wib(24, 23, 50)
    lobby.issue("A")  # 23:51, called at desk 2 below
    lobby.issue("A")  # 23:52, still waiting at midnight
    lobby.issue("B")  # 23:53, still waiting at midnight
    lobby.press("2", "next")
    yesterday = date(2026, 11, 24)

    lobby.clock.now = wib(25, 0, 1)
    today = lobby.issue("A")
    assert today == "A-001"
    assert lobby.waiting("A") == ["A-001"]
    assert lobby.waiting("B") == []

    desks, services = lobby.rules.expire_stale()
    assert desks == {"2"}
    assert services == {"A", "B"}
    for code in ("A-001", "A-002", "B-001"):
        assert lobby.status(code, yesterday) == "expired"
    assert lobby.status("A-001") == "waiting", "today's A-001 is untouched"
    assert lobby.desk("2") == ("idle", None)
    assert lobby.rules.expire_stale() == (set(), set())

    assert lobby.press("1", "next").answer["ticket"] == "A-001"
    assert lobby.ticket("A-001").business_day == date(2026, 11, 25)


def test_expire_stale_leaves_today_alone(lobby: Lobby) -> None:
    lobby.open_all()
    lobby.issue("A")
    lobby.issue("A")
    lobby.press("2", "next")
    assert lobby.rules.expire_stale() == (set(), set())
    assert lobby.desk("2") == ("called", "A-001")
    assert lobby.waiting("A") == ["A-002"]


def test_a_desk_finishing_across_midnight_calls_todays_ticket(lobby: Lobby) -> None:
    lobby.press("2", "open")
    lobby.clock.now = wib(24, 23, 50)
    lobby.issue("A")  # 23:51
    lobby.issue("A")  # 23:52
    lobby.press("2", "next")
    lobby.clock.now = wib(25, 0, 2)
    lobby.issue("A")
    outcome = lobby.press("2", "next")
    assert outcome.answer["finished"] == "A-001"
    assert outcome.answer["ticket"] == "A-001"  # today's A-001, not yesterday's A-002
    assert lobby.status("A-001", date(2026, 11, 24)) == "done"
    assert lobby.status("A-002", date(2026, 11, 24)) == "waiting"
