"""The colours of the touch screens: the standard set and the high-contrast one a visitor turns on
with "Aa" (with the larger type). The ``.kv`` files read them as ``app.pal.<name>``, so every colour
changes at once when the app swaps the palette. Pure data, no Kivy."""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[float, float, float, float]


@dataclass(frozen=True)
class Palette:
    bg: Colour  # the window behind every screen
    text: Colour
    muted: Colour  # secondary lines (still readable: >= 7:1 on bg)
    primary: Colour  # main buttons, the header bar, the ticket code
    on_primary: Colour  # text on primary
    secondary: Colour  # secondary buttons, footer bars
    on_secondary: Colour
    error: Colour
    warn_bg: Colour  # notices (printer problem, closed, unprinted ticket)
    card: Colour  # text boxes, cards
    priority: Colour  # the priority lane's button and mark
    on_priority: Colour
    border: Colour  # drawn around buttons: only the high-contrast set shows it


STANDARD = Palette(
    bg=(0.96, 0.97, 0.98, 1),
    text=(0.09, 0.11, 0.14, 1),
    muted=(0.33, 0.37, 0.42, 1),
    primary=(0.05, 0.36, 0.68, 1),
    on_primary=(1, 1, 1, 1),
    secondary=(0.86, 0.89, 0.93, 1),
    on_secondary=(0.09, 0.11, 0.14, 1),
    error=(0.75, 0.11, 0.11, 1),
    warn_bg=(1.0, 0.93, 0.75, 1),
    card=(1, 1, 1, 1),
    priority=(0.0, 0.42, 0.3, 1),  # a deep green: white on it is 6.6:1
    on_priority=(1, 1, 1, 1),
    border=(0, 0, 0, 0),
)

# White and yellow on black: each text at least 12:1 against what is behind it (WCAG AAA is 7:1).
HIGH_CONTRAST = Palette(
    bg=(0, 0, 0, 1),
    text=(1, 1, 1, 1),
    muted=(0.93, 0.93, 0.93, 1),
    primary=(1.0, 0.86, 0.0, 1),
    on_primary=(0, 0, 0, 1),
    secondary=(0.16, 0.16, 0.16, 1),
    on_secondary=(1, 1, 1, 1),
    error=(1.0, 0.55, 0.55, 1),
    warn_bg=(0.35, 0.22, 0.0, 1),
    card=(0, 0, 0, 1),
    priority=(0.55, 1.0, 0.75, 1),
    on_priority=(0, 0, 0, 1),
    border=(1, 1, 1, 1),
)

LARGE_TEXT_SCALE = 1.25  # how much larger everything gets with "Aa"
