"""``antre report``: a known month seeded into an SQLite file (and PostgreSQL when one answers), the
command run through ``deploy.cli.main.main``, the XLSX read back cell by cell and the PDF as text and as
PNG pages. No guestbook text, name, ID number, email or phone may appear in either file."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from deploy.cli.main import main
from tests.broker.reports.report_seed import IKM, PERSONAL, seed

CONFIG = """
office_name = "BPS Kabupaten Tulang Bawang"
[[services]]
prefix = "A"
name = "Konsultasi Statistik"
[[services]]
prefix = "B"
name = "Perpustakaan"
[[desks]]
id = "1"
name = "Meja 1"
[[desks]]
id = "2"
name = "Meja 2"
"""


@pytest.fixture
def report_files(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The October 2026 report, in Indonesian and in English."""
    for name in ("ANTRE_DB_URL", "ANTRE_CONFIG", "ANTRE_SITE"):
        monkeypatch.delenv(name, raising=False)
    seed(db_url)
    config = tmp_path / "antre.toml"
    config.write_text(f'[db]\nurl = "{db_url}"\n{CONFIG}', encoding="utf-8")
    files = {}
    for language in ("id", "en"):
        out = tmp_path / f"out-{language}"
        assert main(["--config", str(config), "report", "--month", "2026-10", "--out", str(out),
                     "--lang", language]) == 0  # fmt: skip
        stem = "laporan-pst-2026-10" if language == "id" else "pst-report-2026-10"
        files[f"xlsx_{language}"] = out / f"{stem}.xlsx"
        files[f"pdf_{language}"] = out / f"{stem}.pdf"
    return files


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _row(sheet: list[list[Any]], label: str, after: str | None = None) -> list[Any]:
    """The first row whose first cell is ``label`` (below the row whose first cell is ``after``)."""
    start = 0
    if after is not None:
        start = next(i for i, row in enumerate(sheet) if row[0] == after)
    for row in sheet[start:]:
        if row[0] == label:
            return row
    raise AssertionError(f"no row {label!r} in {[r[0] for r in sheet]}")


def test_the_workbook_holds_the_months_figures(report_files: dict[str, Path]) -> None:
    book = _sheets(report_files["xlsx_id"])
    assert list(book) == ["Ringkasan", "Pengunjung", "Waktu tunggu", "Standar 10 menit",
                          "Prioritas dan di luar urutan", "Online", "SKM", "Pengaduan dan saran"]  # fmt: skip

    visitors = book["Pengunjung"]
    days = {row[0].date(): row[1:4] for row in visitors if hasattr(row[0], "date")}
    assert len(days) == 31  # every day of October, the empty ones too
    assert days[date(2026, 10, 5)] == [3, 1, 4] and days[date(2026, 10, 6)] == [2, 1, 3]
    assert sum(d[2] for d in days.values()) == 7  # the 30 September and 2 November tickets are not in
    assert _row(visitors, "A", "Pengunjung per layanan")[:3] == ["A", "Konsultasi Statistik", 7 - 2]
    assert _row(visitors, "B", "Pengunjung per layanan")[:3] == ["B", "Perpustakaan", 2]
    start = next(i for i, r in enumerate(visitors) if r[0] == "Keperluan")
    purposes = {r[0]: r[1] for r in visitors[start + 1 : start + 6]}
    assert purposes == {"Data/tabel": 2, "Konsultasi metodologi": 1, "Rekomendasi statistik": 1,
                        "Perpustakaan/publikasi": 2, "Lainnya": 0}  # fmt: skip
    start = next(i for i, r in enumerate(visitors) if r[0] == "Jenis instansi")
    institutions = {r[0]: r[1] for r in visitors[start + 1 : start + 6]}
    assert institutions == {"Pemerintah": 1, "Perguruan tinggi": 1, "Sekolah": 1, "Swasta/BUMN": 1,
                            "Perorangan/lainnya": 2}  # fmt: skip
    assert _row(visitors, "Pengunjung berbeda (orang, buku tamu)")[1] == 5  # 6 entries: Ahmad's 2
    assert _row(visitors, "Tiket tanpa buku tamu")[1] == 1

    waits = book["Waktu tunggu"]
    assert _row(waits, "Ambil tiket s.d. dipanggil")[1:5] == [7, 6.0, 30.0, 30.0]  # minutes
    assert _row(waits, "Jam standar 10 menit saat dipanggil")[1:5] == [7, 5.0, 30.0, 30.0]

    standard = book["Standar 10 menit"]
    assert _row(standard, "Memenuhi")[1] == 5 and _row(standard, "Melewati")[1] == 3
    assert _row(standard, "Persen memenuhi")[1] == pytest.approx(5 / 8)
    assert _row(standard, "1", "Per meja")[1:6] == ["Meja 1", 4, 3, 1, pytest.approx(0.75)]
    assert _row(standard, "2", "Per meja")[1:6] == ["Meja 2", 3, 2, 1, pytest.approx(2 / 3)]
    assert _row(standard, "o1", "Per petugas")[1:6] == ["Rina Officer", 4, 3, 1, pytest.approx(0.75)]
    assert _row(standard, "o2", "Per petugas")[1:6] == ["Budi Officer", 2, 1, 1, pytest.approx(0.5)]
    assert _row(standard, "(tanpa petugas masuk)", "Per petugas")[2:5] == [1, 1, 0]
    assert _row(standard, "2026-10-06", "Per hari")[1:4] == [3, 2, 2]

    online = book["Online"]
    labels = ("Diterima dalam periode", "Jatuh tempo dalam periode", "Dijawab tepat waktu", "Terlambat",
              "Belum dijawab, masih dalam batas waktu")  # fmt: skip
    assert [_row(online, label)[1] for label in labels] == [3, 4, 2, 2, 0]

    skm = book["SKM"]
    assert f"{_row(skm, 'Indeks Kepuasan Masyarakat (IKM)')[1]:.2f}" == IKM
    assert _row(skm, "Mutu pelayanan")[1] == "A (Sangat baik)"
    assert _row(skm, "Responden")[1] == 4
    assert _row(skm, "U4")[2:7] == [4, 0, 0, 1, 3]  # respondents, then answers 1..4
    assert _row(skm, "U9")[2] == 3 and _row(skm, "U9")[8] == pytest.approx(91.67)
    faces = {r[0]: r[1] for r in skm if r[0] in (1, 2, 3, 4, 5)}
    assert faces == {1: 0, 2: 1, 3: 0, 4: 1, 5: 2}
    assert _row(skm, "Rata-rata")[1] == pytest.approx(4.0)
    assert any(str(r[0]).startswith("Metode: bobot tiap unsur sama, 1/9 (= 0,1111)") for r in skm)

    complaints = book["Pengaduan dan saran"]
    assert [_row(complaints, s)[1] for s in ("Terbuka", "Ditanggapi", "Selesai", "Total")] == [1, 1, 2, 4]
    hours = "Waktu sampai ditanggapi (jam)"
    answers = [_row(complaints, label, hours)[1] for label in ("Ditanggapi", "Median", "Maksimum")]
    assert answers == [3, 4.0, 24.0]

    summary = book["Ringkasan"]
    assert _row(summary, "Kunjungan (tiket)")[1] == 7


