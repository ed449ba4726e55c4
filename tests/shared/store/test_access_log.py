"""The access log's hash chain on a real database (SQLite file and PostgreSQL): rows recorded through
the API, then edited or deleted behind its back the way someone with the file would."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from shared.store import access_log
from shared.store.access_log import AccessLogError, Problem
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.keys import SiteKey, create_key, key_text, load_or_create, read_key
from shared.store.models import AccessLogRow

KEY = SiteKey(b"k" * 32)
T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
NIK = "1808014101900001"


def _fill(url: str, key: SiteKey = KEY) -> list[int]:
    """Three lookups from two kiosks, a detail view, an export and an erasure."""
    upgrade(url)
    engine = make_engine(url)
    nik_ref = access_log.subject_for(key, "id_number", NIK)
    lines = [
        ("kiosk/k1", access_log.LOOKUP, nik_ref), ("kiosk/k2", access_log.LOOKUP, "email#0123abcd"),
        ("kiosk/k1", access_log.LOOKUP, nik_ref),
        ("officer/ani@desk/2", access_log.DETAIL_VIEW, "ticket A-007"),
        ("technician/pi", access_log.EXPORT, "report laporan-pst-2026-11"),
        ("technician/pi", access_log.ERASURE, nik_ref),
    ]  # fmt: skip
    try:
        ids = []
        for n, (actor, action, subject) in enumerate(lines):
            with write_transaction(engine) as session:
                ids.append(access_log.record(session, key, actor, action, subject, T0 + timedelta(minutes=n)))
        return ids
    finally:
        engine.dispose()


def _problems(url: str, key: SiteKey = KEY) -> list[Problem]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return access_log.verify(session, key)
    finally:
        engine.dispose()


def test_an_untouched_chain_is_intact_and_holds_no_identifier(db_url: str) -> None:
    assert _fill(db_url) == [1, 2, 3, 4, 5, 6]
    assert _problems(db_url) == []
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            rows = access_log.rows(session)
            assert [r.action for r in rows][:3] == ["lookup"] * 3
            assert rows[0].subject == rows[2].subject == rows[5].subject  # the same person, linkable
            assert all(NIK not in f"{r.actor} {r.subject}" for r in rows)
            assert "kiosk/k1 looked up a returning visitor id_number#" in access_log.in_words(rows[0], UTC)
            since = access_log.rows(session, T0 + timedelta(minutes=4))
            assert [r.id for r in since] == [5, 6]
    finally:
        engine.dispose()
    assert {p.what for p in _problems(db_url, SiteKey(b"x" * 32))} == {"tampered"}  # another key


def test_a_lookup_names_the_person_the_same_way_however_the_number_was_typed() -> None:
    typed = "1808-0141 0190.0001"
    assert access_log.lookup_subject(KEY, id_number=typed) == access_log.subject_for(KEY, "id_number", NIK)
    by_email = access_log.lookup_subject(KEY, email=" Siti@Example.ID ")
    assert by_email == access_log.subject_for(KEY, "email", "siti@example.id") and "siti" not in by_email
    assert by_email != access_log.lookup_subject(SiteKey(b"z" * 32), email="siti@example.id")


def test_an_edited_line_is_named_and_a_deleted_one_breaks_the_next(db_url: str) -> None:
    _fill(db_url)
    engine = make_engine(db_url)
    try:
        with write_transaction(engine) as session:  # the actor of line 3 changed behind the log's back
            session.execute(update(AccessLogRow).where(AccessLogRow.id == 3).values(actor="kiosk/k2"))
        assert _problems(db_url) == [Problem(3, "tampered")]
        with write_transaction(engine) as session:
            session.execute(update(AccessLogRow).where(AccessLogRow.id == 3).values(actor="kiosk/k1"))
        assert _problems(db_url) == []
        with write_transaction(engine) as session:  # line 5 (the export) removed
            session.execute(delete(AccessLogRow).where(AccessLogRow.id == 5))
        assert _problems(db_url) == [Problem(6, "missing before")]
    finally:
        engine.dispose()


def test_a_row_edited_with_sqlite3_directly_is_caught(tmp_path: Path) -> None:
    db = tmp_path / "antre.db"
    _fill(f"sqlite:///{db}")
    with sqlite3.connect(db) as connection:  # as someone with the file and the sqlite3 shell would
        connection.execute("UPDATE access_log SET subject = 'ticket A-008' WHERE id = 4")
    connection.close()
    assert _problems(f"sqlite:///{db}") == [Problem(4, "tampered")]


def test_the_log_refuses_an_email_or_an_unknown_action(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    try:
        with write_transaction(engine) as session:
            with pytest.raises(AccessLogError):
                access_log.record(session, KEY, "kiosk/k1", access_log.LOOKUP, "siti@example.id", T0)
            with pytest.raises(AccessLogError):
                access_log.record(session, KEY, "kiosk/k1", "peek", "ticket A-001", T0)
    finally:
        engine.dispose()


def test_the_key_file_is_private_made_once_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "antre.key"
    key, made = load_or_create(path)
    assert made and (path.stat().st_mode & 0o777) == 0o600
    again, made_again = load_or_create(path)
    assert not made_again and again == key and read_key(path).key_id == key.key_id
    assert key_text(key).startswith("antre-key-v1 ") and key.secret.hex() not in repr(key)
    with pytest.raises(FileExistsError):
        create_key(path)  # never over an existing key: the backups it opens would be lost
