"""The rating and complaint forms of ``kiosk/{kiosk_id}/request`` (the kiosk and the visitor-facing
rating screen both send them; a complaint's contact details are personal data, which is why they
travel on a request topic and nowhere else).

- ``{"rating_check": {"ticket": "A-012", "day": "2026-11-25"}}``: may this ticket be rated?
  ``day`` is optional (a typed code means today's, or failing that the latest of the last week);
- ``{"rating": {"ticket", "day"?, "via"?, "overall"?: 1-5, "elements"?: {"u1": 1-4, ...}}}``
  begins the one rating of a ticket and is answered with a ``rating_ref``; later requests of the
  same visit send ``{"rating": {"ref": "...", "elements": {...}}}`` to add what the visitor gives
  next (from the same device, within ``RATING_REF_MINUTES``); ``"profile"?: {"sex"?, "age"?,
  "education"?, "occupation"?}`` (answer keys of ``shared.domain.skm_profile``) is the respondent
  profile, given once per rating and only after an element was answered;
- ``{"complaint": {"text", "kind"?: "complaint"|"suggestion", "ticket"?, "day"?, "rating_ref"?,
  "via"?, "contact"?: {"name", "email", "phone"}}}``, answered with the complaint's number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.contract.codec import PayloadError
from shared.contract.fields import TICKET_CODE
from shared.domain import guestbook, skm, skm_profile

VIA = ("kiosk", "desk")  # desk: the rating screen facing the visitor at a desk
KINDS = ("complaint", "suggestion")
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class TicketRef:
    code: str
    day: date | None = None


@dataclass(frozen=True)
class RatingCheck:
    request_id: str
    ticket: TicketRef


@dataclass(frozen=True)
class RatingGiven:
    """A new rating (``ticket``) or more answers to one begun (``ref``)."""

    request_id: str
    ticket: TicketRef | None
    ref: str | None
    via: str
    overall: int | None
    elements: dict[str, int] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)  # the respondent profile; {}: none sent


@dataclass(frozen=True)
class Contact:
    """Personal data: stored with the complaint, never published or logged."""

    name: str = ""
    email: str = ""
    phone: str = ""

    def __repr__(self) -> str:
        return f"Contact(given={bool(self.name or self.email or self.phone)})"


@dataclass(frozen=True)
class ComplaintGiven:
    request_id: str
    text: str
    kind: str
    via: str
    ticket: TicketRef | None
    rating_ref: str | None
    contact: Contact

    def __repr__(self) -> str:
        return f"ComplaintGiven(request_id={self.request_id!r}, kind={self.kind!r})"


FeedbackRequest = RatingCheck | RatingGiven | ComplaintGiven
KEYS = ("rating_check", "rating", "complaint")


def parse_feedback(data: dict[str, Any], request_id: str) -> FeedbackRequest:
    """The feedback request in ``data`` (which holds one of ``KEYS``)."""
    if "rating_check" in data:
        body = _object(data["rating_check"], "rating_check", request_id)
        return RatingCheck(request_id, _ticket(body, request_id, required=True))  # type: ignore[arg-type]
    if "rating" in data:
        return _parse_rating(_object(data["rating"], "rating", request_id), request_id)
    return _parse_complaint(_object(data["complaint"], "complaint", request_id), request_id)


def parse_ticket_text(text: str) -> TicketRef | None:
    """A code typed by the visitor (``a-12`` -> ``A-012``) or read from the ticket's QR code
    (``A-012/2026-11-25``); ``None`` when it is neither."""
    code, _, day_text = text.strip().upper().partition("/")
    code = code.replace(" ", "")
    found = re.fullmatch(r"([A-Z]{1,3})-?(\d{1,6})", code)
    if not found:
        return None
    prefix, number = found.groups()
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        return None
    return TicketRef(f"{prefix}-{int(number):03d}", day)


def _object(value: Any, name: str, request_id: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError("bad_request", f"{name} must be a JSON object", request_id)
    return value


def _ticket(body: dict[str, Any], request_id: str, *, required: bool) -> TicketRef | None:
    code, day = body.get("ticket"), body.get("day")
    if code is None and not required:
        return None
    if not isinstance(code, str) or not TICKET_CODE.fullmatch(code):
        raise PayloadError("bad_request", "ticket must be a ticket code such as A-012", request_id)
    if day is None:
        return TicketRef(code)
    try:
        return TicketRef(code, date.fromisoformat(day) if isinstance(day, str) else None)
    except ValueError:
        raise PayloadError("bad_request", "day must be a date such as 2026-11-25", request_id) from None


def _via(body: dict[str, Any], request_id: str) -> str:
    via = body.get("via", "kiosk")
    if via not in VIA:
        raise PayloadError("bad_request", f"via must be one of {', '.join(VIA)}", request_id)
    return str(via)


def _score(value: Any, scale: tuple[int, ...], name: str, request_id: str) -> int | None:
    # type() rather than isinstance(): JSON true is not a score.
    if value is None:
        return None
    if type(value) is not int or value not in scale:
        raise PayloadError("bad_rating", f"{name} must be {scale[0]}-{scale[-1]} or null", request_id)
    return int(value)


def _parse_rating(body: dict[str, Any], request_id: str) -> RatingGiven:
    ref = body.get("ref")
    if ref is not None and (not isinstance(ref, str) or not 8 <= len(ref) <= 64):
        raise PayloadError("bad_request", "rating.ref must be the rating_ref the hub gave", request_id)
    ticket = None if ref else _ticket(body, request_id, required=True)
    elements = body.get("elements", {})
    if not isinstance(elements, dict) or set(elements) - set(skm.ELEMENT_KEYS):
        raise PayloadError("bad_rating", "rating.elements must map u1..u9 to 1-4", request_id)
    scores = {key: _score(value, skm.SCALE, key, request_id) for key, value in elements.items()}
    overall = _score(body.get("overall"), skm.OVERALL_SCALE, "overall", request_id)
    given = {key: value for key, value in scores.items() if value is not None}
    profile = _profile(body.get("profile"), request_id)
    return RatingGiven(request_id, ticket, ref, _via(body, request_id), overall, given, profile)


def _profile(value: Any, request_id: str) -> dict[str, str]:
    """The respondent profile, strictly: known items with known answers, at least one."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError("bad_profile", "rating.profile must be a JSON object", request_id)
    wrong = skm_profile.problem(value)
    if wrong:
        raise PayloadError("bad_profile", wrong, request_id)
    return {str(key): str(answer) for key, answer in value.items()}


