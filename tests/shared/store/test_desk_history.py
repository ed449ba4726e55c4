"""``desk_history`` read back on a real database (SQLite file and PostgreSQL): each desk's last
change before the time asked about, and the changes after it, in the order they were made (the
one writer's ids), not by their timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from shared.domain.idle_desks import DeskChange
from shared.store import desk_history
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.models import DeskHistoryRow

DAY = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute, seconds=second)


def test_the_last_change_made_before_and_the_changes_after_in_the_order_made(db_url: str) -> None:
    """Written in four transactions, as the hub writes them (one writer). Desk 1: open 01:00,
    closed 02:00 and open again the same second (signed out, the next officer signed in), then
    closed 04:00. Desk 2: open 01:30, then closed with an earlier time, 01:29 (the wall clock
    stepped back): the order made wins, desk 2 is closed. Desk 3: closed 00:10 and nothing since.
    Desk 4: open 03:30 only. Asked from 03:00: desk 1's last change before is its reopening at
    02:00 (not the closing sharing its second), desk 2's the closing at 01:29, desk 3's its
    closing; then desk 4 at 03:30 and desk 1 at 04:00. Up to 04:00 (excluded): not desk 1's
    closing."""
    upgrade(db_url)
    engine = make_engine(db_url)
    made = [
        [("3", False, at(0, 10)), ("1", True, at(1, 0))],
        [("2", True, at(1, 30)), ("2", False, at(1, 29))],
        [("1", False, at(2, 0)), ("1", True, at(2, 0))],
        [("4", True, at(3, 30)), ("1", False, at(4, 0))],
    ]
    try:
        for rows in made:
            with write_transaction(engine) as session:
                session.execute(insert(DeskHistoryRow), [desk_history.row(*r) for r in rows])
        with write_transaction(engine) as session:
            read = desk_history.changes(session, at(3, 0))
            until = desk_history.changes(session, at(3, 0), at(4, 0))
    finally:
        engine.dispose()
    assert read == [
        DeskChange("3", False, at(0, 10)),
        DeskChange("2", False, at(1, 29)),
        DeskChange("1", True, at(2, 0)),
        DeskChange("4", True, at(3, 30)),
        DeskChange("1", False, at(4, 0)),
    ]
    assert until == read[:-1]
