"""Which request kinds each device may send on ``kiosk/{kiosk_id}/request``.

The broker's access list lets a kiosk and a rating screen write their own request topic only; what
they may ask there is the hub's to decide. A kiosk issues tickets, looks up returning visitors and
carries the survey (ratings, complaints); a rating screen sends ratings and complaints only, so a
rating screen's password opens no returning-visitor lookup and issues no ticket. Any other id is
refused (the access list lets no other account write a request topic; this holds if it ever did).

Without ``[[devices]]`` in the site config (the open demo broker on loopback, where every client
may write every topic anyway) every kind stays allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.contract.feedback_requests import ComplaintGiven, RatingCheck, RatingGiven
from shared.contract.kiosk_requests import KioskRequest, LookupRequest

TICKET, LOOKUP, RATING, COMPLAINT = "ticket", "lookup", "rating", "complaint"
ROLE_KINDS: dict[str, frozenset[str]] = {
    "kiosk": frozenset({TICKET, LOOKUP, RATING, COMPLAINT}),
    "rating": frozenset({RATING, COMPLAINT}),
}


def kind_of(request: object) -> str:
    """The request's kind: ticket, lookup, rating (a check or a score) or complaint."""
    if isinstance(request, LookupRequest):
        return LOOKUP
    if isinstance(request, RatingCheck | RatingGiven):
        return RATING
    if isinstance(request, ComplaintGiven):
        return COMPLAINT
    if isinstance(request, KioskRequest):
        return TICKET
    raise TypeError(f"not a kiosk request: {type(request).__name__}")


class Authorisation:
    """The roles of the site's ``[[devices]]`` (checked by ``antre broker``, which reads the same
    file), by id."""

    def __init__(self, raw_config: Mapping[str, Any]) -> None:
        items = raw_config.get("devices", [])
        self.roles: dict[str, str] | None = None  # None: no devices listed, the open demo
        if isinstance(items, list) and items:
            self.roles = {
                str(item.get("id", "")): str(item.get("role", ""))
                for item in items
                if isinstance(item, Mapping)
            }

    @property
    def open(self) -> bool:
        return self.roles is None

    def role(self, kiosk_id: str) -> str | None:
        return None if self.roles is None else self.roles.get(kiosk_id)

    def allows(self, kiosk_id: str, kind: str) -> bool:
        if self.roles is None:
            return True
        return kind in ROLE_KINDS.get(self.roles.get(kiosk_id, ""), frozenset())
