"""The minimum survey sample for a population, from the Krejcie-Morgan table.

PermenPAN-RB No. 14/2017 (Lampiran, "Populasi dan Sampel") tells a unit to take its sample size
from the Krejcie and Morgan table (Krejcie & Morgan 1970, "Determining sample size for research
activities", Educational and Psychological Measurement 30, 607-610: 95 % confidence, 5 % margin,
p = 0.5). Pure: no I/O.

A population between two rows of the table is read at the next row up (the larger sample), so the
minimum is never understated; a population below the first row (10) is surveyed whole.
"""

from __future__ import annotations

from bisect import bisect_left

# (population N, sample S), as printed in the table.
KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76),
    (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118),
    (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144), (240, 148), (250, 152),
    (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175), (340, 181), (360, 186),
    (380, 191), (400, 196), (420, 201), (440, 205), (460, 210), (480, 214), (500, 217), (550, 226),
    (600, 234), (650, 242), (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274),
    (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306), (1600, 310),
    (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327), (2400, 331), (2600, 335),
    (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354), (5000, 357), (6000, 361),
    (7000, 364), (8000, 367), (9000, 368), (10000, 370), (15000, 375), (20000, 377), (30000, 379),
    (40000, 380), (50000, 381), (75000, 382), (1000000, 384),
)  # fmt: skip
_POPULATIONS = tuple(n for n, _s in KREJCIE_MORGAN)


def minimum_sample(population: int) -> int:
    """The table's sample for ``population`` (the next row up when it falls between two rows)."""
    if population <= 0:
        return 0
    if population < _POPULATIONS[0]:
        return population
    index = bisect_left(_POPULATIONS, population)
    if index >= len(KREJCIE_MORGAN):
        return KREJCIE_MORGAN[-1][1]
    return KREJCIE_MORGAN[index][1]
