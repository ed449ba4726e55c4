"""Priority visits, out-of-order calls, parked visits and returns in the monthly report and the
console's period figures (issue 18), from a day played through the real queue rules into an SQLite
file (``lane_seed``: every figure below is worked out there)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from broker.reports import generate
from broker.reports.data import Period
from broker.reports.figures import Figures
from broker.reports.lane_data import LaneEvents, _day_events
from broker.reports.period import ServiceRow, period_figures
from broker.reports.period_sql import clear_cache
from broker.reports.sla import Stats
from shared.config import Settings, settings_from_mapping
from shared.store.db import make_engine, upgrade
from tests.broker.reports.lane_seed import DAY, SETTINGS, seed_lanes

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
AFTER = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # the month is over


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Settings]]:
    folder = tmp_path_factory.mktemp("lanes")
    url = f"sqlite:///{folder / 'antre.db'}"
    upgrade(url)
    engine = make_engine(url)
    seed_lanes(engine)
    clear_cache()
    yield engine, settings_from_mapping(SETTINGS, {"ANTRE_DATA_DIR": str(folder)})
    clear_cache()
    engine.dispose()


@pytest.fixture(scope="module")
def month(office: tuple[Engine, Settings]) -> Figures:
    engine, settings = office
    with Session(engine) as session:
        figures: Figures = generate.read_figures("monthly", session, settings, NOVEMBER, AFTER)
    return figures


def test_the_report_counts_priority_visits_apart(month: Figures) -> None:
    lanes = month.lanes
    assert lanes is not None
    assert (month.visits, lanes.visits, lanes.priority.visits, lanes.ordinary.visits) == (7, 7, 4, 3)
    assert lanes.categories == [("lansia", 1), ("disabilitas", 1), ("hamil", 0), ("anak", 1), ("unstated", 1)]
    # Priority passes called: A-002 540, A-003 600 then 60 (after its return), A-005 240.
    assert lanes.priority.raw_wait == Stats(4, 390.0, 600.0, 600.0)
    p = lanes.priority.compliance
    assert (p.passes, p.called, p.met, p.breached, p.not_called, p.share) == (5, 4, 4, 0, 1, 1.0)
    assert lanes.ordinary.raw_wait == Stats(3, 1320.0, 3000.0, 3000.0)
    o = lanes.ordinary.compliance
    assert (o.passes, o.called, o.met, o.breached, o.share) == (3, 3, 0, 3, 0.0)
    # The lanes add up to the report's own standard.
    c = month.compliance
    assert (c.passes, c.met, c.breached) == (p.passes + o.passes, p.met + o.met, p.breached + o.breached)


def test_out_of_order_calls_parked_and_returned_visits_are_counted(month: Figures) -> None:
    lanes = month.lanes
    assert lanes is not None
    assert lanes.out_of_order == [("returned", 0), ("appointment", 1), ("priority_need", 0),
                                  ("same_group", 1), ("other", 0)]  # fmt: skip
    assert lanes.out_of_order_total == 2
    by_desk = {d.desk: d for d in lanes.by_desk}
    assert sorted(by_desk) == ["1", "2"] and by_desk["1"].label == "Meja 1"
    one, two = by_desk["1"], by_desk["2"]
    assert one.out_of_order == {"returned": 0, "appointment": 1, "priority_need": 0, "same_group": 1,
                                "other": 0}  # fmt: skip
    assert (one.holds, one.resumes, one.returns) == (2, 1, 0)
    assert (two.out_of_order_total, two.holds, two.resumes, two.returns) == (0, 0, 0, 1)
    assert (lanes.holds, lanes.resumes, lanes.returns, lanes.parked_visits) == (2, 1, 1, 2)
    # A-004 was called back (and served); A-005 was never called back and closed with the day.
    assert lanes.hold_endings == [("resumed", 1), ("returned", 0), ("open", 1)]


def test_how_each_hold_ended_follows_the_tickets_events_in_order() -> None:
    rows = [  # (ticket, desk, action), in order per ticket
        (1, "1", "hold"), (1, "1", "return"),  # parked, then sent back to the queue
        (2, "1", "return"),  # sent back from the desk: no hold to end
        (3, "2", "out_of_order:appointment"), (3, "2", "hold"), (3, "2", "resume"), (3, "2", "hold"),
    ]  # fmt: skip
    got = _day_events(rows)
    assert got.hold_endings == {"resumed": 1, "returned": 1, "open": 1} and got.parked_visits == 2
    assert got.desk_events == {("1", "hold"): 1, ("1", "return"): 2, ("2", "out_of_order:appointment"): 1,
                               ("2", "hold"): 2, ("2", "resume"): 1}  # fmt: skip
    merged = LaneEvents.merge([got, got, LaneEvents()])
    assert merged.hold_endings == {"resumed": 2, "returned": 2, "open": 2} and merged.parked_visits == 4


def test_the_period_page_shows_the_same_figures(office: tuple[Engine, Settings], month: Figures) -> None:
    engine, settings = office
    for _ in range(2):  # the second time from the past days kept
        got = period_figures(engine, settings, DAY, DAY, AFTER)
        assert got.lanes == month.lanes
    a, b = got.services
    # A's passes: served 4 (A-002, A-003's second, A-004 after its hold, A-001), returned 1 (A-003's
    # first), parked and not called back 1, expired 1 (A-006, never called).
    assert a == ServiceRow("A", "Konsultasi Statistik", visits=6, passes=7, served=4, noshow=0, transferred=0,
                           expired=1, at_desk=0, waiting=0, returned=1, parked=1)  # fmt: skip
    assert (b.passes, b.served, b.returned, b.parked) == (1, 1, 0, 0)
    lanes = got.lanes
    assert lanes is not None
    assert lanes.priority.compliance.passes + lanes.ordinary.compliance.passes == got.compliance.passes
    empty = period_figures(engine, settings, date(2026, 10, 1), date(2026, 10, 31), AFTER).lanes
    assert empty is not None and (empty.visits, empty.out_of_order_total, empty.by_desk) == (0, 0, [])
    assert empty.priority.raw_wait == Stats(0, None, None, None) and empty.priority.compliance.share is None


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _row(sheet: list[list[Any]], label: str) -> list[Any]:
    return next(row for row in sheet if row[0] == label)


def test_the_workbook_and_the_pdf_show_them(month: Figures, tmp_path: Path) -> None:
    book = _sheets(generate.write("monthly", month, "xlsx", tmp_path / "r.xlsx", "id"))
    assert _row(book["Ringkasan"], "Kunjungan prioritas")[1] == 4
    assert _row(book["Ringkasan"], "Panggilan di luar urutan")[1] == 2
    sheet = book["Prioritas dan di luar urutan"]
    assert _row(sheet, "Prioritas")[1:9] == [4, pytest.approx(4 / 7), 4, 6.5, 10.0, 4, 0, 1.0]
    assert _row(sheet, "Biasa")[1:9] == [3, pytest.approx(3 / 7), 3, 22.0, 50.0, 0, 3, 0.0]
    assert [_row(sheet, c)[1] for c in ("Lansia", "Penyandang disabilitas", "Ibu hamil", "Membawa anak kecil",
                                        "Tanpa kategori")] == [1, 1, 0, 1, 1]  # fmt: skip
    assert [_row(sheet, r)[1] for r in ("Janji temu", "Satu rombongan", "Pengunjung kembali")] == [1, 1, 0]
    # desk, name, out of order, the five reasons, parked, called back, returned
    assert _row(sheet, "1")[1:11] == ["Meja 1", 2, 0, 1, 0, 1, 0, 2, 1, 0]
    assert _row(sheet, "2")[1:11] == ["Meja 2", 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert [_row(sheet, k)[1] for k in ("Kunjungan yang pernah ditunda", "Dikembalikan ke antrean",
                                        "Tidak dipanggil kembali")] == [2, 1, 1]  # fmt: skip
    english = _sheets(generate.write("monthly", month, "xlsx", tmp_path / "r-en.xlsx", "en"))
    assert _row(english["Priority and out of order"], "Priority")[1] == 4

    pdf = generate.write("monthly", month, "pdf", tmp_path / "r.pdf", "id")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())  # fmt: skip
    assert "3. Layanan prioritas dan panggilan di luar urutan" in text
    assert "Kunjungan prioritas 4 (57,1%)" in text and "Panggilan di luar urutan 2" in text
    for words in ("Janji temu", "Satu rombongan", "Ditunda (parkir di meja)", "Dikembalikan ke antrean",
                  "Tidak dipanggil kembali", "Tanpa kategori", "100,0%", "6:30"):  # fmt: skip
        assert words in text, words
