"""The store's side of the console's complaints and online pages: complaints staff receive (checked
and tidied), their list order and median time to answer; the online work list's order, the
first-answer urgency and when the automatic close will come."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from shared.config import settings_from_mapping
from shared.contract.feedback_requests import Contact
from shared.store import complaints, online
from shared.store.db import make_engine, upgrade, write_transaction

WIB = ZoneInfo("Asia/Jakarta")
POLICY = online.OnlinePolicy.from_settings(settings_from_mapping({}))


def wib(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=WIB)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def receive(engine: Engine, now: datetime, text: str = "Antrean lama", **kw: str) -> str:
    values = {"via": "phone", "kind": "complaint"} | kw
    with write_transaction(engine) as session:
        return complaints.receive(session, text=text, contact=Contact(phone="0812-3456 7890"), day=now.date(),
                                  now=now, officer_id="budi", **values).number  # fmt: skip


def test_staff_received_complaints_are_checked_field_by_field() -> None:
    problems = complaints.input_problems("pigeon", "rant", " ", Contact(email="bukan"), "OL-1")
    assert problems == {"via": "unknown_channel", "kind": "unknown_kind", "text": "required",
                        "email": "email_invalid", "online": "bad_number"}  # fmt: skip
    assert complaints.input_problems("letter", "complaint", "x" * 2001, Contact())["text"] == "too_long"
    assert complaints.input_problems("online", "suggestion", "Baik", Contact(), "ol-20261124-001") == {}


def test_received_complaints_list_open_first_oldest_first_with_the_median_time_to_answer(
    engine: Engine,
) -> None:
    first, second, third = (
        receive(engine, wib(2)),
        receive(engine, wib(3)),
        receive(engine, wib(4), via="walkin"),
    )
    with write_transaction(engine) as session:
        complaints.answer(session, first, "Sudah", "rina", wib(2, 12))  # 2 h
        complaints.answer(session, third, "Sudah", "rina", wib(4, 16))  # 6 h
        row = complaints.get(session, first)
        assert row.contact_phone == "081234567890" and row.source == "phone" and row.recorded_by == "budi"
        rows, count = complaints.page(session, limit=2)
        assert [r.number for r in rows] == [second, first] and count == 3
        assert complaints.time_to_answer(row) == timedelta(hours=2)
        assert complaints.median_time_to_answer(session) == timedelta(hours=4)
        assert complaints.median_time_to_answer(session, (complaints.OPEN,)) is None
    with pytest.raises(complaints.ComplaintInputError) as refused, write_transaction(engine) as session:
        complaints.receive(session, via="fax", kind="complaint", text="x", contact=Contact(),
                           day=date(2026, 11, 5), now=wib(5), officer_id=None)  # fmt: skip
    assert refused.value.fields == {"via": "unknown_channel"}


def test_the_online_work_list_puts_overdue_first_then_due_today(engine: Engine) -> None:
    now = wib(25)
    with write_transaction(engine) as session:
        later = online.add_request(session, POLICY, channel="web", contact="form", subject="a", now=now)
        today = online.add_request(session, POLICY, channel="web", contact="form", subject="b", now=now,
                                   complete_at=wib(20))  # fmt: skip
        late = online.add_request(session, POLICY, channel="web", contact="form", subject="c", now=now,
                                  complete_at=wib(16))  # fmt: skip
        replied = online.add_request(session, POLICY, channel="web", contact="form", subject="d", now=now,
                                     complete_at=wib(16))  # fmt: skip
        online.reply(session, replied.number, now, text="ok", at=wib(18))
        rows, count = online.worklist(session, now.date())
        assert [r.number for r in rows] == [late.number, today.number, replied.number, later.number]
        assert count == 4
        assert [online.urgency(r, now.date()) for r in rows] == ["overdue", "due_today", "", ""]
        assert online.closes_at(replied, POLICY.close_after) == wib(25)
        assert online.closes_at(later, POLICY.close_after) is None
        online.auto_close(session, wib(25, 11))
        closed, count = online.worklist(session, now.date(), closed=True)
        assert [r.number for r in closed] == [replied.number] and closed[0].close_reason == online.NO_REPLY
        assert [m.text for m in online.thread(session, replied)] == ["ok"]
