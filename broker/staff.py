"""Officers at desks: sign in with a PIN, sign out or take a break, and see the visitor at the desk.

This is the staff side of the hub, reached over its small HTTP API (``broker.staff_api``), not
over MQTT: the PIN and the visitor's guestbook details must never travel on a topic. Each call runs
on the hub's worker thread like every other command, so the one-writer rule holds.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broker.hub import Hub, Publication
from shared import guestbook, pins
from shared.db import write_transaction
from shared.domain import Action, QueueError
from shared.models import DeskRow, GuestRow, OfficerRow, StaffSessionRow, TicketRow
from shared.repository import SqlQueueRepository

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


@dataclass
class StaffResult:
    status: int  # the HTTP status to answer with
    body: dict[str, Any]
    publications: list[Publication] = field(default_factory=list)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _error(status: int, code: str, message: str) -> StaffResult:
    return StaffResult(status, {"error": {"code": code, "message": message}})


class StaffDesk:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._failures: dict[str, tuple[int, float]] = {}  # officer -> (count, locked until)

    def sync_officers(self, officers: list[dict[str, Any]]) -> None:
        """Officers from the config's ``[[officers]]`` (id, name, pin_hash) into the database."""
        with write_transaction(self.hub.engine) as session:
            for item in officers:
                row = session.get(OfficerRow, str(item["id"])) or OfficerRow(id=str(item["id"]))
                row.name = str(item.get("name", item["id"]))
                row.pin_hash = str(item["pin_hash"])
                row.active = bool(item.get("active", True))
                session.add(row)

    def signin(self, desk: str, officer_id: str, pin: str) -> StaffResult:
        if desk not in self.hub.desk_names:
            return _error(404, "unknown_desk", f"unknown desk {desk!r}")
        count, locked_until = self._failures.get(officer_id, (0, 0.0))
        if time.monotonic() < locked_until:
            return _error(423, "locked", "too many wrong PINs; wait a minute")
        with write_transaction(self.hub.engine) as session:
            officer = session.get(OfficerRow, officer_id)
            if officer is None or not officer.active or not pins.verify_pin(pin, officer.pin_hash):
                self._note_failure(officer_id, count)
                return _error(401, "bad_pin", "unknown officer or wrong PIN")
            self._failures.pop(officer_id, None)
            repo = SqlQueueRepository(session)
            outcome = self.hub.rules(repo).command(desk, Action.OPEN)
            now = self.hub.clock()
            session.execute(
                update(StaffSessionRow)
                .where(StaffSessionRow.desk == desk, StaffSessionRow.ended_at.is_(None))
                .values(ended_at=now)
            )
            token = secrets.token_urlsafe(24)
            session.add(
                StaffSessionRow(
                    token_hash=_token_hash(token), officer_id=officer.id, desk=desk, started_at=now
                )
            )
            desk_row = session.get(DeskRow, desk)
            assert desk_row is not None  # OPEN saved it
            desk_row.officer_id = officer.id
            pubs = self.hub.state_publications(repo, outcome)
        log.info("desk %s: officer %s signed in", desk, officer_id)
        body = {
            "token": token,
            "desk": desk,
            "desk_name": self.hub.desk_names[desk],
            "officer_name": officer.name,
        }
        return StaffResult(200, body, pubs)

    def _note_failure(self, officer_id: str, count: int) -> None:
        count += 1
        until = time.monotonic() + LOCKOUT_SECONDS if count >= MAX_FAILURES else 0.0
        self._failures[officer_id] = (0 if until else count, until)
        log.warning("a wrong PIN for officer %s (%d)", officer_id, count)

    def signout(self, token: str) -> StaffResult:
        """Close the desk (sign-out or a break: the desk takes no one until someone signs in)."""
        with write_transaction(self.hub.engine) as session:
            staff = self._session_of(session, token)
            if staff is None:
                return _error(401, "signed_out", "this sign-in is no longer valid")
            repo = SqlQueueRepository(session)
            try:
                outcome = self.hub.rules(repo).command(staff.desk, Action.CLOSE)
            except QueueError as exc:
                return _error(409, exc.code, exc.message)
            staff.ended_at = self.hub.clock()
            desk_row = session.get(DeskRow, staff.desk)
            if desk_row is not None:
                desk_row.officer_id = None
            pubs = self.hub.state_publications(repo, outcome)
        log.info("desk %s: officer %s signed out", staff.desk, staff.officer_id)
        return StaffResult(200, {"desk": staff.desk, "status": "closed"}, pubs)

    def visitor(self, token: str) -> StaffResult:
        """The guestbook details of the visitor at the officer's desk, while they are there."""
        with write_transaction(self.hub.engine) as session:
            staff = self._session_of(session, token)
            if staff is None:
                return _error(401, "signed_out", "this sign-in is no longer valid")
            desk_row = session.get(DeskRow, staff.desk)
            ticket = session.get(TicketRow, desk_row.ticket_id) if desk_row and desk_row.ticket_id else None
            if ticket is None:
                return StaffResult(200, {"desk": staff.desk, "visitor": None})
            guest = session.get(GuestRow, ticket.guest_id) if ticket.guest_id else None
            visitor: dict[str, Any] = {
                "ticket": ticket.code,
                "service": ticket.service,
                "issued_at": ticket.issued_at.isoformat(),
                "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
                "status": ticket.status,
                "recalls": ticket.recall_count,
            }
            if guest is not None:
                visitor |= {
                    "name": guest.name,
                    "institution": guest.institution,
                    "purpose": guest.purpose,
                    "id_type": guest.id_type,
                    "id_number": guestbook.mask_id(guest.id_number),
                }
        return StaffResult(200, {"desk": staff.desk, "visitor": visitor})

    def _session_of(self, session: Session, token: str) -> StaffSessionRow | None:
        query = select(StaffSessionRow).where(
            StaffSessionRow.token_hash == _token_hash(token), StaffSessionRow.ended_at.is_(None)
        )
        return session.scalars(query).first()
