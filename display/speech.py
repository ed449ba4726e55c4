"""What the lobby hears: the Indonesian sentence for a call, spelled the way people say it.

``A-012`` at ``Meja 2`` becomes "Nomor antrean A dua belas, silakan menuju meja dua"; a priority-lane
ticket (docs/queue.md) "Nomor antrean prioritas A dua belas, ...". Pure Python, no audio here (see
``display.voice``).
"""

from __future__ import annotations

import re

from shared.domain.spoken_words import number_words, spoken_code

__all__ = ["call_sentence", "number_words", "spoken_code", "spoken_desk"]


def spoken_desk(desk_name: str) -> str:
    """``Meja 2`` -> "meja dua"; digits inside any desk name are read as a number."""
    return re.sub(r"\d+", lambda m: number_words(int(m.group())), desk_name).lower()


def call_sentence(code: str, desk_name: str, language: str = "id", *, priority: bool = False) -> str:
    """What the lobby hears for a call; ``priority``: the ticket is a priority-lane one, said so
    (the visitor who chose the lane listens for it; everyone else hears why they wait)."""
    if language == "en":
        kind = "Priority ticket" if priority else "Ticket"
        return f"{kind} number {code.replace('-', ' ')}, please go to {desk_name}"
    kind = "Nomor antrean prioritas" if priority else "Nomor antrean"
    return f"{kind} {spoken_code(code)}, silakan menuju {spoken_desk(desk_name)}"
