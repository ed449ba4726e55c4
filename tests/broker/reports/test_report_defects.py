"""The monthly report's defects of issue 17, each reproduced through the hub (a real SQLite file, an
injected clock) and read back from the written XLSX and PDF."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from broker.reports import data
from broker.reports.data import Period
from broker.reports.figures import histogram
from deploy.cli.report import build, write_files
from shared.config import Desk, Service, Settings
from shared.contract import topics as contract
from shared.store.db import make_engine, upgrade
from tests.broker.hub.test_business_day import FakeClock, _hub, _on, _wib
from tests.broker.hub.test_hub_commands import GUEST

BUDI = {**GUEST, "name": "Budi Santoso", "id_number": "1808011203850002", "email": "budi@example.id"}
DAY = date(2026, 11, 24)  # _wib(24, ...) is on this business day
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def _settings(tmp_path: Path) -> Settings:
    """What ``_hub`` runs with (Asia/Jakarta, services A, desks 1 and 2)."""
    return Settings(db_url=f"sqlite:///{tmp_path / 'antre.db'}", data_dir=tmp_path,
                    services=(Service("A", "Konsultasi Statistik"),),
                    desks=(Desk("1", "Meja 1", ("A",)), Desk("2", "Meja 2", ("A",))))  # fmt: skip


def _ask(hub: Any, rid: str, body: dict[str, Any]) -> dict[str, Any]:
    pubs = hub.kiosk_request("k1", contract.encode({"request_id": rid, **body}))
    return _on(pubs, "kiosk/k1/response")[0]


def _figures(tmp_path: Path, period: Period, now: datetime) -> Any:
    settings = _settings(tmp_path)
    engine = make_engine(settings.db_url)
    try:
        with Session(engine) as session:
            return build(session, settings, period, now)
    finally:
        engine.dispose()


def _cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [
        v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    ]


def _pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def test_distinct_visitors_count_people_not_guestbook_entries(tmp_path: Path) -> None:
    """Siti comes three times: a new entry, then found by her NIK at the kiosk (a ref), then typing
    her details again without the lookup. Budi comes once. Hand count: 4 tickets, 4 guestbook
    entries, 2 people. The report said 4 (one per entry)."""
    clock = FakeClock(_wib(24, 9, 0))
    hub = _hub(tmp_path, clock)
    assert _ask(hub, "r1", {"service": "A", "guest": GUEST})["ticket"] == "A-001"
    ref = _ask(hub, "l1", {"lookup": {"id_number": GUEST["id_number"]}})["ref"]
    again = {"ref": ref, "purpose": "Data PDRB 2025", "consent": True}
    assert _ask(hub, "r2", {"service": "A", "guest": again})["ticket"] == "A-002"
    assert (
        _ask(hub, "r3", {"service": "A", "guest": {**GUEST, "purpose": "Data inflasi"}})["ticket"] == "A-003"
    )
    assert _ask(hub, "r4", {"service": "A", "guest": BUDI})["ticket"] == "A-004"

    figures = _figures(tmp_path, NOVEMBER, clock.at)
    assert (figures.visits, figures.unique_guests, figures.without_guestbook) == (4, 2, 0)


def test_a_60_second_wait_is_in_the_one_minute_bar_and_the_uncalled_are_named(tmp_path: Path) -> None:
    """A-001 issued 09:00:00, called 09:01:00: a raw wait of exactly 60 s (SQLite's julianday
    arithmetic made it 59.9999964 s, the 0-1 minute bar). A-002 issued 09:00:30 and still waiting
    at 09:02 (report time): never called and not breached, 1."""
    clock = FakeClock(_wib(24, 9, 0))
    hub = _hub(tmp_path, clock)
    _ask(hub, "r1", {"service": "A"})
    clock.at += timedelta(seconds=30)
    _ask(hub, "r2", {"service": "A"})
    clock.at += timedelta(seconds=30)
    assert _on(hub.counter_command("1", b"next"), "event/call")[0]["ticket"] == "A-001"
    clock.at += timedelta(minutes=1)

    settings = _settings(tmp_path)
    engine = make_engine(settings.db_url)
    with Session(engine) as session:
        waits = data.read(session, settings, NOVEMBER).waits
    engine.dispose()
    assert [raw for raw, _clock in waits] == [60.0]
    figures = _figures(tmp_path, NOVEMBER, clock.at)
    assert [(m, raw) for m, raw, _c in figures.histogram if raw] == [(1, 1)]
    assert figures.compliance.not_called == 1

    files = write_files(figures, tmp_path / "out", "id")
    cells = _cells(files.xlsx)
    label = cells.index("Tidak dipanggil, belum lewat 10 menit")
    assert cells[label + 1] == 1
    assert any(isinstance(c, str) and c.startswith("Tidak dipanggil, belum lewat 10 menit: giliran antrean")
               for c in cells)  # fmt: skip
    assert "Waktu tunggu saat meja menganggur" in cells  # the idle-desk row
    english = _cells(write_files(figures, tmp_path / "en", "en").xlsx)
    assert "Never called, not breached" in english and "Wait while a desk was idle" in english


def test_histogram_bar_edges() -> None:
    """Bar m holds m*60 <= s < (m+1)*60; a float a hair under a whole minute (59.9999996) is that
    minute; 30 minutes and more share the last bar."""
    waits = [0.0, 59.998, 59.9999996, 60.0, 119.999, 120.0, 1799.0, 1800.0, 9000.0]
    bars = histogram([(s, s) for s in waits])
    counts = {m: raw for m, raw, _clock in bars if raw}
    assert counts == {0: 2, 1: 3, 2: 1, 29: 1, 30: 2}
    assert [c for _m, _r, c in bars] == [r for _m, r, _c in bars]


def test_a_month_in_progress_in_office_time_and_empty(tmp_path: Path) -> None:
    """Made at 2 Dec 17:30 UTC = 3 Dec 00:30 WIB: the stamp says 3 Dec WIB, December is marked as
    running up to 3 Dec, only 1-3 Dec are listed (the 28 days to come are no zeros), and with no
    visit the report says so at the top."""
    upgrade(f"sqlite:///{tmp_path / 'antre.db'}")
    now = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    figures = _figures(tmp_path, Period(date(2026, 12, 1), date(2026, 12, 31)), now)
    assert [d.day.day for d in figures.days] == [1, 2, 3]
    files = write_files(figures, tmp_path / "id", "id")
    cells = _cells(files.xlsx)
    assert "2026-12-03 00:30 WIB" in cells and "Desember 2026, s.d. 3 Desember 2026" in cells
    assert "Belum ada kunjungan dalam periode ini." in cells[:3]  # title, office, the warning
    visitor_days = [c for c in cells if isinstance(c, datetime)]
    assert [d.day for d in visitor_days] == [1, 2, 3]
    text = _pdf_text(files.pdf)
    assert "Dibuat 2026-12-03 00:30 WIB" in text and "UTC" not in text
    assert text.index("Belum ada kunjungan dalam periode ini.") < text.index("Ringkasan")
    assert "Periode: Desember 2026, s.d. 3 Desember 2026" in text
    english = _pdf_text(write_files(figures, tmp_path / "en", "en").pdf)
    assert (
        "December 2026, to date (3 December 2026)" in english and "No visits in this period yet." in english
    )

    # A whole month already over: no mark, every day listed, no warning when there were visits.
    clock = FakeClock(_wib(24, 9, 0))
    hub = _hub(tmp_path / "nov", clock)
    _ask(hub, "r1", {"service": "A"})
    november = _figures(tmp_path / "nov", NOVEMBER, now)
    assert november.to_date is None and len(november.days) == 30 and not november.empty


def test_the_migration_links_the_entries_already_stored(tmp_path: Path) -> None:
    """Entries stored before 0009: Siti twice (ids 1, 3), Budi once (2), one already purged (4, its
    NIK blank). After the upgrade: persons 1, 2, 1, 4."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0008")
    engine = make_engine(url)
    with engine.begin() as connection:
        for name, nik in (("Siti", GUEST["id_number"]), ("Budi", BUDI["id_number"]),
                          ("Siti", GUEST["id_number"]), ("", "")):  # fmt: skip
            connection.execute(
                text("INSERT INTO guests (name, id_type, id_number, email, phone, institution, purpose, "
                     "consent, created_at) VALUES (:n, 'ktp', :k, '', '', '', 'Data', 1, '2026-11-02')"),
                {"n": name, "k": nik},
            )  # fmt: skip
    upgrade(url)
    with engine.connect() as connection:
        persons = connection.execute(text("SELECT id, person_id FROM guests ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in persons] == [(1, 1), (2, 2), (3, 1), (4, 4)]
