"""The kiosks' requests and the counters' commands: each raw payload parsed, a malformed one
answered at once, a good one turned into a ``Command`` for the transaction runner it is given."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from broker.hub.desk_guard import refuse_unattended_opening
from broker.hub.feedback import FeedbackDesk
from broker.hub.publications import Publication, SiteNames, answer
from broker.hub.transactions import Request, Runner
from shared.contract import kiosk_requests
from shared.contract import topics as contract
from shared.contract.codec import PayloadError
from shared.contract.feedback_requests import ComplaintGiven, RatingCheck, RatingGiven
from shared.contract.kiosk_requests import KioskRequest, LookupRequest
from shared.domain.queue import Action, Clock, Outcome, QueueError, QueueRules
from shared.store import access_log
from shared.store.book_repository import BookRepository
from shared.store.guest_store import GuestStore
from shared.store.keys import SiteKey

Prepared = Request | list[Publication] | Callable[[], list[Publication]]
"""A parsed request: for the runner (alone or in a batch), answered already, or a job of its own."""

# The hub's command log keeps the name it has always had: journal filters and log searches use it.
log = logging.getLogger("broker.hub.commands")


class KioskRequests:
    """A kiosk's ticket, returning-visitor look-up, rating and complaint requests."""

    def __init__(
        self, names: SiteNames, clock: Clock, run: Runner, feedback: FeedbackDesk, key: SiteKey
    ) -> None:
        self.names = names
        self.key = key  # the access log's
        self.clock = clock
        self.run = run
        self.feedback = feedback

    def handle(self, kiosk_id: str, raw: bytes) -> list[Publication]:
        prepared = self.prepare(kiosk_id, raw)
        if isinstance(prepared, Request):
            return self.run(prepared.source, prepared.request_id, prepared.reply_to, prepared.apply,
                            store_errors=prepared.store_errors)  # fmt: skip
        return prepared() if callable(prepared) else prepared

    def prepare(self, kiosk_id: str, raw: bytes) -> Prepared:
        """The request as the runner takes it (one a batch may carry), its answer when it is
        malformed, or the job that runs it on its own (ratings and complaints)."""
        reply_to = self.names.topic("kiosk_response", kiosk_id=kiosk_id)
        try:
            request = kiosk_requests.parse_kiosk_request(raw)
        except PayloadError as exc:
            log.warning("kiosk %s: rejected request %s: %s", kiosk_id, exc.request_id, exc.code)
            return [answer(reply_to, contract.error_answer(exc.request_id, exc.code, exc.message))]
        if isinstance(request, RatingCheck | RatingGiven | ComplaintGiven):
            feedback = request
            return lambda: self.feedback.request(kiosk_id, feedback, reply_to)
        source = f"kiosk/{kiosk_id}"

        def lookup(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, LookupRequest)
            now = self.clock()
            # Every lookup, found or not, in the access log, in the same transaction as its answer.
            subject = access_log.lookup_subject(self.key, request.id_number, request.email)
            access_log.record(session, self.key, source, access_log.LOOKUP, subject, now)
            return Outcome(answer=GuestStore(session).lookup(request, kiosk_id, now))

        def issue(session: Session, rules: QueueRules) -> Outcome:
            assert isinstance(request, KioskRequest)
            repo = rules.repo
            assert isinstance(repo, BookRepository)
            ticket, outcome = rules.issue(request.service, request.priority, request.category)
            repo.set_kiosk(ticket, kiosk_id)
            if request.guest is not None:
                repo.flush()  # the guest's entry points at the ticket's row
            if request.guest is not None and not GuestStore(session).attach(
                ticket, request.guest, kiosk_id, ticket.issued_at
            ):
                # Rolls the ticket back too: the kiosk asks the visitor to look up again.
                raise QueueError("unknown_ref", "the returning visitor's ref is unknown or expired")
            outcome.answer.update(
                service_name=self.names.services[request.service],
                issued_at=contract.iso(ticket.issued_at.astimezone(self.names.tz)),
            )
            return outcome

        apply = lookup if isinstance(request, LookupRequest) else issue
        return Request(source, request.request_id, reply_to, apply, store_errors=True)


class CounterCommands:
    """A desk's commands (``shared.domain.queue.Action``: next, recall, start, finish, ...)."""

    def __init__(self, names: SiteNames, run: Runner) -> None:
        self.names = names
        self.run = run

    def handle(self, desk: str, raw: bytes) -> list[Publication]:
        prepared = self.prepare(desk, raw)
        if isinstance(prepared, Request):
            return self.run(prepared.source, prepared.request_id, prepared.reply_to, prepared.apply,
                            store_errors=prepared.store_errors)  # fmt: skip
        return prepared() if callable(prepared) else prepared

    def prepare(self, desk: str, raw: bytes) -> Prepared:
        """The command as the runner takes it, or its answer when it is malformed."""
        reply_to = self.names.topic("counter_response", desk=desk)
        try:
            command = contract.parse_counter_command(raw)
        except PayloadError as exc:
            log.warning("desk %s: rejected command %s: %s", desk, exc.request_id, exc.code)
            return [answer(reply_to, contract.error_answer(exc.request_id, exc.code, exc.message))]
        # A button has no request id: each press is a new command.
        request_id = command.request_id or f"hub-{uuid.uuid4().hex}"

        def apply(session: Session, rules: QueueRules) -> Outcome:
            action = Action(command.action)
            status = rules.repo.desk_state(desk).status
            refuse_unattended_opening(session, desk, action, rules.clock(), status)
            ticket, reason = command.ticket, command.reason
            return rules.command(desk, action, command.to_service, ticket=ticket, reason=reason)

        stored = command.request_id is not None  # a fresh id is never repeated: a refusal not kept
        return Request(f"counter/{desk}", request_id, reply_to, apply, store_errors=stored)
