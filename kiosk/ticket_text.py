"""What a printed ticket says, in Bahasa Indonesia (the default) or English.

Pure functions, no printer: ``wording(ticket)`` gives every line a person reads, ``ascii_safe``
turns a line into what is sent to the printer. Day and month names are spelled here rather than
taken from the system locale, which a kiosk image rarely has for ``id_ID``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.ports import TicketText
from shared.domain.calendar_words import indonesian_zone, long_date

_PHRASES = {
    "id": {
        "title": "Nomor Antrean",
        "ahead_none": "Tidak ada antrean di depan Anda",
        "ahead": "Di depan Anda: {n} orang",
        "wait": "Perkiraan waktu tunggu: ± {m} menit",
        "free": "Layanan ini tidak dipungut biaya",
        "complaints": "Keluhan, pengaduan, dan apresiasi:",
        "priority": "PRIORITAS",
        "qr_caption": "Setelah dilayani, pindai kode ini di layar penilaian untuk menilai layanan kami",
    },
    "en": {
        "title": "Queue number",
        "ahead_none": "No one is ahead of you",
        "ahead": "Ahead of you: {n} visitors",
        "ahead_one": "Ahead of you: 1 visitor",
        "wait": "Estimated wait: about {m} min",
        "free": "This service is free of charge",
        "complaints": "Complaints, suggestions and appreciation:",
        "priority": "PRIORITY",
        "qr_caption": "After your visit, scan this code at the rating screen to rate our service",
    },
}

# Characters a person may type into the config (office or service name, channels) or that the
# wording uses, with the plain-ASCII spelling a printer prints the same on every code page.
_ASCII_SPELLING = {
    "±": "+/-",
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "*",
    "×": "x",
    "\u00a0": " ",
}


@dataclass(frozen=True)
class TicketWording:
    """Every line of the ticket as a person reads it (not yet ASCII-safe)."""

    office: str
    title: str
    service: str
    code: str
    qr: str  # what the QR code holds: the code and its business day (``A-012/2026-11-25``)
    issued: str
    ahead: str
    wait: str | None
    free: str
    complaints_heading: str
    complaints: tuple[str, ...]
    qr_caption: str = ""  # what the QR code is for, printed under it
    priority: str | None = None  # "PRIORITAS" on a priority-lane ticket, else None


def qr_payload(code: str, day: date) -> str:
    """The ticket's QR text: ``A-012/2026-11-25`` (``shared.contract.feedback_requests.parse_ticket_text``
    reads it back at the kiosk's "give a rating" field; a USB scanner types it there)."""
    return f"{code}/{day.isoformat()}"


def language_of(ticket: TicketText) -> str:
    """``"en"`` for any English tag (``en``, ``en-US``), otherwise the default ``"id"``."""
    return "en" if ticket.language.lower().startswith("en") else "id"


def format_issued(moment: datetime, language: str) -> str:
    """``Selasa, 24 November 2026 09:15 WIB`` / ``Tuesday, 24 November 2026 09:15 WIB``.

    The zone name comes from the offset (WIB, WITA, WIT, else ``UTC+hh:mm``); a naive time
    gets none rather than a guess.
    """
    lang = "en" if language == "en" else "id"
    text = f"{long_date(moment, lang)} {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    zone = indonesian_zone(moment)
    if zone is None:
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        zone = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text} {zone}"


def wording(ticket: TicketText) -> TicketWording:
    lang = language_of(ticket)
    phrases = _PHRASES[lang]
    if ticket.ahead <= 0:
        ahead = phrases["ahead_none"]
    elif ticket.ahead == 1 and "ahead_one" in phrases:
        ahead = phrases["ahead_one"]
    else:
        ahead = phrases["ahead"].format(n=ticket.ahead)
    wait = None
    if ticket.estimated_wait_min is not None:
        wait = phrases["wait"].format(m=max(0, ticket.estimated_wait_min))
    return TicketWording(
        office=ticket.office_name,
        title=phrases["title"],
        service=ticket.service_name,
        code=ticket.code,
        qr=qr_payload(ticket.code, ticket.issued_at.date()),
        issued=format_issued(ticket.issued_at, lang),
        ahead=ahead,
        wait=wait,
        free=phrases["free"],
        complaints_heading=phrases["complaints"],
        complaints=ticket.complaint_channels,
        qr_caption=phrases["qr_caption"],
        priority=phrases["priority"] if ticket.priority else None,
    )


def ascii_safe(text: str) -> str:
    """The text in printable ASCII only.

    python-escpos would print other characters by switching code tables (``ESC t n``) with the
    numbering of its Epson profile; cheap kiosk printers number their tables differently, so
    such a character can come out as another one. ASCII prints the same everywhere: known
    symbols get an ASCII spelling, accented letters lose the accent, anything else becomes "?".
    Control characters (from a config value) are dropped so they cannot act as printer commands.
    """
    out: list[str] = []
    for char in text:
        if char in _ASCII_SPELLING:
            out.append(_ASCII_SPELLING[char])
            continue
        if " " <= char <= "~":
            out.append(char)
            continue
        if unicodedata.category(char).startswith("C"):
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        out.append(base if base and base.isprintable() else "?")
    return "".join(out)
