"""The kiosk flow's state types, shared by the view-model and its parts (``kiosk.returning``,
``kiosk.ticket_issue``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    WELCOME = "welcome"
    PRIORITY = "priority"  # the priority lane: the visitor's category (or none said), then the service
    FORM = "form"
    RETURNING = "returning"
    PREFILL = "prefill"
    CONSENT = "consent"
    ISSUING = "issuing"
    TICKET = "ticket"
    PROBLEM = "problem"
    RATING = "rating"  # "give a rating / make a complaint": the screens of kiosk.rating


@dataclass(frozen=True)
class Notice:
    """Why issuing stopped. ``kind``: printer (code: a PrinterStatus), hub (a hub code) or kiosk."""

    kind: str
    code: str
    can_retry: bool = True
    back_to: Step | None = None  # where "check my answers" leads, if anywhere
    staff_told: bool = False


TEXT_FIELDS = ("name", "id_number", "email", "phone", "institution", "purpose")
LOOKUP = "lookup"  # the returning visitor's ID number or email field
