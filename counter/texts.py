"""Every word the counter app and the keypad show, in Bahasa Indonesia (default) and English.

Nothing else in ``counter/`` holds user-facing text (the online panel's words are kept in
``counter.texts_online``, the refusal codes' sentences in ``counter.texts_errors``; both merged
here), and the kiosk printer's and the wall display's voice states are put in words here too.
Only ASCII punctuation and the em dash: the app's font has every glyph used here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from counter.texts_actions import ACTIONS_EN, ACTIONS_ID
from counter.texts_errors import ERRORS_EN, ERRORS_ID
from counter.texts_online import ONLINE_EN, ONLINE_ID
from shared import texts as shared_texts
from shared.texts import Catalog

LANGUAGES = shared_texts.LANGUAGES
DEFAULT_LANGUAGE = shared_texts.DEFAULT_LANGUAGE
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}

_ID: dict[str, str] = {
    # sign-in
    "signin.title": "Masuk Petugas",
    "signin.desk": "{desk_name} — {office}",
    "signin.officer": "ID petugas",
    "signin.officer_hint": "contoh: budi",
    "signin.pin": "PIN",
    "signin.pin_hint": "6-8 angka",
    "signin.submit": "Masuk",
    "signin.clear": "Hapus semua",
    "signin.back": "Hapus",  # backspace, as on the kiosk's keyboard
    "signin.busy": "Memeriksa PIN...",
    "signin.pick": "Pilih nama Anda:",
    "signin.err.bad_pin": "ID petugas atau PIN salah.",
    "signin.err.locked": "Terlalu banyak PIN salah. Tunggu satu menit, lalu coba lagi.",
    "signin.err.unknown_desk": "Meja ini tidak dikenal oleh server antrean. Periksa pengaturan.",
    "signin.err.no_officer": "Isi ID petugas.",
    "signin.err.pin_shape": "PIN terdiri dari 4 sampai 8 angka.",
    "signin.err.unreachable": "Server antrean tidak dapat dihubungi. Coba lagi sebentar lagi.",
    "signin.err.session_ended": "Sesi Anda berakhir (masuk di tempat lain?). Silakan masuk lagi.",
    "signin.err.signed_out": "Anda sudah keluar.",
    "signin.err.other": "Gagal masuk. Coba lagi; bila terulang, laporkan ke admin (kode: {code}).",
    "signin.taken": "{name} sedang masuk di meja ini. Minta beliau keluar dulu, atau ambil alih meja ini.",
    "signin.take_over": "Ambil alih meja",
    # desk screen
    "desk.officer": "Petugas: {name}",
    "desk.signout": "Keluar",
    "desk.current": "Pengunjung di meja",
    "desk.nobody": "Tidak ada pengunjung di meja",
    "desk.nobody_hint": "Tekan {shortcut} untuk memanggil pengunjung berikutnya.",
    "desk.closed": "Meja sedang istirahat",
    "desk.closed_hint": "Tekan {shortcut} untuk membuka meja kembali.",
    "desk.waited": "Lama menunggu: {time}",
    "desk.at_desk": "Dipanggil {time} lalu",
    "desk.serving_for": "Dilayani {time}",
    "desk.recalls": "Dipanggil ulang {n}x",
    "desk.name": "Nama",
    "desk.institution": "Instansi",
    "desk.purpose": "Keperluan",
    "desk.id": "Identitas",
    "desk.no_guestbook": "Tanpa data buku tamu",
    "desk.loading": "Memuat data tamu...",
    "desk.visitor_error": "Data tamu belum dapat dimuat; mencoba lagi...",
    "desk.waiting": "Antrean menunggu",
    "desk.waiting_count": "{count} menunggu",
    "desk.waiting_none": "Tidak ada yang menunggu",
    "desk.waiting_more": "+{n} lainnya",
    "clock.minutes": "{n} mnt",
    "desk.idle_chip": "kosong {n} mnt",
    "desk.idle_mine": "Meja Anda kosong, {count} menunggu",
    "desk.idle_other": "Meja kosong: {desks}",
    "desk.idle_longest": "terlama {time} saat meja kosong",
    "desk.transfer_title": "Alihkan {ticket} ke layanan:",
    "desk.transfer_cancel": "Batal (Esc)",
    "status.closed": "ISTIRAHAT",
    "status.idle": "SIAP",
    "status.called": "DIPANGGIL",
    "status.serving": "MELAYANI",
    "status.unknown": "MENUNGGU DATA",
    # buttons
    "btn.next": "Panggil berikutnya",
    "btn.recall": "Panggil ulang",
    "btn.start": "Mulai layani",
    "btn.finish": "Selesai",
    "btn.noshow": "Tidak hadir",
    "btn.noshow_after": "setelah {n}x panggil ulang",
    "btn.transfer": "Alihkan layanan",
    "btn.close": "Istirahat",
    "btn.open": "Buka meja",
    # link and hub
    "link.connecting": "Menghubungkan ke server antrean...",
    "link.lost": "Koneksi ke server antrean terputus. Tombol antrean ditahan sampai tersambung kembali.",
    "link.lost_pending": (
        'Koneksi ke server antrean terputus. "{action}" dikirim ulang otomatis saat tersambung kembali.'
    ),
    "link.hub_offline": "Server antrean tidak aktif. Perintah dijalankan saat server aktif kembali.",
    "link.pending": 'Menunggu jawaban server untuk "{action}"...',
    "link.pending_retry": 'Menunggu jawaban server untuk "{action}" (dikirim ulang {n}x)...',
    "link.pending_busy": 'Server antrean sedang sibuk: "{action}" dikirim ulang sebentar lagi...',
    "printer.problem": "Printer kiosk {kiosk}: {problem}",
    "printer.reprint": "tiket {ticket} belum tercetak",
    "printer.paper_out": "kertas habis",
    "printer.offline": "tidak terhubung",
    "printer.unknown": "status tidak diketahui",
    "printer.ready": "siap",
    "printer.other": "keadaan tidak dikenal; periksa kiosk",
    "voice.failed": (
        "Suara layar antrean {display} tidak terdengar: {detail} — "
        "panggil pengunjung secara lisan dan periksa speaker layar."
    ),
    "voice.no_detail": "sebab tidak diketahui",
    "voice.off": "Suara layar antrean {display} dimatikan.",
    "voice.guide_failed": "Panduan suara kiosk {kiosk} tidak terdengar: {detail}.",
    # the hub's answers
    "answer.next": "{ticket} dipanggil ke {desk_name}.",
    "answer.next_after": "{finished} selesai. {ticket} dipanggil ke {desk_name}.",
    "answer.next_none": "Tidak ada pengunjung yang menunggu.",
    "answer.next_none_after": "{finished} selesai. Tidak ada pengunjung yang menunggu.",
    "answer.recall": "{ticket} dipanggil ulang ({n}x).",
    "answer.start": "Mulai melayani {ticket}.",
    "answer.finish": "{ticket} selesai dilayani.",
    "answer.noshow": "{ticket} dicatat tidak hadir.",
    "answer.transfer": "{ticket} dialihkan ke {service} dan menunggu sesuai waktu ambil nomornya.",
    "answer.open": "Meja dibuka.",
    "answer.close": "Meja istirahat. Tidak ada panggilan ke meja ini.",
    "answer.signed_out_busy": "Belum bisa keluar: selesaikan atau alihkan pengunjung dulu.",
    "answer.ok": 'Perintah "{action}" diterima.',
    "answer.from_button": "Tombol meja: {text}",
    # action names (the pending line, the keypad)
    "action.next": "panggil berikutnya",
    "action.recall": "panggil ulang",
    "action.start": "mulai layani",
    "action.finish": "selesai",
    "action.noshow": "tidak hadir",
    "action.transfer": "alihkan",
    "action.open": "buka meja",
    "action.close": "istirahat",
    # keypad mode
    "keypad.title": "Antre — keypad {desk_name} (server {url})",
    "keypad.help": "Tombol: {keys}. Ctrl-C untuk berhenti.",
    "keypad.connected": "Tersambung ke server pesan.",
    "keypad.lost": "Koneksi terputus; tombol diabaikan sampai tersambung kembali.",
    "keypad.ignored": "Tidak tersambung: tombol {name} diabaikan.",
    "keypad.sent": "-> {action}",
    "keypad.state": "{desk_name}: {status} {ticket}",
    "keypad.unknown_key": "Tombol {name} tidak dipakai.",
}

_EN: dict[str, str] = {
    "signin.title": "Officer sign-in",
    "signin.desk": "{desk_name} — {office}",
    "signin.officer": "Officer ID",
    "signin.officer_hint": "e.g. budi",
    "signin.pin": "PIN",
    "signin.pin_hint": "6-8 digits",
    "signin.submit": "Sign in",
    "signin.clear": "Clear all",
    "signin.back": "Delete",  # backspace, as on the kiosk's keyboard
    "signin.busy": "Checking the PIN...",
    "signin.pick": "Pick your name:",
    "signin.err.bad_pin": "Wrong officer ID or PIN.",
    "signin.err.locked": "Too many wrong PINs. Wait a minute, then try again.",
    "signin.err.unknown_desk": "The queue server does not know this desk. Check the settings.",
    "signin.err.no_officer": "Enter your officer ID.",
    "signin.err.pin_shape": "A PIN is 4 to 8 digits.",
    "signin.err.unreachable": "The queue server cannot be reached. Try again shortly.",
    "signin.err.session_ended": "Your session ended (signed in elsewhere?). Please sign in again.",
    "signin.err.signed_out": "You have signed out.",
    "signin.err.other": (
        "Sign-in failed. Try again; if it happens again, tell the administrator (code: {code})."
    ),
    "signin.taken": "{name} is signed in at this desk. Ask them to sign out first, or take the desk over.",
    "signin.take_over": "Take over the desk",
    "desk.officer": "Officer: {name}",
    "desk.signout": "Sign out",
    "desk.current": "Visitor at the desk",
    "desk.nobody": "No visitor at the desk",
    "desk.nobody_hint": "Press {shortcut} to call the next visitor.",
    "desk.closed": "The desk is on a break",
    "desk.closed_hint": "Press {shortcut} to open the desk again.",
    "desk.waited": "Waited: {time}",
    "desk.at_desk": "Called {time} ago",
    "desk.serving_for": "Serving for {time}",
    "desk.recalls": "Recalled {n}x",
    "desk.name": "Name",
    "desk.institution": "Institution",
    "desk.purpose": "Purpose",
    "desk.id": "ID",
    "desk.no_guestbook": "No guestbook entry",
    "desk.loading": "Loading the visitor's details...",
    "desk.visitor_error": "The visitor's details could not be loaded yet; retrying...",
    "desk.waiting": "Waiting",
    "desk.waiting_count": "{count} waiting",
    "desk.waiting_none": "Nobody is waiting",
    "desk.waiting_more": "+{n} more",
    "clock.minutes": "{n} min",
    "desk.idle_chip": "idle {n} min",
    "desk.idle_mine": "Your desk is free and {count} wait",
    "desk.idle_other": "Idle desk: {desks}",
    "desk.idle_longest": "longest {time} while a desk was idle",
    "desk.transfer_title": "Transfer {ticket} to:",
    "desk.transfer_cancel": "Cancel (Esc)",
    "status.closed": "ON BREAK",
    "status.idle": "READY",
    "status.called": "CALLED",
    "status.serving": "SERVING",
    "status.unknown": "WAITING FOR DATA",
    "btn.next": "Call next",
    "btn.recall": "Recall",
    "btn.start": "Start service",
    "btn.finish": "Finish",
    "btn.noshow": "No-show",
    "btn.noshow_after": "after {n} recalls",
    "btn.transfer": "Transfer",
    "btn.close": "Break",
    "btn.open": "Open desk",
    "link.connecting": "Connecting to the queue server...",
    "link.lost": "Connection to the queue server lost. Queue buttons are held until it is back.",
    "link.lost_pending": 'Connection to the queue server lost. "{action}" is sent again once it is back.',
    "link.hub_offline": "The queue server is not running. Commands run when it is back.",
    "link.pending": 'Waiting for the server\'s answer to "{action}"...',
    "link.pending_retry": 'Waiting for the server\'s answer to "{action}" (sent again {n}x)...',
    "link.pending_busy": 'The queue server is busy: "{action}" is sent again in a moment...',
    "printer.problem": "Kiosk {kiosk} printer: {problem}",
    "printer.reprint": "ticket {ticket} not printed",
    "printer.paper_out": "out of paper",
    "printer.offline": "not connected",
    "printer.unknown": "status unknown",
    "printer.ready": "ready",
    "printer.other": "unknown state; check the kiosk",
    "voice.failed": (
        "The queue display {display} cannot be heard: {detail} — "
        "call visitors aloud and check the display's speaker."
    ),
    "voice.no_detail": "cause unknown",
    "voice.off": "The queue display {display} has its voice turned off.",
    "voice.guide_failed": "The kiosk {kiosk}'s spoken guide cannot be heard: {detail}.",
    "answer.next": "{ticket} called to {desk_name}.",
    "answer.next_after": "{finished} finished. {ticket} called to {desk_name}.",
    "answer.next_none": "Nobody is waiting.",
    "answer.next_none_after": "{finished} finished. Nobody is waiting.",
    "answer.recall": "{ticket} called again ({n}x).",
    "answer.start": "Serving {ticket}.",
    "answer.finish": "{ticket} finished.",
    "answer.noshow": "{ticket} recorded as a no-show.",
    "answer.transfer": "{ticket} moved to {service}, waiting by the time they took their number.",
    "answer.open": "The desk is open.",
    "answer.close": "The desk is on a break. No calls to this desk.",
    "answer.signed_out_busy": "Cannot sign out yet: finish or transfer the visitor first.",
    "answer.ok": 'Command "{action}" accepted.',
    "answer.from_button": "Desk button: {text}",
    "action.next": "call next",
    "action.recall": "recall",
    "action.start": "start service",
    "action.finish": "finish",
    "action.noshow": "no-show",
    "action.transfer": "transfer",
    "action.open": "open desk",
    "action.close": "break",
    "keypad.title": "Antre — keypad {desk_name} (server {url})",
    "keypad.help": "Keys: {keys}. Ctrl-C to stop.",
    "keypad.connected": "Connected to the message server.",
    "keypad.lost": "Connection lost; keys are ignored until it is back.",
    "keypad.ignored": "Not connected: key {name} ignored.",
    "keypad.sent": "-> {action}",
    "keypad.state": "{desk_name}: {status} {ticket}",
    "keypad.unknown_key": "Key {name} is not used.",
}

_ID |= ONLINE_ID | ERRORS_ID | ACTIONS_ID
_EN |= ONLINE_EN | ERRORS_EN | ACTIONS_EN
CATALOG = Catalog({"id": _ID, "en": _EN})
t = CATALOG.t
"""``t(language, key, **values)``: the text for ``key``; a missing key shows itself (a visible bug,
never a crash)."""


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def error_text(code: str, language: str, context: str = "") -> str:
    """A hub or staff-API refusal code in words: the ``{context}.err.{code}`` sentence if there is
    one (``signin``, ``online``), else the general ``err.{code}``, else the context's generic
    sentence with the code after it (``counter.texts_errors``). Never the code alone."""
    prefix = f"{context}." if context else ""
    for key in (f"{prefix}err.{code}", f"err.{code}"):
        if CATALOG.has(DEFAULT_LANGUAGE, key):
            return t(language, key)
    return t(language, f"{prefix}err.other", code=code)


def duration(seconds: float) -> str:
    """``mm:ss`` under an hour, ``h:mm:ss`` above (the same in both languages)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def minutes(seconds: float, language: str) -> str:
    """A waiting clock in whole minutes (``8 mnt``): it changes once a minute, so a list of 24
    chips is not redrawn every second."""
    return t(language, "clock.minutes", n=max(0, int(seconds // 60)))


def answer_text(
    answer: Mapping[str, Any], language: str, desk_name: str, service_names: Mapping[str, str]
) -> str:
    """One hub answer (``counter/{desk}/response``) in words."""
    error = answer.get("error")
    if isinstance(error, Mapping):
        return error_text(str(error.get("code", "error")), language)
    action = str(answer.get("action", ""))
    ticket = answer.get("ticket")
    finished = answer.get("finished")
    if action == "next":
        if ticket is None:
            key = "answer.next_none_after" if finished else "answer.next_none"
            return t(language, key, finished=finished)
        key = "answer.next_after" if finished else "answer.next"
        return t(language, key, ticket=ticket, finished=finished, desk_name=desk_name)
    if action in ("recall", "repeat"):  # repeat: a button's word for the same thing
        return t(language, "answer.recall", ticket=ticket, n=answer.get("recalls", 1))
    if action == "call_ticket":
        key = "answer.call_ticket_after" if finished else "answer.call_ticket"
        why = reason_text(str(answer.get("reason", "other")), language)
        return t(language, key, ticket=ticket, finished=finished, reason=why[:1].lower() + why[1:])
    if action == "return":
        return t(language, "answer.return", ticket=ticket, ahead=answer.get("ahead", 0))
    if action in ("hold", "resume"):
        return t(language, f"answer.{action}", ticket=ticket, desk_name=desk_name)
    if action == "transfer":
        to = str(answer.get("to_service", ""))
        service = f"{to} ({service_names[to]})" if to in service_names else to
        return t(language, "answer.transfer", ticket=ticket, service=service)
    if action in ("start", "finish", "noshow"):
        return t(language, f"answer.{action}", ticket=ticket)
    if action in ("open", "close"):
        return t(language, f"answer.{action}")
    return t(language, "answer.ok", action=action)


def reason_text(reason: str, language: str) -> str:
    """An out-of-order call's reason in words (``reason.other``'s for one not known here)."""
    key = f"reason.{reason}"
    return t(language, key if CATALOG.has(DEFAULT_LANGUAGE, key) else "reason.other")


def printer_problem(printer: str, pending_reprint: str | None, language: str) -> str:
    key = f"printer.{printer}"
    words = t(language, key if CATALOG.has(DEFAULT_LANGUAGE, key) else "printer.other")  # never the raw state
    if pending_reprint:
        words += ", " + t(language, "printer.reprint", ticket=pending_reprint)
    return words
