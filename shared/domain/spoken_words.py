"""Numbers and ticket codes as Indonesians say them, for espeak-ng's Indonesian voice: ``A-012`` is
"A dua belas". Pure Python; the wall display's calls (``display.speech``) and the kiosk's spoken
guide (``kiosk.spoken_guide``) both read codes this way."""

from __future__ import annotations

import re

_ONES = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")

# espeak-ng's Indonesian voice reads a lone capital as a word; spell the letters as Indonesians do.
_LETTERS = {
    "A": "A", "B": "Be", "C": "Ce", "D": "De", "E": "E", "F": "Ef", "G": "Ge", "H": "Ha", "I": "I",
    "J": "Je", "K": "Ka", "L": "El", "M": "Em", "N": "En", "O": "O", "P": "Pe", "Q": "Ki", "R": "Er",
    "S": "Es", "T": "Te", "U": "U", "V": "Fe", "W": "We", "X": "Eks", "Y": "Ye", "Z": "Zet",
}  # fmt: skip


def number_words(n: int) -> str:
    """Indonesian words for 0 <= n < 1,000,000: 12 -> "dua belas", 101 -> "seratus satu"."""
    if n < 0 or n >= 1_000_000:
        raise ValueError(f"out of range: {n}")
    if n < 10:
        return _ONES[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return _join(f"{_ONES[tens]} puluh", rest)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _join("seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus", rest)
    thousands, rest = divmod(n, 1000)
    return _join("seribu" if thousands == 1 else f"{number_words(thousands)} ribu", rest)


def _join(head: str, rest: int) -> str:
    return head if rest == 0 else f"{head} {number_words(rest)}"


def spoken_code(code: str) -> str:
    """``A-012`` -> "A dua belas"; ``PD-7`` -> "Pe De tujuh"."""
    match = re.fullmatch(r"([A-Z]{1,3})-(\d{1,6})", code)
    if not match:
        return code
    letters = " ".join(_LETTERS[c] for c in match.group(1))
    return f"{letters} {number_words(int(match.group(2)))}"
