"""The rating prompt retained on each desk's rating screen (step 6 of the standard): set when the
desk's visitor is served, cleared once that visit is rated."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from broker.hub.publications import Publication, SiteNames
from shared.contract import topics as contract
from shared.domain.queue import Clock, Served


class RatingPrompts:
    """Which visit each desk's rating screen is asking about, and the retained messages that say so."""

    def __init__(self, names: SiteNames, clock: Clock) -> None:
        self.names = names
        self.clock = clock
        # desk -> (ticket, day) of the prompt now retained on its rating screen's topic
        self._prompts: dict[str, tuple[str, date]] = {}

    def for_served(self, served: list[Served], now: datetime) -> list[Publication]:
        """A retained prompt per desk whose visitor was just served."""
        out = []
        for visit in served:
            self._prompts[visit.desk] = (visit.ticket, visit.day)
            payload = contract.rate_prompt(
                uuid.uuid4().hex[:12], visit.ticket, visit.day.isoformat(), visit.service, visit.desk,
                self.names.desks.get(visit.desk, visit.desk), now.astimezone(self.names.tz),
            )  # fmt: skip
            topic = self.names.topic("rate_prompt", desk=visit.desk)
            out.append(Publication(topic, contract.encode(payload), True))
        return out

    def clear(self, desk: str | None, ticket: str, day: date) -> list[Publication]:
        """Once the ticket is rated its desk's screen need not ask again (after a restart, say)."""
        if desk is None or self._prompts.get(desk) != (ticket, day):
            return []
        del self._prompts[desk]
        now = self.clock().astimezone(self.names.tz)
        name = self.names.desks.get(desk, desk)
        payload = contract.rate_prompt(uuid.uuid4().hex[:12], None, None, None, desk, name, now)
        topic = self.names.topic("rate_prompt", desk=desk)
        return [Publication(topic, contract.encode(payload), True)]
