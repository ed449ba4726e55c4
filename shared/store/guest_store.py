"""Guestbook storage: entries attached to tickets, and returning visitors found by ID or email.

The only module that reads or writes personal data. Nothing here logs a value.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shared.contract.kiosk_requests import Guest, GuestRef, LookupRequest
from shared.domain import guestbook
from shared.domain.queue import Ticket
from shared.domain.visit_categories import institution_category, purpose_category
from shared.store.models import GuestLookupRow, GuestRow, TicketRow

REF_LIFETIME = timedelta(minutes=15)


class GuestStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def attach(self, ticket: Ticket, guest: Guest | GuestRef, kiosk_id: str, at: datetime) -> bool:
        """Store the entry with ``ticket``. False when a ``GuestRef`` is unknown or expired."""
        found: GuestRow | None = None
        if isinstance(guest, GuestRef):
            found = self._resolve(guest.ref, kiosk_id, at)
            if found is None:
                return False
            fields = {name: getattr(found, name) for name in ("name", "id_type", "id_number", "email")}
            fields |= {"phone": found.phone, "institution": found.institution}
            row = GuestRow(**fields, purpose=guest.purpose, consent=True, created_at=at)
        else:
            row = GuestRow(
                name=guest.name,
                id_type=guest.id_type,
                id_number=guest.id_number,
                email=guest.email,
                phone=guest.phone,
                institution=guest.institution,
                purpose=guest.purpose,
                consent=guest.consent,
                created_at=at,
            )
        row.institution_type = institution_category(row.institution)
        row.purpose_category = purpose_category(row.purpose)
        row.person_id = self._person(row, found)
        self.session.add(row)
        self.session.flush()
        if row.person_id is None:  # a first visit: the person is this entry
            row.person_id = row.id
        ticket_row = self.session.get(TicketRow, ticket.id)
        assert ticket_row is not None
        ticket_row.guest_id = row.id
        return True

    def lookup(self, request: LookupRequest, kiosk_id: str, at: datetime) -> dict[str, object]:
        """The answer to a returning visitor's lookup: a short-lived ref and, for the screen, the
        first letter of the name only (data minimisation, UU PDP 27/2022): the kiosk greets the
        visitor back and asks today's purpose; the hub copies the rest from the stored entry. Even a
        guessed NIK or email learns no more than that a visitor with that initial has been here."""
        self.session.execute(delete(GuestLookupRow).where(GuestLookupRow.created_at < at - REF_LIFETIME))
        query = select(GuestRow).where(GuestRow.consent.is_(True))
        if request.id_number:
            query = query.where(GuestRow.id_number == request.id_number)
        else:
            query = query.where(GuestRow.email == request.email)
        found = self.session.scalars(query.order_by(GuestRow.created_at.desc(), GuestRow.id.desc())).first()
        if found is None:
            return {"found": False}
        ref = secrets.token_urlsafe(16)
        self.session.add(GuestLookupRow(ref=ref, guest_id=found.id, kiosk_id=kiosk_id, created_at=at))
        return {"found": True, "ref": ref, "masked": {"initial": guestbook.initial(found.name)}}

    def _person(self, row: GuestRow, found: GuestRow | None) -> int | None:
        """The person an entry belongs to: the one its lookup found, else an earlier entry with the
        same ID type and number; ``None`` for someone new."""
        if found is not None:
            return found.person_id or found.id
        earlier = select(func.coalesce(GuestRow.person_id, GuestRow.id)).where(
            GuestRow.id_type == row.id_type, GuestRow.id_number == row.id_number, GuestRow.id_number != ""
        )
        return self.session.scalars(earlier.order_by(GuestRow.id).limit(1)).first()

    def _resolve(self, ref: str, kiosk_id: str, at: datetime) -> GuestRow | None:
        lookup = self.session.get(GuestLookupRow, ref)
        if lookup is None or lookup.kiosk_id != kiosk_id or lookup.created_at < at - REF_LIFETIME:
            return None
        return self.session.get(GuestRow, lookup.guest_id)
