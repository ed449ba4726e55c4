"""Every text the kiosk shows, in Bahasa Indonesia (the default) and English.

Plain, friendly words for a visitor who has never used a kiosk. Keys are grouped by screen; the
hub's refusal codes (``shared.contract.topics`` and the hub) and the printer's problems
(``kiosk.ports.PrinterStatus``) are translated here too, so no other kiosk module holds
user-facing text. What the rating screen shows as well (the language names, the on-screen
keyboard, the guestbook's field errors) is in ``kiosk.touch.texts``. Only ASCII punctuation: the
kiosk font has every glyph used here.
"""

from __future__ import annotations

from shared.texts import Catalog

_ID: dict[str, str] = {
    # welcome
    "welcome.greeting": "Selamat datang di",
    "welcome.unit": "Pelayanan Statistik Terpadu (PST)",
    "welcome.prompt_many": "Sentuh layanan yang Anda perlukan",
    "welcome.prompt_one": "Sentuh tombol di bawah ini untuk mengambil nomor antrean",
    "welcome.take_number": "Ambil nomor antrean",
    "welcome.free": "Layanan ini tidak dipungut biaya",
    "welcome.unprinted": "Tiket belum tercetak: {codes}",
    "welcome.printer_problem": "Printer tiket bermasalah. Silakan ke meja depan bila tiket tidak keluar.",
    # the priority lane (welcome button, then the priority screen)
    "welcome.priority": "Layanan prioritas",
    "welcome.priority_who": (
        "Untuk lansia, penyandang disabilitas, ibu hamil, dan pengunjung yang membawa anak kecil"
    ),
    # where the full one does not fit (many services, large text): the same four, shorter
    "welcome.priority_who_short": "Lansia, disabilitas, ibu hamil, membawa anak kecil",
    "priority.title": "Layanan prioritas",
    "priority.intro": (
        "Anda akan dipanggil lebih dahulu. Tidak perlu menunjukkan bukti apa pun. "
        "Setelah ini, isi buku tamu seperti biasa."
    ),
    "priority.question": "Pilih yang sesuai dengan Anda:",
    "priority.lansia": "Lansia",
    "priority.disabilitas": "Penyandang disabilitas",
    "priority.hamil": "Ibu hamil",
    "priority.anak": "Membawa anak kecil",
    "priority.skip": "Tidak ingin menyebutkan",
    "priority.service": "Pilih layanan yang Anda perlukan:",
    "ticket.priority": "Layanan prioritas",
    # the visitor's display choices, on every screen
    "access.large_on": "Aa  Perbesar tulisan",
    "access.large_off": "Aa  Tulisan biasa",
    "access.speech_on": "Bacakan layar",
    "access.speech_off": "Hentikan suara",
    # the spoken guide: each screen's question, never what the visitor typed
    "speak.welcome": (
        "Selamat datang. Sentuh layanan yang Anda perlukan untuk mengambil nomor antrean. Untuk "
        "lansia, penyandang disabilitas, ibu hamil, dan pengunjung yang membawa anak kecil, sentuh "
        "tombol layanan prioritas."
    ),
    "speak.priority": (
        "Layanan prioritas. Pilih yang sesuai dengan Anda: lansia, penyandang disabilitas, ibu "
        "hamil, atau membawa anak kecil. Anda juga boleh tidak menyebutkan."
    ),
    "speak.priority_service": "Pilih layanan yang Anda perlukan.",
    "speak.form": (
        "Buku tamu. Isi nama, nomor identitas, email, dan keperluan kunjungan. Sentuh kotak isian "
        "untuk mulai mengetik."
    ),
    "speak.returning": "Masukkan NIK atau email yang dulu Anda isi di buku tamu.",
    "speak.prefill": "Selamat datang kembali. Tuliskan keperluan kunjungan hari ini.",
    "speak.consent": (
        "Persetujuan penggunaan data. Apakah Anda setuju? Sentuh tombol saya setuju untuk mengambil nomor."
    ),
    "speak.issuing": "Mohon tunggu. Nomor antrean Anda sedang dibuat.",
    "speak.ticket": (
        "Nomor antrean Anda {code}. Silakan ambil tiket Anda, lalu tunggu sampai nomor Anda dipanggil."
    ),
    "speak.ticket_not_printed": (
        "Nomor antrean Anda {code}. Tiket tidak dapat dicetak. Silakan menuju meja depan."
    ),
    "speak.problem": "Mohon maaf, ada gangguan. Silakan coba lagi, atau menuju meja depan.",
    "speak.rating": "Beri penilaian atau sampaikan pengaduan. Pindai atau ketik kode pada tiket Anda.",
    # common
    "common.back": "Kembali",
    "common.next": "Lanjut",
    "common.start_over": "Kembali ke awal",
    "common.required_note": "Tanda * berarti wajib diisi.",
    "common.optional": "boleh dikosongkan",
    # guestbook form
    "form.title": "Buku Tamu",
    "form.intro": "Isi data Anda di bawah ini. Sentuh kotak isian untuk mulai mengetik.",
    "form.returning": "Sudah pernah mengisi buku tamu di sini? Cukup masukkan NIK atau email",
    "form.fix_errors": "Ada isian yang perlu diperbaiki (lihat tulisan merah).",
    "field.name": "Nama lengkap *",
    "field.id_type": "Jenis kartu identitas *",
    "field.id_number": "Nomor identitas *",
    "field.email": "Email aktif *",
    "field.phone": "Nomor HP (boleh dikosongkan)",
    "field.institution": "Instansi / pekerjaan (boleh dikosongkan)",
    "field.purpose": "Keperluan kunjungan *",
    "hint.name": "Contoh: Siti Aminah",
    "hint.id_number.ktp": "16 angka NIK pada KTP",
    "hint.id_number.sim": "Nomor pada SIM",
    "hint.id_number.paspor": "Nomor paspor",
    "hint.id_number.lainnya": "Nomor kartu identitas",
    "hint.email": "Contoh: nama@gmail.com",
    "hint.phone": "Contoh: 081234567890",
    "hint.institution": "Contoh: Universitas Lampung",
    "hint.purpose": "Contoh: data jumlah penduduk per kecamatan",
    "id_type.ktp": "KTP",
    "id_type.sim": "SIM",
    "id_type.paspor": "Paspor",
    "id_type.lainnya": "Lainnya",
    # returning visitor
    "returning.title": "Pernah berkunjung",
    "returning.intro": "Masukkan NIK (nomor KTP) atau email yang dulu Anda isi di buku tamu.",
    "returning.by_id": "NIK / nomor identitas",
    "returning.by_email": "Email",
    "returning.field_id": "NIK / nomor identitas *",
    "returning.field_email": "Email *",
    "returning.find": "Cari data saya",
    "returning.searching": "Sedang mencari data Anda. Mohon tunggu...",
    "returning.not_found": "Data tidak ditemukan. Silakan isi buku tamu lengkap.",
    "returning.full_form": "Isi buku tamu lengkap",
    # prefill (returning visitor found)
    "prefill.title": "Pengunjung kembali",
    "prefill.welcome": "Selamat datang kembali, {initial}.",
    "prefill.welcome_plain": "Selamat datang kembali.",
    "prefill.intro": (
        "Nama, instansi, dan kontak dari kunjungan Anda sebelumnya dipakai lagi tanpa ditampilkan. "
        "Cukup tuliskan keperluan hari ini."
    ),
    "prefill.purpose": "Keperluan kunjungan hari ini *",
    "prefill.not_me": "Bukan saya / data berubah",
    # consent
    "consent.title": "Persetujuan penggunaan data",
    "consent.body": (
        "Data buku tamu Anda dipakai oleh {office} hanya untuk mencatat kunjungan, menghubungi Anda "
        "tentang layanan ini, dan menyusun laporan pelayanan. Data Anda tidak dibagikan kepada pihak "
        "lain, tidak ditampilkan di layar antrean, dan disimpan dengan aman sampai masa simpannya "
        "habis, lalu dihapus."
    ),
    "consent.question": "Apakah Anda setuju?",
    "consent.agree": "Saya setuju, ambil nomor",
    # issuing
    "issuing.title": "Mohon tunggu",
    "issuing.body": "Nomor antrean Anda sedang dibuat dan dicetak...",
    # ticket
    "ticket.your_number": "Nomor antrean Anda",
    "ticket.ahead_none": "Tidak ada yang menunggu sebelum Anda",
    "ticket.ahead_one": "1 orang menunggu sebelum Anda",
    "ticket.ahead": "{n} orang menunggu sebelum Anda",
    "ticket.wait": "Perkiraan waktu tunggu sekitar {m} menit",
    "ticket.take": "Silakan ambil tiket Anda, lalu tunggu sampai nomor Anda dipanggil.",
    "ticket.not_printed": (
        "Tiket tidak dapat dicetak. Ingat nomor di atas, lalu tunjukkan kepada petugas di meja depan."
    ),
    "ticket.reprinting": "Sedang mencetak ulang...",
    "ticket.reprint": "Cetak ulang",
    "ticket.done": "Selesai",
    # problems
    "problem.title": "Mohon maaf",
    "problem.go_front_desk": "Silakan menuju meja depan. Petugas akan membantu Anda.",
    "problem.staff_told": "Petugas sudah diberi tahu.",
    "problem.if_still_failing": "Bila tetap gagal, silakan menuju meja depan.",
    "problem.retry": "Coba lagi",
    "problem.check_form": "Periksa isian",
    "printer.paper_out": "Kertas printer tiket habis.",
    "printer.offline": "Printer tiket mati atau tidak tersambung.",
    "printer.unknown": "Printer tiket sedang bermasalah.",
    "printer.ready": "Printer tiket sudah siap.",
    "hub.timeout": "Sistem antrean tidak menjawab. Silakan coba lagi sebentar lagi.",
    "hub.offline": "Kiosk belum tersambung ke sistem antrean. Silakan coba lagi sebentar lagi.",
    "hub.storage_error": "Sistem antrean sedang sibuk. Silakan coba lagi.",
    "hub.busy": "Sistem antrean sedang melayani banyak permintaan. Silakan coba lagi sebentar lagi.",
    "hub.internal_error": (
        "Sistem antrean mengalami gangguan; permintaan Anda belum diproses. Silakan coba lagi."
    ),
    "hub.unknown_service": "Layanan ini sedang tidak tersedia.",
    "hub.bad_guest": "Isian buku tamu belum sesuai. Silakan periksa kembali.",
    "hub.no_consent": "Nomor antrean hanya dapat diberikan bila Anda menyetujui penggunaan data.",
    "hub.unknown_ref": "Data lama Anda tidak dapat dipakai lagi. Silakan isi buku tamu lengkap.",
    "hub.too_many_requests": "Terlalu banyak permintaan dari kiosk ini. Silakan coba lagi sebentar lagi.",
    "hub.forbidden": "Perangkat ini tidak melayani permintaan ini. Silakan menuju meja depan.",
    "hub.other": "Permintaan tidak dapat diproses (kode: {code}).",
    "kiosk.error": "Terjadi kesalahan pada kiosk.",
}

