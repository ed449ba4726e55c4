"""Personal data at rest (issue 15, M6): ``antre forget`` reaches the database file, its WAL, the
hub's stored lookup answers and a fresh backup (raw and decrypted); backups are encrypted and
refused when altered or opened with another key; a restore of an older backup erases again the
visitors forgotten since; the access log records erasures, exports and detail views and its
``--verify`` names an edited or a deleted line. The commands run as ``python -m deploy.cli.main``
subprocesses on SQLite files, as the technician would run them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deploy.ops.backup import BackupError, restore, take_backup
from deploy.ops.backup_crypto import CHUNK
from deploy.ops.retention import purge
from shared.contract.kiosk_requests import LookupRequest
from shared.domain import guestbook
from shared.store.db import make_engine, write_transaction
from shared.store.erasure import RETRY_WINDOW, prune_answers
from shared.store.guest_store import GuestStore
from shared.store.keys import SiteKey, read_key
from shared.store.models import GuestRow, ProcessedRequestRow
from shared.store.repository import SqlQueueRepository
from tests.deploy.erasure_checks import (
    COMPLAINT_ON_RATING,
    COMPLAINT_ON_TICKET,
    day_counts,
    links_left,
    rated_with_complaints,
    visit,
)
from tests.deploy.test_retention import NEW_PEOPLE, NOW, OLD_PEOPLE, file_bytes, seed

pytestmark = pytest.mark.e2e  # the antre command in a subprocess
ROOT = Path(__file__).resolve().parents[2]
TARGET = NEW_PEOPLE[2]  # the visitor who asks to be forgotten
OTHER = NEW_PEOPLE[0]  # a visitor who stays


def traces(person: dict[str, str]) -> list[str]:
    """Everything of ``person`` that may sit in the files: the values and their masked copies in a
    stored lookup answer (institution in full, initials, last digits of NIK and phone)."""
    masked = [guestbook.mask_text(person["name"]), guestbook.mask_id(person["id_number"]),
              guestbook.mask_id(person["phone"])]  # fmt: skip
    return [person[k] for k in ("name", "id_number", "email", "phone", "institution")] + masked


def found_in(raw: bytes, person: dict[str, str]) -> list[str]:
    return [t for t in traces(person) if t.encode() in raw]


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A seeded database with lookup answers stored the way the hub stores them, and ``antre``."""
    db = tmp_path / "antre.db"
    url = f"sqlite:///{db}"
    seed(url)
    engine = make_engine(url)
    try:
        for n, person in enumerate((TARGET, OTHER)):  # each looked up at a kiosk, a minute ago
            with write_transaction(engine) as session:
                at = datetime.now(UTC) - timedelta(minutes=1)
                request = LookupRequest(request_id=f"look-{n}", id_number=person["id_number"])
                body = {"request_id": request.request_id, "ok": True,
                        **GuestStore(session).lookup(request, "k1", at)}  # fmt: skip
                # As the hub stored them before issue 15 (today's hold only the name's first letter):
                # a database from then still has such answers, and erasure must reach them.
                body["masked"] = {"name": guestbook.mask_text(person["name"]),
                                  "id_number": guestbook.mask_id(person["id_number"]),
                                  "phone": guestbook.mask_id(person["phone"]),
                                  "institution": person["institution"]}  # fmt: skip
                SqlQueueRepository(session).remember_answer("kiosk/k1", request.request_id, body, at)
    finally:
        engine.dispose()
    config = tmp_path / "antre.toml"
    config.write_text('[hub]\nstaff_api = "127.0.0.1:9"\n[retention]\nguest_days = 365\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env |= {"ANTRE_DB_URL": url, "ANTRE_CONFIG": str(config), "ANTRE_DATA_DIR": str(tmp_path / "data")}

    def antre(*args: str, status: int = 0) -> str:
        done = subprocess.run([sys.executable, "-m", "deploy.cli.main", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        out = done.stdout + done.stderr
        assert done.returncode == status, f"antre {' '.join(args)}: {out}"
        assert not found_in(out.encode(), TARGET)  # no command ever prints the visitor's data
        return out

    return db, antre


def _newest_backup(tmp_path: Path) -> Path:
    return sorted((tmp_path / "data" / "backups").glob("antre-*.sqlite3.enc"))[-1]


def _decrypted(backup: Path, key: SiteKey, to: Path) -> bytes:
    from deploy.ops.backup_crypto import decrypt_file

    decrypt_file(backup, to, key)
    return to.read_bytes()


def test_forget_leaves_nothing_in_the_file_the_wal_the_stored_answers_or_a_fresh_backup(
    tmp_path: Path, site
) -> None:  # type: ignore[no-untyped-def]
    db, antre = site
    engine = make_engine(f"sqlite:///{db}")
    try:  # The visitor came back twice today (once with another email), rated and complained.
        with write_transaction(engine) as session:
            first = session.scalars(select(GuestRow.id).where(GuestRow.name == TARGET["name"])).one()
            # Yesterday at 08:00 UTC: that day's two visits on one business day whatever the hour the
            # test runs (two hours before "now" crossed midnight between 01:00 and 02:00 UTC).
            today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=1)
            again = visit(session, TARGET, today, "B-001", email="lain.sekali@contoh.id")
            third = visit(session, TARGET, today + timedelta(hours=1), "B-002")
            rated_with_complaints(session, again, today)
            stays = visit(session, OTHER, today, "B-003")
        with Session(engine) as session:
            assert {session.get(GuestRow, g).person_id for g in (again, third)} == {first}  # type: ignore[union-attr]
        counts = day_counts(engine)
    finally:
        engine.dispose()
    raw = file_bytes(db)
    assert found_in(raw, TARGET) == traces(TARGET)  # the search works: all of it is there before
    assert all(v.encode() in raw for v in (*COMPLAINT_ON_TICKET.values(), COMPLAINT_ON_RATING["text"]) if v)
    with sqlite3.connect(db) as connection:
        answers = [row[0] for row in connection.execute("SELECT answer FROM processed_requests")]
    connection.close()
    assert any(TARGET["institution"] in a for a in answers)  # the hub's stored lookup answer

    out = antre("forget", "--id-number", TARGET["id_number"])
    assert "erased 3 guestbook entries, 2 complaints" in out and "2 stored lookup answers" in out
    assert not found_in(file_bytes(db), TARGET), "the database file or its WAL still holds the visitor"
    left = [v for v in (*COMPLAINT_ON_TICKET.values(), COMPLAINT_ON_RATING["text"], "lain.sekali@contoh.id")
            if v and v.encode() in file_bytes(db)]  # fmt: skip
    assert not left, f"the file still holds {left}"
    engine = make_engine(f"sqlite:///{db}")
    try:  # No row ties the erased visits together or to anyone; the days' figures are the same.
        assert links_left(engine, [first, again, third]) == []
        with Session(engine) as session:
            other = session.scalars(select(GuestRow.id).where(GuestRow.name == OTHER["name"])).first()
            assert session.get(GuestRow, stays).person_id == other  # type: ignore[union-attr]  # kept
            assert session.get(GuestRow, third).person_id == again  # type: ignore[union-attr]
        assert day_counts(engine) == counts
    finally:
        engine.dispose()
    assert found_in(file_bytes(db), OTHER) == [OTHER[k] for k in ("name", "id_number", "email", "phone",
                                                                  "institution")]  # fmt: skip

    antre("backup")
    backup = _newest_backup(tmp_path)
    assert not found_in(backup.read_bytes(), TARGET) and not found_in(backup.read_bytes(), OTHER)
    plain = _decrypted(backup, read_key(tmp_path / "data" / "antre.key"), tmp_path / "check.db")
    assert not found_in(plain, TARGET), "the decrypted backup still holds the visitor"
    assert OTHER["name"].encode() in plain  # and it is a real copy of the rest

    log = antre("access-log", "--verify")
    assert "technician/" in log and "erased a visitor's data id_number#" in log and "chain intact" in log
    by_person = antre("access-log", "--id-number", TARGET["id_number"])
    assert "1 line(s)" in by_person  # the supervisor finds the erasure by the NIK, which is not stored


def test_a_restore_of_an_older_backup_erases_again_whoever_was_forgotten_since(tmp_path: Path, site) -> None:  # type: ignore[no-untyped-def]
    db, antre = site
    antre("backup")
    older = _newest_backup(tmp_path)
    antre("forget", "--email", TARGET["email"].upper())
    # An unencrypted backup made by an earlier Antre (before this change) must still restore.
    plain_old = take_backup(db, tmp_path / "old-backups", now=datetime(2026, 1, 1, tzinfo=UTC)).path
    assert plain_old.name.endswith(".sqlite3") and OTHER["name"].encode() in plain_old.read_bytes()
    for backup, erased_again in ((older, 1), (plain_old, 0), (older, 1)):
        out = antre("restore", "--yes", str(backup))
        assert f"erasures re-applied: 1 in the ledger, {erased_again} guestbook entries" in out
        assert not found_in(file_bytes(db), TARGET), f"{backup.name} brought the visitor back"
        assert OTHER["name"].encode() in file_bytes(db)
    log = antre("access-log", "--verify")
    assert "re-applied erasures to a restored backup" in log and "chain intact" in log


def test_an_altered_truncated_or_foreign_backup_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "antre.db"
    seed(f"sqlite:///{db}")
    with sqlite3.connect(db) as connection:  # more than one chunk, so a chunk can be cut off
        connection.execute("CREATE TABLE padding AS SELECT randomblob(1500000) AS x")
    connection.close()
    key = SiteKey(b"a" * 32)
    good = take_backup(db, tmp_path / "b", key=key).path
    assert good.name.endswith(".sqlite3.enc") and good.stat().st_size > CHUNK  # several chunks
    data = good.read_bytes()
    flipped = tmp_path / "flipped.sqlite3.enc"
    flipped.write_bytes(data[:5000] + bytes([data[5000] ^ 1]) + data[5001:])
    cut = tmp_path / "cut.sqlite3.enc"
    cut.write_bytes(data[: 36 + CHUNK + 16])  # ends cleanly after the first chunk
    target = tmp_path / "restored.db"
    for path, words, with_key in (
        (flipped, "damaged or was altered (part 1", key),
        (cut, "damaged or was altered (part 1", key),
        (good, "encrypted with another site key", SiteKey(b"b" * 32)),
        (good, "there is no site key", None),
    ):
        with pytest.raises(BackupError, match=words.replace("(", r"\(")):
            restore(path, target, key=with_key)
        assert not target.exists() and not list(tmp_path.glob("*.restore-partial*"))
    assert restore(good, target, key=key) is not None
    with Session(engine := make_engine(f"sqlite:///{target}")) as session:
        assert session.scalar(select(func.count()).select_from(GuestRow)) == len(OLD_PEOPLE) + len(NEW_PEOPLE)
    engine.dispose()


def test_stored_answers_are_pruned_after_their_retry_window(db_url: str) -> None:
    seed(db_url)
    engine = make_engine(db_url)
    now = NOW
    ticket = {"request_id": "t", "ok": True, "ticket": "A-001", "service": "A", "ahead": 0}
    lookup = {"request_id": "l", "ok": True, "found": True, "ref": "r", "masked": {"institution": "X"}}
    stored = {  # request id: (answer, age)
        "ticket-2d": (ticket, timedelta(days=2)), "ticket-1h": (ticket, timedelta(hours=1)),
        "lookup-1h": (lookup, timedelta(hours=1)), "lookup-1m": (lookup, timedelta(minutes=1)),
        "ticket-just-in": (ticket, RETRY_WINDOW - timedelta(minutes=1)),
    }  # fmt: skip
    try:
        with write_transaction(engine) as session:
            for request_id, (body, age) in stored.items():
                SqlQueueRepository(session).remember_answer("kiosk/k1", request_id, body, now - age)
        with write_transaction(engine) as session:
            report = purge(session, now - timedelta(days=365), now)
        assert report.answers == 2
        with Session(engine) as session:
            left = set(session.scalars(select(ProcessedRequestRow.request_id)))
        # A lookup answer goes with its ref (15 minutes); a ticket answer stays for a retry.
        assert left == {"ticket-1h", "lookup-1m", "ticket-just-in"}
    finally:
        engine.dispose()


def test_verify_names_a_line_edited_or_deleted_in_the_file(tmp_path: Path, site) -> None:  # type: ignore[no-untyped-def]
    db, antre = site
    antre("forget", "--id-number", OLD_PEOPLE[0]["id_number"])
    antre(
        "complaints",
        "show",
        "ADU-" + (NOW - timedelta(days=10)).strftime("%Y%m%d") + "-001",
        "--officer",
        "ani",
    )
    antre("purge")
    antre("report", "--month", f"{NOW:%Y-%m}", "--out", str(tmp_path / "reports"))
    log = antre("access-log", "--verify")
    assert "officer/ani viewed the details of complaint ADU-" in log
    assert "purged data past the retention period" in log and "exported report laporan-pst-" in log
    assert "4 line(s)" in log and "chain intact" in log

    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE access_log SET actor = 'technician/someone-else' WHERE id = 2")
    connection.close()
    out = antre("access-log", "--verify", status=1)
    assert "line 2 tampered" in out and "chain intact" not in out
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT * FROM access_log WHERE id = 2").fetchone()
        connection.execute("DELETE FROM access_log WHERE id = 2")
    connection.close()
    out = antre("access-log", "--verify", status=1)
    assert "line 3: a line before it is missing" in out and "tampered" not in out
    assert json.dumps(list(row))  # (the deleted row held nothing but these plain fields)


def test_a_pruned_answer_leaves_the_file_at_the_next_checkpoint_without_a_vacuum(tmp_path: Path) -> None:
    db = tmp_path / "antre.db"
    seed(f"sqlite:///{db}")
    engine = make_engine(f"sqlite:///{db}")
    secret = "InstansiYangDitanyakan"
    lookup = {"request_id": "l", "ok": True, "found": True, "ref": "r", "masked": {"institution": secret}}
    try:
        with write_transaction(engine) as session:
            SqlQueueRepository(session).remember_answer("kiosk/k1", "l", lookup, NOW - timedelta(hours=1))
        with write_transaction(engine) as session:  # what the hub does at its day roll
            assert prune_answers(session, NOW) == 1
    finally:
        engine.dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    # secure_delete zeroed the deleted row in its page: no VACUUM ran, and it is still gone.
    assert secret.encode() not in file_bytes(db)


def test_any_file_such_as_a_pg_dump_is_encrypted_and_checked_with_the_site_key(tmp_path: Path, site) -> None:  # type: ignore[no-untyped-def]
    _db, antre = site
    dump = tmp_path / "antre-20261124-193000.dump"
    dump.write_bytes(b"PGDMP" + OTHER["name"].encode() * 1000)
    antre("backup")  # makes the site key (a developer's machine: in the data folder)
    assert "written:" in antre("key", "--encrypt", str(dump))
    sealed = tmp_path / (dump.name + ".enc")
    assert OTHER["name"].encode() not in sealed.read_bytes()
    original = dump.read_bytes()
    dump.unlink()
    antre("key", "--decrypt", str(sealed))
    assert dump.read_bytes() == original
    dump.unlink()
    data = sealed.read_bytes()
    sealed.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert "damaged or was altered" in antre("key", "--decrypt", str(sealed), status=1)
    assert not dump.exists()
