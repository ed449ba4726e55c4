"""What an outcome changes for the lobby: the call events, the rating prompts, and the retained
desk and queue states, read from the database inside the command's transaction."""

from __future__ import annotations

import uuid

from broker.hub.idle_state import IdleDeskFigure, QueueIdle
from broker.hub.prompts import RatingPrompts
from broker.hub.publications import Publication, SiteNames
from shared.contract import topics as contract
from shared.domain.queue import Clock, Outcome
from shared.store.repository import SqlQueueRepository


class StatePublisher:
    """The publications an outcome calls for; ``publications`` is what every command ends with."""

    def __init__(
        self, names: SiteNames, clock: Clock, prompts: RatingPrompts, idle: IdleDeskFigure | None = None
    ) -> None:
        self.names = names
        self.clock = clock
        self.prompts = prompts
        self.idle = idle
        # service -> the idle desks its state last listed: a desk that calls, finishes, opens or
        # closes republishes the other queues it serves only when that list changes.
        self._idle_listed: dict[str, tuple[str, ...]] = {}

    def forget(self) -> None:
        """Sign-ins or queue rows changed outside the command path: read the sign-ins again. (What
        each queue last listed stays: those paths published their states themselves.)"""
        if self.idle is not None:
            self.idle.forget()

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
                call.priority,
            )
            out.append(Publication(self.names.topic("call_event"), contract.encode(payload)))
        out += self.prompts.for_served(outcome.served, now)
        for desk in sorted(outcome.desks):
            out.append(self._desk_publication(repo, desk))
        day = now.astimezone(tz).date()
        services = {s for s in outcome.services if s in self.names.services}
        # The desks' other queues: their idle desks may have changed with this desk's state.
        maybe = (self.idle.services_of(outcome.desks) if self.idle else set()) & set(self.names.services)
        heads = {s: repo.waiting_head(s, day, contract.QUEUE_STATE_HEAD) for s in sorted(services | maybe)}
        idle = (
            self.idle.read(repo, {s: [e.code for e in h[0]] for s, h in heads.items()}, day, now)
            if self.idle
            else {}
        )
        for service, (head, count) in heads.items():
            figure = idle.get(service, QueueIdle())
            if service not in services and figure.desks == self._idle_listed.get(service, ()):
                continue
            self._idle_listed[service] = figure.desks
            clocks = [
                contract.waiting_clock(e.code, e.issued_at.astimezone(tz), e.clock_started_at and
                                       e.clock_started_at.astimezone(tz), e.level,
                                       figure.seconds.get(e.code, 0))
                for e in head
            ]  # fmt: skip
            payload = contract.queue_state(
                service,
                self.names.services[service],
                [e.code for e in head],
                now.astimezone(tz),
                count,
                clocks,
                [e.code for e in head if e.priority],
                list(figure.desks),
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
            bool(ticket and ticket.priority),
            [t.code for t in repo.parked_at(desk)],
        )
        return Publication(self.names.topic("counter_state", desk=desk), contract.encode(payload), True)
