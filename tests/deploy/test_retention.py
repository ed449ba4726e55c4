"""The retention purge and a visitor's request to forget, on an SQLite file (whose raw bytes are
searched afterwards) and on PostgreSQL when one answers. The commands run as ``python -m
deploy.cli.main`` subprocesses, as the technician or a timer would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, Table, func, insert, inspect, select
from sqlalchemy.orm import Session

from deploy.ops.retention import ERASED, forget, guest_days, purge, reclaim_space
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.models import (
    GuestLookupRow,
    GuestRow,
    OnlineMessageRow,
    OnlineRequestRow,
    TicketEventRow,
    TicketRow,
)

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC).replace(microsecond=0)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=10)


def person(tag: str, n: int) -> dict[str, str]:
    """A visitor whose every value is unique, so its bytes can be searched in the file."""
    return {
        "name": f"Nama{tag}Pengunjung{n:03d}",
        "id_type": "ktp",
        "id_number": f"18{'0' if tag == 'Lama' else '9'}8014101{n:06d}",
        "email": f"{tag.lower()}.surel{n:03d}@contoh.id",
        "phone": f"0812{'7' if tag == 'Lama' else '8'}{n:07d}",
        "institution": f"Instansi{tag}{n:03d}",
        "purpose": f"Keperluan{tag}Rahasia{n:03d}",
    }


OLD_PEOPLE = [person("Lama", n) for n in range(12)]
NEW_PEOPLE = [person("Baru", n) for n in range(5)]
OLD_CONTACT = "kontak.lama.rahasia@contoh.id"
NEW_CONTACT = "kontak.baru@contoh.id"
COMPLAINT_OLD = {"contact_name": "PengaduLamaXyz", "contact_email": "pengadu.lama@contoh.id",
                 "contact_phone": "081299990001", "text": "IsiAduanLamaRahasia"}  # fmt: skip
COMPLAINT_NEW = {"contact_name": "PengaduBaruXyz", "contact_email": "pengadu.baru@contoh.id",
                 "contact_phone": "081299990002", "text": "IsiAduanBaru"}  # fmt: skip


def _ticket(session: Session, guest: GuestRow | None, at: datetime, seq: int) -> None:
    row = TicketRow(
        code=f"A-{seq:03d}", service="A", origin_service="A", business_day=at.date(), seq=seq, status="done",
        desk="1", issued_at=at, finished_at=at + timedelta(minutes=9), recall_count=0, kiosk_id="k1",
        guest_id=guest.id if guest else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    session.add(TicketEventRow(ticket_id=row.id, action="issue", at=at))


def _complaints(engine: Engine) -> Table | None:
    if not inspect(engine).has_table("complaints"):
        return None
    return Table("complaints", MetaData(), autoload_with=engine)


def _add_complaint(session: Session, table: Table, values: dict[str, str], at: datetime, seq: int) -> None:
    row: dict[str, Any] = {
        "number": f"ADU-{at:%Y%m%d}-{seq:03d}", "day": at.date(), "seq": seq, "source": "kiosk",
        "kind": "complaint", "status": "closed", "created_at": at.replace(tzinfo=None), "followup": "",
        **values,
    }  # fmt: skip
    session.execute(insert(table).values({k: v for k, v in row.items() if k in table.c}))


def seed(url: str) -> None:
    """Old entries (400 days ago) and recent ones (10 days ago), with tickets, lookups, online
    requests with messages, and complaints when the schema has them."""
    upgrade(url)
    engine = make_engine(url)
    complaints = _complaints(engine)
    try:
        with write_transaction(engine) as session:
            for n, (people, at) in enumerate(((OLD_PEOPLE, OLD), (NEW_PEOPLE, RECENT))):
                for seq, fields in enumerate(people, 1):
                    guest = GuestRow(**fields, consent=True, created_at=at + timedelta(minutes=seq))
                    session.add(guest)
                    session.flush()
                    _ticket(session, guest, at + timedelta(minutes=seq), seq)
                _ticket(session, None, at + timedelta(hours=1), len(people) + 1)  # no guestbook entry
                session.add(GuestLookupRow(ref=f"ref-{n}", guest_id=guest.id, kiosk_id="k1", created_at=at))
            for seq, (contact, at, status) in enumerate(
                ((OLD_CONTACT, OLD, "closed"), (NEW_CONTACT, RECENT, "open")), 1
            ):
                request = OnlineRequestRow(
                    number=f"OL-{at:%Y%m%d}-{seq:03d}", day=at.date(), seq=seq, channel="email",
                    contact=contact, subject=f"Subjek{seq}Rahasia", complete_at=at, due_date=at.date(),
                    status=status, created_at=at, close_reason="done" if status == "closed" else None,
                    closed_at=at + timedelta(days=8) if status == "closed" else None,
                )  # fmt: skip
                session.add(request)
                session.flush()
                session.add(
                    OnlineMessageRow(
                        request_id=request.id, author="visitor", text=f"Pesan{seq}Rahasia", at=at
                    )
                )
            if complaints is not None:
                _add_complaint(session, complaints, COMPLAINT_OLD, OLD, 1)
                _add_complaint(session, complaints, COMPLAINT_NEW, RECENT, 1)
    finally:
        engine.dispose()


def tickets_per_day(engine: Engine) -> dict[date, int]:
    with Session(engine) as session:
        rows = session.execute(select(TicketRow.business_day, func.count()).group_by(TicketRow.business_day))
        return {day: count for day, count in rows}


def guests(engine: Engine) -> list[GuestRow]:
    with Session(engine) as session:
        return list(session.scalars(select(GuestRow).order_by(GuestRow.id)))


def file_bytes(db_file: Path) -> bytes:
    """Every byte SQLite keeps for this database: the file, its WAL and its shared-memory index."""
    return b"".join(p.read_bytes() for p in sorted(db_file.parent.glob(db_file.name + "*")) if p.is_file())


def secrets_of(people: list[dict[str, str]]) -> list[str]:
    return [p[k] for p in people for k in ("name", "id_number", "email", "phone", "institution", "purpose")]


OLD_SECRETS = [
    *secrets_of(OLD_PEOPLE),
    OLD_CONTACT,
    "Subjek1Rahasia",
    "Pesan1Rahasia",
    *COMPLAINT_OLD.values(),
]
NEW_SECRETS = [*secrets_of(NEW_PEOPLE), NEW_CONTACT, "Pesan2Rahasia", *COMPLAINT_NEW.values()]


@pytest.fixture
def antre(tmp_path: Path) -> Iterator[Any]:
    """``antre ...`` in a subprocess on an SQLite file; checks no output ever holds a secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    config = tmp_path / "antre.toml"
    config.write_text("[retention]\nguest_days = 365\n", encoding="utf-8")
    env |= {"ANTRE_DB_URL": f"sqlite:///{tmp_path / 'antre.db'}", "ANTRE_CONFIG": str(config),
            "ANTRE_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    outputs: list[str] = []

    def run(*args: str, status: int = 0) -> str:
        done = subprocess.run([sys.executable, "-m", "deploy.cli.main", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        outputs.append(done.stdout + done.stderr)
        assert done.returncode == status, f"antre {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout + done.stderr

    yield run
    everything = "\n".join(outputs)
    for secret in OLD_SECRETS + NEW_SECRETS:
        assert secret not in everything


def test_purge_leaves_no_old_personal_data_in_the_file_and_keeps_the_counts(tmp_path: Path, antre) -> None:  # type: ignore[no-untyped-def]
    db_file = tmp_path / "antre.db"
    url = f"sqlite:///{db_file}"
    seed(url)
    engine = make_engine(url)
    counts_before = tickets_per_day(engine)
    engine.dispose()
    raw = file_bytes(db_file)
    has_complaints = COMPLAINT_OLD["text"].encode() in raw
    # The search works: before the purge every value is somewhere in the files.
    missing = [
        s
        for s in OLD_SECRETS
        if s.encode() not in raw and (has_complaints or s not in COMPLAINT_OLD.values())
    ]
    assert not missing

    dry = antre("purge", "--dry-run")
    assert "would erase" in dry and "12 guestbook entries" in dry and "1 online requests" in dry
    assert "nothing changed" in dry
    assert OLD_PEOPLE[0]["name"].encode() in file_bytes(db_file)

    out = antre("purge")
    assert "erased" in out and "12 guestbook entries" in out and "1 online requests" in out
    assert ("1 complaints" in out) == has_complaints
    assert "VACUUM" in out

    raw = file_bytes(db_file)
    left = [s for s in OLD_SECRETS if s.encode() in raw]
    assert not left, f"{len(left)} old values still in the database files"
    assert all(s.encode() in raw for s in NEW_SECRETS if has_complaints or s not in COMPLAINT_NEW.values())

    engine = make_engine(url)
    try:
        assert tickets_per_day(engine) == counts_before
        rows = guests(engine)
        old, new = rows[: len(OLD_PEOPLE)], rows[len(OLD_PEOPLE) :]
        assert all(g.purpose == ERASED and g.name == g.id_number == g.email == g.phone == "" for g in old)
        assert all(g.id_type == "ktp" and g.consent for g in old)  # what the report counts stays
        assert [{k: getattr(g, k) for k in NEW_PEOPLE[0]} for g in new] == NEW_PEOPLE
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(GuestLookupRow)) == 0  # both expired
    finally:
        engine.dispose()
    again = antre("purge")
    assert "0 guestbook entries" in again and "0 online requests" in again


def test_purge_on_both_databases_blanks_old_entries_only(db_url: str) -> None:
    seed(db_url)
    engine = make_engine(db_url)
    try:
        before = tickets_per_day(engine)
        with write_transaction(engine) as session:
            report = purge(session, NOW - timedelta(days=365), NOW)
        reclaimed = reclaim_space(engine)
        assert (report.guests, report.online_requests, report.lookups) == (len(OLD_PEOPLE), 1, 2)
        assert reclaimed.complete
        assert tickets_per_day(engine) == before
        rows = guests(engine)
        assert [g.purpose for g in rows] == [ERASED] * len(OLD_PEOPLE) + [p["purpose"] for p in NEW_PEOPLE]
        with Session(engine) as session:
            requests = list(session.scalars(select(OnlineRequestRow).order_by(OnlineRequestRow.id)))
            messages = list(session.scalars(select(OnlineMessageRow).order_by(OnlineMessageRow.id)))
        assert [(r.contact, r.subject) for r in requests] == [("", ""), (NEW_CONTACT, "Subjek2Rahasia")]
        assert [m.text for m in messages] == ["", "Pesan2Rahasia"]
        complaints = _complaints(engine)
        if complaints is not None:
            assert report.complaints == 1
            with engine.connect() as connection:
                found = connection.execute(select(complaints).order_by(complaints.c.id)).mappings().all()
            assert [row["contact_email"] for row in found] == ["", COMPLAINT_NEW["contact_email"]]
            assert [row["text"] for row in found] == ["", COMPLAINT_NEW["text"]]
        else:
            assert report.complaints is None
    finally:
        engine.dispose()


def test_forget_by_nik_as_typed_with_separators(db_url: str) -> None:
    seed(db_url)
    engine = make_engine(db_url)
    target = NEW_PEOPLE[2]
    nik = target["id_number"]
    typed = f"{nik[:4]} {nik[4:8]}-{nik[8:12]}.{nik[12:]}"  # as someone reads it out
    try:
        with write_transaction(engine) as session:
            assert forget(session, id_number=typed).guests == 1
        reclaim_space(engine)
        rows = guests(engine)
        erased = [g for g in rows if g.purpose == ERASED]
        assert len(erased) == 1 and erased[0].name == "" and erased[0].id_number == ""
        assert all(g.name == p["name"] for g, p in zip(rows[len(OLD_PEOPLE) :], NEW_PEOPLE, strict=True)
                   if g.purpose != ERASED)  # fmt: skip
        with write_transaction(engine) as session:
            assert forget(session, id_number=typed).guests == 0  # said once, then nothing left
    finally:
        engine.dispose()


def test_forget_by_email_takes_every_entry_online_request_and_complaint(db_url: str) -> None:
    seed(db_url)
    engine = make_engine(db_url)
    try:
        with write_transaction(engine) as session:
            # The same visitor came back: a second entry with the same email, another ID number.
            again = {**NEW_PEOPLE[1], "id_number": "1808014101990099"}
            session.add(GuestRow(**again, consent=True, created_at=NOW))
        with write_transaction(engine) as session:
            report = forget(session, email=f"  {NEW_PEOPLE[1]['email'].upper()} ")
        assert report.guests == 2
        with write_transaction(engine) as session:
            by_contact = forget(session, email=NEW_CONTACT.upper())
            by_complaint = forget(session, email=COMPLAINT_NEW["contact_email"])
        assert (by_contact.guests, by_contact.online_requests) == (0, 1)
        if _complaints(engine) is not None:
            assert by_complaint.complaints == 1
        emails = [g.email for g in guests(engine)]
        assert NEW_PEOPLE[1]["email"] not in emails and NEW_PEOPLE[0]["email"] in emails
        with Session(engine) as session:
            contacts = list(session.scalars(select(OnlineRequestRow.contact).order_by(OnlineRequestRow.id)))
        assert contacts == [OLD_CONTACT, ""]
    finally:
        engine.dispose()


def test_forget_takes_the_whole_person_and_leaves_no_row_linking_their_visits(db_url: str) -> None:
    from tests.deploy.erasure_checks import day_counts, links_left, rated_with_complaints, visit

    seed(db_url)
    engine = make_engine(db_url)
    who = OLD_PEOPLE[0]
    today = NOW.replace(hour=8, minute=0, second=0) - timedelta(days=1)  # one day at any hour the test runs
    try:
        with write_transaction(engine) as session:
            first = session.scalars(select(GuestRow.id).where(GuestRow.name == who["name"])).one()
            # Back the next day (both purged since), then twice today: once with another email.
            back = visit(session, who, OLD + timedelta(days=1), "B-001")
            other_email = visit(session, who, today, "B-002", email="lain.lama@contoh.id")
            same_email = visit(session, who, today + timedelta(minutes=30), "B-003")
            rated_with_complaints(session, other_email, today)
        with write_transaction(engine) as session:
            purge(session, NOW - timedelta(days=365), NOW)
        with Session(engine) as session:
            linked = session.scalars(select(GuestRow.id).where(GuestRow.person_id == first)).all()
        assert sorted(linked) == [back, other_email, same_email]  # the purge keeps the person
        before = day_counts(engine)
        with write_transaction(engine) as session:
            report = forget(session, email=who["email"])
        assert (report.guests, report.complaints) == (2, 2)  # the entry by email, and by person
        assert links_left(engine, [first, back, other_email, same_email]) == []
        assert day_counts(engine) == before
        with Session(engine) as session:
            emails = set(session.scalars(select(GuestRow.email)))
        assert "lain.lama@contoh.id" not in emails and NEW_PEOPLE[0]["email"] in emails
    finally:
        engine.dispose()


def test_forget_from_the_command_line_says_how_many_and_never_the_data(tmp_path: Path, antre) -> None:  # type: ignore[no-untyped-def]
    db_file = tmp_path / "antre.db"
    seed(f"sqlite:///{db_file}")
    target = NEW_PEOPLE[3]
    out = antre("forget", "--id-number", target["id_number"])
    assert "erased 1 guestbook entries matching that ID number" in out
    assert not any(s.encode() in file_bytes(db_file) for s in secrets_of([target]))
    out = antre("forget", "--email", NEW_PEOPLE[4]["email"].upper())
    assert "erased 1 guestbook entries" in out
    assert NEW_PEOPLE[4]["name"].encode() not in file_bytes(db_file)
    assert NEW_PEOPLE[0]["name"].encode() in file_bytes(db_file)
    assert "too short" in antre("forget", "--id-number", "1-2", status=2)
    assert "not an email" in antre("forget", "--email", "nobody", status=2)


def test_the_retention_period_comes_from_the_config() -> None:
    from shared.config import ConfigError, settings_from_mapping

    assert guest_days(settings_from_mapping({})) == 365
    assert guest_days(settings_from_mapping({"retention": {"guest_days": 730}})) == 730
    with pytest.raises(ConfigError, match="guest_days"):
        guest_days(settings_from_mapping({"retention": {"guest_days": 0}}))


def test_a_vacuum_that_cannot_run_is_reported_not_raised(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from deploy.ops import retention

    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)

    def full_disk(*_args: Any, **_kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(retention.sqlite3, "connect", full_disk)
    engine = make_engine(url)
    try:
        reclaimed = reclaim_space(engine)
    finally:
        engine.dispose()
    assert not reclaimed.complete and reclaimed.error == "database or disk is full"
