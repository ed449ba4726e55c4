"""The kiosk's seam to its ticket printer: what the view-model needs from it. (Its seam to the hub,
``HubPort``, is the touch toolkit's: ``kiosk.touch.ports``.)

The real implementation is ``kiosk.printing.TicketPrinter`` (python-escpos); tests of the
view-model may pass simple fakes, tests of the app use the real one on a file or an emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


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
    priority: bool = False  # a priority-lane ticket: printed with the mark


class PrinterPort(Protocol):
    def status(self) -> PrinterStatus: ...

    def print_ticket(self, ticket: TicketText) -> None:
        """Raises ``PrintFailed``."""
        ...
