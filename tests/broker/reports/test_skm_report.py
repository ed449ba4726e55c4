"""The SKM report (``antre report --skm``): a November 2026 seeded into an SQLite file, the figures
checked against a hand calculation, the PDF read as text and the XLSX cell by cell.

Hand calculation (the six respondents below; a rating with the face only is no respondent):

    u1, u2, u5, u6, u7, u8: (4 + 3 + 2 + 3 + 4 + 3) / 6 = 19/6 = 3.1667 each
    u3: (4 + 3 + 1 + 3 + 4 + 3) / 6 = 3.0;  u4: (4 + 3 + 2 + 3 + 2 + 3) / 6 = 17/6 = 2.8333
    u9: (4 + 3 + 2 + 4 + 3) / 5 = 3.2 (one skipped it)
    index = (6 x 19/6 + 3 + 17/6 + 16/5) / 9 = (841/30) / 9 = 3.11481...
    IKM = index x 25 = 77.870... -> 77.87, band B (76.61-88.30, "Baik")
    population = 40 tickets + 2 online requests = 42 -> Krejcie-Morgan row 45 -> minimum 40;
    6 respondents: short by 34.  Weakest elements: u4 (2.83), u3 (3.0), u1 (3.17, first of the
    six tied at 19/6 in the regulation's order).
    October (the previous month): one respondent, all 4 -> 100.00, A; change -22.13.

Respondent profile (PROFILES, stored through the hub's own ``skm_profiles.add``; two identical
profiles share one count row): of the 6 respondents, sex: perempuan 3 (50.0 %), laki-laki 1
(16.7 %), tidak diisi 2 (33.3 %); age: 20-29 2, 30-39 1, not given 3; education: D4/S1 3, not
given 3; occupation: pelajar/mahasiswa 2, PNS/TNI/Polri 1, not given 3. October's profile is
outside the period. The test recounts these from PROFILES (``_expected_profile``).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from deploy.cli.main import main
from shared.domain.sample_size import minimum_sample
from shared.domain.skm_profile import ITEMS
from shared.store import skm_profiles
from shared.store.db import make_engine, upgrade
from shared.store.models import ComplaintRow, OnlineRequestRow, RatingRow, TicketRow

NOV = date(2026, 11, 10)
ALL = [f"u{n}" for n in range(1, 10)]
RESPONDENTS = [  # (source, service, scores u1..u9)
    ("desk", "A", [4, 4, 4, 4, 4, 4, 4, 4, 4]),
    ("desk", "A", [3, 3, 3, 3, 3, 3, 3, 3, 3]),
    ("kiosk", "B", [2, 2, 1, 2, 2, 2, 2, 2, 2]),
    ("desk", "B", [3, 3, 3, 3, 3, 3, 3, 3, None]),
    ("desk", "A", [4, 4, 4, 2, 4, 4, 4, 4, 4]),
    ("online", None, [3, 3, 3, 3, 3, 3, 3, 3, 3]),
]
STUDENT = {"sex": "female", "age": "20_29", "education": "d4_s1", "occupation": "student"}
PROFILES: list[dict[str, str]] = [  # per respondent above ({}: skipped; online: never asked)
    STUDENT,
    {"sex": "male", "age": "30_39", "education": "d4_s1", "occupation": "pns_tni_polri"},
    dict(STUDENT),
    {},
    {"sex": "female"},
    {},
]
CONFIG = """
office_name = "BPS Kabupaten Tulang Bawang"
[[services]]
prefix = "A"
name = "Konsultasi Statistik"
[[services]]
prefix = "B"
name = "Perpustakaan"
"""


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def seed(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            _fill(session)
    finally:
        engine.dispose()


def _fill(session: Session) -> None:
    for seq in range(1, 41):
        session.add(TicketRow(code=f"A-{seq:03d}", service="A", origin_service="A", business_day=NOV,
                              seq=seq, status="done", issued_at=_at(NOV, 1), recall_count=0))  # fmt: skip
    for seq in (1, 2):
        session.add(OnlineRequestRow(
            number=f"OL-20261110-{seq:03d}", day=NOV, seq=seq, channel="email", contact="x@example.id",
            subject="data", complete_at=_at(NOV, 2), due_date=date(2026, 11, 13), status="open",
            created_at=_at(NOV, 2),
        ))  # fmt: skip
    for n, ((source, service, scores), profile) in enumerate(zip(RESPONDENTS, PROFILES, strict=True)):
        rating = RatingRow(source=source, business_day=NOV, service=service, overall=5,
                           created_at=_at(NOV, 3), updated_at=_at(NOV, 3),
                           **dict(zip(ALL, scores, strict=True)))  # fmt: skip
        session.add(rating)
        if profile:
            skm_profiles.add(session, rating, f"seed-ref-{n}", profile)
    session.add(RatingRow(source="desk", business_day=NOV, service="A", overall=1,
                          created_at=_at(NOV, 4), updated_at=_at(NOV, 4)))  # fmt: skip
    october = date(2026, 10, 20)
    before = RatingRow(source="desk", business_day=october, service="A", created_at=_at(october, 3),
                       updated_at=_at(october, 3), **dict.fromkeys(ALL, 4))  # fmt: skip
    session.add(before)
    skm_profiles.add(session, before, "seed-ref-october", {"sex": "male", "age": "50_plus"})
    for seq, kind, status, answered in ((1, "complaint", "open", None),
                                        (2, "suggestion", "answered", _at(NOV, 5))):  # fmt: skip
        session.add(ComplaintRow(
            number=f"ADU-20261110-{seq:03d}", day=NOV, seq=seq, source="kiosk", kind=kind,
            text="Ruang tunggu panas sekali", contact_name="Wati Pelapor", status=status,
            created_at=_at(NOV, 3), answered_at=answered,
        ))  # fmt: skip


@pytest.fixture
def skm_files(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    for name in ("ANTRE_DB_URL", "ANTRE_CONFIG", "ANTRE_SITE"):
        monkeypatch.delenv(name, raising=False)
    seed(sqlite_url)
    config = tmp_path / "antre.toml"
    config.write_text(f'[db]\nurl = "{sqlite_url}"\n{CONFIG}', encoding="utf-8")
    out = tmp_path / "out"
    for language in ("id", "en"):
        assert main(["--config", str(config), "report", "--skm", "--month", "2026-11", "--out", str(out),
                     "--lang", language]) == 0  # fmt: skip
    assert main(["--config", str(config), "report", "--skm", "--month", "2026-11", "--out",
                 str(tmp_path / "only"), "--format", "xlsx"]) == 0  # fmt: skip
    assert [p.name for p in (tmp_path / "only").iterdir()] == ["laporan-skm-2026-11.xlsx"]
    return {
        "pdf": out / "laporan-skm-2026-11.pdf",
        "xlsx": out / "laporan-skm-2026-11.xlsx",
        "pdf_en": out / "skm-report-2026-11.pdf",
        "xlsx_en": out / "skm-report-2026-11.xlsx",
    }


def test_the_krejcie_morgan_table() -> None:
    assert minimum_sample(40) == 36  # the example: 40 visits need ~36
    assert minimum_sample(42) == 40  # between rows 40 and 45: the next row up
    assert minimum_sample(5) == 5 and minimum_sample(0) == 0
    assert minimum_sample(600) == 234 and minimum_sample(2_000_000) == 384


def test_the_figures_match_the_hand_calculation(sqlite_url: str) -> None:
    from broker.reports import skm_data
    from shared.config import load_settings

    seed(sqlite_url)
    engine = make_engine(sqlite_url)
    try:
        with Session(engine) as session:
            data = skm_data.read(session, skm_data.Period(date(2026, 11, 1), date(2026, 11, 30)))
    finally:
        engine.dispose()
    figures = skm_data.build(data, load_settings(None), _at(date(2026, 12, 3), 2))
    ikm = figures.ikm
    assert ikm is not None
    assert str(ikm.ikm) == "77.87" and ikm.band == "B" and ikm.respondents == 6
    nrr = {e.key: e.nrr for e in ikm.elements}
    assert nrr["u1"] * 6 == 19 and nrr["u3"] == 3 and nrr["u4"] * 6 == 17 and nrr["u9"] * 5 == 16
    assert [e.key for e in figures.weakest] == ["u4", "u3", "u1"]
    assert (figures.visits, figures.online, figures.population, figures.minimum_sample) == (40, 2, 42, 40)
    assert not figures.sample_enough
    assert dict(figures.by_source) == {"desk": 4, "kiosk": 1, "online": 1}
    assert [(p, n) for p, _name, n in figures.by_service] == [("A", 3), ("B", 2), ("", 1)]
    assert figures.previous_ikm is not None and str(figures.previous_ikm.ikm) == "100.00"
    assert figures.complaints.by_kind == {"complaint": 1, "suggestion": 1}
    assert figures.to_date is None
    expected = _expected_profile()
    assert {item.key: {line.key: line.count for line in item.lines} for item in figures.profile} == expected
    for item in figures.profile:
        assert sum(line.count for line in item.lines) == 6
        assert all(line.share == pytest.approx(line.count / 6) for line in item.lines)
    assert expected["sex"] == {"male": 1, "female": 3, "": 2}  # the docstring's hand count


def _expected_profile() -> dict[str, dict[str, int]]:
    """The profile section recounted from PROFILES: every answer of every item, "" not given."""
    respondents = len(PROFILES)
    out: dict[str, dict[str, int]] = {}
    for item in ITEMS:
        counts = {a.key: sum(1 for p in PROFILES if p.get(item.key) == a.key) for a in item.answers}
        counts[""] = sum(1 for p in PROFILES if item.key not in p)
        assert sum(counts.values()) == respondents
        out[item.key] = counts
    return out


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_the_pdf_holds_the_index_and_the_sample_line(skm_files: dict[str, Path]) -> None:
    text = _pdf_text(skm_files["pdf"])
    assert "Laporan Survei Kepuasan Masyarakat (SKM)" in text and "November 2026" in text
    assert "77,87" in text and "B (Baik)" in text
    assert ("6 responden dari sampel minimum 40 untuk populasi 42 (tabel Krejcie-Morgan): belum memenuhi, "
            "kurang 34.") in text  # fmt: skip
    for name in ("U2 Sistem, mekanisme, dan prosedur", "U8 Penanganan pengaduan, saran dan masukan",
                 "U9 Sarana dan prasarana"):  # fmt: skip
        assert name in text
    assert "3,167" in text and "2,833" in text  # u1 and u4 NRR
    assert "bobot tiap unsur sama, 1/9" in text
    assert "3. Profil responden" in text and "Perempuan 3 50,0%" in text and "Laki-laki 1 16,7%" in text
    assert "Tidak diisi 2 33,3%" in text and "D4/S1 3 50,0%" in text and "Pelajar/Mahasiswa 2 33,3%" in text
    assert "100,00" in text and "-22,13" in text  # October, and the change
    assert "Wati Pelapor" not in text and "Ruang tunggu panas" not in text  # no personal data
    english = _pdf_text(skm_files["pdf_en"])
    assert "77.87" in english and "B (Good)" in english and "short by 34" in english


SHOTS = Path("/tmp/antre-shots/reports")


def test_the_profile_page_renders(skm_files: dict[str, Path], tmp_path: Path) -> None:
    """The page with the respondent profile, drawn (pdftoppm) for docs/report.md and checked not blank."""
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdftoppm / pdftotext (poppler-utils) are not installed")
    from PIL import Image, ImageStat

    for language, key, heading in (
        ("id", "pdf", "3. Profil responden"),
        ("en", "pdf_en", "3. Respondent profile"),
    ):
        pdf = skm_files[key]
        page = next(
            n for n in range(1, 6)
            if heading in subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                         capture_output=True, text=True, check=True).stdout
        )  # fmt: skip
        prefix = tmp_path / f"profile-{language}"
        pages = ["-f", str(page), "-l", str(page)]
        subprocess.run(["pdftoppm", "-r", "80", "-png", *pages, "-singlefile", str(pdf), str(prefix)],
                       check=True, timeout=60)  # fmt: skip
        png = prefix.with_suffix(".png")
        with Image.open(png) as image:
            grey = image.convert("L")
            assert grey.getextrema()[0] < 100 and ImageStat.Stat(grey).mean[0] < 254, "a blank page"
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, SHOTS / f"skm-respondent-profile-{language}.png")


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _row(sheet: list[list[Any]], label: str) -> list[Any]:
    return next(r for r in sheet if r and r[0] == label)


def test_the_workbook_holds_the_figures(skm_files: dict[str, Path]) -> None:
    book = _sheets(skm_files["xlsx"])
    summary = book["Ringkasan"]
    assert _row(summary, "Indeks Kepuasan Masyarakat (IKM)")[1] == pytest.approx(77.87)
    assert _row(summary, "Mutu pelayanan")[1] == "B (Baik)"
    assert _row(summary, "Responden")[1] == 6
    assert _row(summary, "Sampel minimum (tabel Krejcie-Morgan)")[1] == 40
    elements = book["Nilai per unsur"]
    u4 = _row(elements, "U4")
    assert u4[1] == "Biaya/tarif" and u4[2:7] == [6, 0, 2, 3, 1] and u4[7] == pytest.approx(17 / 6)
    assert _row(elements, "U9")[2] == 5 and _row(elements, "U9")[9] == pytest.approx(80.0)
    assert _row(elements, "Total")[8] == pytest.approx(841 / 270) and _row(elements, "Total")[9] == 77.87
    respondents = book["Responden"]
    assert _row(respondents, "Kios")[1] == 1
    from shared.domain.skm_profile import BY_KEY

    expected = _expected_profile()
    for key, counts in expected.items():  # each item's table follows its heading
        at = next(i for i, r in enumerate(respondents) if r and r[0] == BY_KEY[key].name_id)
        rows = respondents[at + 2 : at + 2 + len(counts)]
        words = [a.text_id for a in BY_KEY[key].answers] + ["Tidak diisi"]
        assert [r[0] for r in rows] == words
        assert [r[1] for r in rows] == [counts[a.key] for a in BY_KEY[key].answers] + [counts[""]]
        assert [r[2] for r in rows] == pytest.approx([r[1] / 6 for r in rows])
    assert _row(respondents, "A")[2:4] == [3, pytest.approx(0.5)]  # the service used
    everything = " ".join(str(v) for sheet in book.values() for row in sheet for v in row if v is not None)
    assert "Wati Pelapor" not in everything and "Ruang tunggu panas" not in everything
    english = _sheets(skm_files["xlsx_en"])
    assert _row(english["Summary"], "Service quality")[1] == "B (Good)"
