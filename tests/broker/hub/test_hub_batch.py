"""The hub's cheap command path: a handful of SQL statements per command, group commit
(``Hub.apply_batch``: several commands, one transaction, a SAVEPOINT each), and the queue book
that always equals the database, after a failure too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.queue import Desk, Service
from shared.store.book_sql import load_book
from shared.store.db import make_engine, upgrade
from shared.store.models import ProcessedRequestRow, TicketRow
from shared.store.queue_book import QueueBook
from tests.broker.hub.test_hub_commands import GUEST

DESKS = tuple(Desk(d, f"Meja {d}", ("A", "B")) for d in ("1", "2", "3"))


def make_hub(url: str, tmp_path: Path) -> Hub:
    upgrade(url)
    services = (Service("A", "Konsultasi"), Service("B", "Perpustakaan"))
    return Hub(Settings(db_url=url, data_dir=tmp_path, desks=DESKS, services=services), make_engine(url))


@pytest.fixture
def hub(db_url: str, tmp_path: Path) -> Iterator[Hub]:
    """On an SQLite file and on PostgreSQL (when a server answers)."""
    made = make_hub(db_url, tmp_path)
    yield made
    made.engine.dispose()


@pytest.fixture
def sqlite_hub(tmp_path: Path) -> Hub:
    """For the tests that make the database fail with an SQLite trigger."""
    return make_hub(f"sqlite:///{tmp_path / 'antre.db'}", tmp_path)


def issue(request_id: str, service: str = "A", **extra: object) -> tuple[str, str, bytes]:
    return ("kiosk", "k1", contract.encode({"request_id": request_id, "service": service, **extra}))


def press(desk: str, request_id: str, action: str = "next", **extra: object) -> tuple[str, str, bytes]:
    return ("counter", desk, contract.encode({"action": action, "request_id": request_id, **extra}))


def answer_of(publications) -> dict:
    [found] = [json.loads(p.payload) for p in publications if p.topic.endswith("/response")]
    return found


def calls_in(results) -> list[tuple[str, str]]:
    return [
        (data["desk"], data["ticket"])
        for publications in results
        for p in publications
        if p.topic.endswith("/event/call") and (data := json.loads(p.payload))
    ]


def book_view(book: QueueBook) -> tuple:
    """What the book holds, comparable with a freshly loaded one."""
    desks = {d: (b.state, b.officer_id) for d, b in book.desks.items() if b.stored}
    passes = {i: astuple_slots(p) for i, p in book.passes.items()}
    waiting = {s: list(book.waiting_keys(s)) for s in ("A", "B")}
    opened = {t: book.open_pass(t).id for t in book.tickets if book.open_pass(t)}  # type: ignore[union-attr]
    tickets = dict(book.tickets)
    return (book.day, tickets, desks, dict(book.sequences), passes, waiting, opened,
            book.next_ticket_id, book.next_pass_id, book.desk_changes)  # fmt: skip


def astuple_slots(item: object) -> tuple:
    return tuple(getattr(item, name) for name in item.__slots__)  # type: ignore[attr-defined]


def assert_book_is_database(hub: Hub) -> None:
    assert hub.runner.book is not None
    with Session(hub.engine) as session:
        fresh = load_book(session, hub.runner.book.day)
    assert book_view(hub.runner.book) == book_view(fresh)


def test_a_next_and_a_ticket_issue_take_at_most_six_statements(hub: Hub) -> None:
    statements: list[str] = []
    event.listen(hub.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    # The day's roll and the book's first load are start-up work; so is desk 1's opening (its first
    # next of the day, which asks who may open it: broker/hub/desk_guard.py).
    hub.apply_batch([issue("warm-up"), issue("warm-up-2"), press("1", "c-open")])
    costs = {}
    for n, (kind, sender, raw) in enumerate(
        [issue("k-1"), issue("k-2"), press("1", "c-1"), press("1", "c-2")]
    ):
        statements.clear()
        out = hub.kiosk_request(sender, raw) if kind == "kiosk" else hub.counter_command(sender, raw)
        assert answer_of(out)["ok"] is True
        costs[n] = len(statements)
    lock = hub.engine.dialect.name == "postgresql"  # the one-writer advisory lock is a statement there
    assert max(costs.values()) <= 6 + lock, costs
    assert calls_in([out]) == [("1", "A-003")], "the second next finished A-002 and called A-003"


def test_one_failing_command_in_a_batch_does_not_undo_the_others(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    with hub.engine.begin() as connection:  # storing a guestbook entry fails, as on a full disk
        connection.exec_driver_sql(
            "CREATE TRIGGER no_room BEFORE INSERT ON guests BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    batch = [issue("k-1"), issue("k-2", guest=GUEST), press("1", "c-1"), issue("k-3")]
    results = hub.apply_batch(batch)
    answers = [answer_of(r) for r in results]
    assert answers[0]["ticket"] == "A-001" and answers[3]["ticket"] == "A-002"
    assert answers[1]["error"]["code"] == "storage_error"
    assert answers[2]["ticket"] == "A-001"
    with Session(hub.engine) as session:
        codes = session.scalars(select(TicketRow.code).order_by(TicketRow.id)).all()
        stored = session.scalars(select(ProcessedRequestRow.request_id)).all()
    assert codes == ["A-001", "A-002"], "the failed one's ticket rolled back alone (its number too)"
    assert sorted(stored) == ["c-1", "k-1", "k-3"], "a storage error is not stored: a retry runs it"
    assert_book_is_database(hub)
    with hub.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER no_room")
    retry = answer_of(hub.kiosk_request("k1", batch[1][2]))
    assert retry["ticket"] == "A-003"
    assert_book_is_database(hub)


def test_repeats_in_a_batch_are_answered_from_the_record(hub: Hub) -> None:
    first = hub.apply_batch([issue("k-1"), press("1", "c-1"), issue("k-1"), press("1", "c-1")])
    answers = [answer_of(r) for r in first]
    assert answers[0] == answers[2] and answers[0]["ticket"] == "A-001"
    assert answers[1] == answers[3] and answers[1]["ticket"] == "A-001"
    again = hub.apply_batch([issue("k-2"), issue("k-1"), press("1", "c-1")])
    assert [answer_of(r) for r in again][1:] == [answers[0], answers[1]]
    assert calls_in(first + again) == [("1", "A-001")], "a repeat calls nobody again"
    with Session(hub.engine) as session:
        assert session.scalar(select(func.count()).select_from(TicketRow)) == 2
    assert_book_is_database(hub)


def test_a_refusal_in_a_batch_is_stored_and_repeated(hub: Hub) -> None:
    results = hub.apply_batch([press("2", "c-9", "recall"), issue("k-1"), press("2", "c-9", "recall")])
    refusal = answer_of(results[0])
    assert refusal["error"]["code"] == "desk_closed" and answer_of(results[2]) == refusal
    assert answer_of(results[1])["ticket"] == "A-001"
    assert_book_is_database(hub)


def test_batches_keep_fifo_across_services_and_transfers(hub: Hub) -> None:
    hub.apply_batch([issue("k-1"), issue("k-2", "B"), issue("k-3"), issue("k-4", "B")])
    results = hub.apply_batch([press("1", "c-1"), press("2", "c-2"), press("3", "c-3")])
    assert calls_in(results) == [("1", "A-001"), ("2", "B-001"), ("3", "A-002")]
    # A-001 goes back to waiting in B, where it stands by its issue time: first.
    moved = hub.apply_batch([press("1", "c-4", "transfer", to_service="B"), press("1", "c-5")])
    assert answer_of(moved[0])["to_service"] == "B"
    assert calls_in(moved) == [("1", "A-001")]
    assert_book_is_database(hub)


def test_the_book_equals_the_database_after_a_failed_transaction(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    hub.apply_batch([issue("k-1"), issue("k-2"), press("1", "c-1")])
    with hub.engine.begin() as connection:  # every ticket step fails to be recorded
        connection.exec_driver_sql(
            "CREATE TRIGGER broken BEFORE INSERT ON ticket_events BEGIN SELECT RAISE(ABORT, 'disk I/O'); END"
        )
    failed = answer_of(hub.counter_command("1", press("1", "c-2")[2]))
    assert failed["error"]["code"] == "storage_error"
    with Session(hub.engine) as session:  # fill the book from the database again, as the hub does
        hub.runner.book_in(session)
    assert_book_is_database(hub)
    assert hub.runner.book is not None and hub.runner.book.desks["1"].state.ticket_id is not None
    with hub.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER broken")
    retry = hub.counter_command("1", press("1", "c-2")[2])
    assert answer_of(retry)["finished"] == "A-001" and calls_in([retry]) == [("1", "A-002")]
    assert_book_is_database(hub)
