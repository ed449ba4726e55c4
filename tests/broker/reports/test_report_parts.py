"""The report's pure parts: the guestbook classifier, the period options, the figures' arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from broker.reports.data import Period
from broker.reports.figures import histogram, online
from broker.reports.texts import mmss, number, percent, period_text
from deploy.cli.report import PeriodError, file_stem, parse_period
from shared.domain.visit_categories import institution_category, purpose_category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Universitas Lampung", "university"),
        ("Institut Teknologi Sumatera", "university"),
        ("Institut Pemerintahan Dalam Negeri", "university"),  # "pemerintahan" does not make it government
        ("Politeknik Negeri Lampung", "university"),
        ("Sekolah Tinggi Ilmu Ekonomi Lampung", "university"),  # not a school
        ("STIE Gentiaras", "university"),
        ("UIN Raden Intan", "university"),
        ("mahasiswa", "university"),
        ("SMA Negeri 1 Menggala", "school"),
        ("SMKN 2 Tulang Bawang", "school"),
        ("MAN 1 Tulang Bawang", "school"),
        ("Sekolah Dasar Negeri 3", "school"),
        ("PT Sinar Laut Abadi", "company"),
        ("CV. Maju Jaya", "company"),
        ("Bank Lampung", "company"),
        ("PT. Bank Rakyat Indonesia (Persero) Tbk", "company"),
        ("Dinas Kesehatan Kab. Tulang Bawang", "government"),
        ("Pemkab Tulang Bawang", "government"),
        ("Kecamatan Menggala", "government"),
        ("Kampung Ujung Gunung", "government"),
        ("BAPPEDA", "government"),
        ("", "individual"),
        (None, "individual"),
        ("-", "individual"),
        ("umum", "individual"),
        ("Warung Bu Siti", "individual"),  # unknown: individual or other
        ("Ptolemy Studio", "individual"),  # "pt" only as a whole word
    ],
)
def test_institution_categories(text: str | None, category: str) -> None:
    assert institution_category(text) == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Data kemiskinan Tulang Bawang 2025", "data"),
        ("minta tabel PDRB", "data"),
        ("Jumlah penduduk per kecamatan", "data"),
        ("Konsultasi metodologi penarikan sampel", "methodology"),
        ("Metadata dan klasifikasi KBLI", "methodology"),  # "metadata" is not "data"
        ("Rekomendasi kegiatan statistik sektoral", "recommendation"),  # before "statistik" as data
        ("Izin survei di Menggala", "recommendation"),
        ("Membaca publikasi Tulang Bawang Dalam Angka", "library"),  # "angka" alone would be data
        ("Perpustakaan", "library"),
        ("Silaturahmi", "other"),
        ("", "other"),
        (None, "other"),
    ],
)
def test_purpose_categories(text: str | None, category: str) -> None:
    assert purpose_category(text) == category


def test_periods() -> None:
    today = date(2026, 11, 25)
    assert parse_period("2026-11", None, None, today) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert parse_period("2026-12", None, None, today) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert parse_period("2028-02", None, None, today) == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert parse_period(None, None, None, today) == Period(
        date(2026, 10, 1), date(2026, 10, 31)
    )  # last month
    assert parse_period(None, None, None, date(2027, 1, 3)).start == date(2026, 12, 1)
    assert parse_period(None, "2026-11-01", "2026-11-15", today) == Period(
        date(2026, 11, 1), date(2026, 11, 15)
    )
    for bad in (("2026-13", None, None), (None, "2026-11-02", None), (None, "2026-11-02", "2026-11-01"),
                (None, "2026-11-31", "2026-12-01"), ("November", None, None)):  # fmt: skip
        with pytest.raises(PeriodError):
            parse_period(*bad, today)


def test_period_words_and_file_names() -> None:
    month = Period(date(2026, 11, 1), date(2026, 11, 30))
    span = Period(date(2026, 11, 1), date(2026, 12, 15))
    assert period_text(month, "id") == "November 2026" and period_text(month, "en") == "November 2026"
    assert period_text(Period(date(2026, 8, 1), date(2026, 8, 31)), "id") == "Agustus 2026"
    assert period_text(span, "id") == "1 November 2026 - 15 Desember 2026"
    assert file_stem(month, "id") == "laporan-pst-2026-11" and file_stem(month, "en") == "pst-report-2026-11"
    assert file_stem(span, "id") == "laporan-pst-2026-11-01_2026-12-15"
    assert len(month.days()) == 30 and len(span.days()) == 45


def test_numbers_as_written() -> None:
    assert number(1234.5, 2, "id") == "1.234,50" and number(1234.5, 2, "en") == "1,234.50"
    assert number(None, 2, "id") == "-"
    assert percent(0.625, "id") == "62,5%" and percent(None, "en") == "-"
    assert mmss(359.6) == "6:00" and mmss(None) == "-"


def test_online_met_late_pending() -> None:
    due = date(2026, 11, 27)
    rows = [
        (due, date(2026, 11, 27)),  # answered on the due day: met
        (due, date(2026, 11, 30)),  # answered after: late
        (due, None),  # not answered: pending until the due day is over
    ]
    assert online(5, rows, date(2026, 11, 27)) == online(5, rows, date(2026, 11, 25))
    figures = online(5, rows, date(2026, 11, 27))
    assert (figures.received, figures.due, figures.met, figures.late, figures.pending) == (5, 3, 1, 1, 1)
    after = online(5, rows, date(2026, 11, 28))
    assert (after.met, after.late, after.pending) == (1, 2, 0)
    assert after.share == pytest.approx(1 / 3)


def test_histogram_bins_by_minute_with_an_open_last_bar() -> None:
    bars = histogram([(0, 0), (59.9, 60), (61, 599.9), (600, 600), (7200, 45)], minutes=10)
    assert bars[0] == (0, 2, 2) and bars[1] == (1, 1, 1) and bars[9] == (9, 0, 1)
    assert bars[10] == (10, 2, 1)  # 600 s and 7200 s
    assert sum(r for _m, r, _c in bars) == 5 == sum(c for _m, _r, c in bars)
