"""Every text of the rating and complaint screens, in Bahasa Indonesia (the default) and English.

The SKM questions and answers themselves come from ``shared.domain.skm`` (the regulation's wording); the
hub's refusal codes are translated here in plain words. Only ASCII punctuation: the bundled font
has every glyph used here.
"""

from __future__ import annotations

from kiosk import texts as i18n

_ID: dict[str, str] = {
    "idle.thanks": "Terima kasih telah berkunjung",
    "idle.office": "Pelayanan Statistik Terpadu (PST)",
    "idle.desk": "Layar penilaian {desk}",
    "idle.note": "Setelah Anda selesai dilayani, layar ini meminta penilaian Anda.",
    "common.skip": "Lewati",
    "common.done": "Selesai",
    "common.back": "Kembali",
    "faces.title": "Penilaian layanan",
    "faces.ticket": "Tiket {ticket} - {desk}",
    "faces.ticket_only": "Tiket {ticket}",
    "faces.question": "Bagaimana pelayanan yang Anda terima hari ini?",
    "faces.hint": "Sentuh salah satu wajah.",
    "face.1": "Sangat tidak puas",
    "face.2": "Tidak puas",
    "face.3": "Biasa saja",
    "face.4": "Puas",
    "face.5": "Sangat puas",
    "element.title": "Survei kepuasan",
    "element.progress": "Pertanyaan {n} dari {total} - {name}",
    "element.intro": "Boleh dilewati. Setiap jawaban langsung tersimpan.",
    "complaint.title": "Pengaduan atau saran",
    "complaint.intro": "Ada yang ingin Anda sampaikan? Tulis di bawah ini (boleh dilewati).",
    "complaint.kind_complaint": "Pengaduan",
    "complaint.kind_suggestion": "Saran",
    "complaint.text": "Pengaduan atau saran Anda *",
    "complaint.text_hint": "Contoh: antrean terlalu lama",
    "complaint.contact": "Bila ingin dijawab (boleh kosong; hanya dipakai untuk menjawab Anda):",
    "complaint.name": "Nama",
    "complaint.email": "Email",
    "complaint.phone": "Nomor HP / WhatsApp",
    "complaint.send": "Kirim",
    "complaint.sending": "Sedang mengirim...",
    "complaint.channels": "Saluran lain: LAPOR! {lapor} - email {email} - WhatsApp {whatsapp}",
    "complaint.empty": "Tulis pengaduan atau saran Anda, atau sentuh Lewati.",
    "complaint.too_long": "Terlalu panjang: paling banyak {max} huruf.",
    "done.title": "Pengaduan Anda sudah kami terima",
    "done.title_suggestion": "Saran Anda sudah kami terima",
    "done.number": "Nomor pengaduan Anda",
    "done.note": "Catat atau foto nomor ini untuk menanyakan tindak lanjutnya.",
    "thanks.title": "Terima kasih",
    "thanks.body": "Penilaian Anda membantu kami memperbaiki layanan.",
    "code.title": "Penilaian dan pengaduan",
    "code.intro": "Ketik nomor antrian pada tiket Anda, atau pindai kode QR tiket di alat pemindai.",
    "code.field": "Nomor antrian *",
    "code.hint": "Contoh: A-012",
    "code.check": "Lanjut",
    "code.checking": "Sedang memeriksa tiket...",
    "code.no_ticket": "Tidak punya tiket? Sampaikan pengaduan atau saran",
    "code.not_a_code": "Nomor tidak dikenali. Contoh: A-012",
    "start": "Beri penilaian / Sampaikan pengaduan",
    "problem.title": "Mohon maaf",
    "problem.note": "Terima kasih atas kesediaan Anda.",
    "hub.already_rated": "Penilaian untuk tiket ini sudah diberikan. Terima kasih!",
    "hub.not_served": "Tiket ini belum selesai dilayani. Beri penilaian setelah Anda dilayani.",
    "hub.unknown_ticket": "Tiket ini tidak ditemukan. Periksa lagi nomornya.",
    "hub.rating_closed": "Waktu untuk menambah penilaian sudah habis. Jawaban sebelumnya sudah tersimpan.",
    "hub.unknown_rating": "Penilaian ini tidak dapat dilanjutkan. Jawaban sebelumnya sudah tersimpan.",
    "hub.bad_complaint": "Isian pengaduan belum sesuai. Silakan periksa kembali.",
    "hub.timeout": "Sistem tidak menjawab. Silakan coba lagi sebentar lagi.",
    "hub.offline": "Layar ini belum tersambung ke sistem. Silakan coba lagi sebentar lagi.",
    "hub.storage_error": "Sistem sedang sibuk. Silakan coba lagi.",
    "hub.other": "Permintaan tidak dapat diproses (kode: {code}).",
    "kiosk.error": "Terjadi kesalahan pada layar ini.",
}

