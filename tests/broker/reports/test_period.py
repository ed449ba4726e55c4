"""The console's period figures on a small known database: every figure worked out by hand below.

November 2026, office time WIB (UTC+7), now Tuesday 3 November 10:00. Desk 1 serves A and B, desk 2
serves B only; opening hours the default (Monday-Thursday 08:00-15:30).

Monday 2 November (D1). Desk 1 signed in 08:00-12:00, desk 2 09:00-12:00.
  pass  ticket  service entered called  left          clock  standard  idle-desk wait (s)
  1     A-001   A       08:00   08:05   08:15 done    300    met       08:00-08:05         300
  2     A-002   A       08:02   08:20   08:30 done    300    met       08:02-05 + 08:15-20 480
  3     A-003   A       08:10   08:45   08:50 done    900    breached  08:15-20 + 08:30-45 1200
  4     B-001   B       09:00   09:02   09:05 noshow  120    met       09:00-09:02         120
  5a    A-004   A       09:10   09:12   09:20 transf. 120    met       09:10-09:12         120
  5b    A-004   B       09:20   09:25   09:40 done    300    met       09:20-09:25         300
  6     B-002   B       10:00   -       15:30 expired -      breached  10:00-12:00         7200
  7     B-003   B       10:01   -       15:30 expired -      not called 10:01-12:00        7140
  Desk 1 idle: 08:00-05, 08:15-20, 08:30-45, 08:50-09:12, 09:20-12:00 (A's idle time); with desk 2
  (idle 09:00-02, 09:05-25, 09:40-12:00) B's idle time is 08:00-05, 08:15-20, 08:30-45, 08:50-12:00.
Tuesday 3 November (D2, today). Desk 1 signed in from 08:00, still in.
  8     A-005   A       08:30   08:40   -  at desk    600    met (600 s is "maksimal 10 menit")  600
  9     A-006   A       09:00   -       -  waiting    -      not called  (still waiting: no idle figure)
Friday 30 October: one ticket, breached, outside the period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from broker.reports import data, figures
from broker.reports.period import PeriodFigures, ServiceRow, period_figures
from broker.reports.period_sql import clear_cache
from broker.reports.sla import Stats
from shared.config import Settings, settings_from_mapping
from shared.store.db import make_engine, upgrade
from shared.store.models import OfficerRow, OnlineRequestRow, QueuePassRow, StaffSessionRow, TicketRow

D1, D2 = date(2026, 11, 2), date(2026, 11, 3)
OUTSIDE = date(2026, 10, 30)
NOW = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)  # 10:00 WIB
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def wib(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC) - timedelta(hours=7)


# (day, code, origin, issued hh:mm, status, [(service, entered, called, left, how, desk, clock_s, breached)])
TICKETS = [
    (D1, "A-001", "A", (8, 0), "done", [("A", (8, 0), (8, 5), (8, 15), "done", "1", 300, False)]),
    (D1, "A-002", "A", (8, 2), "done", [("A", (8, 2), (8, 20), (8, 30), "done", "1", 300, False)]),
    (D1, "A-003", "A", (8, 10), "done", [("A", (8, 10), (8, 45), (8, 50), "done", "1", 900, True)]),
    (D1, "B-001", "B", (9, 0), "noshow", [("B", (9, 0), (9, 2), (9, 5), "noshow", "2", 120, False)]),
    (D1, "A-004", "A", (9, 10), "done", [("A", (9, 10), (9, 12), (9, 20), "transfer", "1", 120, False),
                                         ("B", (9, 20), (9, 25), (9, 40), "done", "2", 300, False)]),
    (D1, "B-002", "B", (10, 0), "expired", [("B", (10, 0), None, (15, 30), "expired", None, None, True)]),
    (D1, "B-003", "B", (10, 1), "expired", [("B", (10, 1), None, (15, 30), "expired", None, None, False)]),
    (D2, "A-005", "A", (8, 30), "serving", [("A", (8, 30), (8, 40), None, None, "1", 600, False)]),
    (D2, "A-006", "A", (9, 0), "waiting", [("A", (9, 0), None, None, None, None, None, False)]),
    (OUTSIDE, "A-001", "A", (8, 0), "done", [("A", (8, 0), (8, 30), (8, 40), "done", "1", 1800, True)]),
]  # fmt: skip


def _online(number: str, day: date, due: date, **times: datetime | str | None) -> OnlineRequestRow:
    seq = int(number[-3:])
    return OnlineRequestRow(
        number=number, day=day, seq=seq, channel="email", contact="warga@example.id", subject="Data",
        complete_at=wib(day, 9, 0), due_date=due, status=times.pop("status", "open"),
        created_at=wib(day, 9, 0), **times,
    )  # fmt: skip


def _desk_session(
    token: str, officer: str, desk: str, started: datetime, ended: datetime | None
) -> StaffSessionRow:
    return StaffSessionRow(
        token_hash=token, officer_id=officer, desk=desk, started_at=started, ended_at=ended,
        last_seen_at=started, expires_at=started + timedelta(hours=12),
    )  # fmt: skip


def seed(session: Session) -> None:
    session.add_all(
        [OfficerRow(id="o1", name="Rina", pin_hash="x"), OfficerRow(id="o2", name="Budi", pin_hash="x")]
    )
    session.flush()
    for seq, (day, code, origin, issued, status, passes) in enumerate(TICKETS, start=1):
        ticket = TicketRow(code=code, service=passes[-1][0], origin_service=origin, business_day=day, seq=seq,
                           status=status, desk=passes[-1][5], issued_at=wib(day, *issued))  # fmt: skip
        session.add(ticket)
        session.flush()
        for service, entered, called, left, how, desk, clock, breached in passes:
            session.add(QueuePassRow(
                ticket_id=ticket.id, code=code, service=service, business_day=day,
                issued_at=wib(day, *issued), entered_at=wib(day, *entered),
                called_at=wib(day, *called) if called else None, left_at=wib(day, *left) if left else None,
                left_how=how, desk=desk, clock_started_at=wib(day, *entered), clock_s=clock,
                breached_at=wib(day, *entered) + timedelta(minutes=10) if breached else None,
            ))  # fmt: skip
    session.add_all(
        [
            _desk_session("d1-1", "o1", "1", wib(D1, 8, 0), wib(D1, 12, 0)),
            _desk_session("d1-2", "o2", "2", wib(D1, 9, 0), wib(D1, 12, 0)),
            _desk_session("d2-1", "o1", "1", wib(D2, 8, 0), None),
        ]
    )
    october = date(2026, 10, 20)
    session.add_all([
        _online("OL-20261102-001", D1, date(2026, 11, 4)),  # due in the period, not over: pending
        _online("OL-20261028-001", date(2026, 10, 28), D1, answered_at=wib(D1, 10, 0),
                last_officer_at=wib(D1, 10, 0), status="answered"),  # answered on its due day: met
        _online("OL-20261029-001", date(2026, 10, 29), D1),  # not answered, due yesterday: late, overdue
        _online("OL-20261103-001", D2, D2),  # due today, not answered: pending, due today
        # Closed by the 7-day rule on 2 November and at 00:30 WIB on 1 November: in the period;
        # at 23:30 WIB on 31 October: not.
        _online("OL-20261020-001", october, date(2026, 10, 23), answered_at=wib(october, 10, 0),
                status="closed", closed_at=wib(D1, 10, 0), close_reason="no_reply_7_days"),
        _online("OL-20261020-002", october, date(2026, 10, 23), answered_at=wib(october, 10, 0),
                status="closed", closed_at=datetime(2026, 10, 31, 17, 30, tzinfo=UTC),
                close_reason="no_reply_7_days"),
        _online("OL-20261020-003", october, date(2026, 10, 23), answered_at=wib(october, 10, 0),
                status="closed", closed_at=datetime(2026, 10, 31, 16, 30, tzinfo=UTC),
                close_reason="no_reply_7_days"),
    ])  # fmt: skip


@pytest.fixture
def office(db_url: str, tmp_path: Path) -> Iterator[tuple[Engine, Settings]]:
    """The month above in an SQLite file, and in a PostgreSQL database (``db_url``)."""
    url = db_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        seed(session)
    settings = settings_from_mapping(
        {"db": {"url": url},
         "services": [{"prefix": "A", "name": "Konsultasi"}, {"prefix": "B", "name": "Perpustakaan"}],
         "desks": [{"id": "1", "services": ["A", "B"]}, {"id": "2", "services": ["B"]}]},
        {"ANTRE_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    clear_cache()
    yield engine, settings
    clear_cache()
    engine.dispose()


def test_the_month_so_far(office: tuple[Engine, Settings]) -> None:
    engine, settings = office
    got = period_figures(engine, settings, *NOVEMBER, NOW)
    assert got.to_date == D2 and got.generated_at.hour == 10 and got.breach_s == 600
    assert got.visits == 9  # A-001..A-004, B-001..B-003 on D1; on D2
    assert got.services == [
        # passes: A 1,2,3,5a,8,9; B 4,5b,6,7. Visits by the kiosk's choice: A-004 counts for A.
        ServiceRow("A", "Konsultasi", visits=6, passes=6, served=3, noshow=0, transferred=1, expired=0,
                   at_desk=1, waiting=1),
        ServiceRow("B", "Perpustakaan", visits=3, passes=4, served=1, noshow=1, transferred=0, expired=2,
                   at_desk=0, waiting=0),
    ]  # fmt: skip
    c = got.compliance
    assert (c.passes, c.called, c.met, c.breached, c.not_called) == (10, 7, 6, 2, 2)
    assert c.share == 0.75
    # Raw waits: 300, 1080, 2100, 120, 120, 300 | 600. Clocks: 300, 300, 900, 120, 120, 300 | 600.
    assert got.raw_wait == Stats(7, 300.0, 2100.0, 2100.0)
    assert got.clock_at_call == Stats(7, 300.0, 900.0, 900.0)
    # Idle desk: 300, 480, 1200, 120, 120, 300, 7200, 7140 | 600 -> median 480, p90 (9th of 9) 7200.
    assert got.idle_desk == Stats(9, 480.0, 7200.0, 7200.0)
    assert [(d.day, d.visits, d.met, d.breached, d.not_called, d.median_wait_s, d.median_clock_s)
            for d in got.days] == [
        (date(2026, 11, 1), 0, 0, 0, 0, None, None),  # a Sunday: no visit, no median
        (D1, 7, 5, 2, 1, 300.0, 300.0),
        (D2, 2, 1, 0, 1, 600.0, 600.0),
    ]  # later days: not yet  # fmt: skip
    assert dict(got.hours) == {**{h: 0 for h in range(24)}, 8: 4, 9: 3, 10: 2}
    online = got.online
    assert online.received == 2  # recorded on 2 and 3 November
    s = online.standard  # due in November: met 1, late 1 (due 2 Nov, unanswered), pending 2
    assert (s.due, s.met, s.late, s.pending, s.share) == (4, 1, 1, 2, 0.5)
    assert (online.overdue_now, online.due_today, online.auto_closed) == (1, 1, 2)
    assert not got.empty and not got.single_day


def test_one_past_day(office: tuple[Engine, Settings]) -> None:
    engine, settings = office
    got = period_figures(engine, settings, D1, D1, NOW)
    assert got.single_day and got.to_date is None and got.visits == 7
    c = got.compliance
    assert (c.passes, c.called, c.met, c.breached, c.not_called) == (8, 6, 5, 2, 1)
    # 120, 120, 300, 300, 480, 1200, 7140, 7200: median (300 + 480) / 2, p90 the 8th.
    assert got.idle_desk == Stats(8, 390.0, 7200.0, 7200.0)
    assert dict(got.hours)[8] == 3 and dict(got.hours)[9] == 2 and dict(got.hours)[10] == 2
    assert (got.online.received, got.online.standard.due, got.online.auto_closed) == (1, 2, 1)


def test_the_same_figures_as_the_monthly_report(office: tuple[Engine, Settings]) -> None:
    """The rules are the report's: its 10-minute standard, waits and idle-desk figure agree."""
    engine, settings = office
    got = period_figures(engine, settings, *NOVEMBER, NOW)
    with Session(engine) as session:
        report = figures.build(data.read(session, settings, data.Period(*NOVEMBER)), settings, NOW)
    assert (report.compliance.met, report.compliance.breached, report.compliance.passes) == (6, 2, 10)
    assert got.compliance == report.compliance
    assert (got.raw_wait, got.clock_at_call, got.idle_desk) == (
        report.raw_wait, report.clock_at_call, report.idle_desk)  # fmt: skip
    assert (got.online.standard, got.visits) == (report.online, report.visits)


