"""Every word the wall display shows, in Bahasa Indonesia (the lobby's language) and English.

Nothing else in ``display/`` holds user-facing text: widgets and the view-model ask here. Dates
and times follow Indonesian usage (``Selasa, 24 November 2026``, ``09.15 WIB``).
"""

from __future__ import annotations

from datetime import datetime

from shared import texts as shared_texts
from shared.domain.calendar_words import indonesian_zone, long_date
from shared.texts import Catalog

LANGUAGES = shared_texts.LANGUAGES

_TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "window_title": "Antre — layar antrean",
        "title": "Pelayanan Statistik Terpadu",
        "now_serving": "SEDANG DILAYANI",
        "latest_call": "PANGGILAN",
        "recent_calls": "Panggilan sebelumnya",
        "waiting": "Menunggu",
        "waiting_count": "{count} orang",
        "waiting_late": "{count} orang · {late} > 10 mnt",
        "no_desk_open": "Belum ada meja yang buka",
        "no_call_yet": "Belum ada panggilan",
        "idle_ticket": "—",
        "desk_fallback": "Meja {desk}",
        "recall": "panggilan ulang",
        "priority": "PRIORITAS",  # the mark of a priority-lane ticket (docs/queue.md)
        "goto": "menuju",
        "overlay_title": "Koneksi terputus — sedang menyambung kembali",
        "overlay_broker": "Layar ini tidak terhubung ke server pesan.",
        "overlay_hub": "Server antrean sedang tidak aktif.",
        "overlay_hint": "Nomor yang tampil mungkin belum yang terbaru. Mohon tunggu sebentar.",
    },
    "en": {
        "window_title": "Antre — queue display",
        "title": "Integrated Statistical Services",
        "now_serving": "NOW SERVING",
        "latest_call": "NOW CALLING",
        "recent_calls": "Previous calls",
        "waiting": "Waiting",
        "waiting_count": "{count} waiting",
        "waiting_late": "{count} waiting · {late} > 10 min",
        "no_desk_open": "No desk is open yet",
        "no_call_yet": "No calls yet",
        "idle_ticket": "—",
        "desk_fallback": "Desk {desk}",
        "recall": "recall",
        "priority": "PRIORITY",
        "goto": "to",
        "overlay_title": "Connection lost — reconnecting",
        "overlay_broker": "This screen cannot reach the message server.",
        "overlay_hub": "The queue server is not running.",
        "overlay_hint": "The numbers shown may be out of date. Please wait a moment.",
    },
}


CATALOG = Catalog(_TEXTS)
t = CATALOG.t
"""``t(language, key, **values)``: the wall's text for ``key``, its ``{placeholders}`` filled."""


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def date_line(at: datetime, language: str) -> str:
    """``Selasa, 24 November 2026`` / ``Tuesday, 24 November 2026``."""
    return long_date(at, language)


def zone_name(at: datetime) -> str:
    return indonesian_zone(at) or at.tzname() or ""


def clock_line(at: datetime, language: str) -> str:
    """``09.15 WIB`` (Indonesian writes the time with a full stop) / ``09:15 WIB``."""
    separator = "." if language == "id" else ":"
    return f"{at.hour:02d}{separator}{at.minute:02d} {zone_name(at)}".rstrip()
