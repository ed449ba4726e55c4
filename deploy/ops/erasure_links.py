"""The rows that still point at a visitor being forgotten, and how ``deploy.ops.retention.forget``
cuts each link while the day's figures stay the same.

``guests.person_id`` ties one person's entries together (the id of their first entry; the report's
"distinct visitors" counts it). Left as it was, it would keep an erased visitor's visits one
history, tied to any entry of theirs not matched by the identifier given (another email, same
NIK), and to their earlier entries the yearly purge had blanked. So a forget takes every entry of
the same person (``whole_people``), and ``unlink_people`` gives each of that person's entries, the
purged ones too, a ``person_id`` of its own day: the smallest id among that person's entries of the
same business day. A day's count of distinct visitors is unchanged; across days the erased visits
are no longer one person (a month's count of distinct visitors grows by the days they came, less one).

Tickets keep their ``guest_id``: the entry it points at is blank (id type, consent, time and the
anonymous categories), and the report counts tickets without a guestbook entry by it. Queue
passes, ticket events and ratings hold no personal data. A complaint made on the visitor's ticket,
on their rating or on their online request holds their words and contact: it is blanked with them
(``complaint_links``), whether the visitor was found by ID number or by email.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from shared.store.models import GuestRow, RatingRow, TicketRow

_CHUNK = 500  # SQLite limits the parameters of one statement; 500 stays far below every limit


def person_keys(session: Session, guest_ids: Iterable[int]) -> set[int]:
    """The people behind the entries ``guest_ids`` (an entry from before ``person_id``: itself)."""
    keys: set[int] = set()
    for chunk in _chunks(guest_ids):
        key = func.coalesce(GuestRow.person_id, GuestRow.id)
        keys |= set(session.scalars(select(key).where(GuestRow.id.in_(chunk))))
    return keys


def whole_people(session: Session, guest_ids: list[int], live: Any) -> list[int]:
    """``guest_ids`` and every other entry of the same people that ``live`` (a condition on
    ``GuestRow``: not erased yet) still matches, in id order."""
    found = set(guest_ids)
    for chunk in _chunks(person_keys(session, guest_ids)):
        found |= set(session.scalars(select(GuestRow.id).where(_of_people(chunk), live)))
    return sorted(found)


def unlink_people(session: Session, keys: set[int]) -> int:
    """Give each entry of the people ``keys`` the ``person_id`` of its own day (the module's
    docstring says why); how many entries changed."""
    days: dict[int, date] = {}
    people: dict[int, int] = {}
    current: dict[int, int | None] = {}
    for chunk in _chunks(keys):
        query = (
            select(GuestRow.id, GuestRow.person_id, GuestRow.created_at, func.min(TicketRow.business_day))
            .outerjoin(TicketRow, TicketRow.guest_id == GuestRow.id)
            .where(_of_people(chunk))
            .group_by(GuestRow.id, GuestRow.person_id, GuestRow.created_at)
        )
        for guest_id, person_id, created_at, business_day in session.execute(query):
            days[guest_id] = business_day or created_at.date()  # no ticket: the day it was written
            people[guest_id] = person_id if person_id is not None else guest_id
            current[guest_id] = person_id
    first: dict[tuple[int, date], int] = defaultdict(lambda: 1 << 62)
    for guest_id, day in days.items():
        group = (people[guest_id], day)
        first[group] = min(first[group], guest_id)
    changed = 0
    for guest_id, day in days.items():
        wanted = first[(people[guest_id], day)]
        if current[guest_id] != wanted:
            session.execute(update(GuestRow).where(GuestRow.id == guest_id).values(person_id=wanted))
            changed += 1
    return changed


Links = list[tuple[str, list[int]]]


def complaint_links(session: Session, guest_ids: list[int], request_ids: list[int]) -> Links:
    """The complaints made on the tickets of ``guest_ids``, on the online requests ``request_ids``
    or on a rating of either, as (complaints column, ids in chunks a statement can take)."""
    tickets: list[int] = []
    for chunk in _chunks(guest_ids):
        tickets += session.scalars(select(TicketRow.id).where(TicketRow.guest_id.in_(chunk)))
    ratings: list[int] = []
    if inspect(session.connection()).has_table("ratings"):
        for column, ids in ((RatingRow.ticket_id, tickets), (RatingRow.online_request_id, request_ids)):
            for chunk in _chunks(ids):
                ratings += session.scalars(select(RatingRow.id).where(column.in_(chunk)))
    links = (("ticket_id", tickets), ("online_request_id", request_ids), ("rating_id", ratings))
    return [(name, chunk) for name, ids in links for chunk in _chunks(ids)]


def _of_people(keys: list[int]) -> Any:
    return or_(GuestRow.person_id.in_(keys), and_(GuestRow.person_id.is_(None), GuestRow.id.in_(keys)))


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    items = sorted(set(ids))
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