def test_a_past_day_changed_later_is_worked_out_again(office: tuple[Engine, Settings]) -> None:
    """Past days' waits and idle-desk figures are kept between calls, but not past a change."""
    engine, settings = office
    first = period_figures(engine, settings, *NOVEMBER, NOW)
    assert period_figures(engine, settings, *NOVEMBER, NOW) == first
    with Session(engine) as session, session.begin():  # B-003 expired at 11:00, not 15:30
        session.execute(update(QueuePassRow).where(QueuePassRow.code == "B-003")
                        .values(left_at=wib(D1, 11, 0)))  # fmt: skip
    # Its idle-desk wait: 10:01-11:00 = 3540 s instead of 7140; the max and p90 stay 7200.
    again = period_figures(engine, settings, *NOVEMBER, NOW)
    assert again.idle_desk == Stats(9, 480.0, 7200.0, 7200.0)
    assert sorted(_idle(engine, settings)) == [120, 120, 300, 300, 480, 600, 1200, 3540, 7200]
    with Session(engine) as session, session.begin():  # desk 1 signed in at 08:03 on D1, not 08:00
        session.execute(update(StaffSessionRow).where(StaffSessionRow.token_hash == "d1-1")
                        .values(started_at=wib(D1, 8, 3)))  # fmt: skip
    # A-001 waited idle 08:03-08:05 (120 s, not 300), A-002 08:03-05 + 08:15-20 (420, not 480).
    assert period_figures(engine, settings, *NOVEMBER, NOW).idle_desk == Stats(9, 420.0, 7200.0, 7200.0)


def _idle(engine: Engine, settings: Settings) -> list[float]:
    with Session(engine) as session:
        return data._idle_desk(session, settings, data.Period(*NOVEMBER), until=NOW)


def test_an_empty_period(office: tuple[Engine, Settings]) -> None:
    engine, settings = office
    got: PeriodFigures = period_figures(engine, settings, date(2026, 12, 1), date(2026, 12, 31), NOW)
    assert got.empty and got.visits == 0 and got.days == [] and got.compliance.share is None
    assert got.raw_wait == Stats(0, None, None, None) and got.idle_desk.count == 0
    assert (got.online.overdue_now, got.online.due_today) == (1, 1)  # as of now, whatever the period
    with pytest.raises(ValueError):
        period_figures(engine, settings, D2, D1, NOW)
