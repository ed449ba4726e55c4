"""What the hub's parts hand back: ``Publication`` records (``broker.hub.process`` sends them), the
answer to a sender, and the site's names and topics every message carries.

No MQTT here and nothing from the rest of the hub: every other hub module may import this one.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    """The site's topics and the desk and service names its messages show, read once from the settings."""

    site: str
    tz: ZoneInfo
    desks: dict[str, str]  # desk id -> name
    services: dict[str, str]  # service prefix -> name

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