_EN: dict[str, str] = {
    "welcome.greeting": "Welcome to",
    "welcome.unit": "Integrated Statistical Services (PST)",
    "welcome.prompt_many": "Touch the service you need",
    "welcome.prompt_one": "Touch the button below to take a queue number",
    "welcome.take_number": "Take a queue number",
    "welcome.free": "This service is free of charge",
    "welcome.unprinted": "Ticket not printed yet: {codes}",
    "welcome.printer_problem": (
        "The ticket printer has a problem. Go to the front desk if no ticket comes out."
    ),
    "welcome.priority": "Priority service",
    "welcome.priority_who": (
        "For older visitors, people with disabilities, pregnant women and visitors with small children"
    ),
    "welcome.priority_who_short": "Older people, disabilities, pregnant women, small children",
    "priority.title": "Priority service",
    "priority.intro": (
        "You will be called first. You do not need to show any proof. Next, fill in the guestbook as usual."
    ),
    "priority.question": "Choose what fits you:",
    "priority.lansia": "Older visitor",
    "priority.disabilitas": "Person with a disability",
    "priority.hamil": "Pregnant",
    "priority.anak": "With a small child",
    "priority.skip": "I would rather not say",
    "priority.service": "Choose the service you need:",
    "ticket.priority": "Priority service",
    "access.large_on": "Aa  Larger text",
    "access.large_off": "Aa  Normal text",
    "access.speech_on": "Read aloud",
    "access.speech_off": "Stop reading",
    "speak.welcome": (
        "Welcome. Touch the service you need to take a queue number. Older visitors, people with "
        "disabilities, pregnant women and visitors with small children can touch priority service."
    ),
    "speak.priority": (
        "Priority service. Choose what fits you: older visitor, person with a disability, pregnant,"
        " or with a small child. You may also rather not say."
    ),
    "speak.priority_service": "Choose the service you need.",
    "speak.form": (
        "Guestbook. Fill in your name, ID number, email and the purpose of your visit. Touch a box "
        "to start typing."
    ),
    "speak.returning": "Enter the ID number or the email you gave in our guestbook before.",
    "speak.prefill": "Welcome back. Write the purpose of today's visit.",
    "speak.consent": "Consent to use your data. Do you agree? Touch I agree to get your number.",
    "speak.issuing": "Please wait. Your queue number is being made.",
    "speak.ticket": (
        "Your queue number is {code}. Please take your ticket, then wait until your number is called."
    ),
    "speak.ticket_not_printed": (
        "Your queue number is {code}. The ticket could not be printed. Please go to the front desk."
    ),
    "speak.problem": "We are sorry, something went wrong. Please try again, or go to the front desk.",
    "speak.rating": "Give a rating or make a complaint. Scan or type the code on your ticket.",
    "common.back": "Back",
    "common.next": "Next",
    "common.start_over": "Start over",
    "common.required_note": "A * means the field is required.",
    "common.optional": "optional",
    "form.title": "Guestbook",
    "form.intro": "Fill in your details below. Touch a box to start typing.",
    "form.returning": "Filled in our guestbook before? Just enter your ID number or email",
    "form.fix_errors": "Some answers need fixing (see the red text).",
    "field.name": "Full name *",
    "field.id_type": "Kind of ID card *",
    "field.id_number": "ID number *",
    "field.email": "Active email *",
    "field.phone": "Mobile number (optional)",
    "field.institution": "Institution / occupation (optional)",
    "field.purpose": "Purpose of your visit *",
    "hint.name": "Example: Siti Aminah",
    "hint.id_number.ktp": "The 16-digit NIK on your KTP",
    "hint.id_number.sim": "The number on your driving licence",
    "hint.id_number.paspor": "Passport number",
    "hint.id_number.lainnya": "ID card number",
    "hint.email": "Example: name@gmail.com",
    "hint.phone": "Example: 081234567890",
    "hint.institution": "Example: University of Lampung",
    "hint.purpose": "Example: population by district",
    "id_type.ktp": "KTP",
    "id_type.sim": "SIM",
    "id_type.paspor": "Passport",
    "id_type.lainnya": "Other",
    "returning.title": "Visited before",
    "returning.intro": "Enter the ID number (NIK) or the email you gave in our guestbook before.",
    "returning.by_id": "ID number",
    "returning.by_email": "Email",
    "returning.field_id": "ID number *",
    "returning.field_email": "Email *",
    "returning.find": "Find my details",
    "returning.searching": "Looking for your details. Please wait...",
    "returning.not_found": "No details found. Please fill in the full guestbook.",
    "returning.full_form": "Fill in the full guestbook",
    "prefill.title": "Returning visitor",
    "prefill.welcome": "Welcome back, {initial}.",
    "prefill.welcome_plain": "Welcome back.",
    "prefill.intro": (
        "Your name, institution and contact from your earlier visit are used again without being "
        "shown. Just write the purpose of today's visit."
    ),
    "prefill.purpose": "Purpose of today's visit *",
    "prefill.not_me": "Not me / my details changed",
    "consent.title": "Consent to use your data",
    "consent.body": (
        "{office} uses your guestbook details only to record your visit, to contact you about this "
        "service and to report on its services. Your details are not shared with anyone else, are never "
        "shown on the queue screen, and are kept safely until their keeping period ends, then deleted."
    ),
    "consent.question": "Do you agree?",
    "consent.agree": "I agree, get my number",
    "issuing.title": "Please wait",
    "issuing.body": "Your queue number is being made and printed...",
    "ticket.your_number": "Your queue number",
    "ticket.ahead_none": "Nobody is waiting before you",
    "ticket.ahead_one": "1 person waiting before you",
    "ticket.ahead": "{n} people waiting before you",
    "ticket.wait": "Estimated wait: about {m} minutes",
    "ticket.take": "Please take your ticket, then wait until your number is called.",
    "ticket.not_printed": (
        "The ticket could not be printed. Remember the number above and show it to the staff at the "
        "front desk."
    ),
    "ticket.reprinting": "Printing again...",
    "ticket.reprint": "Print again",
    "ticket.done": "Done",
    "problem.title": "We are sorry",
    "problem.go_front_desk": "Please go to the front desk. The staff will help you.",
    "problem.staff_told": "The staff have been told.",
    "problem.if_still_failing": "If it still does not work, please go to the front desk.",
    "problem.retry": "Try again",
    "problem.check_form": "Check my answers",
    "printer.paper_out": "The ticket printer is out of paper.",
    "printer.offline": "The ticket printer is off or not connected.",
    "printer.unknown": "The ticket printer has a problem.",
    "printer.ready": "The ticket printer is ready.",
    "hub.timeout": "The queue system is not answering. Please try again in a moment.",
    "hub.offline": "The kiosk is not connected to the queue system yet. Please try again in a moment.",
    "hub.storage_error": "The queue system is busy. Please try again.",
    "hub.busy": "The queue system is handling many requests. Please try again in a moment.",
    "hub.internal_error": "The queue system had a problem; your request was not processed. Please try again.",
    "hub.unknown_service": "This service is not available at the moment.",
    "hub.bad_guest": "Some guestbook answers are not right. Please check them again.",
    "hub.no_consent": "A queue number can only be given if you agree to the use of your data.",
    "hub.unknown_ref": "Your earlier details can no longer be used. Please fill in the full guestbook.",
    "hub.too_many_requests": "Too many requests from this kiosk. Please try again in a moment.",
    "hub.forbidden": "This device does not handle this request. Please go to the front desk.",
    "hub.other": "The request could not be handled (code: {code}).",
    "kiosk.error": "Something went wrong in the kiosk.",
}

