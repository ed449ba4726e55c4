"""Staff sessions in the database: only the token's hash stored, idle and absolute expiry per kind,
revocation with a reason that a later lookup reports, who is signed in where; and migration 0010
over a database at 0009 with officers and sessions in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from shared.store import staff_sessions as ss
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.models import OfficerRow, StaffSessionRow

T0 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with write_transaction(engine) as session:
        for oid, role in (("budi", "officer"), ("ani", "supervisor")):
            session.add(OfficerRow(id=oid, name=oid.title(), pin_hash="x", role=role, created_at=T0))
    yield engine
    engine.dispose()


def test_only_the_hash_of_the_token_is_stored(engine: Engine) -> None:
    with write_transaction(engine) as session:
        token, row = ss.create(session, "budi", ss.DESK, T0, desk="1", client="10.0.0.21")
    assert len(token) >= 40 and row.token_hash == ss.token_hash(token) and token not in row.token_hash
    with write_transaction(engine) as session:
        found = ss.lookup(session, token, T0 + timedelta(minutes=5))
        assert found.ok and found.row is not None and found.row.desk == "1"
        assert found.row.last_seen_at == T0 + timedelta(minutes=5)  # touched
        assert ss.lookup(session, "forged", T0).code == ss.UNKNOWN


@pytest.mark.parametrize(
    ("kind", "desk", "idle", "absolute"),
    [(ss.DESK, "1", timedelta(hours=8), timedelta(hours=12)),
     (ss.CONSOLE, None, timedelta(minutes=30), timedelta(hours=12))],
)  # fmt: skip
def test_idle_and_absolute_expiry_per_kind(
    engine: Engine, kind: str, desk: str | None, idle: timedelta, absolute: timedelta
) -> None:
    with write_transaction(engine) as session:
        idle_token, _ = ss.create(session, "budi", kind, T0, desk=desk)
        busy_token, _ = ss.create(session, "ani", kind, T0, desk="2" if desk else None)
    with write_transaction(engine) as session:
        assert ss.lookup(session, idle_token, T0 + idle - timedelta(seconds=1), touch=False).ok
        found = ss.lookup(session, idle_token, T0 + idle)
        assert (found.code, found.reason) == (ss.SESSION_EXPIRED, ss.EXPIRED_IDLE)
    # Used every few minutes it still ends at the absolute end.
    at = T0
    while at + idle / 2 < T0 + absolute:
        at += idle / 2
        with write_transaction(engine) as session:
            assert ss.lookup(session, busy_token, at).ok
    with write_transaction(engine) as session:
        found = ss.lookup(session, busy_token, T0 + absolute)
        assert (found.code, found.reason) == (ss.SESSION_EXPIRED, ss.EXPIRED)
    with write_transaction(engine) as session:  # and it stays so, with its first reason
        assert ss.lookup(session, idle_token, T0 + absolute).reason == ss.EXPIRED_IDLE


def test_revocation_says_why_and_sign_out_is_plain(engine: Engine) -> None:
    with write_transaction(engine) as session:
        desk_token, _ = ss.create(session, "budi", ss.DESK, T0, desk="1")
        console_token, _ = ss.create(session, "budi", ss.CONSOLE, T0)
        other, _ = ss.create(session, "ani", ss.CONSOLE, T0)
    with write_transaction(engine) as session:
        ended = ss.revoke_officer(session, "budi", T0, ss.SIGNED_IN_ELSEWHERE, kind=ss.DESK)
        assert [row.kind for row in ended] == [ss.DESK]
        assert ss.revoke_token(session, other, T0, ss.SIGNED_OUT) is not None
        assert ss.revoke_token(session, other, T0, ss.SIGNED_OUT) is None  # already ended
    with write_transaction(engine) as session:
        found = ss.lookup(session, desk_token, T0)
        assert (found.code, found.reason) == (ss.SESSION_REVOKED, ss.SIGNED_IN_ELSEWHERE)
        assert ss.lookup(session, console_token, T0).ok
        assert (ss.lookup(session, other, T0).code, ss.lookup(session, other, T0).reason) == (
            ss.UNKNOWN, ss.SIGNED_OUT,
        )  # fmt: skip
        assert ss.lookup(session, console_token, T0, kind=ss.DESK).code == ss.UNKNOWN  # not a desk token
    with pytest.raises(ValueError):
        ss.end(StaffSessionRow(), T0, "because")


def test_who_is_signed_in_where(engine: Engine) -> None:
    with write_transaction(engine) as session:
        ss.create(session, "ani", ss.CONSOLE, T0, client="192.168.1.50")
        ss.create(session, "budi", ss.DESK, T0, desk="1", client="10.0.0.21")
        gone, _ = ss.create(session, "ani", ss.DESK, T0, desk="2")
        ss.revoke_token(session, gone, T0, ss.SIGNED_OUT)
    with write_transaction(engine) as session:
        now = T0 + timedelta(minutes=10)
        found = ss.signed_in(session, now)
        assert [(s.officer_id, s.kind, s.desk, s.client) for s in found] == [
            ("budi", ss.DESK, "1", "10.0.0.21"), ("ani", ss.CONSOLE, None, "192.168.1.50"),
        ]  # fmt: skip
        assert found[1].expires_at == T0 + ss.CONSOLE_IDLE and found[1].role == "supervisor"
        assert ss.at_desk(session, "1", now) is not None and ss.at_desk(session, "2", now) is None
        later = T0 + ss.CONSOLE_IDLE
        assert [s.officer_id for s in ss.signed_in(session, later)] == ["budi"]
        assert len(ss.expire_due(session, later)) == 1


def test_migration_0010_keeps_officers_and_sessions(db_url: str) -> None:
    url = db_url
    upgrade(url, "0009")
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO officers (id, name, pin_hash, active) VALUES ('budi', 'Budi', 'h', :a)"),
            {"a": True},
        )
        day_before = now - timedelta(days=2)
        for token, started, ended in (("open", now - timedelta(hours=1), None),
                                      ("stale", now - timedelta(days=3), None),
                                      ("done", day_before, day_before + timedelta(hours=1))):  # fmt: skip
            connection.execute(
                text("INSERT INTO staff_sessions (token_hash, officer_id, desk, started_at, ended_at) "
                     "VALUES (:t, 'budi', '1', :s, :e)"),
                {"t": ss.token_hash(token), "s": started, "e": ended},
            )  # fmt: skip
    upgrade(url)
    with Session(engine) as session:
        officer = session.get(OfficerRow, "budi")
        assert officer is not None and (officer.role, officer.source, officer.active) == (
            "officer",
            "config",
            True,
        )
        assert officer.created_at is not None and officer.secret_changed_at is None
        rows = {row.token_hash: row for row in session.query(StaffSessionRow)}
        still = rows[ss.token_hash("open")]
        assert (still.kind, still.client, still.ended_at) == ("desk", "", None)
        assert still.expires_at == still.started_at + ss.DESK_ABSOLUTE
        assert rows[ss.token_hash("stale")].end_reason == ss.EXPIRED  # it never ended by itself before
        assert rows[ss.token_hash("done")].end_reason == ss.SIGNED_OUT
        assert ss.lookup(session, "open", datetime.now(UTC), touch=False).ok
    engine.dispose()


def test_a_recently_used_session_is_read_without_a_write_and_anything_else_is_not(engine: Engine) -> None:
    with write_transaction(engine) as session:
        token, _ = ss.create(session, "ani", ss.CONSOLE, T0)
        revoked, _ = ss.create(session, "budi", ss.CONSOLE, T0)
        desk_token, _ = ss.create(session, "budi", ss.DESK, T0, desk="1")
    with Session(engine) as session:
        row = ss.recently_used(session, token, T0 + timedelta(seconds=59), kind=ss.CONSOLE)
        assert row is not None and row.officer_id == "ani" and row.last_seen_at == T0
        assert not session.dirty and not session.new  # nothing written
        # Due a touch, another kind, unknown: the caller goes to ``lookup``.
        assert ss.recently_used(session, token, T0 + ss.TOUCH_EVERY, kind=ss.CONSOLE) is None
        assert ss.recently_used(session, desk_token, T0, kind=ss.CONSOLE) is None
        assert ss.recently_used(session, "forged", T0, kind=ss.CONSOLE) is None
    with write_transaction(engine) as session:
        ss.revoke_token(session, revoked, T0, ss.REVOKED_DISABLED)
    with Session(engine) as session:  # a revoked session is never read as current, not even at once
        assert ss.recently_used(session, revoked, T0, kind=ss.CONSOLE) is None
