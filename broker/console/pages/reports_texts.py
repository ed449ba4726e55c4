"""The report page's words (Indonesian first, English)."""

from __future__ import annotations

from shared.texts import Catalog

TEXTS = Catalog(
    {
        "id": {
            "title": "Laporan",
            "intro": "Pilih laporan, bulan, bahasa dan format, lalu unduh. Laporan dibuat saat itu juga "
            "dari data terbaru; PDF perlu beberapa detik.",
            "report": "Laporan",
            "kind_monthly": "Laporan bulanan pelayanan (pengunjung, waktu tunggu, standar 10 menit, SKM)",
            "kind_skm": "Laporan Survei Kepuasan Masyarakat (SKM, PermenPAN-RB 14/2017)",
            "month": "Bulan",
            "in_progress": "sedang berjalan",
            "month_hint": "Bawaan: bulan lengkap terakhir. Bulan berjalan boleh dipilih; laporannya ditandai "
            '"periode masih berjalan".',
            "report_language": "Bahasa laporan",
            "lang_id": "Bahasa Indonesia",
            "lang_en": "English",
            "format": "Format",
            "format_pdf": "PDF (untuk dicetak dan ditandatangani)",
            "format_xlsx": "XLSX (Excel, angka dapat diolah)",
            "download": "Buat dan unduh",
            "no_personal": "Laporan hanya memuat jumlah dan nilai, tanpa data pribadi pengunjung.",
            "bad_month": 'Bulan "{value}" tidak dikenal. Pilih bulan dalam bentuk TTTT-BB, misalnya 2026-11.',
            "future_month": "Bulan {value} belum dimulai. Pilih bulan ini atau bulan sebelumnya.",
            "bad_choice": "Pilihan laporan, bahasa atau format tidak dikenal. Pilih lagi dari daftar.",
        },
        "en": {
            "title": "Reports",
            "intro": "Choose the report, the month, the language and the format, then download. The report "
            "is made on the spot from the latest data; a PDF takes a few seconds.",
            "report": "Report",
            "kind_monthly": "Monthly service report (visitors, waits, 10-minute standard, SKM)",
            "kind_skm": "Public satisfaction survey report (SKM, PermenPAN-RB 14/2017)",
            "month": "Month",
            "in_progress": "in progress",
            "month_hint": "Default: the last complete month. The month in progress may be chosen; its report "
            'is marked "the period is still running".',
            "report_language": "Report language",
            "lang_id": "Bahasa Indonesia",
            "lang_en": "English",
            "format": "Format",
            "format_pdf": "PDF (to print and sign)",
            "format_xlsx": "XLSX (Excel, figures you can work with)",
            "download": "Generate and download",
            "no_personal": "Reports hold counts and scores only, no visitor's personal data.",
            "bad_month": 'Month "{value}" is not a month. Choose one as YYYY-MM, for example 2026-11.',
            "future_month": "Month {value} has not begun. Choose this month or an earlier one.",
            "bad_choice": "Unknown report, language or format. Choose again from the list.",
        },
    }
)
