"""Payloads of ``kiosk/{kiosk_id}/request``, the one topic that carries personal data.

Three forms, all with ``"v": 1`` and a ``request_id``:

- any ticket request may ask for the priority lane: ``"priority": true`` and optionally
  ``"category"``, one of ``PRIORITY_CATEGORIES`` (what the visitor says; nothing more is asked);
- a ticket with a guestbook entry: ``{"service": "A", "guest": {name, id_type, id_number, email,
  phone, institution, purpose, consent}}``;
- a ticket for a returning visitor: ``{"service": "A", "guest": {"ref", "purpose", "consent"}}``,
  ``ref`` coming from a lookup, so the personal data is not typed or sent again;
- a lookup of a returning visitor: ``{"lookup": {"id_number": "..."}}`` or ``{"lookup": {"email"}}``;
- a rating or a complaint (``shared.contract.feedback_requests``).

Validity is decided by ``shared.domain.guestbook``, the same rules the kiosk form shows on its fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.contract.codec import PayloadError, decode, request_id_of
from shared.contract.feedback_requests import KEYS as FEEDBACK_KEYS
from shared.contract.feedback_requests import FeedbackRequest, parse_feedback
from shared.domain import guestbook
from shared.domain.priority import PRIORITY_CATEGORIES

ID_TYPES = guestbook.ID_TYPES
GUEST_LIMITS = guestbook.LIMITS


@dataclass(frozen=True)
class Guest:
    """A guestbook entry. Personal data: stored by the hub, never published, never logged."""

    name: str
    id_type: str
    id_number: str
    email: str
    purpose: str
    consent: bool
    phone: str = ""
    institution: str = ""

    def __repr__(self) -> str:  # keeps personal data out of logs and tracebacks
        return f"Guest(id_type={self.id_type!r}, id_number=…{self.id_number[-4:]})"


@dataclass(frozen=True)
class GuestRef:
    """A returning visitor: the entry found by a lookup, with today's purpose."""

    ref: str
    purpose: str
    consent: bool

    def __repr__(self) -> str:
        return f"GuestRef(ref={self.ref!r})"


@dataclass(frozen=True)
class KioskRequest:
    request_id: str
    service: str
    guest: Guest | GuestRef | None
    priority: bool = False
    category: str | None = None  # with priority: one of PRIORITY_CATEGORIES


@dataclass(frozen=True)
class LookupRequest:
    request_id: str
    id_number: str = ""
    email: str = ""

    def __repr__(self) -> str:
        return f"LookupRequest(request_id={self.request_id!r})"


def parse_kiosk_request(raw: bytes) -> KioskRequest | LookupRequest | FeedbackRequest:
    data = decode(raw)
    request_id = request_id_of(data)
    if any(key in data for key in FEEDBACK_KEYS):
        return parse_feedback(data, request_id)
    if "lookup" in data:
        return _parse_lookup(data["lookup"], request_id)
    service = data.get("service")
    if not isinstance(service, str) or not service:
        raise PayloadError("bad_request", "service must be a service prefix string", request_id)
    priority, category = _parse_priority(data, request_id)
    guest_data = data.get("guest")
    guest: Guest | GuestRef | None = None
    if guest_data is not None:
        if not isinstance(guest_data, dict):
            raise PayloadError("bad_guest", "guest must be a JSON object", request_id)
        parse = _parse_ref if "ref" in guest_data else _parse_guest
        guest = parse(guest_data, request_id)
    return KioskRequest(request_id, service, guest, priority, category)


def _parse_priority(data: dict[str, Any], request_id: str) -> tuple[bool, str | None]:
    priority = data.get("priority", False)
    if type(priority) is not bool:
        raise PayloadError("bad_request", '"priority" must be true or false', request_id)
    category = data.get("category")
    if category is not None and (not priority or category not in PRIORITY_CATEGORIES):
        choices = ", ".join(PRIORITY_CATEGORIES)
        raise PayloadError("bad_category", f'"category" goes with "priority": true and is one of {choices}',
                           request_id)  # fmt: skip
    return priority, category


