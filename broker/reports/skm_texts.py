"""The SKM report's wording (Indonesian first, English) and the regulation's tables it prints.

The element names are PermenPAN-RB No. 14/2017's own (Lampiran, "Ruang lingkup"/unsur a-i); the
rating screen uses shorter names (``shared.domain.skm.ELEMENTS``), the report the official ones.
"""

from __future__ import annotations

from broker.reports import texts
from shared.domain import skm_profile

# u1..u9 -> (Indonesian, English): the regulation's element names.
OFFICIAL_ELEMENTS: dict[str, tuple[str, str]] = {
    "u1": ("Persyaratan", "Requirements"),
    "u2": ("Sistem, mekanisme, dan prosedur", "Systems, mechanisms and procedures"),
    "u3": ("Waktu penyelesaian", "Completion time"),
    "u4": ("Biaya/tarif", "Cost/tariff"),
    "u5": ("Produk spesifikasi jenis pelayanan", "Product specification of the type of service"),
    "u6": ("Kompetensi pelaksana", "Competence of the staff"),
    "u7": ("Perilaku pelaksana", "Conduct of the staff"),
    "u8": ("Penanganan pengaduan, saran dan masukan", "Handling of complaints, suggestions and input"),
    "u9": ("Sarana dan prasarana", "Facilities and infrastructure"),
}

# The regulation's conversion table: (NRR interval, IKM interval, band).
CONVERSION = (
    ("1,00 - 2,5996", "25,00 - 64,99", "D"),
    ("2,60 - 3,064", "65,00 - 76,60", "C"),
    ("3,0644 - 3,532", "76,61 - 88,30", "B"),
    ("3,5324 - 4,00", "88,31 - 100,00", "A"),
)

