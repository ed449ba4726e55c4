"""The kiosk's seams: what the screens' view-model needs from the hub and from the printer.

The real implementations are ``kiosk.hub_client.MqttHubClient`` (MQTT request/response) and
``kiosk.printing.TicketPrinter`` (python-escpos); tests of the view-model may pass simple fakes,
tests of the app use the real ones against a real broker and hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class HubError(Exception):
    """The hub refused the request (``code`` from the contract) or did not answer (``timeout``)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code


@dataclass(frozen=True)
class IssuedTicket:
    code: str
    service: str
    service_name: str
    ahead: int
    issued_at: datetime


@dataclass(frozen=True)
class ReturningGuest:
    """What the hub found for a returning visitor: masked for the screen, plus an opaque ``ref``
    the kiosk sends back instead of the personal data."""

    ref: str
    masked: dict[str, str] = field(default_factory=dict)  # name, email, phone, institution


class HubPort(Protocol):
    def issue(self, request_id: str, service: str, guest: dict[str, object]) -> IssuedTicket:
        """``guest`` from ``shared.contract.kiosk_requests.new_guest`` or ``returning_guest``.
        Blocking; retries with the same ``request_id`` until answered or timed out.
        Raises ``HubError``."""
        ...

    def lookup(self, request_id: str, id_number: str = "", email: str = "") -> ReturningGuest | None:
        """A returning visitor by ID number or email; ``None`` when not found. Raises ``HubError``."""
        ...

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A rating or complaint request (built by ``shared.contract.feedback_requests``): the hub's
        answer. Blocking, retried with the same ``request_id``. Raises ``HubError``."""
        ...

    def report_printer(self, problem: str | None, pending_reprint: str | None = None) -> None:
        """Tell staff (retained ``kiosk/{id}/status``) the printer has a problem, or that it is
        fixed (``None``), and which issued ticket still waits for its reprint."""
        ...


class PrinterStatus(StrEnum):
    READY = "ready"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # the transport cannot tell (file, dummy): try, and catch the failure


class PrintFailed(Exception):
    """The ticket did not come out (whole). ``problem`` is a ``PrinterStatus`` value."""

    def __init__(self, problem: str, message: str = "") -> None:
        super().__init__(message or problem)
        self.problem = problem


@dataclass(frozen=True)
class TicketText:
    """Everything printed on a ticket, already in the visitor's language."""

    office_name: str
    service_name: str
    code: str
    issued_at: datetime  # local time of the office
    ahead: int
    estimated_wait_min: int | None
    language: str  # "id" or "en"
    complaint_channels: tuple[str, ...] = ()


class PrinterPort(Protocol):
    def status(self) -> PrinterStatus: ...

    def print_ticket(self, ticket: TicketText) -> None:
        """Raises ``PrintFailed``."""
        ...
