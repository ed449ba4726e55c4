"""The hub's side of step 6 of the standard: the rating prompt at the desk's rating screen, and
the ratings and complaints that kiosks and rating screens send on their request topic.

Each request runs through ``Hub._run`` like every command (one transaction, idempotent by
``request_id``); this module only says what each one does and which prompts to clear.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shared.contract import topics as contract
from shared.contract.feedback_requests import ComplaintGiven, FeedbackRequest, RatingCheck, RatingGiven
from shared.domain.queue import Outcome, QueueError, QueueRules, Served
from shared.store import complaints, ratings
from shared.store.models import TicketRow

if TYPE_CHECKING:
    from broker.hub.commands import Hub, Publication


class FeedbackDesk:
    """Rating prompts out, ratings and complaints in."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        # desk -> (ticket, day) of the prompt now retained on its rating screen's topic
        self._prompts: dict[str, tuple[str, date]] = {}

    def _today(self) -> date:
        return self.hub.clock().astimezone(self.hub.settings.tz).date()

    def prompt_publications(self, served: list[Served], now: datetime) -> list[Publication]:
        """A retained prompt per desk whose visitor was just served."""
        from broker.hub.commands import Publication

        out = []
        for visit in served:
            self._prompts[visit.desk] = (visit.ticket, visit.day)
            payload = contract.rate_prompt(
                uuid.uuid4().hex[:12], visit.ticket, visit.day.isoformat(), visit.service, visit.desk,
                self.hub.desk_names.get(visit.desk, visit.desk), now.astimezone(self.hub.settings.tz),
            )  # fmt: skip
            topic = contract.topic(self.hub.site, "rate_prompt", desk=visit.desk)
            out.append(Publication(topic, contract.encode(payload), True))
        return out

    def _clear_prompt(self, desk: str | None, ticket: str, day: date) -> list[Publication]:
        """Once the ticket is rated its desk's screen need not ask again (after a restart, say)."""
        from broker.hub.commands import Publication

        if desk is None or self._prompts.get(desk) != (ticket, day):
            return []
        del self._prompts[desk]
        now = self.hub.clock().astimezone(self.hub.settings.tz)
        name = self.hub.desk_names.get(desk, desk)
        payload = contract.rate_prompt(uuid.uuid4().hex[:12], None, None, None, desk, name, now)
        topic = contract.topic(self.hub.site, "rate_prompt", desk=desk)
        return [Publication(topic, contract.encode(payload), True)]

    def request(self, kiosk_id: str, request: FeedbackRequest, reply_to: str) -> list[Publication]:
        source = f"kiosk/{kiosk_id}"
        rated: list[tuple[str | None, str, date]] = []  # (desk, ticket, day) of a rating just begun

        def check(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, RatingCheck)
            ticket = ratings.check(session, request.ticket, self._today())
            return Outcome(answer=self._ticket_answer(ticket.code, ticket.day, ticket.service, ticket.desk))

        def rate(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, RatingGiven)
            row, ref = ratings.give(session, request, kiosk_id, self._today(), self.hub.clock())
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
                session, request, kiosk_id, self._today(), self.hub.clock(), ticket_id, rating_id
            )
            return Outcome(answer={"complaint": row.number, "kind": row.kind})

        apply = (
            check
            if isinstance(request, RatingCheck)
            else rate
            if isinstance(request, RatingGiven)
            else complain
        )
        out = self.hub._run(source, request.request_id, reply_to, apply, store_errors=True)
        for desk, ticket, day in rated:
            out += self._clear_prompt(desk, ticket, day)
        return out

    def _ticket_answer(self, code: str, day: date, service: str, desk: str | None) -> dict[str, object]:
        return {
            "ticket": code,
            "day": day.isoformat(),
            "service": service,
            "service_name": self.hub.service_names.get(service, service),
            "desk": desk,
            "desk_name": self.hub.desk_names.get(desk, desk) if desk else None,
        }