TEXTS: dict[str, tuple[str, str]] = {
    "skm_title": ("Laporan Survei Kepuasan Masyarakat (SKM)", "Public Satisfaction Survey (SKM) Report"),
    "skm_basis": ("Disusun menurut Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan "
                  "Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik.",
                  "Prepared per Regulation of the Minister of PANRB No. 14/2017 on the guidelines for the "
                  "public satisfaction survey of public service units."),
    "result": ("Hasil", "Result"),
    "sample": ("Responden dan sampel", "Respondents and sample"),
    "population": ("Populasi (yang dilayani dalam periode)", "Population (served in the period)"),
    "population_visits": ("Kunjungan (tiket)", "Visits (tickets)"),
    "population_online": ("Permintaan online diterima", "Online requests received"),
    "minimum_sample": ("Sampel minimum (tabel Krejcie-Morgan)", "Minimum sample (Krejcie-Morgan table)"),
    "sample_line": ("{respondents} responden dari sampel minimum {minimum} untuk populasi {population} "
                    "(tabel Krejcie-Morgan): {verdict}.",
                    "{respondents} respondents against a minimum sample of {minimum} for a population of "
                    "{population} (Krejcie-Morgan table): {verdict}."),
    "sample_ok": ("memenuhi", "enough"),
    "sample_short": ("belum memenuhi, kurang {missing}", "short by {missing}"),
    "sample_note": ("Populasi di antara dua baris tabel dibaca pada baris berikutnya (sampel lebih besar).",
                    "A population between two rows of the table is read at the next row (larger sample)."),
    "profile": ("Profil responden", "Respondent profile"),
    "profile_note": ("Profil diisi responden di layar penilaian setelah sembilan unsur (boleh dilewati); "
                     "layanan yang diterima dibaca dari tiket. Persen dari jumlah responden; \"tidak diisi\" "
                     "termasuk penilaian online yang dicatat petugas. Profil disimpan sebagai jumlah per "
                     "hari, tidak dikaitkan dengan penilaian atau pengunjung.",
                     "The profile is given by respondents on the rating screen after the nine elements "
                     "(skippable); the service used is read from the ticket. Per cent of the respondents; "
                     "\"not given\" includes online ratings recorded by staff. Profiles are stored as counts "
                     "per day, linked to no rating or visitor."),
    "not_given": ("Tidak diisi", "Not given"),
    "answer": ("Jawaban", "Answer"),
    "percent": ("%", "%"),
    "service_used": ("Jenis layanan", "Service used"),
    "by_source": ("Responden menurut cara menilai", "Respondents by how they rated"),
    "source": ("Cara menilai", "How rated"),
    "src_desk": ("Layar penilaian di meja", "Rating screen at the desk"),
    "src_kiosk": ("Kios", "Kiosk"),
    "src_online": ("Online (dicatat petugas)", "Online (recorded by staff)"),
    "by_service": ("Responden menurut layanan", "Respondents by service"),
    "online_service": ("Permintaan online", "Online requests"),
    "per_element": ("Nilai per unsur", "Score per element"),
    "answered_element": ("Menjawab", "Answered"),
    "weighted": ("NRR x bobot", "NRR x weight"),
    "method": ("Metode", "Method"),
    "method_text": ("NRR tiap unsur = jumlah nilai persepsi (1-4) / jumlah responden yang menjawab unsur "
                    "itu. IKM = jumlah (NRR x bobot) x 25, bobot tiap unsur sama = 1 / jumlah unsur. Nilai "
                    "dibulatkan dua desimal (setengah ke atas) sebelum mutu dibaca.",
                    "Each element's NRR = sum of the perception scores (1-4) / respondents who answered it. "
                    "IKM = sum of (NRR x weight) x 25, every element weighing the same = 1 / number of "
                    "elements. Values are rounded to two decimals (half up) before the band is read."),
    "conversion": ("Tabel konversi", "Conversion table"),
    "nrr_interval": ("Nilai interval (NI)", "Interval (NRR)"),
    "ikm_interval": ("Nilai interval konversi (NIK)", "Converted interval (IKM)"),
    "quality": ("Mutu pelayanan", "Service quality"),
    "comparison": ("Perbandingan dengan periode sebelumnya", "Compared with the previous period"),
    "previous": ("Periode sebelumnya", "Previous period"),
    "this_period": ("Periode ini", "This period"),
    "change": ("Perubahan", "Change"),
    "followup": ("Rencana tindak lanjut", "Follow-up plan"),
    "followup_text": ("Unsur dengan nilai terendah menjadi prioritas perbaikan. Kolom rencana diisi oleh "
                      "unit pelayanan.",
                      "The lowest-scored elements are the priorities. The plan column is filled in by the "
                      "service unit."),
    "plan": ("Rencana dan waktu", "Plan and timing"),
    "complaints_summary": ("Pengaduan, saran dan masukan", "Complaints, suggestions and input"),
    "complaints_note": ("Isi pengaduan dan kontak pelapor tidak dimuat (data pribadi); lihat halaman "
                        "Pengaduan di konsol.",
                        "The text and contact of each complaint are left out (personal data); see the "
                        "Complaints page in the console."),
    "signature": ("Mengetahui,", "Acknowledged,"),
    "head": ("Kepala", "Head"),
    "name_line": ("(nama dan NIP)", "(name and staff number)"),
    "skm_no_personal": ("Laporan ini hanya memuat jumlah dan nilai; penilaian tidak dikaitkan dengan "
                        "identitas pengunjung.",
                        "This report holds counts and scores only; no rating is linked to a visitor's "
                        "identity."),
}  # fmt: skip


def t(key: str, language: str) -> str:
    """The SKM report's text for ``key``, else the monthly report's (``texts.t``)."""
    pair = TEXTS.get(key)
    if pair is None:
        return texts.t(key, language)
    return pair[1] if language == "en" else pair[0]


def profile_item_name(key: str, language: str) -> str:
    return skm_profile.BY_KEY[key].name(language)


def profile_answer(item: str, answer: str, language: str) -> str:
    """An answer's words, or *tidak diisi* for ``""``."""
    if not answer:
        return t("not_given", language)
    return skm_profile.BY_KEY[item].answer(answer).text(language)


def element_name(key: str, language: str) -> str:
    pair = OFFICIAL_ELEMENTS[key]
    return pair[1] if language == "en" else pair[0]


def sample_line(respondents: int, minimum: int, population: int, language: str) -> str:
    """``21 responden dari sampel minimum 36 untuk populasi 40 ...: belum memenuhi, kurang 15.``"""
    missing = minimum - respondents
    verdict = t("sample_ok", language)
    if missing > 0:
        verdict = t("sample_short", language).format(missing=missing)
    n = texts.number
    return t("sample_line", language).format(
        respondents=n(respondents, 0, language), minimum=n(minimum, 0, language),
        population=n(population, 0, language), verdict=verdict,
    )  # fmt: skip
