"""A small known month (October 2026) for the report tests, written straight into the tables.

Two business days of walk-ins, four online requests, five ratings and four complaints, plus a few
rows just outside the month. The figures each test expects are worked out in the comments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from shared.store.db import make_engine, upgrade
from shared.store.models import (
    ComplaintRow,
    GuestRow,
    OfficerRow,
    OnlineRequestRow,
    QueuePassRow,
    RatingRow,
    TicketEventRow,
    TicketRow,
)

D5, D6 = date(2026, 10, 5), date(2026, 10, 6)  # a Monday and a Tuesday

# Personal data that must never reach the report.
GUESTS = [  # name, NIK, email, phone, institution, purpose -> (institution, purpose) category
    ("Siti Aminah Rahmawati", "1808014506900001", "siti.aminah@example.id", "081234567890",
     "Universitas Lampung", "Data kemiskinan Tulang Bawang 2025 untuk skripsi"),  # university, data
    ("Budiman Santoso", "1808011203850002", "budiman.s@example.id", "082198765432",
     "Dinas Kesehatan Kabupaten Tulang Bawang", "Rekomendasi kegiatan statistik sektoral"),  # gov, rec.
    ("Ahmad Fauzi Hidayat", "1808010101990003", "ahmad.fauzi@example.id", "085711112222",
     "", "Membaca publikasi Tulang Bawang Dalam Angka"),  # individual, library (2 visits)
    ("Dewi Lestari Kusuma", "1808016607880004", "dewi.lk@example.id", "081355556666",
     "PT Sinar Laut Abadi", "Konsultasi metodologi penarikan sampel"),  # company, methodology
    ("Rizky Pratama Putra", "1808012209070005", "rizky.pp@example.id", "089977778888",
     "SMA Negeri 1 Menggala", "Tugas tentang jumlah penduduk"),  # school, data
]  # fmt: skip
# Every guest's fields, the online request's contact and subject, the complaint's text and contact.
PERSONAL = [value for guest in GUESTS for value in guest if value] + [
    "0812-5555-0001",
    "Petugas lambat sekali",
    "Rina Complainant",
]


def at(day: date, hh: int, mm: int) -> datetime:
    """UTC time on ``day`` (08:00 WIB = 01:00 UTC)."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC)