def _refuse_fields(errors: dict[str, str], request_id: str) -> PayloadError:
    # Field names and codes only: the values are personal data and must not reach a log.
    problems = ", ".join(f"guest.{name}: {code}" for name, code in sorted(errors.items()))
    return PayloadError("bad_guest", f"invalid guest entry ({problems})", request_id)


def _require_consent(data: dict[str, Any], request_id: str) -> None:
    if data.get("consent") is not True:
        raise PayloadError("no_consent", "the visitor must consent to the use of their data", request_id)


def _parse_guest(data: dict[str, Any], request_id: str) -> Guest:
    for name in guestbook.FIELDS:
        if not isinstance(data.get(name, ""), str):
            raise PayloadError("bad_guest", f"guest.{name} must be text", request_id)
    fields = guestbook.clean(data)
    errors = guestbook.field_errors(fields)
    if errors:
        raise _refuse_fields(errors, request_id)
    _require_consent(data, request_id)
    return Guest(consent=True, **fields)


def _parse_ref(data: dict[str, Any], request_id: str) -> GuestRef:
    ref, purpose = data.get("ref"), data.get("purpose", "")
    if not isinstance(ref, str) or not 8 <= len(ref) <= 64:
        raise PayloadError("bad_guest", "guest.ref must be the ref a lookup gave", request_id)
    if not isinstance(purpose, str):
        raise PayloadError("bad_guest", "guest.purpose must be text", request_id)
    problem = guestbook.field_problem("purpose", purpose.strip())
    if problem:
        raise _refuse_fields({"purpose": problem}, request_id)
    _require_consent(data, request_id)
    return GuestRef(ref=ref, purpose=purpose.strip(), consent=True)


def _parse_lookup(data: Any, request_id: str) -> LookupRequest:
    if not isinstance(data, dict):
        raise PayloadError("bad_request", "lookup must be a JSON object", request_id)
    id_number, email = data.get("id_number", ""), data.get("email", "")
    if not isinstance(id_number, str) or not isinstance(email, str) or bool(id_number) == bool(email):
        raise PayloadError("bad_request", "lookup needs exactly one of id_number or email (text)", request_id)
    if id_number:
        number = guestbook.compact_number(id_number)
        if not 4 <= len(number) <= 32 or guestbook.has_control_chars(number):
            raise PayloadError("bad_request", "lookup.id_number is not an ID number", request_id)
        return LookupRequest(request_id, id_number=number)
    if guestbook.field_problem("email", email.strip()):
        raise PayloadError("bad_request", "lookup.email is not an email address", request_id)
    return LookupRequest(request_id, email=email.strip().lower())


# --- what the kiosk sends: built here, so that what the parsers above accept is what goes out ------


def new_guest(entry: Mapping[str, str]) -> dict[str, object]:
    """A guestbook entry (the form's fields, ``guestbook.clean``-ed) with the visitor's consent."""
    return {**entry, "consent": True}


def returning_guest(ref: str, purpose: str) -> dict[str, object]:
    """A returning visitor: the ``ref`` a lookup gave, today's purpose and their consent."""
    return {"ref": ref, "purpose": purpose, "consent": True}


def issue_request(
    request_id: str,
    service: str,
    guest: Mapping[str, object] | None,
    priority: bool = False,
    category: str | None = None,
) -> dict[str, Any]:
    """A ticket for ``service``; ``guest`` from ``new_guest`` or ``returning_guest`` (none: a
    ticket without a guestbook entry). ``priority``: the priority lane, with the visitor's
    ``category`` when they said one (one of ``PRIORITY_CATEGORIES``)."""
    if category is not None and (not priority or category not in PRIORITY_CATEGORIES):
        raise ValueError(f"category {category!r} needs priority and one of {PRIORITY_CATEGORIES}")
    body: dict[str, Any] = {"request_id": request_id, "service": service}
    if guest:
        body["guest"] = dict(guest)
    if priority:
        body["priority"] = True
        if category is not None:
            body["category"] = category
    return body


def lookup_request(request_id: str, id_number: str = "", email: str = "") -> dict[str, Any]:
    """Find a returning visitor by ID number, or else by email."""
    key = {"id_number": id_number} if id_number else {"email": email}
    return {"request_id": request_id, "lookup": key}