_EN: dict[str, str] = {
    "idle.thanks": "Thank you for your visit",
    "idle.office": "Integrated Statistical Services (PST)",
    "idle.desk": "Rating screen of {desk}",
    "idle.note": "When you have been served, this screen asks for your rating.",
    "common.skip": "Skip",
    "common.done": "Done",
    "common.back": "Back",
    "faces.title": "Rate our service",
    "faces.ticket": "Ticket {ticket} - {desk}",
    "faces.ticket_only": "Ticket {ticket}",
    "faces.question": "How was the service you received today?",
    "faces.hint": "Touch one of the faces.",
    "face.1": "Very unhappy",
    "face.2": "Unhappy",
    "face.3": "Neutral",
    "face.4": "Happy",
    "face.5": "Very happy",
    "element.title": "Satisfaction survey",
    "element.progress": "Question {n} of {total} - {name}",
    "element.intro": "You may skip. Each answer is saved at once.",
    "complaint.title": "Complaint or suggestion",
    "complaint.intro": "Anything you want to tell us? Write it below (you may skip).",
    "complaint.kind_complaint": "Complaint",
    "complaint.kind_suggestion": "Suggestion",
    "complaint.text": "Your complaint or suggestion *",
    "complaint.text_hint": "Example: the queue took too long",
    "complaint.contact": "If you would like an answer (optional; used only to answer you):",
    "complaint.name": "Name",
    "complaint.email": "Email",
    "complaint.phone": "Mobile / WhatsApp",
    "complaint.send": "Send",
    "complaint.sending": "Sending...",
    "complaint.channels": "Other channels: LAPOR! {lapor} - email {email} - WhatsApp {whatsapp}",
    "complaint.empty": "Write your complaint or suggestion, or touch Skip.",
    "complaint.too_long": "Too long: at most {max} characters.",
    "done.title": "We have received your complaint",
    "done.title_suggestion": "We have received your suggestion",
    "done.number": "Your complaint number",
    "done.note": "Note or photograph this number to ask how it is followed up.",
    "thanks.title": "Thank you",
    "thanks.body": "Your rating helps us improve our service.",
    "code.title": "Ratings and complaints",
    "code.intro": "Type the queue number on your ticket, or scan the ticket's QR code at the scanner.",
    "code.field": "Queue number *",
    "code.hint": "Example: A-012",
    "code.check": "Next",
    "code.checking": "Checking your ticket...",
    "code.no_ticket": "No ticket? Make a complaint or suggestion",
    "code.not_a_code": "Not a queue number. Example: A-012",
    "start": "Give a rating / Make a complaint",
    "problem.title": "We are sorry",
    "problem.note": "Thank you for your time.",
    "hub.already_rated": "This ticket has already been rated. Thank you!",
    "hub.not_served": "This ticket has not been served yet. Please rate it after your visit.",
    "hub.unknown_ticket": "No ticket with this number was found. Please check the number.",
    "hub.rating_closed": "The time to add to this rating is over. Your earlier answers are saved.",
    "hub.unknown_rating": "This rating cannot be continued. Your earlier answers are saved.",
    "hub.bad_complaint": "The complaint form is not right yet. Please check it.",
    "hub.timeout": "The system is not answering. Please try again in a moment.",
    "hub.offline": "This screen is not connected to the system yet. Please try again in a moment.",
    "hub.storage_error": "The system is busy. Please try again.",
    "hub.other": "The request could not be handled (code: {code}).",
    "kiosk.error": "Something went wrong on this screen.",
}

TEXTS: dict[str, dict[str, str]] = {"id": _ID, "en": _EN}
_HUB_CODES = frozenset(k.removeprefix("hub.") for k in _ID if k.startswith("hub.")) - {"other"}


def t(language: str, key: str, **values: object) -> str:
    """The text for ``key`` (Indonesian when the language is unknown)."""
    text = TEXTS[language if language in TEXTS else i18n.DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def hub_error(language: str, code: str) -> str:
    """A hub refusal (or ``timeout``) in plain words."""
    if code in _HUB_CODES:
        return t(language, f"hub.{code}")
    return t(language, "hub.other", code=code)
