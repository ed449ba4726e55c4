"""The report's wording in Indonesian (default) and English, and how numbers are written."""

from __future__ import annotations

from datetime import date, datetime

from broker.reports.data import Period
from shared.domain.calendar_words import MONTHS
from shared.domain.skm import IkmResult

# key -> (Indonesian, English)
TEXTS: dict[str, tuple[str, str]] = {
    "title_month": ("Laporan Bulanan Pelayanan Statistik Terpadu",
                    "Monthly Report, Integrated Statistical Service"),
    "title_range": ("Laporan Pelayanan Statistik Terpadu", "Report, Integrated Statistical Service"),
    "period": ("Periode", "Period"),
    "generated": ("Dibuat", "Generated"),
    "no_personal": ("Laporan ini hanya memuat jumlah; tidak ada data pribadi pengunjung.",
                    "This report holds counts only; no visitor's personal data."),
    "summary": ("Ringkasan", "Summary"),
    "figure": ("Uraian", "Figure"),
    "value": ("Nilai", "Value"),
    "visitors": ("Pengunjung", "Visitors"),
    "visits": ("Kunjungan (tiket)", "Visits (tickets)"),
    "unique_guests": ("Pengunjung berbeda (orang, buku tamu)", "Distinct visitors (people, guestbook)"),
    "empty": ("Belum ada kunjungan dalam periode ini.", "No visits in this period yet."),
    "to_date": ("s.d. {day}", "to date ({day})"),
    "in_progress": ("Periode masih berjalan: angka sampai dengan {day}; hari sesudahnya belum dihitung.",
                    "The period is still running: figures up to {day}; later days are not counted yet."),
    "without_guestbook": ("Tiket tanpa buku tamu", "Tickets without a guestbook entry"),
    "per_day": ("Pengunjung per hari", "Visitors per day"),
    "per_service": ("Pengunjung per layanan", "Visitors per service"),
    "per_purpose": ("Pengunjung per keperluan", "Visitors per purpose"),
    "per_institution": ("Pengunjung per jenis instansi", "Visitors per type of institution"),
    "day": ("Tanggal", "Date"),
    "service": ("Layanan", "Service"),
    "purpose": ("Keperluan", "Purpose"),
    "institution": ("Jenis instansi", "Type of institution"),
    "count": ("Jumlah", "Count"),
    "total": ("Total", "Total"),
    "percent": ("Persen", "Percent"),
    "classified_note": ("Keperluan dan instansi dikelompokkan otomatis dari isian buku tamu (kata kunci).",
                        "Purpose and institution are grouped automatically from the guestbook (keywords)."),
    "waits": ("Waktu tunggu", "Waiting times"),
    "waits_section": ("Waktu tunggu dan standar 10 menit", "Waiting times and the 10-minute standard"),
    "appendix": ("Lampiran", "Appendix"),
    "median": ("Median", "Median"),
    "p90": ("P90", "P90"),
    "max": ("Maksimum", "Maximum"),
    "samples": ("Jumlah panggilan", "Calls"),
    "raw_wait": ("Ambil tiket s.d. dipanggil", "Ticket to call"),
    "clock_at_call": ("Jam standar 10 menit saat dipanggil", "10-minute clock at the call"),
    "minutes_note": ("Dalam menit:detik. Jam standar dimulai saat pengunjung sebelumnya selesai dilayani "
                     "dan hanya berjalan pada jam buka.",
                     "In minutes:seconds. The standard's clock starts when the visitor before finished and "
                     "runs only in opening hours."),
    "histogram": ("Sebaran waktu tunggu", "Distribution of waits"),
    "minutes": ("menit", "minutes"),
    "calls": ("panggilan", "calls"),
    "standard": ("Standar pelayanan 10 menit", "10-minute service standard"),
    "passes": ("Antrean (lintasan)", "Queue passes"),
    "called": ("Dipanggil", "Called"),
    "met": ("Memenuhi", "Met"),
    "breached": ("Melewati", "Breached"),
    "not_called": ("Tidak dipanggil, belum lewat 10 menit", "Never called, not breached"),
    "not_called_note": ("Tidak dipanggil, belum lewat 10 menit: giliran antrean yang berakhir tanpa "
                        "panggilan sebelum jam standar mencapai 10 menit (pengunjung pergi, dialihkan ke "
                        "layanan lain, atau antrean ditutup akhir hari), atau yang masih menunggu; tidak "
                        "masuk persen.",
                        "Never called, not breached: queue passes that ended without a call before the "
                        "standard's clock reached 10 minutes (the visitor left, was transferred to another "
                        "service, or the queue closed at the end of the day), or are still waiting; not in "
                        "the share."),
    "idle_desk": ("Waktu tunggu saat meja menganggur", "Wait while a desk was idle"),
    "idle_desk_note": ("Waktu tunggu saat meja menganggur: per giliran antrean, lama menunggu selama ada "
                       "meja yang melayani layanannya buka (petugas masuk, atau dibuka dengan tombol) dan "
                       "kosong, pada jam buka.",
                       "Wait while a desk was idle: per queue pass, the time it waited while a desk serving "
                       "its service was open (an officer signed in, or opened by button) and free, in "
                       "opening hours."),
    "met_share": ("Persen memenuhi", "Share met"),
    "by_desk": ("Per meja", "Per desk"),
    "by_officer": ("Per petugas", "Per officer"),
    "by_day_standard": ("Per hari", "Per day"),
    "desk": ("Meja", "Desk"),
    "officer": ("Petugas", "Officer"),
    "officer_id": ("ID petugas", "Officer id"),
    "not_signed_in": ("(tanpa petugas masuk)", "(nobody signed in)"),
    "standard_note": ("Memenuhi: dipanggil paling lama 10 menit sejak pengunjung sebelumnya selesai. "
                      "Persen = memenuhi / (memenuhi + melewati). Per meja dan per petugas: yang dipanggil "
                      "saja; yang melewati 10 menit tanpa pernah dipanggil hanya masuk total.",
                      "Met: called at most 10 minutes after the previous visitor's end. Share = met / (met + "
                      "breached). Per desk and per officer: called passes only; a pass that breached and was "
                      "never called counts in the total alone."),
    "online": ("Permintaan online (standar 3 hari kerja)", "Online requests (3-working-day standard)"),
    "online_received": ("Diterima dalam periode", "Received in the period"),
    "online_due": ("Jatuh tempo dalam periode", "Due in the period"),
    "online_met": ("Dijawab tepat waktu", "Answered in time"),
    "online_late": ("Terlambat", "Late"),
    "online_pending": ("Belum dijawab, masih dalam batas waktu", "Not answered yet, still in time"),
    "skm": ("Survei Kepuasan Masyarakat (SKM)", "Satisfaction survey (SKM)"),
    "ikm": ("Indeks Kepuasan Masyarakat (IKM)", "Satisfaction index (IKM)"),
    "band": ("Mutu pelayanan", "Service quality"),
    "band_short": ("Mutu", "Band"),
    "ikm_per_element": ("Nilai per unsur", "Score per element"),
    "respondents": ("Responden", "Respondents"),
    "element": ("Unsur", "Element"),
    "nrr": ("NRR (1-4)", "NRR (1-4)"),
    "converted": ("Nilai (x25)", "Score (x25)"),
    "answers": ("Jawaban", "Answers"),
    "no_ratings": ("Belum ada penilaian SKM dalam periode ini.", "No SKM ratings in this period."),
    "ikm_note": ("Menurut PermenPAN-RB No. 14 Tahun 2017: IKM = rata-rata NRR unsur x 25; mutu A 88,31-100, "
                 "B 76,61-88,30, C 65,00-76,60, D 25,00-64,99.",
                 "Per PermenPAN-RB No. 14/2017: IKM = mean of the elements' NRR x 25; band A 88.31-100, "
                 "B 76.61-88.30, C 65.00-76.60, D 25.00-64.99."),
    "ikm_weight": ("Metode: bobot tiap unsur sama, {weight} (= {decimal}), menurut PermenPAN-RB "
                   "No. 14 Tahun 2017 (dihitung tepat, bukan dibulatkan 0,11).",
                   "Method: every element weighs the same, {weight} (= {decimal}), per PermenPAN-RB "
                   "No. 14/2017 (exact, not rounded to 0.11)."),
    "ikm_partial": ("Tidak semua unsur dijawab; bobot = 1 / unsur yang dijawab.",
                    "Not every element has answers; weight = 1 / answered elements."),
    "overall": ("Penilaian cepat (wajah 1-5, di luar IKM)",
                "One-tap rating (faces 1-5, not part of the IKM)"),
    "face": ("Wajah", "Face"),
    "mean": ("Rata-rata", "Mean"),
    "complaints": ("Pengaduan dan saran", "Complaints and suggestions"),
    "complaints_total": ("Jumlah pengaduan dan saran", "Complaints and suggestions"),
    "status": ("Status", "Status"),
    "kind": ("Jenis", "Kind"),
    "answer_time": ("Waktu sampai ditanggapi (jam)", "Time to answer (hours)"),
    "answered_count": ("Ditanggapi", "Answered"),
    "open": ("Terbuka", "Open"),
    "answered": ("Ditanggapi", "Answered"),
    "closed": ("Selesai", "Closed"),
    "complaint": ("Pengaduan", "Complaint"),
    "suggestion": ("Saran", "Suggestion"),
    "government": ("Pemerintah", "Government"),
    "university": ("Perguruan tinggi", "University or college"),
    "school": ("Sekolah", "School"),
    "company": ("Swasta/BUMN", "Company or state enterprise"),
    "individual": ("Perorangan/lainnya", "Individual or other"),
    "data": ("Data/tabel", "Data or tables"),
    "methodology": ("Konsultasi metodologi", "Methodology"),
    "recommendation": ("Rekomendasi statistik", "Statistical recommendation"),
    "library": ("Perpustakaan/publikasi", "Library or publications"),
    "other": ("Lainnya", "Other"),
    # The priority lane and the desk actions (issue 18).
    "lanes": ("Layanan prioritas dan panggilan di luar urutan", "Priority service and out-of-order calls"),
    "lanes_sheet": ("Prioritas dan di luar urutan", "Priority and out of order"),
    "priority_visits": ("Kunjungan prioritas", "Priority visits"),
    "out_of_order_calls": ("Panggilan di luar urutan", "Out-of-order calls"),
    "lane": ("Jalur antrean", "Queue lane"),
    "lane_ordinary": ("Biasa", "Ordinary"),
    "lane_priority": ("Prioritas", "Priority"),
    "visits_short": ("Kunjungan", "Visits"),
    "median_wait": ("Median tunggu", "Median wait"),
    "p90_wait": ("P90 tunggu", "P90 wait"),
    "priority_category": ("Kategori prioritas", "Priority category"),
    "cat_lansia": ("Lansia", "Older visitor"),
    "cat_disabilitas": ("Penyandang disabilitas", "Visitor with a disability"),
    "cat_hamil": ("Ibu hamil", "Pregnant woman"),
    "cat_anak": ("Membawa anak kecil", "With a small child"),
    "cat_unstated": ("Tanpa kategori", "No category stated"),
    "reason": ("Alasan", "Reason"),
    "reason_returned": ("Pengunjung kembali", "Visitor came back"),
    "reason_appointment": ("Janji temu", "Appointment"),
    "reason_priority_need": ("Perlu layanan prioritas", "Needs priority service"),
    "reason_same_group": ("Satu rombongan", "Same group"),
    "reason_other": ("Lainnya", "Other"),
    "desk_actions": ("Per meja: di luar urutan, ditunda, dikembalikan",
                     "Per desk: out of order, parked, returned"),
    "holds": ("Ditunda (parkir di meja)", "Parked at the desk"),
    "resumes": ("Dipanggil kembali", "Called back"),
    "returns": ("Dikembalikan ke antrean", "Returned to the queue"),
    "parked_visits": ("Kunjungan yang pernah ditunda", "Visits parked at least once"),
    "hold_endings": ("Akhir penundaan", "How holds ended"),
    "ended_resumed": ("Dipanggil kembali", "Called back"),
    "ended_returned": ("Dikembalikan ke antrean", "Returned to the queue"),
    "ended_open": ("Tidak dipanggil kembali", "Not called back"),
    "lanes_note": ("Prioritas: lansia, penyandang disabilitas, ibu hamil, pengunjung membawa anak kecil "
                   "(UU 25/2009 Pasal 29), menurut pilihan pengunjung di kios. Waktu tunggu dan standar "
                   "10 menit dihitung per giliran antrean menurut jalurnya; pengunjung yang dikembalikan "
                   "ke antrean mendapat giliran baru. Panggilan di luar urutan dicatat beserta alasannya "
                   "oleh petugas dan dihitung di sini. Penundaan yang tidak dipanggil kembali: pengunjung "
                   "masih ditunda, atau antrean ditutup akhir hari.",
                   "Priority: older visitors, visitors with a disability, pregnant women, visitors with a "
                   "small child (UU 25/2009 art. 29), as the visitor chose at the kiosk. Waits and the "
                   "10-minute standard are counted per queue pass by its lane; a visitor returned to the "
                   "queue gets a new pass. Out-of-order calls are recorded with the officer's reason and "
                   "counted here. A hold not called back: the visitor is still parked, or the day closed."),
    "page": ("Halaman", "Page"),
    "none": ("-", "-"),
}  # fmt: skip


