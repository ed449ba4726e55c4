"""The wall's colours (plain Python: the .kv files and the tests read them without Kivy)."""

from __future__ import annotations

# Calm, high-contrast colours: navy ground, white codes, one amber accent for "this call".
THEME: dict[str, tuple[float, float, float, float]] = {
    "ground": (0.04, 0.10, 0.20, 1),
    "header": (0.06, 0.14, 0.27, 1),
    "panel": (0.08, 0.17, 0.31, 1),
    "text": (1, 1, 1, 1),
    "dim": (0.66, 0.74, 0.84, 1),
    "faint": (0.36, 0.45, 0.58, 1),
    "accent": (0.97, 0.72, 0.0, 1),
    "near": (0.98, 0.78, 0.35, 1),  # a waiting visitor past the 8-minute warning
    "late": (1.0, 0.55, 0.50, 1),  # ... past the 10-minute standard: legible, not alarming
    "on_accent": (0.04, 0.10, 0.20, 1),
    "marquee": (0.03, 0.07, 0.15, 1),
    "veil": (0.02, 0.05, 0.11, 0.86),
    "card": (0.11, 0.21, 0.36, 1),
    "badge": (1, 1, 1, 1),  # the priority mark's pill: white, apart from the amber of "this call"
    "on_badge": (0.04, 0.10, 0.20, 1),
}
