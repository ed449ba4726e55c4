"""The queue domain: the rules that move tickets between services and desks (``QueueRules``).

Pure Python: no MQTT, no database, no Kivy. Storage is reached through the ``QueueRepository``
protocol and time through an injected clock, so the same rules run over SQLite, PostgreSQL or an
in-memory list in a unit test. Each public method is one command; the caller wraps it in one
transaction and publishes what the returned ``Outcome`` says changed.

The vocabulary (tickets, desks, statuses, actions, ``Outcome``) lives in ``queue_model`` and the
storage protocol in ``queue_repository``; both are re-exported here, so ``from shared.domain.queue
import Ticket`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.domain.priority import PRIORITY_CATEGORIES, PriorityPolicy, choose
from shared.domain.queue_model import (
    ACTIVE_STATUSES,
    DESK_ACTIONS,
    Action,
    Call,
    Clock,
    Desk,
    DeskState,
    DeskStatus,
    Outcome,
    QueueError,
    Served,
    Service,
    Ticket,
    TicketStatus,
    ticket_code,
    utc_now,
)
from shared.domain.queue_repository import QueueRepository

__all__ = [
    "ACTIVE_STATUSES",
    "DESK_ACTIONS",
    "Action",
    "Call",
    "Clock",
    "Desk",
    "DeskState",
    "DeskStatus",
    "Outcome",
    "QueueError",
    "QueueRepository",
    "QueueRules",
    "Served",
    "Service",
    "Ticket",
    "TicketStatus",
    "ticket_code",
    "utc_now",
]


class QueueRules:
    """The commands of the queue, applied to a repository at the clock's time."""

    def __init__(
        self,
        repo: QueueRepository,
        services: Iterable[Service],
        desks: Iterable[Desk],
        tz: ZoneInfo,
        clock: Clock = utc_now,
        policy: PriorityPolicy | None = None,
    ) -> None:
        self.repo = repo
        self.services = {s.prefix: s for s in services}
        self.desks = {d.id: d for d in desks}
        self.tz = tz
        self.clock = clock
        self.policy = policy or PriorityPolicy()

    def business_day(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    # --- the kiosk -------------------------------------------------------------------------

    def issue(
        self, service: str, priority: bool = False, category: str | None = None
    ) -> tuple[Ticket, Outcome]:
        """A new ticket at the back of ``service``'s queue, coded with the day's next number; a
        priority ticket (same code, flagged) stands ahead by the policy's head start."""
        if service not in self.services:
            raise QueueError("unknown_service", f"unknown service {service!r}")
        if category is not None and (not priority or category not in PRIORITY_CATEGORIES):
            choices = ", ".join(PRIORITY_CATEGORIES)
            raise QueueError("bad_category", f"priority category must be one of {choices}")
        now = self.clock()
        day = self.business_day(now)
        seq = self.repo.next_sequence(service, day)
        ticket = self.repo.add_ticket(
            Ticket(
                code=ticket_code(service, seq),
                service=service,
                origin_service=service,
                business_day=day,
                seq=seq,
                issued_at=now,
                priority=priority,
                priority_category=category,
                queue_at=self.policy.queue_at(now, priority),
            )
        )
        self.repo.record_event(ticket, "issue", None, now)
        ahead = self.repo.count_waiting_before(ticket)
        answer: dict[str, object] = {"ticket": ticket.code, "service": service, "ahead": ahead}
        if priority:
            answer.update(priority=True, category=category)
        return ticket, Outcome(answer=answer, services={service})

    # --- the desks -------------------------------------------------------------------------

    def command(
        self,
        desk_id: str,
        action: Action,
        to_service: str | None = None,
        *,
        ticket: str | None = None,
        reason: str | None = None,
    ) -> Outcome:
        """``ticket``: the code a ``call_ticket``, ``resume`` or ``return`` names; ``reason``: a
        ``call_ticket``'s."""
        desk = self.desks.get(desk_id)
        if desk is None:
            raise QueueError("unknown_desk", f"unknown desk {desk_id!r}")
        handler = {
            Action.NEXT: self._next,
            Action.RECALL: self._recall,
            Action.START: self._start,
            Action.FINISH: self._finish,
            Action.NOSHOW: self._noshow,
            Action.OPEN: self._open,
            Action.CLOSE: self._close,
            Action.REPEAT: self._recall,
        }.get(action)
        now = self.clock()
        state = self.repo.desk_state(desk.id)
        if action is Action.TRANSFER:
            outcome = self._transfer(desk, state, now, to_service)
        elif action in DESK_ACTIONS:
            from shared.domain import desk_actions  # not at the top: it builds on this module

            outcome = desk_actions.apply(self, desk, state, now, action, ticket, reason)
        elif handler is None:
            raise QueueError("bad_action", f"unknown action {action!r}")
        else:
            outcome = handler(desk, state, now)
        outcome.desks.add(desk.id)
        outcome.answer.setdefault("desk", desk.id)
        outcome.answer.setdefault("action", str(action))
        return outcome

    def expire_stale(self) -> tuple[set[str], set[str]]:
        """Close what is still open from earlier business days (run when a new day starts)."""
        now = self.clock()
        return self.repo.expire_before(self.business_day(now), now)

    def _current(self, state: DeskState) -> Ticket | None:
        return self.repo.get_ticket(state.ticket_id) if state.ticket_id is not None else None

    def _require_current(self, desk: Desk, state: DeskState, *allowed: TicketStatus) -> Ticket:
        if state.status is DeskStatus.CLOSED:
            raise QueueError("desk_closed", f"desk {desk.id} is closed")
        ticket = self._current(state)
        if ticket is None:
            raise QueueError("no_ticket", f"desk {desk.id} has no visitor")
        if ticket.status not in allowed:
            raise QueueError("bad_state", f"ticket {ticket.code} is {ticket.status}, not {'/'.join(allowed)}")
        return ticket

    def _set_desk(self, state: DeskState, status: DeskStatus, ticket: Ticket | None, now: datetime) -> None:
        state.status = status
        state.ticket_id = ticket.id if ticket else None
        state.since = now
        self.repo.save_desk(state)

    def _end(self, ticket: Ticket, status: TicketStatus, desk: Desk, now: datetime) -> None:
        if ticket.status is TicketStatus.CALLED and status is TicketStatus.DONE:
            # A one-button desk never presses "start": the visit began when it was called.
            ticket.started_at = ticket.called_at
        ticket.status = status
        ticket.finished_at = now
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, str(status), desk.id, now)

    def _next(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        outcome = Outcome(answer={})
        current = self._current(state)
        if current is not None and current.status in (TicketStatus.CALLED, TicketStatus.SERVING):
            self._end(current, TicketStatus.DONE, desk, now)
            outcome.answer["finished"] = current.code
            outcome.served.append(Served(current.code, current.service, desk.id, current.business_day))
            outcome.services.add(current.service)
        ticket = self.next_for(desk, self.business_day(now))
        if ticket is None:
            if current is None and state.status is not DeskStatus.CLOSED:
                raise QueueError("nobody_waiting", "nobody is waiting")
            self._set_desk(state, DeskStatus.IDLE, None, now)
            outcome.answer.update(ticket=None, notice="nobody_waiting")
            return outcome
        self.call_ticket(ticket, desk, state, now, outcome)
        return outcome

    def next_for(self, desk: Desk, day: date) -> Ticket | None:
        """The ticket ``next`` calls at ``desk``: the priority policy over its services' heads."""
        heads = []
        for service in desk.services:
            priority_head, ordinary_head = self.repo.waiting_heads(service, day)
            if priority_head is None and ordinary_head is None:
                continue
            run = self.repo.priority_run(service) if priority_head and ordinary_head else 0
            heads.append((priority_head, ordinary_head, run))
        found = choose(heads, self.policy)
        assert found is None or isinstance(found, Ticket)
        return found

    def call_ticket(
        self, ticket: Ticket, desk: Desk, state: DeskState, now: datetime, outcome: Outcome
    ) -> None:
        """Call waiting ``ticket`` to ``desk`` (its clock's record and the repository's run follow
        the ``call`` event)."""
        ticket.status = TicketStatus.CALLED
        ticket.desk = desk.id
        ticket.called_at = now
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, "call", desk.id, now)
        self._set_desk(state, DeskStatus.CALLED, ticket, now)
        outcome.answer.update(ticket=ticket.code, service=ticket.service)
        if ticket.priority:
            outcome.answer["priority"] = True
        outcome.services.add(ticket.service)
        outcome.calls.append(Call(ticket.code, ticket.service, desk.id, False, now, ticket.priority))

    def _recall(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED)
        ticket.recall_count += 1
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, "recall", desk.id, now)
        call = Call(ticket.code, ticket.service, desk.id, True, now, ticket.priority)
        answer: dict[str, object] = {"ticket": ticket.code, "recalls": ticket.recall_count}
        return Outcome(answer=answer, calls=[call])

    def _start(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED)
        ticket.status = TicketStatus.SERVING
        ticket.started_at = now
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, "start", desk.id, now)
        self._set_desk(state, DeskStatus.SERVING, ticket, now)
        return Outcome(answer={"ticket": ticket.code})

    def _finish(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED, TicketStatus.SERVING)
        self._end(ticket, TicketStatus.DONE, desk, now)
        self._set_desk(state, DeskStatus.IDLE, None, now)
        served = [Served(ticket.code, ticket.service, desk.id, ticket.business_day)]
        return Outcome(answer={"ticket": ticket.code}, services={ticket.service}, served=served)

    def _noshow(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        ticket = self._require_current(desk, state, TicketStatus.CALLED)
        self._end(ticket, TicketStatus.NO_SHOW, desk, now)
        self._set_desk(state, DeskStatus.IDLE, None, now)
        return Outcome(answer={"ticket": ticket.code}, services={ticket.service})

    def _transfer(self, desk: Desk, state: DeskState, now: datetime, to_service: str | None) -> Outcome:
        if to_service not in self.services:
            raise QueueError("unknown_service", f"unknown service {to_service!r}")
        ticket = self._require_current(desk, state, TicketStatus.CALLED, TicketStatus.SERVING)
        from_service = ticket.service
        # Back to waiting in the new queue; issued_at is untouched, so FIFO by issue time puts
        # the visitor where they would have stood had they chosen that service at the kiosk.
        ticket.service = to_service
        ticket.status = TicketStatus.WAITING
        ticket.desk = None
        ticket.called_at = None
        ticket.started_at = None
        ticket.recall_count = 0
        self.repo.save_ticket(ticket)
        self.repo.record_event(ticket, f"transfer:{from_service}>{to_service}", desk.id, now)
        self._set_desk(state, DeskStatus.IDLE, None, now)
        answer: dict[str, object] = {"ticket": ticket.code, "to_service": to_service}
        return Outcome(answer=answer, services={from_service, to_service})

    def _open(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        if state.status is DeskStatus.CLOSED:
            self._set_desk(state, DeskStatus.IDLE, None, now)
        return Outcome(answer={"status": str(state.status)})

    def _close(self, desk: Desk, state: DeskState, now: datetime) -> Outcome:
        if state.ticket_id is not None:
            raise QueueError("desk_busy", f"desk {desk.id} still has a visitor; finish first")
        if state.status is not DeskStatus.CLOSED:
            self._set_desk(state, DeskStatus.CLOSED, None, now)
        return Outcome(answer={"status": str(state.status)})
