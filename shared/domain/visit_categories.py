"""Sort the guestbook's free text into a few categories, for counting only (pure, no I/O).

The guestbook's ``institution`` and ``purpose`` are typed freely by the visitor. The report never
prints them: it counts visits per category. The rules are simple keyword rules, read in order;
the first category with a matching word wins, so the more specific ones come first (a
"Sekolah Tinggi" is a college, "Institut Pemerintahan" is a college, "Bank" is a company even
when the name says "daerah"). The text is lower-cased and split into words at anything that is
not a letter or digit; a keyword matches whole words (a keyword of two words, the same two words in
a row). Anything unmatched is "other"; an empty institution is a private person.

Institution: ``university`` (universitas, institut, politeknik, sekolah tinggi, akademi, STIE,
STMIK, UIN, mahasiswa, ...), ``school`` (sekolah, SD, SMP, SMA, SMK, MTs, MA, madrasah, pesantren,
siswa, pelajar), ``company`` (PT, CV, UD, bank, BUMN, BUMD, persero, perusahaan, koperasi),
``government`` (pemerintah, dinas, badan, camat, kementerian, bappeda, kecamatan, desa, kampung,
DPRD, polres, TNI, puskesmas, RSUD, BPS, ...), ``individual`` (empty, "umum", "pribadi",
"perorangan", "-", and anything else).

Purpose: ``recommendation`` (rekomendasi, romantik, izin survei), ``library`` (perpustakaan,
publikasi, buku, BRS, "dalam angka"), ``methodology`` (metodologi, metode, sampel, kuesioner,
metadata, klasifikasi, KBLI, konsep, definisi), ``data`` (data, tabel, angka,
statistik, jumlah, PDRB, inflasi, penduduk, kemiskinan, ...), ``other``.
"""

from __future__ import annotations

import re

INSTITUTION_CATEGORIES = ("government", "university", "school", "company", "individual")
PURPOSE_CATEGORIES = ("data", "methodology", "recommendation", "library", "other")

_INSTITUTION_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("university", (
        "universitas", "university", "univ", "institut", "institute", "politeknik", "poltek",
        "polytechnic", "sekolah tinggi", "akademi", "academy", "perguruan tinggi", "stie", "stmik",
        "stikes", "stih", "stit", "stis", "uin", "iain", "stain", "kampus", "college", "mahasiswa",
        "mahasiswi", "dosen", "fakultas", "student",
    )),
    ("school", (
        "sekolah", "sd", "sdn", "smp", "smpn", "sma", "sman", "smk", "smkn", "mts", "mtsn", "ma",
        "man", "mi", "min", "madrasah", "pesantren", "siswa", "siswi", "pelajar", "guru", "school",
    )),
    ("company", (
        "pt", "cv", "ud", "tbk", "bank", "bumn", "bumd", "persero", "perusahaan", "koperasi",
        "company", "firma", "toko", "swasta", "private",
    )),
    ("government", (
        "pemerintah", "pemerintahan", "pemkab", "pemkot", "pemprov", "pemda", "kabupaten", "provinsi",
        "dinas", "badan", "camat", "kementerian", "kemenkeu", "kemendagri", "kemenag", "bappeda",
        "bapeda", "bapenda", "bpbd", "bpkad", "setda", "sekretariat", "inspektorat", "kecamatan",
        "kelurahan", "desa", "kampung", "dprd", "polres", "polsek", "polda", "polri", "tni", "kodim",
        "koramil", "puskesmas", "rsud", "bps", "kpu", "bawaslu", "pengadilan", "kejaksaan",
        "government", "ministry", "agency",
    )),
)  # fmt: skip

_PURPOSE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("recommendation", (
        "rekomendasi", "romantik", "izin survei", "ijin survei", "recommendation",
    )),
    ("library", (
        "perpustakaan", "pustaka", "publikasi", "buku", "brs", "berita resmi", "dalam angka",
        "membaca", "library", "publication", "book",
    )),
    ("methodology", (
        "metodologi", "metode", "metodelogi", "sampel", "sampling", "kuesioner", "metadata",
        "klasifikasi", "kbli", "kbji", "konsep", "definisi", "methodology", "method", "questionnaire",
    )),
    ("data", (
        "data", "tabel", "table", "angka", "statistik", "statistics", "jumlah", "pdrb", "inflasi",
        "penduduk", "kemiskinan", "ipm", "ekspor", "impor", "harga", "upah", "pengangguran",
        "produksi", "sensus", "survei", "indeks", "population", "poverty",
    )),
)  # fmt: skip

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> str:
    """`` word word word `` (lower case, single spaces, padded) so a keyword matches whole words."""
    return " " + " ".join(_NOT_WORD.split(text.lower())).strip() + " "


def _first(text: str, rules: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    words = _words(text)
    for category, keywords in rules:
        if any(f" {keyword} " in words for keyword in keywords):
            return category
    return None


def institution_category(text: str | None) -> str:
    """One of ``INSTITUTION_CATEGORIES``; an empty or unknown institution is ``individual``."""
    return _first(text or "", _INSTITUTION_RULES) or "individual"


def purpose_category(text: str | None) -> str:
    """One of ``PURPOSE_CATEGORIES``."""
    return _first(text or "", _PURPOSE_RULES) or "other"
