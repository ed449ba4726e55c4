"""Officers at desks: sign in with a PIN, sign out or take a break, see the visitor at the desk,
and keep the online requests (``shared.store.online``): list, record, reply, visitor message, close.

This is the staff side of the hub, reached over its small HTTP API (``broker.hub.staff_api``), not
over MQTT: the PIN, the visitor's guestbook details and the online contacts must never travel on a
topic. Each call runs on the hub's worker thread like every other command, so the one-writer rule
holds. Online answers carry the contact masked and never a message text; log lines carry numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.staff_signin import StaffResult, StaffSignin, _error
from shared.contract import staff_bodies as bodies
from shared.contract.staff_api import ONLINE_LISTS
from shared.domain import guestbook
from shared.store import access_log, online
from shared.store.db import write_transaction
from shared.store.models import DeskRow, GuestRow, OnlineRequestRow, TicketRow
from shared.store.repository import SqlQueueRepository

log = logging.getLogger(__name__)

__all__ = ["StaffDesk", "StaffResult"]
ONLINE_LIST_MAX = 200  # rows in one answer; "count" says how many there are
MAX_TEXT = 4000  # characters of a reply or a visitor message
_ONLINE_STATUS = {"unknown": 404, "closed": 409}  # any other refusal of shared.store.online: 400
OnlineApply = Callable[[Session, str, datetime], OnlineRequestRow]


class StaffDesk(StaffSignin):
    """The staff side: sign-in, sessions and accounts (``StaffSignin``), the visitor at the desk
    and the online requests."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.policy = online.OnlinePolicy.from_settings(hub.settings)

    def visitor(self, token: str) -> StaffResult:
        """The guestbook details of the visitor at the officer's desk, while they are there."""
        with write_transaction(self.hub.engine) as session:
            found = self._session_of(session, token)
            if not found.ok or found.row is None:
                return self._refusal(found)
            staff = found.row
            desk_row = session.get(DeskRow, staff.desk)
            ticket = session.get(TicketRow, desk_row.ticket_id) if desk_row and desk_row.ticket_id else None
            if ticket is None:
                return StaffResult(200, bodies.visitor_answer(staff.desk, None))
            guest = session.get(GuestRow, ticket.guest_id) if ticket.guest_id else None
            details = None
            if guest is not None:
                # A person's details shown on a staff screen: who looked, at whose ticket, when.
                actor = f"officer/{staff.officer_id}@desk/{staff.desk}"
                subject = f"ticket {ticket.code} {ticket.business_day.isoformat()}"
                access_log.record(
                    session, self.hub.key, actor, access_log.DETAIL_VIEW, subject, self.hub.clock()
                )
                details = bodies.GuestDetails(
                    guest.name,
                    guest.institution,
                    guest.purpose,
                    guest.id_type,
                    guestbook.mask_id(guest.id_number),
                )
            visitor = bodies.visitor_body(
                ticket.code, ticket.service, ticket.issued_at, ticket.called_at, ticket.status,
                ticket.recall_count, details,
            )  # fmt: skip
        return StaffResult(200, bodies.visitor_answer(staff.desk, visitor))

    # --- online requests -------------------------------------------------------------------

    def online_list(self, token: str, which: str) -> StaffResult:
        """``due`` (not answered, due today), ``overdue`` or ``open`` (not closed, earliest due first)."""
        if which not in ONLINE_LISTS:
            return _error(400, "bad_list", f"list must be one of {', '.join(ONLINE_LISTS)}")
        try:
            with write_transaction(self.hub.engine) as session:
                found = self._session_of(session, token)
                if not found.ok:
                    return self._refusal(found)
                today = self.hub.clock().astimezone(self.hub.settings.tz).date()
                if which == "open":
                    rows = online.open_requests(session)
                else:
                    rows = (online.due_today if which == "due" else online.overdue)(session, today)
                items = [self._online_item(row, today) for row in rows[:ONLINE_LIST_MAX]]
        except SQLAlchemyError as exc:
            return _storage_error(f"list {which}", exc)
        return StaffResult(200, bodies.online_list_answer(which, today, len(rows), items))

    def online_add(self, token: str, fields: dict[str, Any]) -> StaffResult:
        """Record a request: ``channel``, ``contact``, ``subject``, ``complete_at`` (optional ISO
        8601; office time without an offset). 201 with the request, its number and due date."""

        def apply(session: Session, officer_id: str, now: datetime) -> OnlineRequestRow:
            return online.add_request(
                session, self.policy, channel=_field(fields, "channel"), contact=_field(fields, "contact"),
                subject=_field(fields, "subject"), now=now,
                complete_at=self._when(fields.get("complete_at"), "complete_at"), officer_id=officer_id,
            )  # fmt: skip

        return self._online_write(token, fields, "add", apply, created=True)

    def online_act(self, token: str, number: str, action: str, fields: dict[str, Any]) -> StaffResult:
        """``reply`` (the officer's, with their id), ``message`` (the visitor wrote) or ``close``;
        ``text`` and ``at`` optional for the first two."""

        def apply(session: Session, officer_id: str, now: datetime) -> OnlineRequestRow:
            if action == "close":
                return online.close(session, number, now)
            text = _field(fields, "text")
            if len(text) > MAX_TEXT:
                raise online.OnlineError("bad_text", f"the text must have at most {MAX_TEXT} characters")
            at = self._when(fields.get("at"), "at")
            if action == "reply":
                return online.reply(session, number, now, text=text, at=at, officer_id=officer_id)
            return online.visitor_message(session, number, now, text=text, at=at)

        return self._online_write(token, fields, action, apply)

    def _online_write(
        self, token: str, fields: dict[str, Any], op: str, apply: OnlineApply, created: bool = False
    ) -> StaffResult:
        """One change in one transaction. A ``request_id`` (optional, up to 64 characters) makes a
        resend after a lost answer return the first result instead of recording twice."""
        request_id = fields.get("request_id")
        if request_id is not None and not (isinstance(request_id, str) and 0 < len(request_id) <= 64):
            return _error(400, "bad_request_id", "request_id must be a string of 1 to 64 characters")
        status = 201 if created else 200
        try:
            with write_transaction(self.hub.engine) as session:
                found = self._session_of(session, token)
                if not found.ok or found.row is None:
                    return self._refusal(found)
                staff = found.row
                repo, now = SqlQueueRepository(session), self.hub.clock()
                source = f"online/{staff.officer_id}/{op}"
                stored = repo.answer_for(source, request_id) if request_id else None
                if stored is not None:
                    row = online.find(session, str(stored["number"]))
                else:
                    row = apply(session, staff.officer_id, now)
                    if request_id:
                        repo.remember_answer(source, request_id, {"number": row.number}, now)
                    log.info(
                        "desk %s: officer %s: online %s %s", staff.desk, staff.officer_id, op, row.number
                    )
                item = self._online_item(row, now.astimezone(self.hub.settings.tz).date())
        except online.OnlineError as exc:
            return _error(_ONLINE_STATUS.get(exc.code, 400), exc.code, exc.message)
        except SQLAlchemyError as exc:
            return _storage_error(op, exc)
        return StaffResult(status, bodies.online_request_answer(item))

    def _when(self, value: Any, name: str) -> datetime | None:
        if value is None or value == "":
            return None
        try:
            at = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            at = None
        if at is None:
            raise online.OnlineError("bad_time", f"{name} must be an ISO 8601 time like 2026-11-24T10:00")
        return at if at.tzinfo else at.replace(tzinfo=self.hub.settings.tz)

    def _online_item(self, row: OnlineRequestRow, today: date) -> dict[str, Any]:
        """What a desk may see of a request: the contact masked, no message text."""
        tz = self.hub.settings.tz
        last = max((t for t in (row.last_officer_at, row.last_visitor_at) if t is not None), default=None)
        flag = ""
        if row.status == online.OPEN and row.answered_at is None:
            flag = "overdue" if row.due_date < today else "due_today" if row.due_date == today else ""
        return bodies.online_item_body(
            row.number, row.channel, online.mask_contact(row.channel, row.contact), row.subject, row.status,
            row.due_date, flag, row.answered_at is not None, last.astimezone(tz) if last else None,
        )  # fmt: skip


def _storage_error(op: str, exc: SQLAlchemyError) -> StaffResult:
    # The error's text would carry the statement's parameters (a contact, a message): not logged.
    log.error("online %s failed in the database (%s); not recorded", op, type(exc).__name__)
    return _error(503, "storage_error", "the database is unavailable; try again")


def _field(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name, "")
    if not isinstance(value, str):
        raise online.OnlineError("bad_request", f"{name} must be a string")
    return value
