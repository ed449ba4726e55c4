"""The refusal codes an officer can meet, each as a sentence that says what happened and what to do,
in Bahasa Indonesia and English (merged into ``counter.texts``, which is how every caller reaches
them). Every code of docs/mqtt.md's error table and of the staff API's routes has one (a test holds
them to both); a code not known here gets ``err.other``, a generic sentence with the code after it
for support, never the code alone. The codes themselves are never translated or shown bare.
"""

from __future__ import annotations

from counter.texts_online import ONLINE_EN, ONLINE_ID

# The counter sent something the server could not read: nothing the officer typed is wrong, and
# nothing was changed. Most likely a counter app older or newer than the hub.
_MISMATCH_ID = (
    "Server antrean tidak mengerti perintah dari aplikasi ini; tidak ada yang diubah. Coba lagi; "
    "bila terulang, mulai ulang aplikasi meja dan laporkan ke admin."
)
_MISMATCH_EN = (
    "The queue server did not understand this app's command; nothing was changed. Try again; if it "
    "happens again, restart the desk app and tell the administrator."
)
_MISMATCH = ("bad_json", "bad_version", "bad_command", "bad_action", "bad_request", "bad_request_id")
_MISMATCH += ("bad_list", "bad_number", "bad_answer", "not_found")
# The online panel's own codes: the same sentence wherever they appear.
_ONLINE = ("bad_channel", "bad_contact", "bad_subject", "bad_time", "bad_text", "closed", "unknown")

ERRORS_ID: dict[str, str] = {
    **{f"err.{code}": _MISMATCH_ID for code in _MISMATCH},
    **{f"err.{code}": ONLINE_ID[f"online.err.{code}"] for code in _ONLINE},
    "err.too_large": "Perintah terlalu besar untuk server antrean dan tidak dijalankan. Laporkan ke admin.",
    "err.bad_guest": "Data buku tamu tidak memenuhi aturan. Periksa isian pengunjung.",
    "err.no_consent": "Pengunjung belum menyetujui penggunaan datanya. Minta persetujuannya dulu.",
    "err.unknown_ref": "Pencarian data pengunjung lama sudah kedaluwarsa. Cari datanya lagi.",
    "err.storage_error": "Server gagal menyimpan; tidak ada yang tersimpan. Coba lagi.",
    "err.busy": "Server antrean sedang sibuk; perintah belum dijalankan. Tekan lagi sebentar lagi.",
    "err.internal_error": "Server antrean mengalami gangguan; perintah belum dijalankan. Coba lagi.",
    "err.forbidden": "Perangkat ini tidak berhak mengirim perintah itu. Laporkan ke admin.",
    "err.retained": "Perintah terkirim sebagai pesan tersimpan (retained) dan ditolak. Laporkan ke admin.",
    "err.too_many_requests": "Terlalu banyak permintaan dari perangkat ini. Tunggu sebentar, lalu coba lagi.",
    "err.unknown_service": "Layanan tujuan tidak dikenal server antrean. Pilih layanan lain.",
    "err.unknown_desk": "Meja ini tidak dikenal oleh server antrean. Periksa nomor meja di pengaturan.",
    "err.desk_closed": "Meja sedang istirahat. Buka meja dulu.",
    "err.sign_in_needed": "Meja ini tutup karena petugasnya sudah keluar. Masuk dulu untuk membukanya.",
    "err.no_ticket": "Tidak ada pengunjung di meja. Panggil pengunjung berikutnya dulu.",
    "err.bad_state": "Perintah ini tidak berlaku untuk pengunjung yang sedang dilayani.",
    "err.nobody_waiting": "Tidak ada pengunjung yang menunggu.",
    "err.desk_busy": "Masih ada pengunjung di meja. Selesaikan atau alihkan dulu.",
    "err.too_long": "Teksnya terlalu panjang. Persingkat lalu coba lagi.",
    "err.bad_category": "Jenis layanan prioritas tidak dikenal.",
    "err.bad_reason": "Pilih alasan memanggil di luar urutan dari daftar.",
    "err.not_parked": "Pengunjung itu tidak sedang ditunda.",
    "err.not_waiting": "Nomor itu tidak sedang menunggu.",
    "err.ticket_needed": "Sebutkan nomor antreannya.",
    "err.wrong_service": "Nomor itu bukan untuk layanan meja ini.",
    "err.bad_rating": "Nilai penilaian di luar skala. Minta pengunjung menilai lagi.",
    "err.bad_profile": "Jawaban profil responden tidak dikenali.",
    "err.profile_given": "Profil responden untuk penilaian ini sudah diisi.",
    "err.profile_needs_answers": "Profil responden diisi setelah unsur survei dijawab.",
    "err.bad_complaint": "Pengaduan kosong, terlalu panjang atau kontaknya salah. Periksa isiannya.",
    "err.unknown_ticket": "Nomor antrean itu tidak ditemukan. Periksa nomor dan tanggalnya.",
    "err.not_served": "Pengunjung ini belum selesai dilayani. Penilaian dibuka setelah layanan selesai.",
    "err.already_rated": "Kunjungan ini sudah dinilai: satu penilaian untuk satu kunjungan.",
    "err.unknown_rating": "Penilaian ini tidak dikenal server (dimulai di perangkat lain?). Mulai lagi.",
    "err.rating_closed": "Waktu penilaian (15 menit) sudah habis. Mulai penilaian lagi.",
    "err.unknown_request": "Permintaan online dengan nomor itu tidak ditemukan. Periksa nomornya.",
    "err.unknown_complaint": "Pengaduan dengan nomor itu tidak ditemukan. Periksa nomornya.",
    "err.complaint_closed": "Pengaduan ini sudah ditutup; tindak lanjut tidak dapat ditambahkan.",
    "err.bad_pin": "ID petugas atau PIN salah.",
    "err.locked": "Terlalu banyak PIN salah. Tunggu satu menit, lalu coba lagi.",
    "err.signed_out": "Sesi Anda sudah berakhir. Silakan masuk lagi.",
    "err.weak_pin": "PIN Anda terlalu pendek (minimal 6 angka). Minta supervisor mengatur ulang PIN Anda.",
    "err.slow_down": "Terlalu banyak percobaan masuk yang gagal. Tunggu sebentar, lalu coba lagi.",
    "err.desk_taken": "Petugas lain sedang masuk di meja ini. Minta petugas itu keluar dulu, lalu coba lagi.",
    "err.session_expired": "Sesi Anda habis waktunya (terlalu lama tidak dipakai). Silakan masuk lagi.",
    "err.session_revoked": (
        "Sesi Anda diakhiri: Anda masuk di tempat lain, meja diambil alih, PIN diatur ulang, atau akun "
        "dinonaktifkan. Silakan masuk lagi atau hubungi supervisor."
    ),
    "err.unreachable": "Server antrean tidak dapat dihubungi. Coba lagi.",
    "err.other": (
        "Server antrean menolak perintah ini. Coba lagi; bila terulang, laporkan ke admin (kode: {code})."
    ),
}

