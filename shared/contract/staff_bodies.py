"""The bodies of the staff HTTP API (``shared.contract.staff_api``): built and parsed here.

The hub builds its answers with the ``*_answer`` / ``*_body`` functions below and the counter
reads them with the ``parse_*`` ones (which raise ``PayloadError``); the counter builds its
requests here too. Nothing here logs a body: they hold PINs, guestbook details and contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

from shared.contract import fields

Body = dict[str, Any]
CHANNELS = ("whatsapp", "email", "social", "web")  # shared.store.online.CHANNELS
FLAGS = ("", "overdue", "due_today")


def error_body(code: str, message: str, **details: Any) -> Body:
    """Every refusal: ``{"error": {"code", "message"}}`` with the HTTP status of the code, and for
    some codes more: ``retry_after`` (``slow_down``), ``reason`` (``session_expired``,
    ``session_revoked``), ``officer`` and ``officer_name`` (``desk_taken``)."""
    return {"error": {"code": code, "message": message, **details}}


def error_detail(body: object, name: str) -> Any:
    """One of the extra fields of a refusal's body (``retry_after``, ``reason``...), or ``None``."""
    error = body.get("error") if isinstance(body, dict) else None
    return error.get(name) if isinstance(error, dict) else None


def error_code(body: object) -> str | None:
    """The ``code`` of a refusal's body, ``None`` when it is not one."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code is not None else None


# --- sign-in and sign-out ------------------------------------------------------------------


@dataclass(frozen=True)
class Signin:
    desk: str
    officer: str
    pin: str
    take_over: bool = False  # sign in at a desk where another officer is signed in, ending theirs

    def __repr__(self) -> str:  # never the PIN
        return f"Signin(desk={self.desk!r}, officer={self.officer!r}, take_over={self.take_over!r})"


def signin_body(desk: str, officer: str, pin: str, take_over: bool = False) -> Body:
    body: Body = {"desk": desk, "officer": officer, "pin": pin}
    return body | {"take_over": True} if take_over else body


def parse_signin(body: Body) -> Signin:
    """Missing fields read as empty: the hub refuses them as an unknown desk or a wrong PIN.
    ``take_over`` is optional and only ``true`` takes over."""
    desk, officer, pin = (str(body.get(key, "")) for key in ("desk", "officer", "pin"))
    return Signin(desk, officer, pin, body.get("take_over") is True)


@dataclass(frozen=True)
class SigninAnswer:
    token: str  # the Bearer token of every later request, until sign-out
    desk_name: str | None
    officer_name: str | None

    def __repr__(self) -> str:  # never the token
        return f"SigninAnswer(desk_name={self.desk_name!r})"


def signin_answer(token: str, desk: str, desk_name: str, officer_name: str) -> Body:
    return {"token": token, "desk": desk, "desk_name": desk_name, "officer_name": officer_name}


def parse_signin_answer(body: Body) -> SigninAnswer:
    if "token" not in body:
        raise fields.malformed("token", "a sign-in answer needs token")
    desk_name, officer_name = body.get("desk_name"), body.get("officer_name")
    return SigninAnswer(
        str(body["token"]), str(desk_name) if desk_name else None, str(officer_name) if officer_name else None
    )


def console_signin_answer(
    token: str, officer: str, officer_name: str, role: str, expires_at: datetime
) -> Body:
    """A console sign-in: the session's token, who, their role, and the session's absolute end."""
    return {"token": token, "officer": officer, "officer_name": officer_name, "role": role,
            "expires_at": expires_at.isoformat()}  # fmt: skip


def signout_answer(desk: str) -> Body:
    return {"desk": desk, "status": "closed"}


# --- the visitor at the desk ---------------------------------------------------------------


@dataclass(frozen=True)
class GuestDetails:
    """What a desk may see of a guestbook entry: ``id_number`` masked to its last 4 digits; the
    email and phone never leave the hub."""

    name: str
    institution: str
    purpose: str
    id_type: str
    id_number: str

    def __repr__(self) -> str:
        return "GuestDetails(…)"


@dataclass(frozen=True)
class Visitor:
    """The visitor at the desk, from ``GET /api/v1/visitor`` (never from MQTT)."""

    ticket: str
    service: str
    issued_at: datetime | None
    called_at: datetime | None
    status: str
    recalls: int
    name: str | None = None
    institution: str | None = None
    purpose: str | None = None
    id_type: str | None = None
    id_number: str | None = None

    def __repr__(self) -> str:  # a traceback or a debug log must not carry the guestbook
        return f"Visitor(ticket={self.ticket!r}, status={self.status!r}, recalls={self.recalls})"


def visitor_body(
    ticket: str,
    service: str,
    issued_at: datetime,
    called_at: datetime | None,
    status: str,
    recalls: int,
    guest: GuestDetails | None,
) -> Body:
    visitor: Body = {
        "ticket": ticket,
        "service": service,
        "issued_at": issued_at.isoformat(),
        "called_at": called_at.isoformat() if called_at else None,
        "status": status,
        "recalls": recalls,
    }
    if guest is not None:
        visitor |= {
            "name": guest.name,
            "institution": guest.institution,
            "purpose": guest.purpose,
            "id_type": guest.id_type,
            "id_number": guest.id_number,
        }
    return visitor


def visitor_answer(desk: str, visitor: Body | None) -> Body:
    """``visitor`` from ``visitor_body``; ``None``: nobody at the desk."""
    return {"desk": desk, "visitor": visitor}


def parse_visitor_answer(body: Body) -> Visitor | None:
    data = body.get("visitor")
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("ticket"), str):
        raise fields.malformed("visitor", "a visitor needs a ticket")
    recalls = data.get("recalls", 0)
    return Visitor(
        ticket=data["ticket"],
        service=str(data.get("service", "")),
        issued_at=fields.time(data, "issued_at"),
        called_at=fields.time(data, "called_at"),
        status=str(data.get("status", "")),
        recalls=recalls if type(recalls) is int else 0,
        name=fields.opt_text(data, "name"),
        institution=fields.opt_text(data, "institution"),
        purpose=fields.opt_text(data, "purpose"),
        id_type=fields.opt_text(data, "id_type"),
        id_number=fields.opt_text(data, "id_number"),
    )


# --- online requests -----------------------------------------------------------------------


class OnlineAdd(TypedDict, total=False):
    """``POST /api/v1/online``: ``complete_at`` (ISO 8601, office time when it has no offset) is
    when the request was complete, now when absent; ``request_id`` makes a resend safe."""

    channel: str
    contact: str
    subject: str
    request_id: str
    complete_at: str


class OnlineAct(TypedDict, total=False):
    """``POST /api/v1/online/{number}/reply|message``: both optional (``at``: when it was sent,
    now when absent); a close sends ``{}``."""

    text: str
    at: str
    request_id: str


def online_add_body(
    channel: str, contact: str, subject: str, complete_at: str | None, request_id: str
) -> OnlineAdd:
    body = OnlineAdd(channel=channel, contact=contact, subject=subject, request_id=request_id)
    if complete_at:
        body["complete_at"] = complete_at
    return body


def online_act_body(action: str, text: str, request_id: str) -> OnlineAct:
    """``reply`` (the officer's), ``message`` (the visitor wrote) or ``close`` (no fields)."""
    return OnlineAct() if action == "close" else OnlineAct(text=text, request_id=request_id)


@dataclass(frozen=True)
class OnlineItem:
    """An online request as a desk sees it: the contact masked, no message text."""

    number: str  # OL-20261124-001
    channel: str  # whatsapp | email | social | web
    contact: str  # masked by the hub: ********7890, s***@example.id
    subject: str
    status: str  # open (the officer owes a message) | answered | closed
    due_date: date
    flag: str  # "" | overdue | due_today: not answered and past / at its due date
    answered: bool  # an officer reply was recorded at least once
    last_message_at: datetime | None  # office time

    def __repr__(self) -> str:  # a traceback or a debug log must not carry the subject
        return f"OnlineItem(number={self.number!r}, status={self.status!r}, flag={self.flag!r})"


@dataclass(frozen=True)
class OnlineList:
    today: date  # the office's date, from the hub
    count: int  # how many in all (the hub sends at most 200)
    items: tuple[OnlineItem, ...]


def online_item_body(
    number: str,
    channel: str,
    contact: str,
    subject: str,
    status: str,
    due_date: date,
    flag: str,
    answered: bool,
    last_message_at: datetime | None,
) -> Body:
    """``contact`` already masked; ``last_message_at`` in office time."""
    return {
        "number": number,
        "channel": channel,
        "contact": contact,
        "subject": subject,
        "status": status,
        "due_date": due_date.isoformat(),
        "flag": flag,  # overdue | due_today: not answered and past / at its due date
        "answered": answered,
        "last_message_at": last_message_at.isoformat(timespec="seconds") if last_message_at else None,
    }


def online_list_answer(which: str, today: date, count: int, items: list[Body]) -> Body:
    return {"list": which, "today": today.isoformat(), "count": count, "requests": items}


def online_request_answer(item: Body) -> Body:
    """The answer to a change: the request as it is now."""
    return {"request": item}


def parse_online_item(data: object) -> OnlineItem:
    if not isinstance(data, dict) or not isinstance(data.get("number"), str):
        raise fields.malformed("request", "an online request needs a number")
    flag = data.get("flag") or ""
    due_date = fields.day(data, "due_date")
    assert due_date is not None  # not optional
    return OnlineItem(
        number=data["number"],
        channel=str(data.get("channel", "")),
        contact=fields.opt_text(data, "contact") or "",
        subject=fields.opt_text(data, "subject") or "",
        status=str(data.get("status", "")),
        due_date=due_date,
        flag=flag if flag in FLAGS else "",
        answered=data.get("answered") is True,
        last_message_at=fields.time(data, "last_message_at"),
    )


def parse_online_request_answer(body: Body) -> OnlineItem:
    return parse_online_item(body.get("request"))


def parse_online_list(body: Body) -> OnlineList:
    items = body.get("requests")
    if not isinstance(items, list):
        raise fields.malformed("requests", "an online list needs requests")
    count = body.get("count", len(items))
    today = fields.day(body, "today")
    assert today is not None
    return OnlineList(
        today=today,
        count=count if type(count) is int else len(items),
        items=tuple(parse_online_item(item) for item in items),
    )
