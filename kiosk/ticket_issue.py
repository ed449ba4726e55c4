"""Issuing the visitor's ticket and printing it: consent's "take a number" (and "try again" with
the same request id, so a retry never gives a second ticket), the outcome applied to the visit, a
hub refusal turned into the problem screen, and the reprint of a ticket the printer did not print.

The slow steps themselves run off the UI thread (``kiosk.issuing``). A part the kiosk view-model
holds (``vm.issue``): it keeps what the kiosk knows of its printer across visits (the problem staff
were last told of, the issued tickets not printed yet, a reprint in flight) and moves the visit
through ``IssueFlow``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kiosk import issuing, texts
from kiosk.flow import Notice, Step
from kiosk.options import KioskOptions
from kiosk.ports import PrinterPort, TicketText
from kiosk.returning import ReturningVisitor
from kiosk.touch.ports import HubPort, Lane
from shared.contract import kiosk_requests
from shared.domain import guestbook


class IssueFlow(Protocol):
    """What issuing reads and moves of the kiosk view-model that holds it (the visit)."""

    options: KioskOptions
    language: str
    service: str | None
    lane: Lane
    path: str
    fields: dict[str, str]
    returning: ReturningVisitor
    step: Step
    busy: bool
    focused: str | None
    notice: Notice | None
    request_id: str | None
    ticket: TicketText | None
    printed: bool

    def changed(self) -> None: ...
    def check_hours(self) -> bool: ...
    def finish(self) -> None: ...
    def forget_typed(self) -> None: ...
    def background(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None: ...


class TicketIssue:
    def __init__(
        self, flow: IssueFlow, hub: HubPort, printer: PrinterPort, new_id: Callable[[], str]
    ) -> None:
        self._flow = flow
        self._hub = hub
        self._printer = printer
        self._new_id = new_id
        self.unprinted: list[TicketText] = []  # issued, not printed: kept for "print again"
        self.printer_problem: str | None = None  # last known, as staff were told
        self.reprinting = False

    def guest_payload(self) -> dict[str, object]:
        flow = self._flow
        cleaned = guestbook.clean(flow.fields)
        guest = flow.returning.guest
        if flow.path == "returning" and guest is not None:
            return kiosk_requests.returning_guest(guest.ref, cleaned["purpose"])
        return kiosk_requests.new_guest(cleaned)

    def agree(self) -> None:
        """Consent given: issue (and, after a problem, "try again" with the same request id)."""
        flow = self._flow
        if flow.busy or flow.service is None:
            return
        if flow.request_id is None and flow.check_hours():
            flow.finish()  # closed while the form was filled in: no new ticket
            return
        if flow.request_id is None:
            flow.request_id = self._new_id()
        attempt = issuing.IssueAttempt(
            flow.request_id, flow.service, self.guest_payload(), self.printer_problem, flow.lane
        )
        facts = self._ticket_facts()
        flow.busy, flow.step, flow.notice, flow.focused = True, Step.ISSUING, None, None
        flow.changed()
        hub, printer = self._hub, self._printer
        flow.background(lambda: issuing.issue(hub, printer, attempt, facts), self._issue_done)

    def _ticket_facts(self) -> issuing.TicketFacts:
        o = self._flow.options
        language = self._flow.language
        return issuing.TicketFacts(
            office_name=o.office_name,
            service_names={s.prefix: s.name for s in o.services},
            tz=o.tz,
            minutes_per_visitor=o.minutes_per_visitor,
            language=language,
            complaint_channels=o.feedback.lines(language),
        )

    def _issue_done(self, outcome: issuing.IssueOutcome) -> None:
        flow = self._flow
        flow.busy = False
        if outcome.hub_error:
            self._hub_refused(outcome.hub_error)
        elif outcome.ticket is None:
            problem = outcome.printer_problem or "unknown"
            self.printer_problem = problem
            flow.notice = Notice("printer", problem, staff_told=outcome.staff_told)
            flow.step = Step.PROBLEM
        else:
            flow.request_id = None  # this attempt is complete
            flow.ticket, flow.printed, flow.step = outcome.ticket, outcome.printed, Step.TICKET
            self.printer_problem = outcome.printer_problem
            if not outcome.printed:
                self.unprinted.append(outcome.ticket)
            flow.forget_typed()
        flow.changed()

    def _hub_refused(self, code: str) -> None:
        flow = self._flow
        retryable = code in texts.RETRYABLE_HUB_CODES
        if not retryable:
            flow.request_id = None  # the hub remembers its refusal for this id: a new attempt needs a new one
        back_to = {
            "bad_guest": Step.PREFILL if flow.path == "returning" else Step.FORM,
            "no_consent": Step.CONSENT,
        }.get(code)
        if code == "unknown_ref":
            flow.returning.guest, flow.path, back_to = None, "new", Step.FORM
        flow.notice = Notice("hub", code, can_retry=retryable, back_to=back_to)
        flow.step = Step.PROBLEM

    def reprint(self, code: str | None = None) -> None:
        """Print an issued ticket again, with the same code (the current one, or ``code``)."""
        candidates = [t for t in self.unprinted if code is None or t.code == code]
        if self.reprinting or not candidates:
            return
        ticket, reported = candidates[0], self.printer_problem
        self.reprinting = True
        self._flow.changed()
        hub, printer = self._hub, self._printer
        self._flow.background(
            lambda: issuing.print_ticket(hub, printer, ticket, reported), self._reprint_done
        )

    def _reprint_done(self, outcome: issuing.IssueOutcome) -> None:
        flow = self._flow
        self.reprinting = False
        self.printer_problem = outcome.printer_problem
        if outcome.printed and outcome.ticket is not None:
            self.unprinted = [t for t in self.unprinted if t.code != outcome.ticket.code]
            if flow.ticket is not None and flow.ticket.code == outcome.ticket.code:
                flow.printed = True
        flow.changed()
