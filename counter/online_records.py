"""Online requests as the hub's staff API sends them to a desk (``GET/POST /api/v1/online...``),
parsed into small typed records. The contact arrives masked and no message text ever comes: a
desk needs the number, the channel, the subject, the due date and where the conversation stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from counter.messages import Malformed, _opt_str, _time

CHANNELS = ("whatsapp", "email", "social", "web")
FLAGS = ("", "overdue", "due_today")


@dataclass(frozen=True)
class OnlineItem:
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


def _date(value: object) -> date:
    if not isinstance(value, str):
        raise Malformed("a date must be a string")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Malformed("a date must be YYYY-MM-DD") from exc


def parse_online_item(data: object) -> OnlineItem:
    if not isinstance(data, dict) or not isinstance(data.get("number"), str):
        raise Malformed("an online request needs a number")
    flag = data.get("flag") or ""
    if flag not in FLAGS:
        flag = ""
    return OnlineItem(
        number=data["number"],
        channel=str(data.get("channel", "")),
        contact=_opt_str(data, "contact") or "",
        subject=_opt_str(data, "subject") or "",
        status=str(data.get("status", "")),
        due_date=_date(data.get("due_date")),
        flag=flag,
        answered=data.get("answered") is True,
        last_message_at=_time(data.get("last_message_at")),
    )


def parse_online_list(body: dict[str, Any]) -> OnlineList:
    items = body.get("requests")
    if not isinstance(items, list):
        raise Malformed("an online list needs requests")
    count = body.get("count", len(items))
    return OnlineList(
        today=_date(body.get("today")),
        count=count if type(count) is int else len(items),
        items=tuple(parse_online_item(item) for item in items),
    )
