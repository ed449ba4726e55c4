"""Fakes for the counter view-model's ports: the staff API and the MQTT link, plus contract
messages built the way the hub builds them (``shared.contract.topics``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from counter.options import CounterOptions, ServiceInfo
from counter.staff_client import SignedIn, StaffError
from shared.contract import topics as contract
from shared.contract.staff_bodies import OnlineItem, OnlineList, Visitor

T0 = datetime(2026, 11, 24, 2, 15, 0, tzinfo=UTC)  # 09:15 in Jakarta

SERVICES = (ServiceInfo("A", "Konsultasi Statistik"), ServiceInfo("B", "Perpustakaan"))


def options(**changes: Any) -> CounterOptions:
    base: dict[str, Any] = {
        "site": "pst",
        "desk": "2",
        "desk_name": "Meja 2",
        "office_name": "BPS Kabupaten Tulang Bawang",
        "services": SERVICES,
        "all_services": SERVICES,
        "noshow_after_recalls": 2,
        "retry_after_s": 3.0,
    }
    return CounterOptions(**(base | changes))


def visitor(ticket: str = "A-001", **changes: Any) -> Visitor:
    base: dict[str, Any] = {
        "ticket": ticket,
        "service": "A",
        "issued_at": T0,
        "called_at": T0 + timedelta(minutes=7, seconds=5),
        "status": "called",
        "recalls": 0,
        "name": "Siti Aminah",
        "institution": "Universitas Lampung",
        "purpose": "Data IPM kecamatan 2025",
        "id_type": "ktp",
        "id_number": "************0001",
    }
    return Visitor(**(base | changes))


@dataclass
class FakeStaff:
    pins: dict[str, tuple[str, str]] = field(default_factory=lambda: {"budi": ("246813", "Budi Santoso")})
    at_desk: Visitor | None = None
    signin_error: StaffError | None = None
    desk_taken_by: str | None = None  # another officer signed in at the desk (their name)
    signins: list[tuple[str, bool]] = field(default_factory=list)  # (officer, take_over) asked
    signout_error: StaffError | None = None
    visitor_error: StaffError | None = None
    visitor_calls: int = 0
    signed_out: int = 0
    online: list[OnlineItem] = field(default_factory=list)
    online_error: StaffError | None = None
    online_writes: list[tuple[str, ...]] = field(default_factory=list)  # (what, number or channel, rid)
    today: date = date(2026, 11, 24)

    def signin(self, desk: str, officer: str, pin: str, take_over: bool = False) -> SignedIn:
        self.signins.append((officer, take_over))
        if self.signin_error:
            raise self.signin_error
        if self.pins.get(officer, ("", ""))[0] != pin:
            raise StaffError("bad_pin", 401)
        if self.desk_taken_by and not take_over:
            raise StaffError("desk_taken", 409, {"code": "desk_taken", "officer_name": self.desk_taken_by})
        return SignedIn("tok-1", officer, self.pins[officer][1], f"Meja {desk}")

    def signout(self, token: str) -> None:
        if self.signout_error:
            raise self.signout_error
        self.signed_out += 1

    def visitor(self, token: str) -> Visitor | None:
        self.visitor_calls += 1
        if self.visitor_error:
            raise self.visitor_error
        return self.at_desk

    def online_list(self, token: str, which: str = "open") -> OnlineList:
        if self.online_error:
            raise self.online_error
        return OnlineList(self.today, len(self.online), tuple(self.online))

    def online_add(
        self, token: str, channel: str, contact: str, subject: str, complete_at: str | None, request_id: str
    ) -> OnlineItem:
        self.online_writes.append(("add", channel, request_id))
        if self.online_error:
            raise self.online_error
        item = online_item(f"OL-20261124-{len(self.online) + 1:03d}", channel=channel, subject=subject)
        self.online.append(item)
        return item

    def online_act(self, token: str, number: str, action: str, text: str, request_id: str) -> OnlineItem:
        self.online_writes.append((action, number, request_id))
        if self.online_error:
            raise self.online_error
        index = next(i for i, item in enumerate(self.online) if item.number == number)
        status = {"reply": "answered", "message": "open", "close": "closed"}[action]
        item = replace(self.online[index], status=status, flag="", answered=action == "reply")
        if status == "closed":
            del self.online[index]
        else:
            self.online[index] = item
        return item


def online_item(number: str, **changes: Any) -> OnlineItem:
    base: dict[str, Any] = {
        "number": number,
        "channel": "whatsapp",
        "contact": "********7890",
        "subject": "Data kemiskinan 2025",
        "status": "open",
        "due_date": date(2026, 11, 27),
        "flag": "",
        "answered": False,
        "last_message_at": None,
    }
    return OnlineItem(**(base | changes))


@dataclass
class FakeLink:
    up: bool = True
    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(self, payload: bytes) -> bool:
        if not self.up:
            return False
        self.sent.append(json.loads(payload))
        return True


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0
        self.wall = T0 + timedelta(minutes=8)

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
        self.wall += timedelta(seconds=seconds)


def desk_state(
    status: str,
    ticket: str | None = None,
    service: str | None = None,
    desk: str = "2",
    *,
    priority: bool = False,
    parked: list[str] | None = None,
) -> bytes:
    since = T0 + timedelta(minutes=7, seconds=5)
    body = contract.desk_state(desk, f"Meja {desk}", status, ticket, service, since, priority, parked)
    return contract.encode(body)


def queue_state(
    service: str, waiting: list[str], count: int | None = None, priority: list[str] | None = None
) -> bytes:
    names = {"A": "Konsultasi Statistik", "B": "Perpustakaan"}
    body = contract.queue_state(service, names[service], waiting, T0, count, priority=priority)
    return contract.encode(body)


def answer(request_id: str | None, action: str, **fields: Any) -> bytes:
    return contract.encode({"request_id": request_id, "ok": True, "desk": "2", "action": action, **fields})


def refusal(request_id: str | None, code: str) -> bytes:
    return contract.encode(contract.error_answer(request_id, code, "refused"))
