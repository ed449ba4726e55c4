"""The hub's side of step 6 of the standard: the ratings and complaints that kiosks and rating
screens send on their request topic (the prompts themselves: ``broker.hub.prompts``).

Each request runs through the transaction runner it is given, like every command (one
transaction, idempotent by ``request_id``); this module only says what each one does and which
prompt to clear.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from broker.hub.prompts import RatingPrompts
from broker.hub.publications import Publication, SiteNames
from broker.hub.transactions import Runner
from shared.contract.feedback_requests import ComplaintGiven, FeedbackRequest, RatingCheck, RatingGiven
from shared.domain.queue import Clock, Outcome, QueueError, QueueRules
from shared.store import complaints, ratings
from shared.store.models import TicketRow


class FeedbackDesk:
    """Ratings and complaints in; a rated visit's prompt cleared."""

    def __init__(self, names: SiteNames, clock: Clock, prompts: RatingPrompts, run: Runner) -> None:
        self.names = names
        self.clock = clock
        self.prompts = prompts
        self.run = run

    def _today(self) -> date:
        return self.clock().astimezone(self.names.tz).date()

    def request(self, kiosk_id: str, request: FeedbackRequest, reply_to: str) -> list[Publication]:
        source = f"kiosk/{kiosk_id}"
        rated: list[tuple[str | None, str, date]] = []  # (desk, ticket, day) of a rating just begun

        def check(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, RatingCheck)
            ticket = ratings.check(session, request.ticket, self._today())
            return Outcome(answer=self._ticket_answer(ticket.code, ticket.day, ticket.service, ticket.desk))

        def rate(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, RatingGiven)
            row, ref = ratings.give(session, request, kiosk_id, self._today(), self.clock())
            ticket = session.get(TicketRow, row.ticket_id) if row.ticket_id else None
            if ticket is None:
                raise QueueError("unknown_rating", "this rating belongs to no ticket")
            answer = self._ticket_answer(ticket.code, ticket.business_day, ticket.service, ticket.desk)
            if ref is not None:
                answer["rating_ref"] = ref
                rated.append((ticket.desk, ticket.code, ticket.business_day))
            return Outcome(answer=answer)

        def complain(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, ComplaintGiven)
            ticket_id = rating_id = None
            if request.rating_ref:
                rating = ratings.rating_by_ref(session, request.rating_ref, kiosk_id)
                if rating is None:
                    raise QueueError("unknown_rating", "no rating was begun with this ref at this device")
                rating_id, ticket_id = rating.id, rating.ticket_id
            elif request.ticket is not None:
                ticket_id = ratings.find_ticket(session, request.ticket, self._today()).id
            row = complaints.from_visitor(
                session, request, kiosk_id, self._today(), self.clock(), ticket_id, rating_id
            )
            return Outcome(answer={"complaint": row.number, "kind": row.kind})

        apply = (
            check
            if isinstance(request, RatingCheck)
            else rate
            if isinstance(request, RatingGiven)
            else complain
        )
        out = self.run(source, request.request_id, reply_to, apply, store_errors=True)
        for desk, ticket, day in rated:
            out += self.prompts.clear(desk, ticket, day)
        return out

    def _ticket_answer(self, code: str, day: date, service: str, desk: str | None) -> dict[str, object]:
        return {
            "ticket": code,
            "day": day.isoformat(),
            "service": service,
            "service_name": self.names.services.get(service, service),
            "desk": desk,
            "desk_name": self.names.desks.get(desk, desk) if desk else None,
        }
