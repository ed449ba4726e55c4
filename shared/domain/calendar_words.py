"""Dates and time zones as people in Indonesia read them, without any locale installed.

Shared by what the lobby reads: the printed ticket and the wall display.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

# Indonesia's three time zones are named by their offset, whatever the IANA zone is called; the
# abbreviations are the same in both languages.
_ZONES = {timedelta(hours=7): "WIB", timedelta(hours=8): "WITA", timedelta(hours=9): "WIT"}


def long_date(at: datetime, language: str) -> str:
    """``Selasa, 24 November 2026`` / ``Tuesday, 24 November 2026``."""
    return f"{DAYS[language][at.weekday()]}, {at.day} {MONTHS[language][at.month - 1]} {at.year}"


def indonesian_zone(at: datetime) -> str | None:
    """``WIB``, ``WITA`` or ``WIT`` for a time at one of those offsets, else ``None``."""
    offset = at.utcoffset()
    return _ZONES.get(offset) if offset is not None else None