def _parse_complaint(body: dict[str, Any], request_id: str) -> ComplaintGiven:
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise PayloadError("bad_complaint", "complaint.text must say what happened", request_id)
    text = text.strip()
    if len(text) > TEXT_LIMIT or guestbook.has_control_chars(text.replace("\n", " ")):
        raise PayloadError("bad_complaint", f"complaint.text: at most {TEXT_LIMIT} characters", request_id)
    kind = body.get("kind", "complaint")
    if kind not in KINDS:
        raise PayloadError("bad_complaint", f"complaint.kind must be one of {', '.join(KINDS)}", request_id)
    rating_ref = body.get("rating_ref")
    if rating_ref is not None and not isinstance(rating_ref, str):
        raise PayloadError("bad_request", "complaint.rating_ref must be text", request_id)
    return ComplaintGiven(
        request_id,
        text,
        str(kind),
        _via(body, request_id),
        _ticket(body, request_id, required=False),
        rating_ref,
        _contact(body.get("contact"), request_id),
    )


def contact_problems(name: str, email: str, phone: str) -> dict[str, str]:
    """Field -> problem code for a complaint's contact details (all optional)."""
    problems: dict[str, str] = {}
    for field_name, value in (("name", name), ("email", email), ("phone", phone)):
        problem = guestbook.field_problem(field_name, value) if value else None
        if problem:
            problems[field_name] = problem
    return problems


def _contact(value: Any, request_id: str) -> Contact:
    if value is None:
        return Contact()
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k, ""), str) for k in ("name", "email", "phone")
    ):
        raise PayloadError(
            "bad_complaint", "complaint.contact must hold name, email, phone as text", request_id
        )
    name, email = value.get("name", "").strip(), value.get("email", "").strip().lower()
    phone = re.sub(r"[ ().-]", "", value.get("phone", ""))  # as the guestbook tidies it
    problems = contact_problems(name, email, phone)
    if problems:
        # Field names and codes only: the values are personal data.
        listed = ", ".join(f"contact.{k}: {v}" for k, v in sorted(problems.items()))
        raise PayloadError("bad_complaint", f"invalid contact ({listed})", request_id)
    return Contact(name, email, phone)


# --- what the kiosk and the rating screen send: built here, read by the parsers above ------------

Body = dict[str, Any]


def with_request_id(body: Body, request_id: str) -> Body:
    """A feedback body built below, as the request that carries it."""
    return {**body, "request_id": request_id}


def rating_check(ticket: TicketRef) -> Body:
    """May this ticket (typed or scanned, ``parse_ticket_text``) be rated?"""
    body: Body = {"ticket": ticket.code}
    if ticket.day is not None:
        body["day"] = ticket.day.isoformat()
    return {"rating_check": body}


def _scores(key: str, score: int) -> Body:
    return {"overall": score} if key == "overall" else {"elements": {key: score}}


def rating_begin(ticket: str, day: str | None, via: str, key: str, score: int) -> Body:
    """The first score of a ticket's rating (``key``: ``overall`` or an element, u1..u9)."""
    begin: Body = {"ticket": ticket, "via": via, **_scores(key, score)}
    return {"rating": begin | ({"day": day} if day else {})}


def rating_more(ref: str, key: str, score: int) -> Body:
    """A later score of the rating the hub answered with ``ref``."""
    return {"rating": {"ref": ref, **_scores(key, score)}}


def rating_profile(ref: str, profile: Mapping[str, str]) -> Body:
    """The respondent profile (item -> answer key, only those answered) of the rating ``ref``."""
    return {"rating": {"ref": ref, "profile": dict(profile)}}


def complaint(
    text: str,
    kind: str,
    via: str,
    contact: Mapping[str, str],
    *,
    rating_ref: str | None = None,
    ticket: str | None = None,
    day: str | None = None,
) -> Body:
    """A complaint or suggestion: about the rating begun (``rating_ref``), else about ``ticket``
    (of ``day``), else about no visit. Only the contact details given are sent."""
    body: Body = {"text": text, "kind": kind, "via": via}
    given = {name: value for name, value in contact.items() if value}
    if given:
        body["contact"] = given
    if rating_ref:
        return {"complaint": body | {"rating_ref": rating_ref}}
    if ticket:
        return {"complaint": body | {"ticket": ticket} | ({"day": day} if day else {})}
    return {"complaint": body}
