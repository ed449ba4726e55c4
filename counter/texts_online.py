"""The words of the counter's online-requests panel, in Bahasa Indonesia and English (merged into
``counter.texts``, which is how every caller reaches them), and short dates in either language.
Only ASCII punctuation, the em dash and the middle dot: the app's font has every glyph used here.
"""

from __future__ import annotations

from datetime import date

ONLINE_ID: dict[str, str] = {
    "queue.tab": "Antrean ({n})",
    "online.tab": "Permintaan online ({n})",
    "online.tab_none": "Permintaan online",
    "online.summary.overdue": "{n} terlambat",
    "online.summary.due_today": "{n} batas hari ini",
    "online.summary.open": "{n} terbuka",
    "online.summary.none": "Tidak ada permintaan terbuka",
    "online.new": "+ Catat baru",
    "online.loading": "Memuat daftar...",
    "online.load_error": "Daftar belum dapat dimuat; mencoba lagi...",
    "online.empty": "Tidak ada permintaan online yang terbuka.",
    "online.more": "+{n} lainnya tidak ditampilkan",
    "online.badge.overdue": "TERLAMBAT",
    "online.badge.due_today": "BATAS HARI INI",
    "online.due": "Batas {date}",
    "online.status.open": "belum dijawab",
    "online.status.open_wrote": "belum dijawab, pesan {when}",
    "online.status.again": "pengunjung menulis lagi {when}",
    "online.status.answered": "dijawab {when}",
    "channel.whatsapp": "WhatsApp",
    "channel.email": "Email",
    "channel.social": "Media sosial",
    "channel.web": "Web",
    "online.pick": "Pilih permintaan untuk membalas atau menutup.",
    "online.text_hint": "Teks pesan (opsional)",
    "online.reply": "Catat balasan",
    "online.message": "Pengunjung menulis",
    "online.close": "Tutup",
    "online.close_confirm": "Tekan lagi: tutup",
    "online.busy": "Menyimpan...",
    "online.done.add": "{number} dicatat. Batas jawab: {date}.",
    "online.done.reply": "Balasan untuk {number} dicatat.",
    "online.done.message": "Pesan pengunjung untuk {number} dicatat.",
    "online.done.close": "{number} ditutup.",
    "online.form_title": "Catat permintaan online",
    "online.channel": "Saluran",
    "online.contact": "Kontak",
    "online.contact_hint": "pilih saluran dulu",
    "online.contact_hint.whatsapp": "nomor WhatsApp, mis. 0812 3456 7890",
    "online.contact_hint.email": "alamat email",
    "online.contact_hint.social": "akun media sosial, mis. @nama",
    "online.contact_hint.web": "nama atau nomor tiket di web",
    "online.subject": "Perihal",
    "online.subject_hint": "mis. Data kemiskinan 2025",
    "online.complete": "Lengkap sejak (kosongkan bila baru saja)",
    "online.complete_hint": "mis. 2026-11-24 10:00",
    "online.save": "Simpan",
    "online.cancel": "Batal",
    "online.err.no_channel": "Pilih salurannya.",
    "online.err.no_contact": "Isi kontak pengunjung.",
    "online.err.no_subject": "Isi perihal permintaan.",
    "online.err.bad_channel": "Saluran tidak dikenal. Pilih salah satu saluran.",
    "online.err.bad_contact": "Kontak harus 1 sampai 254 karakter.",
    "online.err.bad_contact.whatsapp": "Kontak WhatsApp harus nomor telepon, mis. 0812 3456 7890.",
    "online.err.bad_contact.email": "Kontak email harus alamat email (dengan @).",
    "online.err.bad_subject": "Perihal harus 1 sampai 200 karakter.",
    "online.err.bad_time": "Waktu lengkap: tulis seperti 2026-11-24 10:00, dan tidak di masa depan.",
    "online.err.bad_text": "Teks terlalu panjang (paling banyak 4000 karakter).",
    "online.err.closed": "Permintaan ini sudah ditutup.",
    "online.err.unknown": "Permintaan ini tidak ditemukan.",
    "online.err.unreachable": (
        "Server antrean tidak dapat dihubungi. Coba lagi: tidak akan tercatat dua kali."
    ),
    "online.err.storage_error": "Server gagal menyimpan. Coba lagi.",
    "online.err.other": (
        "Server antrean menolak ini; tidak ada yang tercatat. Coba lagi; bila terulang, "
        "laporkan ke admin (kode: {code})."
    ),
}

