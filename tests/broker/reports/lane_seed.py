"""One known day of the priority lane and the desk actions, played through the real queue rules over
the SQL repository (tickets, events and queue passes as the hub writes them), in-process.

Monday 2 November 2026, WIB. Desk 1 ("Meja 1") serves A and B, desk 2 ("Meja 2") serves A.
  08:00 A-001 ordinary      08:01 A-002 priority lansia   08:02 A-003 priority anak
  08:03 A-004 ordinary      08:04 B-001 ordinary
  08:10 desk 1 next -> A-002 (priority, wait 9:00)
  08:12 desk 2 next -> A-003 (priority, wait 10:00)
  08:20 desk 1 call_ticket A-004 "appointment" (A-002 done; wait 17:00)
  08:25 desk 1 hold (A-004 parked)
  08:26 desk 1 call_ticket B-001 "same_group" (wait 22:00)
  08:30 desk 2 return (A-003 back to the queue: a new pass, entered 08:30)
  08:31 desk 2 next -> A-003 again (priority head; wait 1:00)        08:40 desk 2 finish
  08:41 desk 1 finish B-001    08:42 desk 1 resume A-004    08:45 desk 1 finish A-004
  08:50 desk 2 next -> A-001 (ordinary, wait 50:00)                  08:55 desk 2 finish
  08:56 A-005 priority disabilitas; 09:00 desk 1 next -> A-005 (wait 4:00); 09:05 desk 1 hold,
        never called back: it expires with the day
  09:10 A-006 priority, no category: never called, expires
The next morning the day's open tickets expire.

The standard's clock is the hub timing service's (not run here): it is stored as the raw wait, a
breach when over 10 minutes, as that service stores it for a queue with nobody ahead.
Priority passes: A-002 540, A-003 600 and 60, A-005 240 (met 4 of 4), A-006 never called.
Ordinary passes: A-004 1020, B-001 1320, A-001 3000 (breached 3 of 3).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from shared.domain.priority import PriorityPolicy
from shared.domain.queue import Action, Desk, QueueRules, Service
from shared.store.db import write_transaction
from shared.store.models import QueuePassRow
from shared.store.repository import SqlQueueRepository

DAY = date(2026, 11, 2)
WIB = ZoneInfo("Asia/Jakarta")
SERVICES = (Service("A", "Konsultasi Statistik"), Service("B", "Perpustakaan"))
DESKS = (Desk("1", "Meja 1", ("A", "B")), Desk("2", "Meja 2", ("A",)))
SETTINGS = {
    "office_name": "BPS Kabupaten Tulang Bawang",
    "services": [{"prefix": "A", "name": "Konsultasi Statistik"}, {"prefix": "B", "name": "Perpustakaan"}],
    "desks": [{"id": "1", "name": "Meja 1", "services": ["A", "B"]},
              {"id": "2", "name": "Meja 2", "services": ["A"]}],
}  # fmt: skip


def wib(hh: int, mm: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=WIB).astimezone(UTC)


def seed_lanes(engine: Engine) -> None:
    """Play the day above into ``engine``'s (upgraded) database."""
    now = [wib(8, 0)]
    with write_transaction(engine) as session:
        repo = SqlQueueRepository(session)
        rules = QueueRules(repo, SERVICES, DESKS, WIB, lambda: now[0], PriorityPolicy())

        def at(hh: int, mm: int) -> QueueRules:
            now[0] = wib(hh, mm)
            return rules

        at(8, 0).command("1", Action.OPEN)
        rules.command("2", Action.OPEN)
        rules.issue("A")
        at(8, 1).issue("A", True, "lansia")
        at(8, 2).issue("A", True, "anak")
        at(8, 3).issue("A")
        at(8, 4).issue("B")
        steps = [
            ((8, 10), "1", Action.NEXT, {}, "A-002"),
            ((8, 12), "2", Action.NEXT, {}, "A-003"),
            ((8, 20), "1", Action.CALL, {"ticket": "A-004", "reason": "appointment"}, "A-004"),
            ((8, 25), "1", Action.HOLD, {}, "A-004"),
            ((8, 26), "1", Action.CALL, {"ticket": "B-001", "reason": "same_group"}, "B-001"),
            ((8, 30), "2", Action.RETURN, {}, "A-003"),
            ((8, 31), "2", Action.NEXT, {}, "A-003"),
            ((8, 40), "2", Action.FINISH, {}, "A-003"),
            ((8, 41), "1", Action.FINISH, {}, "B-001"),
            ((8, 42), "1", Action.RESUME, {}, "A-004"),
            ((8, 45), "1", Action.FINISH, {}, "A-004"),
            ((8, 50), "2", Action.NEXT, {}, "A-001"),
            ((8, 55), "2", Action.FINISH, {}, "A-001"),
        ]
        for (hh, mm), desk, action, extra, code in steps:
            answer = at(hh, mm).command(desk, action, **extra).answer
            assert answer["ticket"] == code, (hh, mm, answer)
        at(8, 56).issue("A", True, "disabilitas")
        assert at(9, 0).command("1", Action.NEXT).answer["ticket"] == "A-005"
        at(9, 5).command("1", Action.HOLD)
        at(9, 10).issue("A", True, None)
    with write_transaction(engine) as session:
        now[0] = wib(7, 0, DAY + timedelta(days=1))
        QueueRules(SqlQueueRepository(session), SERVICES, DESKS, WIB, lambda: now[0]).expire_stale()
        # The standard's clock, as the timing service stores it for a queue with nobody ahead.
        for row in session.scalars(select(QueuePassRow).where(QueuePassRow.called_at.is_not(None))):
            row.clock_s = (row.called_at - row.entered_at).total_seconds()
            if row.clock_s > 600:
                row.breached_at = row.entered_at + timedelta(minutes=10)
