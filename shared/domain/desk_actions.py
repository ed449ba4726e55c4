"""The desk actions of issue 18: park a visitor (``hold``), call them back (``resume``), call a
chosen waiting ticket out of order with a reason (``call_ticket``), and send the visitor back to the
queue at their place (``return``). ``repeat`` is ``recall`` (``shared.domain.queue``).

The 10-minute clock (``shared.domain.timing``): parking ends the visitor's stay in the queue
(pass left ``hold``), so the next visitor's clock is not held up by someone who stepped away; a
resumed visit's end (done, no-show, transfer) is written on that pass as how it left, its time
unchanged, so no clock moves back and the reports count the visit; a return opens a new pass at
the ticket's original queue time, as a transfer does.
"""

from __future__ import annotations

from datetime import datetime

from shared.domain.priority import CALL_REASONS
from shared.domain.queue import (
    Action,
    Call,
    Desk,
    DeskState,
    DeskStatus,
    Outcome,
    QueueError,
    QueueRules,
    Served,
    Ticket,
    TicketStatus,
)


def apply(rules: QueueRules, desk: Desk, state: DeskState, now: datetime, action: Action,
          code: str | None, reason: str | None) -> Outcome:  # fmt: skip
    """One desk action at ``desk`` (its state ``state``) at ``now``."""
    if state.status is DeskStatus.CLOSED:
        raise QueueError("desk_closed", f"desk {desk.id} is closed")
    if action is Action.HOLD:
        return _hold(rules, desk, state, now)
    if action is Action.RESUME:
        return _resume(rules, desk, state, now, code)
    if action is Action.CALL:
        return _call(rules, desk, state, now, code, reason)
    return _return(rules, desk, state, now, code)


def _parked(rules: QueueRules, desk: Desk, code: str | None) -> Ticket:
    """The ticket parked at ``desk`` that ``code`` names; without a code, the only one there."""
    parked = rules.repo.parked_at(desk.id)
    if code is not None:
        parked = [t for t in parked if t.code == code]
    if not parked:
        raise QueueError("not_parked", f"no such visitor parked at desk {desk.id}: {code or '-'}")
    if len(parked) > 1:
        raise QueueError("ticket_needed", f"several visitors are parked at desk {desk.id}: name the ticket")
    return parked[0]


def _hold(rules: QueueRules, desk: Desk, state: DeskState, now: datetime) -> Outcome:
    ticket = rules._require_current(desk, state, TicketStatus.CALLED, TicketStatus.SERVING)
    ticket.status = TicketStatus.PARKED
    rules.repo.save_ticket(ticket)
    rules.repo.record_event(ticket, "hold", desk.id, now)
    rules._set_desk(state, DeskStatus.IDLE, None, now)
    parked = [t.code for t in rules.repo.parked_at(desk.id)]
    return Outcome(answer={"ticket": ticket.code, "parked": parked}, services={ticket.service})


def _resume(rules: QueueRules, desk: Desk, state: DeskState, now: datetime, code: str | None) -> Outcome:
    if state.ticket_id is not None:
        raise QueueError("desk_busy", f"desk {desk.id} still has a visitor; finish or hold first")
    ticket = _parked(rules, desk, code)
    serving = ticket.started_at is not None
    ticket.status = TicketStatus.SERVING if serving else TicketStatus.CALLED
    rules.repo.save_ticket(ticket)
    rules.repo.record_event(ticket, "resume", desk.id, now)
    rules._set_desk(state, DeskStatus.SERVING if serving else DeskStatus.CALLED, ticket, now)
    call = Call(ticket.code, ticket.service, desk.id, False, now, ticket.priority)
    answer: dict[str, object] = {"ticket": ticket.code, "service": ticket.service}
    return Outcome(answer=answer, calls=[call], services={ticket.service})


def _call(rules: QueueRules, desk: Desk, state: DeskState, now: datetime, code: str | None,
          reason: str | None) -> Outcome:  # fmt: skip
    if code is None:
        raise QueueError("ticket_needed", "call_ticket needs the code of the ticket to call")
    if reason not in CALL_REASONS:
        raise QueueError("bad_reason", f"reason must be one of {', '.join(CALL_REASONS)}")
    ticket = rules.repo.find_ticket(code, rules.business_day(now))
    if ticket is None:
        raise QueueError("unknown_ticket", f"no ticket {code} today")
    if ticket.status is not TicketStatus.WAITING:
        raise QueueError("not_waiting", f"ticket {ticket.code} is {ticket.status}, not waiting")
    if ticket.service not in desk.services:
        raise QueueError("wrong_service", f"desk {desk.id} does not serve {ticket.service}")
    outcome = Outcome(answer={})
    current = rules._current(state)
    if current is not None and current.status in (TicketStatus.CALLED, TicketStatus.SERVING):
        # As ``next``: the visitor at the desk is done when the desk calls another.
        rules._end(current, TicketStatus.DONE, desk, now)
        outcome.answer["finished"] = current.code
        outcome.served.append(Served(current.code, current.service, desk.id, current.business_day))
        outcome.services.add(current.service)
    rules.call_ticket(ticket, desk, state, now, outcome)
    # The reason is kept with the ticket's steps: reports show out-of-order calls and why.
    rules.repo.record_event(ticket, f"out_of_order:{reason}", desk.id, now)
    outcome.answer.update(reason=reason, out_of_order=True)
    return outcome


def _return(rules: QueueRules, desk: Desk, state: DeskState, now: datetime, code: str | None) -> Outcome:
    current = rules._current(state)
    at_desk = current is not None and (code is None or current.code == code)
    if at_desk:
        ticket = rules._require_current(desk, state, TicketStatus.CALLED, TicketStatus.SERVING)
    else:
        ticket = _parked(rules, desk, code)
    # Back to waiting; queue_at and issued_at untouched: the visitor stands where they stood.
    ticket.status = TicketStatus.WAITING
    ticket.desk = None
    ticket.called_at = None
    ticket.started_at = None
    ticket.recall_count = 0
    rules.repo.save_ticket(ticket)
    rules.repo.record_event(ticket, "return", desk.id, now)
    if at_desk:
        rules._set_desk(state, DeskStatus.IDLE, None, now)
    ahead = rules.repo.count_waiting_before(ticket)
    return Outcome(answer={"ticket": ticket.code, "ahead": ahead}, services={ticket.service})
