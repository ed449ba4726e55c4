"""The words both touch programs show (the kiosk and a desk's rating screen), in Bahasa Indonesia (the
default) and English: the languages' own names, the on-screen keyboard's keys, and the messages
under a field for the guestbook's error codes (``shared.domain.guestbook``: the kiosk's guestbook
form, the rating's contact fields). Only ASCII punctuation: the bundled font has every glyph used.
"""

from __future__ import annotations

from shared.domain import guestbook
from shared.texts import Catalog

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}

_ID: dict[str, str] = {
    # on-screen keyboard
    "kbd.space": "Spasi",
    "kbd.backspace": "Hapus",
    "kbd.hide": "Tutup",
    "kbd.next": "Berikutnya",
    "kbd.shift": "Huruf besar",
    "kbd.unshift": "Huruf kecil",
    # guestbook field errors (codes from shared.domain.guestbook)
    "error.required": "Wajib diisi.",
    "error.control_chars": "Ada tanda yang tidak boleh dipakai. Hapus lalu ketik ulang.",
    "error.too_short": "Terlalu pendek: paling sedikit {min} huruf atau angka.",
    "error.too_long": "Terlalu panjang: paling banyak {max} huruf atau angka.",
    "error.id_type_unknown": "Pilih jenis kartu identitas.",
    "error.nik_length": "NIK harus 16 angka.",
    "error.nik_invalid": "NIK tidak valid. Periksa lagi angkanya sesuai KTP Anda.",
    "error.sim_invalid": "Nomor SIM harus 12 sampai 14 angka.",
    "error.passport_invalid": "Nomor paspor terdiri dari 6 sampai 12 huruf atau angka.",
    "error.id_invalid": "Nomor identitas terdiri dari 4 sampai 32 huruf atau angka.",
    "error.email_invalid": "Alamat email tidak valid. Contoh: nama@gmail.com",
    "error.phone_invalid": "Nomor HP hanya angka, 8 sampai 15 digit. Contoh: 081234567890",
    "error.other": "Isian ini belum benar.",
}

_EN: dict[str, str] = {
    "kbd.space": "Space",
    "kbd.backspace": "Delete",
    "kbd.hide": "Close",
    "kbd.next": "Next",
    "kbd.shift": "Capitals",
    "kbd.unshift": "Small letters",
    "error.required": "Please fill this in.",
    "error.control_chars": "Contains characters that are not allowed. Delete and type it again.",
    "error.too_short": "Too short: at least {min} letters or digits.",
    "error.too_long": "Too long: at most {max} letters or digits.",
    "error.id_type_unknown": "Choose the kind of ID card.",
    "error.nik_length": "A NIK has exactly 16 digits.",
    "error.nik_invalid": "This NIK is not valid. Check the digits against your KTP.",
    "error.sim_invalid": "A SIM number has 12 to 14 digits.",
    "error.passport_invalid": "A passport number has 6 to 12 letters or digits.",
    "error.id_invalid": "An ID number has 4 to 32 letters or digits.",
    "error.email_invalid": "Not a valid email address. Example: name@gmail.com",
    "error.phone_invalid": "Digits only, 8 to 15 of them. Example: 081234567890",
    "error.other": "This answer is not right yet.",
}

TEXTS: dict[str, dict[str, str]] = {"id": _ID, "en": _EN}
CATALOG = Catalog(TEXTS)
t = CATALOG.t

FIELD_ERROR_CODES = (
    "required",
    "control_chars",
    "too_short",
    "too_long",
    "id_type_unknown",
    "nik_length",
    "nik_invalid",
    "sim_invalid",
    "passport_invalid",
    "id_invalid",
    "email_invalid",
    "phone_invalid",
)


def field_error(language: str, field: str, code: str) -> str:
    """The message shown under ``field`` for a guestbook error code."""
    key = f"error.{code}" if code in FIELD_ERROR_CODES else "error.other"
    low, high = guestbook.LIMITS.get(field, (0, 0))
    return t(language, key, min=low, max=high)


def other_language(language: str) -> str:
    """The language the language button switches to."""
    return "en" if CATALOG.language(language) == "id" else "id"
