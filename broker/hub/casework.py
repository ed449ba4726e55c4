"""The console's case work: complaints (received, answered, closed) and online requests (recorded,
replied to, the visitor's messages, closed), each change on the hub's worker in one transaction.

The console calls these through ``ConsoleContext.on_worker``; they return a ``StaffResult`` like
``StaffDesk``. The rules live in ``shared.store.complaints`` and ``shared.store.online``; this module
adds who did it (the signed-in officer), the time, and the ``request_id`` of ``StaffDesk``'s online
writes: a form carries a random one, and a resend (double submit, a retry after a lost answer)
returns the first answer instead of recording twice. A detail view shows one person's text and
contact: it is recorded in the access log, in the same transaction that reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.staff import MAX_TEXT, StaffResult
from shared.contract.feedback_requests import Contact
from shared.domain.queue import QueueError
from shared.store import access_log, complaints, online
from shared.store.db import write_transaction
from shared.store.models import ComplaintRow, OnlineRequestRow
from shared.store.repository import SqlQueueRepository

log = logging.getLogger(__name__)

Apply = Callable[[Session, datetime], str]  # makes the change, returns the number it concerns
_STATUS = {"unknown": 404, "unknown_complaint": 404, "unknown_request": 404, "closed": 409,
           "complaint_closed": 409}  # fmt: skip
ACTIONS = ("reply", "message", "close")


def _error(status: int, code: str, message: str, fields: Mapping[str, str] | None = None) -> StaffResult:
    return StaffResult(status, {"error": {"code": code, "message": message, "fields": dict(fields or {})}})


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name, "")
    return value if isinstance(value, str) else ""


class Casework:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.policy = online.OnlinePolicy.from_settings(hub.settings)

    # --- complaints ------------------------------------------------------------------------

    def complaint_receive(self, officer_id: str, fields: Mapping[str, Any]) -> StaffResult:
        """``via`` (walkin, phone, letter, online), ``kind``, ``text``, ``name``/``email``/``phone``
        (optional), ``online`` (the OL number an online one is about, optional). 201 and the number."""

        def apply(session: Session, now: datetime) -> str:
            contact = Contact(_text(fields, "name").strip(), _text(fields, "email").strip().lower(),
                              _text(fields, "phone").strip())  # fmt: skip
            row = complaints.receive(
                session, via=_text(fields, "via"), kind=_text(fields, "kind") or "complaint",
                text=_text(fields, "text"), contact=contact, day=self._day(now), now=now,
                officer_id=officer_id, online_number=_text(fields, "online"),
            )  # fmt: skip
            return row.number

        return self._write(officer_id, "complaint-receive", fields, apply, created=True)

    def complaint_answer(self, officer_id: str, number: str, fields: Mapping[str, Any]) -> StaffResult:
        def apply(session: Session, now: datetime) -> str:
            return complaints.answer(session, number, _text(fields, "text"), officer_id, now).number

        return self._write(officer_id, "complaint-answer", fields, apply)

    def complaint_close(self, officer_id: str, number: str, fields: Mapping[str, Any]) -> StaffResult:
        def apply(session: Session, now: datetime) -> str:
            return complaints.close(session, number, officer_id, now).number

        return self._write(officer_id, "complaint-close", fields, apply)

    def complaint_detail(self, officer_id: str, number: str) -> StaffResult:
        """One complaint with its text and contact; the view goes in the access log."""
        try:
            with write_transaction(self.hub.engine) as session:
                row = complaints.get(session, number)
                if row.text or row.contact_name or row.contact_email or row.contact_phone:
                    self._seen(session, officer_id, f"complaint {row.number}")
                return StaffResult(200, {"complaint": self._complaint(session, row)})
        except QueueError as exc:
            return _error(_STATUS.get(exc.code, 400), exc.code, exc.message)
        except SQLAlchemyError as exc:
            return _storage_error("complaint detail", exc)

    def _complaint(self, session: Session, row: ComplaintRow) -> dict[str, Any]:
        request = session.get(OnlineRequestRow, row.online_request_id) if row.online_request_id else None
        names = ("number", "kind", "source", "status", "text", "contact_name", "contact_email",
                 "contact_phone", "created_at", "recorded_by", "followup", "answered_at", "answered_by",
                 "closed_at", "closed_by")  # fmt: skip
        body = {name: getattr(row, name) for name in names}
        body["online"] = request.number if request else ""
        body["time_to_answer"] = complaints.time_to_answer(row)
        return body

    # --- online requests -------------------------------------------------------------------

    def online_record(self, officer_id: str, fields: Mapping[str, Any]) -> StaffResult:
        """``channel``, ``contact``, ``subject``, ``complete_at`` (optional, office time). 201."""

        def apply(session: Session, now: datetime) -> str:
            row = online.add_request(
                session, self.policy, channel=_text(fields, "channel"), contact=_text(fields, "contact"),
                subject=_text(fields, "subject"), now=now,
                complete_at=self._when(fields.get("complete_at"), "complete_at"), officer_id=officer_id,
            )  # fmt: skip
            return row.number

        return self._write(officer_id, "online-record", fields, apply, created=True)

    def online_act(self, officer_id: str, number: str, action: str, fields: Mapping[str, Any]) -> StaffResult:
        """``reply`` (the officer's), ``message`` (the visitor wrote), each with ``text`` and an
        optional ``at``; or ``close``."""
        if action not in ACTIONS:
            return _error(404, "unknown_action", f"action must be one of {', '.join(ACTIONS)}")

        def apply(session: Session, now: datetime) -> str:
            if action == "close":
                return online.close(session, number, now).number
            text = _text(fields, "text").strip()
            if not text:
                raise online.OnlineError("empty_text", "the message text is empty")
            if len(text) > MAX_TEXT:
                raise online.OnlineError("bad_text", f"the text must have at most {MAX_TEXT} characters")
            at = self._when(fields.get("at"), "at")
            if action == "reply":
                return online.reply(session, number, now, text=text, at=at, officer_id=officer_id).number
            return online.visitor_message(session, number, now, text=text, at=at).number

        return self._write(officer_id, f"online-{action}", fields, apply)

    def online_detail(self, officer_id: str, number: str) -> StaffResult:
        """One request with its full contact and its thread; the view goes in the access log."""
        try:
            with write_transaction(self.hub.engine) as session:
                row = online.find(session, number)
                if row.contact or row.subject:
                    self._seen(session, officer_id, f"online request {row.number}")
                names = ("number", "channel", "contact", "subject", "complete_at", "due_date", "status",
                         "created_at", "recorded_by", "answered_at", "last_officer_at", "last_visitor_at",
                         "closed_at", "close_reason")  # fmt: skip
                body = {name: getattr(row, name) for name in names}
                body["urgency"] = online.urgency(row, self._day(self.hub.clock()))
                body["closes_at"] = online.closes_at(row, self.policy.close_after)
                body["messages"] = [
                    {"author": m.author, "officer_id": m.officer_id, "text": m.text, "at": m.at}
                    for m in online.thread(session, row)
                ]
                return StaffResult(200, {"request": body})
        except online.OnlineError as exc:
            return _error(_STATUS.get(exc.code, 400), exc.code, exc.message)
        except SQLAlchemyError as exc:
            return _storage_error("online detail", exc)

    # --- the one write path ----------------------------------------------------------------

    def _write(
        self, officer_id: str, op: str, fields: Mapping[str, Any], apply: Apply, created: bool = False
    ) -> StaffResult:
        request_id = fields.get("request_id") or None
        if request_id is not None and not (isinstance(request_id, str) and len(request_id) <= 64):
            return _error(400, "bad_request_id", "request_id must be a string of 1 to 64 characters")
        status = 201 if created else 200
        try:
            with write_transaction(self.hub.engine) as session:
                repo, now = SqlQueueRepository(session), self.hub.clock()
                source = f"console/{officer_id}/{op}"
                stored = repo.answer_for(source, request_id) if request_id else None
                if stored is not None:
                    return StaffResult(status, {**stored, "repeated": True})
                body = {"number": apply(session, now)}
                if request_id:
                    repo.remember_answer(source, request_id, body, now)
                log.info("console: officer %s: %s %s", officer_id, op, body["number"])
        except complaints.ComplaintInputError as exc:
            return _error(400, exc.code, exc.message, exc.fields)
        except (QueueError, online.OnlineError) as exc:
            return _error(_STATUS.get(exc.code, 400), exc.code, exc.message)
        except SQLAlchemyError as exc:
            return _storage_error(op, exc)
        return StaffResult(status, body)

    def _seen(self, session: Session, officer_id: str, subject: str) -> None:
        # A person's text and contact shown on a staff screen: who looked, at what, when.
        actor = f"officer/{officer_id}@console"
        access_log.record(session, self.hub.key, actor, access_log.DETAIL_VIEW, subject, self.hub.clock())

    def _day(self, now: datetime) -> date:
        return now.astimezone(self.hub.settings.tz).date()

    def _when(self, value: Any, name: str) -> datetime | None:
        """A form's time (``2026-11-24T10:00``, office time) or ``None`` when left empty."""
        if value is None or value == "":
            return None
        try:
            at = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            at = None
        if at is None:
            raise online.OnlineError("bad_time", f"{name} must be a time like 2026-11-24T10:00")
        return at if at.tzinfo else at.replace(tzinfo=self.hub.settings.tz)


def _storage_error(op: str, exc: SQLAlchemyError) -> StaffResult:
    # The error's text would carry the statement's parameters (a contact, a text): not logged.
    log.error("console %s failed in the database (%s); not recorded", op, type(exc).__name__)
    return _error(503, "storage_error", "the database is unavailable; try again")