TEXTS: dict[str, dict[str, str]] = {"id": _ID, "en": _EN}
CATALOG = Catalog(TEXTS)
t = CATALOG.t

# The hub's codes that mean "try the same request again"; every other code is a final answer.
# ``busy`` reaches the visitor only after the hub client's own retries ran out of time.
# ``too_many_requests``: the hub's intake refused it before storing anything; the same id may come again.
RETRYABLE_HUB_CODES = frozenset(
    {"timeout", "offline", "storage_error", "busy", "internal_error", "too_many_requests"}
)
_HUB_CODES = (
    "timeout",
    "offline",
    "storage_error",
    "busy",
    "internal_error",
    "unknown_service",
    "bad_guest",
    "no_consent",
    "unknown_ref",
    "too_many_requests",
    "forbidden",
)


def hub_error(language: str, code: str) -> str:
    if code in _HUB_CODES:
        return t(language, f"hub.{code}")
    return t(language, "hub.other", code=code)


def printer_problem(language: str, problem: str) -> str:
    key = f"printer.{problem}"
    return t(language, key if CATALOG.has(language, key) else "printer.unknown")


def ahead_text(language: str, ahead: int) -> str:
    if ahead <= 0:
        return t(language, "ticket.ahead_none")
    if ahead == 1:
        return t(language, "ticket.ahead_one")
    return t(language, "ticket.ahead", n=ahead)


def wait_text(language: str, minutes: int | None) -> str:
    return t(language, "ticket.wait", m=minutes) if minutes else ""