def t(key: str, language: str) -> str:
    """The text of ``key`` in ``language`` (``id`` or ``en``); an unknown word is shown as it is."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    return pair[1] if language == "en" else pair[0]


def is_month(period: Period) -> bool:
    following = date(period.start.year + period.start.month // 12, period.start.month % 12 + 1, 1)
    return period.start.day == 1 and (following - period.end).days == 1


def period_text(period: Period, language: str, to_date: date | None = None) -> str:
    """``November 2026`` for a whole month, else ``1 November 2026 - 15 Desember 2026``; a period
    still running (``to_date``): ``Desember 2026, s.d. 3 Desember 2026``."""
    months = MONTHS[language]
    if is_month(period):
        text = f"{months[period.start.month - 1]} {period.start.year}"
    else:
        text = f"{short_date(period.start, language)} - {short_date(period.end, language)}"
    if to_date is not None:
        text += ", " + t("to_date", language).format(day=short_date(to_date, language))
    return text


def stamp(moment: datetime) -> str:
    """``2026-12-03 08:15 WIB``: a time in the office's zone (``moment`` already in it), with its name."""
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def ikm_method(ikm: IkmResult, language: str) -> str:
    """The method line: the weight each element had (1/9 when all nine have answers)."""
    n = len(ikm.elements)
    return t("ikm_weight", language).format(weight=f"1/{n}", decimal=number(1 / n, 4, language))


def short_date(day: date, language: str) -> str:
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def title(period: Period, language: str) -> str:
    return t("title_month" if is_month(period) else "title_range", language)


def number(value: float | None, decimals: int, language: str) -> str:
    """``88,31`` in Indonesian, ``88.31`` in English; thousands ``1.234`` / ``1,234``; ``-`` for none."""
    if value is None:
        return "-"
    text = f"{value:,.{decimals}f}"
    if language != "en":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def percent(value: float | None, language: str) -> str:
    return "-" if value is None else number(100 * value, 1, language) + "%"


def mmss(seconds: float | None) -> str:
    """Minutes:seconds, ``-`` for none."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
