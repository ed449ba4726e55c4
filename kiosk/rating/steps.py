"""The steps of the rating flow, its fields, and the visit being rated."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

# The hub's codes after which the same request may be sent again (``busy`` reaches here only
# after the hub client's own retries ran out of time).
RETRYABLE = frozenset({"timeout", "offline", "storage_error", "busy", "internal_error", "kiosk.error"})


class RStep(StrEnum):
    IDLE = "rating_idle"
    CODE = "rating_code"
    FACES = "rating_faces"
    ELEMENT = "rating_element"
    PROFILE = "rating_profile"  # the SKM respondent profile, one item per page (skippable)
    COMPLAINT = "rating_complaint"
    DONE = "rating_done"  # the complaint's number
    THANKS = "rating_thanks"
    PROBLEM = "rating_problem"


FIELDS = ("r_code", "r_text", "r_name", "r_email", "r_phone")
CONTACT = {"r_name": "name", "r_email": "email", "r_phone": "phone"}
KEYBOARDS = {"r_email": "email", "r_phone": "phone"}  # the rest: letters


class FeedbackPort(Protocol):
    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]: ...


@dataclass
class Survey:
    """The visit being rated (``code`` None: a complaint without a ticket)."""

    code: str | None
    day: str | None = None
    desk_name: str = ""
    ref: str | None = None  # the hub's rating_ref, once the first score is stored
    begun: bool = False  # the first score has been sent
    refused: bool = False  # the first score was refused: nothing more is sent for it
