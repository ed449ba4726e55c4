"""Online requests over the hub's staff API: a signed-in officer lists, records, replies, notes a
visitor's message and closes, against a real hub subprocess and Mosquitto. Contacts are masked,
message texts never leave the hub, and nothing personal is logged or published."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.staff import StaffDesk
from shared.config import Settings
from shared.domain.pins import hash_pin
from shared.store import online
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.models import OnlineMessageRow, OnlineRequestRow
from tests.support import Probe, staff_call

TZ = ZoneInfo("Asia/Jakarta")
CONTACT, SUBJECT, REPLY = "0812 3456 7890", "Data kemiskinan Tulang Bawang 2025", "Tabel ada di situs BPS."


def insert_request(db_url: str, complete_at: datetime, *, due: date | None = None, **fields: str) -> str:
    """Record a request straight through ``shared.store.online`` (as ``antre online add`` does); ``due``
    forces its due date (a request due today cannot be made on a day off)."""
    engine = make_engine(db_url)
    try:
        with write_transaction(engine) as session:
            row = online.add_request(
                session, online.OnlinePolicy(TZ), now=datetime.now(UTC), complete_at=complete_at,
                channel=fields.get("channel", "email"), contact=fields.get("contact", "siti@example.id"),
                subject=fields.get("subject", "Inflasi bulanan"),
            )  # fmt: skip
            if due is not None:
                session.execute(
                    update(OnlineRequestRow).where(OnlineRequestRow.id == row.id).values(due_date=due)
                )
            return row.number
    finally:
        engine.dispose()


def complete_for_due_today() -> tuple[datetime, date | None]:
    """A completion time whose due date is today, or (yesterday, today) to force it on a day off."""
    now = datetime.now(TZ)
    for back in range(1, 15):
        complete_at = now - timedelta(days=back)
        if online.OnlinePolicy(TZ).calendar.due_date(complete_at, TZ) == now.date():
            return complete_at, None
    return now - timedelta(days=1), now.date()


def sign_in(base: str, officer: str = "budi", pin: str = "246813", desk: str = "1") -> str:
    status, body = staff_call(base, "/api/v1/signin", {"desk": desk, "officer": officer, "pin": pin})
    assert status == 200, body
    return str(body["token"])


def test_record_list_reply_visitor_message_and_close(staff_hub, probe: Probe) -> None:
    hub, base = staff_hub
    token = sign_in(base)
    status, body = staff_call(
        base, "/api/v1/online", {"channel": "whatsapp", "contact": CONTACT, "subject": SUBJECT}, token
    )
    assert status == 201, body
    item = body["request"]
    today = datetime.now(TZ).date()
    number = item["number"]
    assert number == f"OL-{today:%Y%m%d}-001"
    assert item["due_date"] == online.OnlinePolicy(TZ).calendar.due_date(datetime.now(TZ), TZ).isoformat()
    assert (item["channel"], item["contact"], item["subject"]) == ("whatsapp", "********7890", SUBJECT)
    assert (item["status"], item["flag"], item["answered"], item["last_message_at"]) == (
        "open",
        "",
        False,
        None,
    )

    status, listing = staff_call(base, "/api/v1/online?list=open", token=token)
    assert status == 200 and listing["today"] == today.isoformat() and listing["count"] == 1
    assert listing["requests"] == [item]
    assert (
        staff_call(base, "/api/v1/online?list=due", token=token)[1]["requests"] == []
    )  # due in 3 working days
    assert staff_call(base, "/api/v1/online?list=overdue", token=token)[1]["requests"] == []

    status, body = staff_call(base, f"/api/v1/online/{number}/reply", {"text": REPLY}, token)
    assert status == 200 and body["request"]["status"] == "answered" and body["request"]["answered"]
    replied_at = datetime.fromisoformat(body["request"]["last_message_at"])
    assert replied_at.utcoffset() == timedelta(hours=7)  # office time
    assert abs((replied_at - datetime.now(UTC)).total_seconds()) < 30
    lower = number.lower()  # numbers are accepted in any case
    status, body = staff_call(
        base, f"/api/v1/online/{lower}/message", {"text": "Terima kasih, satu lagi"}, token
    )
    assert (status, body["request"]["status"]) == (200, "open")  # the officer owes an answer again
    assert staff_call(base, f"/api/v1/online/{number}/close", {}, token)[1]["request"]["status"] == "closed"
    assert staff_call(base, "/api/v1/online?list=open", token=token)[1] == {
        "list": "open", "today": today.isoformat(), "count": 0, "requests": [],
    }  # fmt: skip

    status, body = staff_call(base, f"/api/v1/online/{number}/close", {}, token)
    assert (status, body["error"]["code"]) == (409, "closed")
    status, body = staff_call(base, f"/api/v1/online/{number}/reply", {"text": "late"}, token)
    assert (status, body["error"]["code"]) == (409, "closed")

    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        row = session.scalars(select(OnlineRequestRow)).one()
        messages = session.scalars(select(OnlineMessageRow).order_by(OnlineMessageRow.id)).all()
    engine.dispose()
    assert (row.contact, row.recorded_by, row.close_reason) == ("081234567890", "budi", "done")
    assert [(m.author, m.officer_id, m.text) for m in messages] == [
        ("officer", "budi", REPLY),
        ("visitor", None, "Terima kasih, satu lagi"),
    ]
    secrets = ("081234567890", "3456", SUBJECT, REPLY, "satu lagi")
    log = hub.log_text()
    assert number in log and not any(secret in log for secret in secrets)
    published = "\n".join(m.payload.decode("utf-8", "replace") for m in probe.messages)
    assert not any(secret in published for secret in secrets)


def test_overdue_and_due_today_are_listed_apart(staff_hub) -> None:
    hub, base = staff_hub
    db = hub.env["ANTRE_DB_URL"]
    overdue = insert_request(db, datetime.now(TZ) - timedelta(days=20), contact="siti@example.id")
    complete_at, force = complete_for_due_today()
    due = insert_request(db, complete_at, due=force, channel="social", contact="@siti_aminah")
    later = insert_request(db, datetime.now(TZ), channel="web", contact="tiket 4411")
    answered_late = insert_request(db, datetime.now(TZ) - timedelta(days=20))
    token = sign_in(base, "rina", "135724", desk="2")
    assert staff_call(base, f"/api/v1/online/{answered_late}/reply", {}, token)[0] == 200  # no text: fine

    lists = {
        which: staff_call(base, f"/api/v1/online?list={which}", token=token)[1]["requests"]
        for which in ("overdue", "due", "open")
    }
    assert [(r["number"], r["flag"]) for r in lists["overdue"]] == [(overdue, "overdue")]
    assert [(r["number"], r["flag"]) for r in lists["due"]] == [(due, "due_today")]
    assert [(r["number"], r["flag"]) for r in lists["open"]] == [  # earliest due first
        (overdue, "overdue"), (answered_late, ""), (due, "due_today"), (later, ""),
    ]  # fmt: skip
    contacts = {r["number"]: r["contact"] for r in lists["open"]}
    assert contacts[overdue] == "s***@example.id" and contacts[due] == "********inah"
    assert contacts[later] == "******4411"
    assert all("text" not in r for r in lists["open"])


def test_bad_fields_are_refused_with_clear_codes(staff_hub) -> None:
    _hub, base = staff_hub
    token = sign_in(base)
    good = {"channel": "email", "contact": "siti@example.id", "subject": "Inflasi"}
    future = (datetime.now(TZ) + timedelta(hours=2)).isoformat()
    cases = [
        (good | {"channel": "telegram"}, "bad_channel"),
        (good | {"channel": "whatsapp", "contact": "halo"}, "bad_contact"),
        (good | {"contact": "siti"}, "bad_contact"),
        (good | {"contact": ""}, "bad_contact"),
        (good | {"subject": "   "}, "bad_subject"),
        (good | {"subject": 5}, "bad_request"),
        (good | {"complete_at": future}, "bad_time"),
        (good | {"complete_at": "kemarin"}, "bad_time"),
        (good | {"request_id": "x" * 65}, "bad_request_id"),
    ]
    for fields, code in cases:
        status, body = staff_call(base, "/api/v1/online", fields, token)
        assert (status, body["error"]["code"]) == (400, code), fields
        assert body["error"]["message"]
    status, body = staff_call(base, "/api/v1/online", good | {"complete_at": "2026-01-05 10:00"}, token)
    assert status == 201 and body["request"]["due_date"] == "2026-01-08"  # office time, Mon -> Thu
    number = body["request"]["number"]

    assert staff_call(base, "/api/v1/online?list=late", token=token)[1]["error"]["code"] == "bad_list"
    assert staff_call(base, "/api/v1/online/OL-20200101-001/reply", {}, token)[0] == 404
    assert staff_call(base, "/api/v1/online/XYZ/close", {}, token)[1]["error"]["code"] == "bad_number"
    status, body = staff_call(base, f"/api/v1/online/{number}/reply", {"text": "x" * 4001}, token)
    assert (status, body["error"]["code"]) == (400, "bad_text")
    before = "2026-01-01T09:00:00+07:00"
    assert (
        staff_call(base, f"/api/v1/online/{number}/message", {"at": before}, token)[1]["error"]["code"]
        == "bad_time"
    )
    assert staff_call(base, f"/api/v1/online/{number}/bogus", {}, token)[0] == 404
    request = urllib.request.Request(base + "/api/v1/online", data=b"[1]", method="POST")
    request.add_header("Authorization", f"Bearer {token}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400 and json.loads(refused.value.read())["error"]["code"] == "bad_json"

    assert staff_call(base, "/api/v1/online", good)[0] == 401  # no token
    assert staff_call(base, "/api/v1/online?list=open", token="forged")[0] == 401
    assert staff_call(base, "/api/v1/signout", {}, token=token)[0] == 200
    assert staff_call(base, "/api/v1/online?list=open", token=token)[0] == 401  # signed out: no more
    assert staff_call(base, f"/api/v1/online/{number}/close", {}, token)[0] == 401


def test_a_resend_with_the_same_request_id_records_once(staff_hub) -> None:
    hub, base = staff_hub
    token = sign_in(base)
    fields = {"channel": "web", "contact": "form 77", "subject": "PDRB", "request_id": "form-1"}
    first = staff_call(base, "/api/v1/online", fields, token)
    again = staff_call(base, "/api/v1/online", fields, token)
    assert first == again and first[0] == 201
    number = first[1]["request"]["number"]
    other = staff_call(base, "/api/v1/online", fields | {"request_id": "form-2"}, token)[1]["request"][
        "number"
    ]
    assert other != number
    for _ in range(2):
        assert (
            staff_call(base, f"/api/v1/online/{number}/reply", {"text": "ok", "request_id": "r-1"}, token)[0]
            == 200
        )
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        assert len(session.scalars(select(OnlineRequestRow)).all()) == 2
        assert len(session.scalars(select(OnlineMessageRow)).all()) == 1
    engine.dispose()


def test_a_database_failure_is_a_503_and_logs_no_personal_data(tmp_path: Path, caplog) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    hub = Hub(Settings(db_url=url, data_dir=tmp_path, timezone="Asia/Jakarta"), make_engine(url))
    staff = StaffDesk(hub)
    staff.sync_officers([{"id": "budi", "pin_hash": hash_pin("246813", iterations=1000)}])
    token = staff.signin("1", "budi", "246813").body["token"]
    with hub.engine.begin() as connection:  # the disk refuses the row, as a full or broken disk would
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON online_requests"
            " BEGIN SELECT RAISE(ABORT, 'disk I/O'); END"
        )
    fields = {"channel": "whatsapp", "contact": CONTACT, "subject": SUBJECT}
    with caplog.at_level(logging.DEBUG):
        result = staff.online_add(token, fields)
    assert (result.status, result.body["error"]["code"]) == (503, "storage_error")
    assert "online add failed in the database (IntegrityError)" in caplog.text
    assert "34567890" not in caplog.text and SUBJECT not in caplog.text
    with hub.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER refuse")
    assert staff.online_add(token, fields).status == 201  # nothing half-written: a retry records it
    hub.engine.dispose()
