"""Online requests on SQLite and PostgreSQL: numbers, due dates, the conversation, the 7-day
auto-close with an injected clock, and what is kept private."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from shared.config import settings_from_mapping
from shared.store import online
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.models import OnlineMessageRow, OnlineRequestRow
from shared.store.online import OnlineError, OnlinePolicy

WIB = ZoneInfo("Asia/Jakarta")
POLICY = OnlinePolicy.from_settings(settings_from_mapping({"timing": {"collective_leave": ["2026-12-24"]}}))


def wib(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def add(engine: Engine, now: datetime, complete_at: datetime | None = None, **kw: str) -> OnlineRequestRow:
    values = {"channel": "whatsapp", "contact": "0812-3456-7890", "subject": "Data kemiskinan"} | kw
    with write_transaction(engine) as session:
        return online.add_request(session, POLICY, now=now, complete_at=complete_at, **values)


def get(engine: Engine, number: str) -> OnlineRequestRow:
    with write_transaction(engine) as session:
        return online.find(session, number)


def test_a_request_gets_a_daily_number_and_its_due_date(engine: Engine) -> None:
    first = add(engine, wib(11, 24, 9))
    second = add(engine, wib(11, 24, 11), complete_at=wib(11, 20, 15), channel="email", contact="a@b.id")
    third = add(engine, wib(11, 25, 1))
    assert [first.number, second.number, third.number] == [
        "OL-20261124-001",
        "OL-20261124-002",
        "OL-20261125-001",
    ]
    assert first.due_date == date(2026, 11, 27) and first.complete_at == wib(11, 24, 9)
    assert second.due_date == date(2026, 11, 25)  # complete on Friday: Mon, Tue, Wed
    assert first.contact == "081234567890" and first.status == online.OPEN
    # An evening in UTC that is already the next morning in the office takes the office's date.
    late = add(engine, datetime(2026, 11, 25, 20, 0, tzinfo=WIB).astimezone(ZoneInfo("UTC")))
    assert late.number == "OL-20261125-002"


def test_the_conversation_sets_the_status(engine: Engine) -> None:
    number = add(engine, wib(11, 24, 9)).number
    with write_transaction(engine) as session:
        row = online.reply(session, number, wib(11, 24, 10), text="Data ada di tabel 3.1", officer_id="o1")
        assert (row.status, row.answered_at) == (online.ANSWERED, wib(11, 24, 10))
    with write_transaction(engine) as session:
        row = online.visitor_message(session, number.lower(), wib(11, 25, 8), text="Terima kasih, dan ...")
        assert row.status == online.OPEN and row.answered_at == wib(11, 24, 10)  # first answer stays
    with write_transaction(engine) as session:
        assert online.reply(session, number, wib(11, 25, 9)).status == online.ANSWERED
        row = online.close(session, number, wib(11, 25, 10))
        assert (row.status, row.close_reason) == (online.CLOSED, online.DONE)
    with write_transaction(engine) as session:
        messages = session.scalars(select(OnlineMessageRow).order_by(OnlineMessageRow.at)).all()
        assert [(m.author, m.officer_id) for m in messages] == [
            ("officer", "o1"),
            ("visitor", None),
            ("officer", None),
        ]
    with pytest.raises(OnlineError, match="closed"), write_transaction(engine) as session:
        online.visitor_message(session, number, wib(11, 26))


def test_the_7_day_auto_close(engine: Engine) -> None:
    quiet = add(engine, wib(11, 2)).number
    talking = add(engine, wib(11, 2)).number
    unanswered = add(engine, wib(11, 2)).number
    with write_transaction(engine) as session:
        online.reply(session, quiet, wib(11, 3, 9))
        online.reply(session, talking, wib(11, 3, 9))
        online.visitor_message(session, talking, wib(11, 9, 9))  # the visitor wrote back: officer's turn
    week = timedelta(days=7)
    with write_transaction(engine) as session:
        assert online.auto_close(session, wib(11, 10, 8, 59), week) == []  # 1 minute short of 7 days
    with write_transaction(engine) as session:
        assert online.auto_close(session, wib(11, 10, 9), week) == [quiet]
    with write_transaction(engine) as session:
        assert online.auto_close(session, wib(12, 31), week) == []  # nobody else waits on the visitor
    row = get(engine, quiet)
    assert (row.status, row.close_reason, row.closed_at) == ("closed", "no_reply_7_days", wib(11, 10, 9))
    assert get(engine, talking).status == "open" and get(engine, unanswered).status == "open"
    with write_transaction(engine) as session:
        online.reply(session, talking, wib(11, 12, 9))
        # The default is the standard's 7 days.
        assert online.auto_close(session, wib(11, 19, 9)) == [talking]


def test_due_today_overdue_and_open(engine: Engine) -> None:
    due_mon = add(engine, wib(11, 18)).number  # Wed -> Mon 23
    due_tue = add(engine, wib(11, 19)).number  # Thu -> Tue 24
    answered = add(engine, wib(11, 19)).number
    closed = add(engine, wib(11, 18)).number
    later = add(engine, wib(11, 24)).number  # -> Fri 27
    with write_transaction(engine) as session:
        online.reply(session, answered, wib(11, 20))
        online.close(session, closed, wib(11, 20))
        online.visitor_message(session, answered, wib(11, 21))  # a follow-up: not overdue, it was answered
    with write_transaction(engine) as session:
        today = date(2026, 11, 24)
        assert [r.number for r in online.due_today(session, today)] == [due_tue]
        assert [r.number for r in online.overdue(session, today)] == [due_mon]
        assert [r.number for r in online.open_requests(session)] == [due_mon, due_tue, answered, later]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"channel": "fax"}, "channel must be one of"),
        ({"contact": "budi"}, "phone number"),
        ({"channel": "email", "contact": "budi"}, "email address"),
        ({"subject": "  "}, "subject"),
    ],
)
def test_a_bad_request_is_refused_with_the_reason(engine: Engine, kw: dict, message: str) -> None:
    with pytest.raises(OnlineError, match=message):
        add(engine, wib(11, 24), **kw)


def test_times_in_the_future_or_before_completion_are_refused(engine: Engine) -> None:
    with pytest.raises(OnlineError, match="future"):
        add(engine, wib(11, 24, 9), complete_at=wib(11, 24, 10))
    number = add(engine, wib(11, 24, 9)).number
    with pytest.raises(OnlineError, match="before"), write_transaction(engine) as session:
        online.reply(session, number, wib(11, 24, 10), at=wib(11, 24, 8))
    with pytest.raises(OnlineError, match="not a request number"), write_transaction(engine) as session:
        online.find(session, "A-001")
    with pytest.raises(OnlineError, match="no online request"), write_transaction(engine) as session:
        online.find(session, "OL-20990101-001")


def test_personal_data_stays_out_of_the_log_and_is_purged(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="shared.store.online")
    number = add(engine, wib(11, 2), contact="0812 9999 1234", subject="Rahasia Pribadi").number
    with write_transaction(engine) as session:
        online.reply(session, number, wib(11, 3), text="Isi balasan pribadi")
        online.auto_close(session, wib(11, 11))
    assert number in caplog.text
    for secret in ("0812", "9999", "Rahasia", "balasan"):
        assert secret not in caplog.text
    with write_transaction(engine) as session:
        assert online.purge_personal_data(session, wib(11, 11)) == 0  # closed at that moment, not before
        assert online.purge_personal_data(session, wib(12, 1)) == 1
        assert online.purge_personal_data(session, wib(12, 1)) == 0
    row = get(engine, number)
    assert (row.contact, row.subject, row.status) == ("", "", "closed")
    with write_transaction(engine) as session:
        assert session.scalars(select(OnlineMessageRow.text)).all() == [""]