def seed(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            _fill(session)
    finally:
        engine.dispose()


def _fill(session: Session) -> None:
    session.add_all([OfficerRow(id="o1", name="Rina Officer", pin_hash="x"),
                     OfficerRow(id="o2", name="Budi Officer", pin_hash="x")])  # fmt: skip
    guests = []
    for name, nik, email, phone, institution, purpose in GUESTS:
        row = GuestRow(name=name, id_type="ktp", id_number=nik, email=email, phone=phone, consent=True,
                       institution=institution, purpose=purpose, created_at=at(D5, 0, 30))  # fmt: skip
        session.add(row)
        guests.append(row)
    session.flush()
    for row in guests:
        row.person_id = row.id
    # Ahmad comes back on the 5th for the library: a second entry, as the kiosk's lookup stores it
    # (a copy of his details with that visit's purpose), linked to him. 6 entries, 5 people.
    first = guests[2]
    again = GuestRow(name=first.name, id_type="ktp", id_number=first.id_number, email=first.email,
                     phone=first.phone, consent=True, institution=first.institution, purpose=first.purpose,
                     created_at=at(D5, 1, 9), person_id=first.id)  # fmt: skip
    session.add(again)
    session.flush()
    g1, g2, g3, g4, g5 = (g.id for g in guests)
    g3b = again.id
    # (day, code, service, guest, issued, [(service, entered, called, clock_s, breached, desk, officer, how)])
    # Raw waits (s): 120, 840, 900, 360 | 1800, 60, 300 -> median 360, p90 1800, max 1800.
    # Clocks (s):    120, 660, 300, 360 | 1800, 30, 300 -> median 300, p90 1800, max 1800.
    # Met 5, breached 3 (one never called) -> 62.5 %. Desk 1: 3 of 4; desk 2: 2 of 3.
    # Officer o1: 3 of 4; o2: 1 of 2; nobody signed in: 1 of 1.
    tickets = [
        (D5, "A-001", "A", g1, at(D5, 1, 0),
         [("A", at(D5, 1, 0), at(D5, 1, 2), 120, False, "1", "o1", "done")]),
        (D5, "A-002", "A", g2, at(D5, 1, 1),
         [("A", at(D5, 1, 1), at(D5, 1, 15), 660, True, "2", "o2", "done")]),
        (D5, "A-003", "A", g3, at(D5, 1, 5),
         [("A", at(D5, 1, 5), at(D5, 1, 20), 300, False, "1", "o1", "done")]),
        (D5, "B-001", "B", g3b, at(D5, 1, 10),
         [("B", at(D5, 1, 10), at(D5, 1, 16), 360, False, "2", None, "done")]),
        (D6, "A-001", "A", g4, at(D6, 1, 0),
         [("A", at(D6, 1, 0), at(D6, 1, 30), 1800, True, "1", "o1", "done")]),
        (D6, "B-001", "B", g5, at(D6, 1, 0),
         [("B", at(D6, 1, 0), None, None, True, None, None, "expired")]),
        (D6, "A-002", "A", None, at(D6, 1, 5), [
            ("A", at(D6, 1, 5), at(D6, 1, 6), 30, False, "2", "o2", "transfer"),
            ("B", at(D6, 1, 20), at(D6, 1, 25), 300, False, "1", "o1", "done"),
        ]),
        # Outside October: never counted.
        (date(2026, 9, 30), "A-001", "A", g1, at(date(2026, 9, 30), 1, 0),
         [("A", at(date(2026, 9, 30), 1, 0), at(date(2026, 9, 30), 2, 0), 3600, True, "1", "o1", "done")]),
        (date(2026, 11, 2), "A-001", "A", g2, at(date(2026, 11, 2), 1, 0),
         [("A", at(date(2026, 11, 2), 1, 0), at(date(2026, 11, 2), 1, 1), 60, False, "2", "o2", "done")]),
    ]  # fmt: skip
    for seq, (day, code, service, guest, issued, passes) in enumerate(tickets, start=1):
        ticket = TicketRow(
            code=code,
            service=passes[-1][0],
            origin_service=service,
            business_day=day,
            seq=seq,
            status="done",
            issued_at=issued,
            recall_count=0,
            guest_id=guest,
        )
        session.add(ticket)
        session.flush()
        session.add(TicketEventRow(ticket_id=ticket.id, action="issue", at=issued))
        for svc, entered, called, clock_s, breached, desk, officer, how in passes:
            left = (called or entered) + timedelta(minutes=10)
            session.add(QueuePassRow(
                ticket_id=ticket.id, code=code, service=svc, business_day=day, issued_at=issued,
                entered_at=entered, called_at=called, left_at=left, left_how=how, desk=desk,
                clock_started_at=entered, clock_s=clock_s,
                breached_at=entered + timedelta(minutes=10) if breached else None,
            ))  # fmt: skip
            if called is not None:
                session.add(TicketEventRow(ticket_id=ticket.id, action="call", desk=desk, officer_id=officer,
                                           at=called))  # fmt: skip
                # a recall by the other officer a minute later must not count as theirs
                session.add(TicketEventRow(ticket_id=ticket.id, action="recall", desk=desk, officer_id="o9",
                                           at=called + timedelta(minutes=1)))  # fmt: skip
    _online(session)
    _ratings(session)
    _complaints(session)


def _online(session: Session) -> None:
    # Received in October 3 (OL-20260930 was recorded in September); due in October 4: met 2
    # (answered 10-07 for 10-08; closed 10-02 for 10-05), late 2 (answered after; never answered).
    rows = [
        ("OL-20260930-001", date(2026, 9, 30), date(2026, 10, 5), None, at(date(2026, 10, 2), 3, 0)),
        ("OL-20261005-001", D5, date(2026, 10, 8), at(date(2026, 10, 7), 3, 0), None),
        ("OL-20261006-001", D6, date(2026, 10, 9), at(date(2026, 10, 12), 3, 0), None),
        ("OL-20261027-001", date(2026, 10, 27), date(2026, 10, 30), None, None),
    ]
    for seq, (number, day, due, answered, closed) in enumerate(rows, start=1):
        session.add(OnlineRequestRow(
            number=number, day=day, seq=seq, channel="whatsapp", contact="0812-5555-0001",
            subject="Data kemiskinan Tulang Bawang 2025 untuk skripsi", complete_at=at(day, 2, 0),
            due_date=due, status="closed" if closed else "answered" if answered else "open",
            created_at=at(day, 2, 0), answered_at=answered, closed_at=closed,
        ))  # fmt: skip


# IKM: u1-u3, u5-u8 NRR (4+3+4+3)/4 = 3.5; u4 (4+3+4+4)/4 = 3.75; u9 (4+3+4)/3 = 11/3.
# Index = (7 x 3.5 + 3.75 + 11/3) / 9 = 3.546296...; x 25 = 88.657 -> 88.66, band A; 4 respondents.
# Faces: 5, 4, 5, -, 2 -> {2: 1, 4: 1, 5: 2}, mean 4.00.
RATINGS = [
    (5, dict.fromkeys((f"u{n}" for n in range(1, 10)), 4)),
    (4, dict.fromkeys((f"u{n}" for n in range(1, 10)), 3)),
    (5, dict.fromkeys((f"u{n}" for n in range(1, 10)), 4)),
    (None, {**dict.fromkeys((f"u{n}" for n in range(1, 9)), 3), "u4": 4, "u9": None}),
    (2, {}),
]
IKM = "88.66"


def _ratings(session: Session) -> None:
    for n, (overall, elements) in enumerate([*RATINGS, (1, dict.fromkeys(("u1", "u2"), 1))]):
        day = D5 if n < len(RATINGS) else date(2026, 11, 2)  # the last one is November's
        session.add(RatingRow(source="desk", business_day=day, service="A", desk="1", officer_id="o1",
                              overall=overall, created_at=at(day, 3, n), updated_at=at(day, 3, n),
                              **elements))  # fmt: skip


def _complaints(session: Session) -> None:
    # open 1, answered 1, closed 2; answered after 2 h, 24 h, 4 h -> median 4 h, max 24 h.
    rows = [
        (D5, "complaint", "open", at(D5, 2, 0), None, None),
        (D5, "complaint", "answered", at(D5, 3, 0), at(D5, 5, 0), None),
        (D6, "complaint", "closed", at(D6, 1, 0), at(date(2026, 10, 7), 1, 0), at(date(2026, 10, 8), 1, 0)),
        (D6, "suggestion", "closed", at(D6, 2, 0), at(D6, 6, 0), at(D6, 7, 0)),
    ]
    for seq, (day, kind, status, created, answered, closed) in enumerate(rows, start=1):
        session.add(ComplaintRow(
            number=f"ADU-{day:%Y%m%d}-{seq:03d}", day=day, seq=seq, source="kiosk", kind=kind,
            text="Petugas lambat sekali", contact_name="Rina Complainant", contact_phone="0812-5555-0001",
            status=status, created_at=created, answered_at=answered, closed_at=closed,
        ))  # fmt: skip
