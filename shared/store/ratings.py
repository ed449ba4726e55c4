"""Ratings: one per served ticket (or online request), begun by one tap and added to for a few
minutes by the device that began it.

Every function works inside the caller's write transaction and takes the time as an argument.
A refusal raises ``QueueError`` with a stable code (answered to the device, stored under its
``request_id``). Ratings hold no personal data; the officer who served is kept for reports only
and no staff screen shows an individual rating.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.contract.feedback_requests import RatingGiven, TicketRef
from shared.domain import skm
from shared.domain.queue import QueueError
from shared.store import skm_profiles
from shared.store.models import OnlineRequestRow, RatingRow, TicketEventRow, TicketRow

RATING_REF_MINUTES = 15  # how long the device that began a rating may add to it
LOOKBACK_DAYS = 7  # a code typed without a date: today's ticket, or the latest of the last week
SERVED = "done"


@dataclass(frozen=True)
class RateableTicket:
    id: int
    code: str
    day: date
    service: str
    desk: str | None


def ref_hash(ref: str) -> str:
    return hashlib.sha256(ref.encode()).hexdigest()


def find_ticket(session: Session, ref: TicketRef, today: date) -> TicketRow:
    """The ticket a visitor means: of ``ref.day``, or today's, or the latest of the last week."""
    query = select(TicketRow).where(TicketRow.code == ref.code)
    if ref.day is not None:
        query = query.where(TicketRow.business_day == ref.day)
    else:
        query = query.where(TicketRow.business_day.between(today - timedelta(days=LOOKBACK_DAYS), today))
    row = session.scalars(query.order_by(TicketRow.business_day.desc()).limit(1)).first()
    if row is None:
        raise QueueError("unknown_ticket", f"no ticket {ref.code} in the last {LOOKBACK_DAYS} days")
    return row


def check(session: Session, ref: TicketRef, today: date) -> RateableTicket:
    """The ticket if it may be rated now: served, and not rated yet."""
    row = find_ticket(session, ref, today)
    if row.status != SERVED:
        raise QueueError("not_served", f"ticket {row.code} has not been served yet")
    if session.scalar(select(RatingRow.id).where(RatingRow.ticket_id == row.id)) is not None:
        raise QueueError("already_rated", f"ticket {row.code} has already been rated")
    return RateableTicket(row.id, row.code, row.business_day, row.service, row.desk)


def _officer_who_served(session: Session, ticket_id: int) -> str | None:
    return session.scalar(
        select(TicketEventRow.officer_id)
        .where(TicketEventRow.ticket_id == ticket_id, TicketEventRow.action == SERVED)
        .order_by(TicketEventRow.id.desc())
        .limit(1)
    )


def _apply_scores(row: RatingRow, request: RatingGiven) -> None:
    if request.overall is not None:
        row.overall = request.overall
    for key, score in request.elements.items():
        setattr(row, key, score)


def _add_profile(session: Session, row: RatingRow, ref: str, request: RatingGiven) -> None:
    """The respondent profile, once per rating and only from a respondent (an element answered)."""
    if not request.profile:
        return
    if skm_profiles.given(session, ref):
        raise QueueError("profile_given", "this rating's respondent profile was already given")
    if all(getattr(row, key) is None for key in skm.ELEMENT_KEYS):
        raise QueueError("profile_needs_answers", "a profile is given after an SKM element is answered")
    skm_profiles.add(session, row, ref, request.profile)


def give(
    session: Session, request: RatingGiven, client: str, today: date, now: datetime
) -> tuple[RatingRow, str | None]:
    """Begin a rating (answered with a new ``ref``) or add to one begun by ``client``."""
    if request.ref is not None:
        row = rating_by_ref(session, request.ref, client)
        if row is None:
            raise QueueError("unknown_rating", "no rating was begun with this ref at this device")
        if now - row.created_at > timedelta(minutes=RATING_REF_MINUTES):
            raise QueueError("rating_closed", f"a rating can be added to for {RATING_REF_MINUTES} minutes")
        _apply_scores(row, request)
        _add_profile(session, row, request.ref, request)
        row.updated_at = now
        return row, None
    assert request.ticket is not None
    ticket = check(session, request.ticket, today)
    ref = secrets.token_urlsafe(16)
    row = RatingRow(
        ticket_id=ticket.id, source=request.via, client=client, ref_hash=ref_hash(ref),
        business_day=ticket.day, service=ticket.service, desk=ticket.desk,
        officer_id=_officer_who_served(session, ticket.id), created_at=now, updated_at=now,
    )  # fmt: skip
    _apply_scores(row, request)
    session.add(row)
    _add_profile(session, row, ref, request)
    session.flush()
    return row, ref


def rate_online(
    session: Session,
    number: str,
    overall: int | None,
    elements: dict[str, int],
    officer_id: str | None,
    now: datetime,
) -> RatingRow:
    """A rating an online visitor gave by message, recorded by an officer (once per request)."""
    request = session.scalars(select(OnlineRequestRow).where(OnlineRequestRow.number == number)).first()
    if request is None:
        raise QueueError("unknown_request", f"no online request {number}")
    if session.scalar(select(RatingRow.id).where(RatingRow.online_request_id == request.id)) is not None:
        raise QueueError("already_rated", f"online request {number} has already been rated")
    if overall is not None and overall not in skm.OVERALL_SCALE:
        raise QueueError("bad_rating", "overall must be 1-5")
    if any(key not in skm.ELEMENT_KEYS or value not in skm.SCALE for key, value in elements.items()):
        raise QueueError("bad_rating", "elements must be u1..u9 scored 1-4")
    row = RatingRow(
        online_request_id=request.id, source="online", client=None, ref_hash=None,
        business_day=request.day, service=None, desk=None, officer_id=officer_id,
        overall=overall, created_at=now, updated_at=now, **elements,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def rating_by_ref(session: Session, ref: str, client: str) -> RatingRow | None:
    """The rating begun with ``ref`` at device ``client`` (a ref from another device is no key)."""
    row = session.scalars(select(RatingRow).where(RatingRow.ref_hash == ref_hash(ref))).first()
    return row if row is not None and row.client == client else None
