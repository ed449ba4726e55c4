"""The kiosk's slow steps, run off the UI thread: look up a returning visitor, issue a ticket through
the hub and print it. Plain functions over the two ports; each returns an outcome the view-model
applies on the UI thread, so no state is shared between threads.

Order when issuing: printer status first (paper out or offline: the hub is never asked, so no
number is taken that cannot be printed), then the hub (the same ``request_id`` on every retry of
one attempt: a retry never gives two tickets), then the printer. A print that fails after the hub
issued keeps the ticket, to show its code and reprint it with the same code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo

from kiosk.ports import PrinterPort, PrinterStatus, PrintFailed, TicketText
from kiosk.touch.ports import ORDINARY, HubError, HubPort, IssuedTicket, Lane, ReturningGuest

log = logging.getLogger(__name__)

# What the printer can tell before printing that means "do not issue now".
BLOCKING_STATUSES = frozenset({PrinterStatus.PAPER_OUT, PrinterStatus.OFFLINE})


@dataclass(frozen=True)
class IssueAttempt:
    request_id: str
    service: str
    guest: dict[str, object]
    reported_problem: str | None  # what staff were last told about the printer
    lane: Lane = ORDINARY  # the priority lane, as the visitor chose it on the welcome screen


@dataclass(frozen=True)
class IssueOutcome:
    ticket: TicketText | None = None
    printed: bool = False
    printer_problem: str | None = None
    hub_error: str | None = None
    staff_told: bool = False


@dataclass(frozen=True)
class LookupOutcome:
    guest: ReturningGuest | None = None
    hub_error: str | None = None


@dataclass(frozen=True)
class TicketFacts:
    """What a ticket needs besides the hub's answer."""

    office_name: str
    service_names: dict[str, str]
    tz: tzinfo
    minutes_per_visitor: int
    language: str
    complaint_channels: tuple[str, ...]


def ticket_text(facts: TicketFacts, issued: IssuedTicket) -> TicketText:
    # Nobody ahead: no estimate at all (the screen shows none either), rather than "+/- 0 min".
    per_visitor = facts.minutes_per_visitor
    estimate = issued.ahead * per_visitor if per_visitor > 0 and issued.ahead > 0 else None
    return TicketText(
        office_name=facts.office_name,
        service_name=issued.service_name or facts.service_names.get(issued.service, issued.service),
        code=issued.code,
        issued_at=issued.issued_at.astimezone(facts.tz),
        ahead=issued.ahead,
        estimated_wait_min=estimate,
        language=facts.language,
        complaint_channels=facts.complaint_channels,
        priority=issued.priority,
    )


def tell_staff(hub: HubPort, problem: str | None) -> bool:
    """Report the printer's problem (or that it is fixed); ``False`` when the hub could not be told."""
    try:
        hub.report_printer(problem)
    except HubError as exc:
        log.warning("kiosk: could not tell staff about the printer (%s): %s", problem or "fixed", exc.code)
        return False
    return True


def issue(hub: HubPort, printer: PrinterPort, attempt: IssueAttempt, facts: TicketFacts) -> IssueOutcome:
    status = printer.status()
    if status in BLOCKING_STATUSES:
        return IssueOutcome(printer_problem=str(status), staff_told=tell_staff(hub, str(status)))
    try:
        issued = hub.issue(attempt.request_id, attempt.service, attempt.guest, attempt.lane)
    except HubError as exc:
        return IssueOutcome(hub_error=exc.code)
    return print_ticket(hub, printer, ticket_text(facts, issued), attempt.reported_problem)


def print_ticket(
    hub: HubPort, printer: PrinterPort, ticket: TicketText, reported_problem: str | None
) -> IssueOutcome:
    try:
        printer.print_ticket(ticket)
    except PrintFailed as exc:
        problem = str(exc.problem)
        return IssueOutcome(ticket=ticket, printer_problem=problem, staff_told=tell_staff(hub, problem))
    if reported_problem is not None:
        tell_staff(hub, None)
    return IssueOutcome(ticket=ticket, printed=True)


def lookup(hub: HubPort, request_id: str, id_number: str = "", email: str = "") -> LookupOutcome:
    try:
        return LookupOutcome(guest=hub.lookup(request_id, id_number=id_number, email=email))
    except HubError as exc:
        return LookupOutcome(hub_error=exc.code)
