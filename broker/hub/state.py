"""What an outcome changes for the lobby: the call events, the rating prompts, and the retained
desk and queue states, read from the database inside the command's transaction."""

from __future__ import annotations

import uuid

from broker.hub.prompts import RatingPrompts
from broker.hub.publications import Publication, SiteNames
from shared.contract import topics as contract
from shared.domain.queue import Clock, Outcome
from shared.store.repository import SqlQueueRepository


class StatePublisher:
    """The publications an outcome calls for; ``publications`` is what every command ends with."""

    def __init__(self, names: SiteNames, clock: Clock, prompts: RatingPrompts) -> None:
        self.names = names
        self.clock = clock
        self.prompts = prompts

    def publications(self, repo: SqlQueueRepository, outcome: Outcome) -> list[Publication]:
        out: list[Publication] = []
        now = self.clock()
        tz = self.names.tz
        for call in outcome.calls:
            payload = contract.call_event(
                uuid.uuid4().hex[:12],
                call.ticket,
                call.service,
                call.desk,
                self.names.desks[call.desk],
                call.recall,
                call.at.astimezone(tz),
            )
            out.append(Publication(self.names.topic("call_event"), contract.encode(payload)))
        out += self.prompts.for_served(outcome.served, now)
        for desk in sorted(outcome.desks):
            out.append(self._desk_publication(repo, desk))
        day = now.astimezone(tz).date()
        for service in sorted(outcome.services):
            if service not in self.names.services:
                continue
            head, count = repo.waiting_head(service, day, contract.QUEUE_STATE_HEAD)
            clocks = [
                contract.waiting_clock(e.code, e.issued_at.astimezone(tz), e.clock_started_at and
                                       e.clock_started_at.astimezone(tz), e.level)
                for e in head
            ]  # fmt: skip
            payload = contract.queue_state(
                service,
                self.names.services[service],
                [e.code for e in head],
                now.astimezone(tz),
                count,
                clocks,
            )
            topic = self.names.topic("queue_state", service=service)
            out.append(Publication(topic, contract.encode(payload), True))
        return out

    def _desk_publication(self, repo: SqlQueueRepository, desk: str) -> Publication:
        state = repo.desk_state(desk)
        ticket = repo.get_ticket(state.ticket_id) if state.ticket_id is not None else None
        since = state.since.astimezone(self.names.tz) if state.since else None
        payload = contract.desk_state(
            desk,
            self.names.desks[desk],
            str(state.status),
            ticket.code if ticket else None,
            ticket.service if ticket else None,
            since,
        )
        return Publication(self.names.topic("counter_state", desk=desk), contract.encode(payload), True)