ONLINE_EN: dict[str, str] = {
    "queue.tab": "Queue ({n})",
    "online.tab": "Online requests ({n})",
    "online.tab_none": "Online requests",
    "online.summary.overdue": "{n} overdue",
    "online.summary.due_today": "{n} due today",
    "online.summary.open": "{n} open",
    "online.summary.none": "No open requests",
    "online.new": "+ Record new",
    "online.loading": "Loading the list...",
    "online.load_error": "The list could not be loaded; retrying...",
    "online.empty": "No open online requests.",
    "online.more": "+{n} more not shown",
    "online.badge.overdue": "OVERDUE",
    "online.badge.due_today": "DUE TODAY",
    "online.due": "Due {date}",
    "online.status.open": "not answered",
    "online.status.open_wrote": "not answered, message {when}",
    "online.status.again": "the visitor wrote again {when}",
    "online.status.answered": "answered {when}",
    "channel.whatsapp": "WhatsApp",
    "channel.email": "Email",
    "channel.social": "Social media",
    "channel.web": "Web",
    "online.pick": "Pick a request to reply or close it.",
    "online.text_hint": "Message text (optional)",
    "online.reply": "Record reply",
    "online.message": "Visitor wrote",
    "online.close": "Close",
    "online.close_confirm": "Press again: close",
    "online.busy": "Saving...",
    "online.done.add": "{number} recorded. Answer by {date}.",
    "online.done.reply": "Reply to {number} recorded.",
    "online.done.message": "Visitor's message on {number} recorded.",
    "online.done.close": "{number} closed.",
    "online.form_title": "Record an online request",
    "online.channel": "Channel",
    "online.contact": "Contact",
    "online.contact_hint": "pick the channel first",
    "online.contact_hint.whatsapp": "WhatsApp number, e.g. 0812 3456 7890",
    "online.contact_hint.email": "email address",
    "online.contact_hint.social": "social media account, e.g. @name",
    "online.contact_hint.web": "name or web ticket number",
    "online.subject": "Subject",
    "online.subject_hint": "e.g. Poverty data 2025",
    "online.complete": "Complete since (leave empty if just now)",
    "online.complete_hint": "e.g. 2026-11-24 10:00",
    "online.save": "Save",
    "online.cancel": "Cancel",
    "online.err.no_channel": "Pick the channel.",
    "online.err.no_contact": "Enter the visitor's contact.",
    "online.err.no_subject": "Enter the subject.",
    "online.err.bad_channel": "Unknown channel. Pick one of the channels.",
    "online.err.bad_contact": "The contact must have 1 to 254 characters.",
    "online.err.bad_contact.whatsapp": "A WhatsApp contact must be a phone number, e.g. 0812 3456 7890.",
    "online.err.bad_contact.email": "An email contact must be an email address (with @).",
    "online.err.bad_subject": "The subject must have 1 to 200 characters.",
    "online.err.bad_time": "Complete since: write it like 2026-11-24 10:00, not in the future.",
    "online.err.bad_text": "The text is too long (4000 characters at most).",
    "online.err.closed": "This request is already closed.",
    "online.err.unknown": "This request was not found.",
    "online.err.unreachable": "The queue server cannot be reached. Try again: it will not be recorded twice.",
    "online.err.storage_error": "The server could not save. Try again.",
    "online.err.other": (
        "The queue server refused this; nothing was recorded. Try again; if it happens again, "
        "tell the administrator (code: {code})."
    ),
}

_DAYS = {
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def short_date(day: date, language: str, today: date | None = None) -> str:
    """``Jum 27 Nov`` / ``Fri 27 Nov``; the year too when it is not this year's."""
    days, months = _DAYS.get(language, _DAYS["id"]), _MONTHS.get(language, _MONTHS["id"])
    text = f"{days[day.weekday()]} {day.day} {months[day.month - 1]}"
    return text if today is not None and day.year == today.year else f"{text} {day.year}"


def day_month(day: date, language: str) -> str:
    """``24 Nov`` / ``24 Agu``."""
    return f"{day.day} {_MONTHS.get(language, _MONTHS['id'])[day.month - 1]}"