ERRORS_EN: dict[str, str] = {
    **{f"err.{code}": _MISMATCH_EN for code in _MISMATCH},
    **{f"err.{code}": ONLINE_EN[f"online.err.{code}"] for code in _ONLINE},
    "err.too_large": "The command was too large for the queue server and was not carried out. "
    "Tell the administrator.",
    "err.bad_guest": "The guestbook details break its rules. Check the visitor's entries.",
    "err.no_consent": "The visitor has not agreed to the use of their data. Ask for consent first.",
    "err.unknown_ref": "The returning visitor's lookup has expired. Look them up again.",
    "err.storage_error": "The server could not save; nothing was stored. Try again.",
    "err.busy": "The queue server is busy; the command was not carried out. Press again in a moment.",
    "err.internal_error": "The queue server had a problem; the command was not carried out. Try again.",
    "err.forbidden": "This device may not send that command. Tell the admin.",
    "err.retained": "The command was sent as a retained message and refused. Tell the admin.",
    "err.too_many_requests": "Too many requests from this device. Wait a moment, then try again.",
    "err.unknown_service": "The queue server does not know the target service. Pick another one.",
    "err.unknown_desk": "The queue server does not know this desk. Check the desk number in the settings.",
    "err.desk_closed": "The desk is on a break. Open it first.",
    "err.sign_in_needed": "This desk is closed because its officer signed out. Sign in to open it.",
    "err.no_ticket": "No visitor at the desk. Call the next visitor first.",
    "err.bad_state": "This does not apply to a visitor who is being served.",
    "err.nobody_waiting": "Nobody is waiting.",
    "err.desk_busy": "A visitor is still at the desk. Finish or transfer first.",
    "err.too_long": "The text is too long. Shorten it and try again.",
    "err.bad_category": "Unknown kind of priority service.",
    "err.bad_reason": "Choose the reason for calling out of turn from the list.",
    "err.not_parked": "That visitor is not on hold.",
    "err.not_waiting": "That ticket is not waiting.",
    "err.ticket_needed": "Name the ticket.",
    "err.wrong_service": "That ticket is not for a service of this desk.",
    "err.bad_rating": "A rating score is out of its scale. Ask the visitor to rate again.",
    "err.bad_profile": "A respondent-profile answer was not recognised.",
    "err.profile_given": "This rating's respondent profile was already given.",
    "err.profile_needs_answers": "The respondent profile follows an answered survey element.",
    "err.bad_complaint": "The complaint is empty, too long or has a wrong contact. Check it.",
    "err.unknown_ticket": "That ticket number was not found. Check the number and the date.",
    "err.not_served": "This visitor has not been served yet. Rating opens once the service is finished.",
    "err.already_rated": "This visit has already been rated: one rating per visit.",
    "err.unknown_rating": "The server does not know this rating (begun on another device?). Start again.",
    "err.rating_closed": "The rating time (15 minutes) is over. Start the rating again.",
    "err.unknown_request": "No online request with that number. Check the number.",
    "err.unknown_complaint": "No complaint with that number. Check the number.",
    "err.complaint_closed": "This complaint is closed; no follow-up can be added.",
    "err.bad_pin": "Wrong officer ID or PIN.",
    "err.locked": "Too many wrong PINs. Wait a minute, then try again.",
    "err.signed_out": "Your session has ended. Please sign in again.",
    "err.weak_pin": "Your PIN is too short (at least 6 digits). Ask a supervisor for a new one.",
    "err.slow_down": "Too many failed sign-ins. Wait a moment, then try again.",
    "err.desk_taken": "Another officer is signed in at this desk. Ask them to sign out, then try again.",
    "err.session_expired": "Your session timed out (unused for too long). Please sign in again.",
    "err.session_revoked": (
        "Your session was ended: you signed in elsewhere, the desk was taken over, your PIN was reset "
        "or your account was disabled. Sign in again or ask a supervisor."
    ),
    "err.unreachable": "The queue server cannot be reached. Try again.",
    "err.other": (
        "The queue server refused this command. Try again; if it happens again, tell the "
        "administrator (code: {code})."
    ),
}
