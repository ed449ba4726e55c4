"""Helpers for the erasure tests: a returning visitor's further visits (with a rating and complaints
on their tickets), and ``links_left``, every row that still ties a forgotten visitor together or to
anyone: ``person_id`` across days or to a live entry, lookups, and complaints made on their
tickets, ratings or online requests that still hold words or a contact."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from deploy.ops.retention import ERASED
from shared.contract.kiosk_requests import Guest
from shared.domain.queue import Ticket
from shared.store.guest_store import GuestStore
from shared.store.models import (
    ComplaintRow,
    GuestLookupRow,
    GuestRow,
    QueuePassRow,
    RatingRow,
    TicketEventRow,
    TicketRow,
)

COMPLAINT_ON_TICKET = {"contact_name": "PengaduTiketXyz", "contact_phone": "081277770001",
                       "contact_email": "", "text": "AduanTiketRahasia"}  # fmt: skip
COMPLAINT_ON_RATING = {"contact_name": "", "contact_phone": "", "contact_email": "",
                       "text": "AduanPenilaianRahasia"}  # fmt: skip
PERSONAL = ("contact_name", "contact_email", "contact_phone", "text", "followup")


def visit(session: Session, person: dict[str, str], at: datetime, code: str, **changes: str) -> int:
    """A ticket, its queue pass and a guestbook entry written the way the hub writes them (so its
    ``person_id`` is found by the ID number); the entry's id."""
    ticket = TicketRow(
        code=code, service="B", origin_service="B", business_day=at.date(), seq=int(code[-3:]),
        status="done", desk="2", issued_at=at, called_at=at + timedelta(minutes=4),
        finished_at=at + timedelta(minutes=9), recall_count=0, kiosk_id="k1",
    )  # fmt: skip
    session.add(ticket)
    session.flush()
    session.add(TicketEventRow(ticket_id=ticket.id, action="issue", at=at))
    session.add(
        QueuePassRow(ticket_id=ticket.id, code=code, service="B", business_day=at.date(), issued_at=at,
                     entered_at=at, called_at=at + timedelta(minutes=4), left_at=at + timedelta(minutes=9),
                     left_how="done", desk="2", clock_s=240.0)
    )  # fmt: skip
    fields = {k: person[k] for k in ("name", "id_type", "id_number", "email", "phone", "institution")}
    guest = Guest(**(fields | changes), purpose=person["purpose"], consent=True)  # type: ignore[arg-type]
    assert GuestStore(session).attach(cast(Ticket, SimpleNamespace(id=ticket.id)), guest, "k1", at)
    return int(ticket.guest_id or 0)


def rated_with_complaints(session: Session, guest_id: int, at: datetime) -> None:
    """The visit of ``guest_id`` rated, with a complaint on its ticket and one on its rating."""
    ticket = session.scalars(select(TicketRow).where(TicketRow.guest_id == guest_id)).one()
    rating = RatingRow(ticket_id=ticket.id, source="desk", client="desk/2", business_day=ticket.business_day,
                       service=ticket.service, desk="2", overall=2, created_at=at, updated_at=at)  # fmt: skip
    session.add(rating)
    session.flush()
    for seq, (values, link) in enumerate(
        ((COMPLAINT_ON_TICKET, {"ticket_id": ticket.id}), (COMPLAINT_ON_RATING, {"rating_id": rating.id})), 50
    ):
        session.add(
            ComplaintRow(number=f"ADU-{at:%Y%m%d}-{seq:03d}", day=at.date(), seq=seq, source="desk",
                         kind="complaint", status="open", created_at=at, followup="", **values, **link)
        )  # fmt: skip


def person_of(row: GuestRow) -> int:
    return row.person_id if row.person_id is not None else row.id


def links_left(engine: Engine, forgotten: list[int]) -> list[str]:
    """What still ties the forgotten entries ``forgotten`` to each other across days or to any other
    entry, or keeps the visitor's words in a row made on their visit; empty when nothing does."""
    problems: list[str] = []
    with Session(engine) as session:
        rows = {g.id: g for g in session.scalars(select(GuestRow))}
        day = dict(
            session.execute(
                select(TicketRow.guest_id, TicketRow.business_day).where(TicketRow.guest_id.in_(forgotten))
            ).all()
        )
        for guest_id in forgotten:
            row = rows[guest_id]
            if row.purpose != ERASED or any((row.name, row.id_number, row.email, row.phone, row.institution)):
                problems.append(f"entry {guest_id} is not blank")
            together = {o.id for o in rows.values() if person_of(o) == person_of(row)}
            same_day = {o for o in forgotten if day.get(o) == day.get(guest_id)}
            if together - same_day:
                problems.append(f"entry {guest_id} is one person with entries {sorted(together - same_day)}")
        if session.scalars(select(GuestLookupRow.ref).where(GuestLookupRow.guest_id.in_(forgotten))).first():
            problems.append("a returning-visitor lookup still points at a forgotten entry")
        tickets = list(session.scalars(select(TicketRow.id).where(TicketRow.guest_id.in_(forgotten))))
        ratings = list(session.scalars(select(RatingRow.id).where(RatingRow.ticket_id.in_(tickets))))
        made_on = or_(ComplaintRow.ticket_id.in_(tickets), ComplaintRow.rating_id.in_(ratings))
        for complaint in session.scalars(select(ComplaintRow).where(made_on)):
            kept = [c for c in PERSONAL if getattr(complaint, c)]
            if kept:
                problems.append(f"complaint {complaint.number} on their visit keeps {kept}")
    return problems


def day_counts(engine: Engine) -> dict[Any, tuple[int, int, int]]:
    """Per business day: tickets, distinct visitors (as the report counts them), called passes."""
    with Session(engine) as session:
        tickets = session.execute(
            select(TicketRow.business_day, TicketRow.id, GuestRow.person_id, GuestRow.id).outerjoin(
                GuestRow, GuestRow.id == TicketRow.guest_id
            )
        ).all()
        passes = session.execute(select(QueuePassRow.business_day, QueuePassRow.called_at)).all()
    counts: dict[Any, tuple[int, int, int]] = {}
    for business_day in {t[0] for t in tickets}:
        mine = [t for t in tickets if t[0] == business_day]
        people = {t[2] if t[2] is not None else t[3] for t in mine if t[3] is not None}
        called = sum(1 for p in passes if p[0] == business_day and p[1] is not None)
        counts[business_day] = (len(mine), len(people), called)
    return counts
