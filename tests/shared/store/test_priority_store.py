"""The priority lane and parked visitors in the store (issue 18): what the hub's queue book writes is
what it (or the SQL repository) reads back after a restart: flags, queue times, runs, parked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from shared.domain.priority import PriorityPolicy
from shared.domain.queue import Action, Desk, QueueRules, Service, TicketStatus
from shared.store.book_repository import BookRepository
from shared.store.book_sql import load_book
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.repository import SqlQueueRepository

WIB = ZoneInfo("Asia/Jakarta")
SERVICES = (Service("A", "Konsultasi Statistik"),)
DESKS = (Desk("1", "Meja 1", ("A",)), Desk("2", "Meja 2", ("A",)))


def test_the_book_and_the_sql_repository_agree_after_a_reload(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    engine = make_engine(url)
    now = [datetime(2026, 11, 24, 2, 0, tzinfo=UTC)]

    def clock() -> datetime:
        now[0] += timedelta(seconds=30)
        return now[0]

    day = now[0].astimezone(WIB).date()
    policy = PriorityPolicy(run=2)
    with write_transaction(engine) as session:
        repo = BookRepository(load_book(session, day), session)
        rules = QueueRules(repo, SERVICES, DESKS, WIB, clock, policy)
        rules.issue("A")
        rules.issue("A")
        for _ in range(3):
            rules.issue("A", True, "anak")  # A-003 .. A-005
        called = [rules.command("1", Action.NEXT).answer["ticket"] for _ in range(2)]
        assert called == ["A-003", "A-004"]  # a run of 2 in A
        rules.command("1", Action.HOLD)  # A-004 parked at desk 1
        repo.flush()

    with write_transaction(engine) as session:
        book = load_book(session, day)
        assert book.runs == {"A": 2}
        sql = SqlQueueRepository(session)
        for reader in (BookRepository(book, session), sql):
            priority_head, ordinary_head = reader.waiting_heads("A", day)
            assert priority_head is not None and ordinary_head is not None
            assert (priority_head.code, priority_head.priority_category) == ("A-005", "anak")
            assert priority_head.queue_at == priority_head.issued_at - timedelta(seconds=1800)
            assert ordinary_head.code == "A-001"
            assert reader.priority_run("A") == 2
            assert [t.code for t in reader.parked_at("1")] == ["A-004"]
            found = reader.find_ticket("A-004", day)
            assert found is not None and found.status is TicketStatus.PARKED
        # After the reload the bound still holds: the ordinary head's turn.
        repo = BookRepository(book, session)
        rules = QueueRules(repo, SERVICES, DESKS, WIB, clock, policy)
        assert rules.command("2", Action.NEXT).answer["ticket"] == "A-001"
        assert rules.command("2", Action.NEXT).answer["ticket"] == "A-005"
        rules.command("1", Action.RESUME)
        rules.command("1", Action.FINISH)
        repo.flush()
    # Over the SQL repository (the pass log) as well: A-005 parked, resumed, finished.
    with write_transaction(engine) as session:
        rules = QueueRules(SqlQueueRepository(session), SERVICES, DESKS, WIB, clock, policy)
        rules.command("2", Action.HOLD)
        rules.command("2", Action.RESUME)
        rules.command("2", Action.FINISH)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT code, left_how, priority FROM queue_passes WHERE code IN ('A-004', 'A-005') "
                "ORDER BY id"
            )
        ).all()
    # A resumed visit's pass ends as the visit did: the reports count it served.
    assert [tuple(r) for r in rows] == [("A-004", "done", 1), ("A-005", "done", 1)]
    engine.dispose()


def test_calls_at_the_same_instant_keep_their_order_in_the_book_the_pass_log_and_after_a_reload(
    tmp_path: Path,
) -> None:
    """Two desks' calls within one clock reading: ``call_seq`` keeps the order they were made in,
    so the run a restarted hub reads is the run the live one had, whichever repository wrote."""
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    engine = make_engine(url)
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    day = now.astimezone(WIB).date()
    policy = PriorityPolicy(run=1)
    for make_repo in (lambda s: BookRepository(load_book(s, day), s), SqlQueueRepository):
        with write_transaction(engine) as session:
            repo = make_repo(session)
            rules = QueueRules(repo, SERVICES, DESKS, WIB, lambda: now, policy)
            codes = [rules.issue("A", kind, None)[0].code for kind in (False, True)]  # ordinary first
            assert [rules.command(d, Action.NEXT).answer["ticket"] for d in ("1", "2")] == codes[::-1]
            for desk in ("1", "2"):
                rules.command(desk, Action.FINISH)
            if isinstance(repo, BookRepository):
                assert repo.book.runs == {"A": 0}
                repo.flush()
        with write_transaction(engine) as session:
            # A priority call, then an ordinary one at the same instant: an ordinary call was last.
            assert load_book(session, day).runs == {"A": 0}
            assert SqlQueueRepository(session).priority_run("A") == 0
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code, call_seq FROM queue_passes ORDER BY call_seq")).all()
    assert [tuple(r) for r in rows] == [("A-002", 1), ("A-001", 2), ("A-004", 3), ("A-003", 4)]
    engine.dispose()


def test_the_migration_numbers_the_calls_already_stored_in_the_order_of_their_events(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url, "0012")
    engine = make_engine(url)
    at = "2026-11-24 02:00:00.000000"
    with engine.begin() as connection:
        for ticket, code in ((1, "A-001"), (2, "A-002"), (3, "A-003")):
            connection.execute(
                text(
                    "INSERT INTO tickets (id, code, service, origin_service, business_day, seq, status,"
                    " issued_at, recall_count, priority) VALUES (:id, :code, 'A', 'A', '2026-11-24', :id,"
                    " 'done', :at, 0, 0)"
                ),
                {"id": ticket, "code": code, "at": at},
            )
            connection.execute(
                text(
                    "INSERT INTO queue_passes (id, ticket_id, code, service, business_day, issued_at,"
                    " entered_at, called_at, priority) VALUES (:id, :id, :code, 'A', '2026-11-24', :at,"
                    " :at, :called, 0)"
                ),
                {"id": ticket, "code": code, "at": at, "called": at if ticket < 3 else None},
            )
        for event, ticket in ((10, 2), (11, 1)):  # A-002 called first, at the same instant
            connection.execute(
                text("INSERT INTO ticket_events (id, ticket_id, action, at) VALUES (:id, :t, 'call', :at)"),
                {"id": event, "t": ticket, "at": at},
            )
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT code, call_seq FROM queue_passes ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("A-001", 11), ("A-002", 10), ("A-003", None)]
    engine.dispose()
