"""The touch programs' seam to the hub: what the kiosk's and the rating screen's view-models need
from it, and how it refuses.

The real implementation is ``kiosk.touch.hub_client.MqttHubClient`` (MQTT request/response); tests
of the view-models may pass simple fakes, tests of the apps use the real one against a real broker
and hub. The rating screen needs only ``feedback`` (``kiosk.rating.steps.FeedbackPort``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class HubError(Exception):
    """The hub refused the request (``code`` from the contract) or did not answer (``timeout``)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code


@dataclass(frozen=True)
class Lane:
    """Which queue lane a ticket request asks for: ordinary, or the priority lane with the
    visitor's category (``shared.domain.priority.PRIORITY_CATEGORIES``) or none said."""

    priority: bool = False
    category: str | None = None


ORDINARY = Lane()


@dataclass(frozen=True)
class IssuedTicket:
    code: str
    service: str
    service_name: str
    ahead: int
    issued_at: datetime
    priority: bool = False  # the hub's answer says a priority-lane ticket


@dataclass(frozen=True)
class ReturningGuest:
    """What the hub found for a returning visitor: an opaque ``ref`` the kiosk sends back instead
    of the personal data, and for the screen the name's first letter only (``masked["initial"]``)."""

    ref: str
    masked: dict[str, str] = field(default_factory=dict)  # {"initial": "S"}


class HubPort(Protocol):
    def issue(
        self, request_id: str, service: str, guest: dict[str, object], lane: Lane = ORDINARY
    ) -> IssuedTicket:
        """Blocking; retries with the same ``request_id`` until answered or timed out. ``lane``: the
        priority lane and its category, as the visitor chose them. Raises ``HubError``."""
        ...

    def lookup(self, request_id: str, id_number: str = "", email: str = "") -> ReturningGuest | None:
        """A returning visitor by ID number or email; ``None`` when not found. Raises ``HubError``."""
        ...

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A rating or complaint request (``shared.contract.feedback_requests``): the hub's answer. Blocking,
        retried with the same ``request_id``. Raises ``HubError``."""
        ...

    def report_printer(self, problem: str | None, pending_reprint: str | None = None) -> None:
        """Tell staff (retained ``kiosk/{id}/status``) the printer has a problem, or that it is
        fixed (``None``), and which issued ticket still waits for its reprint."""
        ...

    def report_audio(self, audio: str, detail: str | None = None) -> None:
        """Tell staff (the same status) whether the spoken guide is heard: ``ready``, ``ok``,
        ``failed`` (``detail``: the player's words) or ``off`` (``kiosk.guide_health``)."""
        ...
