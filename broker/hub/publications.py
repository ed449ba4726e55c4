"""What the hub's parts hand back: ``Publication`` records (``broker.hub.process`` sends them), the
answer to a sender, and the site's names and topics every message carries.

No MQTT here and nothing from the rest of the hub: every other hub module may import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from shared.config import Settings
from shared.contract import topics as contract


@dataclass(frozen=True)
class Publication:
    topic: str
    payload: bytes
    retain: bool = False


def answer(topic_name: str, body: dict[str, Any]) -> Publication:
    """The answer to one request, on the sender's response topic (never retained)."""
    return Publication(topic_name, contract.encode(body))


@dataclass(frozen=True, eq=False)
class SiteNames:
    """The site's topics and the desk and service names its messages show, read from the settings
    at start. The dicts are changed in place when a supervisor changes the setup (every part of
    the hub holds this one object); ``inactive``: the services the kiosks may not take tickets for."""

    site: str
    tz: ZoneInfo
    desks: dict[str, str]  # desk id -> name
    services: dict[str, str]  # service prefix -> name
    inactive: set[str] = field(default_factory=set)

    def update(self, settings: Settings, inactive: frozenset[str]) -> None:
        """Take the names of ``settings``: a desk or service added on the console joins, one
        removed there leaves (after the rest, so a reader never misses a name it had)."""
        self.desks.update({d.id: d.name for d in settings.desks})
        self.services.update({s.prefix: s.name for s in settings.services})
        for gone in set(self.services) - {s.prefix for s in settings.services}:
            self.services.pop(gone, None)
        for gone in set(self.desks) - {d.id for d in settings.desks}:
            self.desks.pop(gone, None)
        # In place, without a moment where a still-inactive service is missing (paho's thread reads it).
        self.inactive.update(inactive)
        self.inactive.difference_update(self.inactive - inactive)

    @classmethod
    def of(cls, settings: Settings) -> SiteNames:
        return cls(
            settings.site,
            settings.tz,
            {d.id: d.name for d in settings.desks},
            {s.prefix: s.name for s in settings.services},
        )

    def topic(self, key: str, **params: str) -> str:
        return contract.topic(self.site, key, **params)