def test_the_english_workbook(report_files: dict[str, Path]) -> None:
    book = _sheets(report_files["xlsx_en"])
    assert "Summary" in book and "10-minute standard" in book
    assert _row(book["Summary"], "Visits (tickets)")[1] == 7
    assert _row(book["SKM"], "Service quality")[1] == "A (Very good)"


def test_no_personal_data_in_either_file(report_files: dict[str, Path]) -> None:
    texts = []
    for key in ("xlsx_id", "xlsx_en"):
        for rows in _sheets(report_files[key]).values():
            texts += [str(cell) for row in rows for cell in row if cell is not None]
    for key in ("pdf_id", "pdf_en"):
        texts.append(_pdf_text(report_files[key]))
    everything = "\n".join(texts).lower()
    for value in PERSONAL:
        assert value.lower() not in everything, value


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_the_pdf_reads_and_renders(report_files: dict[str, Path], tmp_path: Path) -> None:
    text = " ".join(_pdf_text(report_files["pdf_id"]).split())
    assert "Laporan Bulanan Pelayanan Statistik Terpadu" in text and "Oktober 2026" in text
    assert "IKM" in text and "88,66" in text and "Sangat baik" in text
    assert "62,5%" in text  # 5 of 8 met the 10-minute standard
    assert "bobot tiap unsur sama, 1/9 (= 0,1111), menurut PermenPAN-RB No. 14 Tahun 2017" in text
    english = " ".join(_pdf_text(report_files["pdf_en"]).split())
    assert "every element weighs the same, 1/9 (= 0.1111), per PermenPAN-RB No. 14/2017" in english
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pages = _render(report_files["pdf_id"], tmp_path / "pages")
    assert len(pages) >= 3
    from PIL import Image, ImageStat

    for page in pages:
        with Image.open(page) as image:
            grey = image.convert("L")
            assert grey.getextrema()[0] < 100, f"{page.name} is blank"  # some dark ink
            assert ImageStat.Stat(grey).mean[0] < 254, f"{page.name} is nearly blank"


def _render(pdf: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "page")], check=True, timeout=60)
    return sorted(out.glob("page*.png"))


def test_an_empty_month_and_a_database_without_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("ANTRE_DB_URL", "ANTRE_CONFIG", "ANTRE_SITE"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "antre.toml"
    config.write_text(f'[db]\nurl = "sqlite:///{tmp_path / "antre.db"}"\n', encoding="utf-8")
    args = ["--config", str(config), "report", "--month", "2025-01", "--out", str(tmp_path)]
    assert main(args) == 1
    assert "antre db upgrade" in capsys.readouterr().err
    assert main(["--config", str(config), "db", "upgrade"]) == 0
    assert main(args) == 0
    book = _sheets(tmp_path / "laporan-pst-2025-01.xlsx")
    assert _row(book["Ringkasan"], "Kunjungan (tiket)")[1] == 0
    assert _row(book["Ringkasan"], "Mutu pelayanan")[1] == "-"
    assert "Belum ada penilaian SKM dalam periode ini." in [r[0] for r in book["SKM"]]
    assert "Januari 2025" in _pdf_text(tmp_path / "laporan-pst-2025-01.pdf")
    assert main(["--config", str(config), "report", "--from", "2025-01-02"]) == 2
