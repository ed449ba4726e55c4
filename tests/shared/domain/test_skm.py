"""The SKM index (IKM) of PermenPAN-RB 14/2017 as ``shared.domain.skm`` computes it: a hand calculation of
100 responses, the regulation's own band table, rounding half up, skipped elements, the extremes."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from shared.domain.skm import ELEMENT_KEYS, band, band_name, compute_ikm, round2

# 100 responses, given per element as how many answered 1, 2, 3 and 4.
COUNTS = {
    "u1": (0, 10, 50, 40),  # (10x2 + 50x3 + 40x4) / 100 = (20 + 150 + 160) / 100 = 3.30
    "u2": (0, 0, 60, 40),  # (180 + 160) / 100 = 3.40
    "u3": (5, 15, 40, 40),  # (5 + 30 + 120 + 160) / 100 = 3.15
    "u4": (0, 0, 0, 100),  # 400 / 100 = 4.00 (the service is free)
    "u5": (0, 20, 50, 30),  # (40 + 150 + 120) / 100 = 3.10
    "u6": (0, 0, 50, 50),  # (150 + 200) / 100 = 3.50
    "u7": (0, 0, 30, 70),  # (90 + 280) / 100 = 3.70
    "u8": (10, 20, 40, 30),  # (10 + 40 + 120 + 120) / 100 = 2.90
    "u9": (0, 10, 60, 30),  # (20 + 180 + 120) / 100 = 3.20
}
# Sum of the NRRs = 3.30 + 3.40 + 3.15 + 4.00 + 3.10 + 3.50 + 3.70 + 2.90 + 3.20 = 30.25.
# Index = 30.25 x 1/9 = 3.36111...; IKM = 3.36111... x 25 = 756.25 / 9 = 84.0277... -> 84.03, band B.
HAND_NRR = {"u1": "3.30", "u2": "3.40", "u3": "3.15", "u4": "4.00", "u5": "3.10", "u6": "3.50",
            "u7": "3.70", "u8": "2.90", "u9": "3.20"}  # fmt: skip


def _responses(counts: dict[str, tuple[int, int, int, int]]) -> list[dict[str, int | None]]:
    """Respondent i gets, per element, the i-th score of that element's scores in order."""
    columns = {key: [score for score, n in zip((1, 2, 3, 4), c, strict=True) for _ in range(n)]
               for key, c in counts.items()}  # fmt: skip
    size = len(next(iter(columns.values())))
    return [{key: column[i] for key, column in columns.items()} for i in range(size)]


def test_a_hundred_responses_match_the_hand_calculation() -> None:
    result = compute_ikm(_responses(COUNTS))
    assert result is not None
    assert result.respondents == 100 and result.complete
    assert {s.key: s.nrr for s in result.elements} == {k: Fraction(v) for k, v in HAND_NRR.items()}
    assert sum(s.nrr for s in result.elements) == Fraction("30.25")
    assert result.weight == Fraction(1, 9)
    assert result.index == Fraction("30.25") / 9
    assert result.ikm == Decimal("84.03")
    assert result.band == "B" and band_name("B") == "Baik" and band_name("B", "en") == "Good"
    assert [s.converted for s in result.elements][:3] == [
        Decimal("82.50"),
        Decimal("85.00"),
        Decimal("78.75"),
    ]


# The regulation's table: the interval ends on the 1-4 scale, x 25, give the band ends.
REGULATION = [
    ("2.5996", "64.99", "D"),
    ("2.60", "65.00", "C"),
    ("3.064", "76.60", "C"),
    ("3.0644", "76.61", "B"),
    ("3.532", "88.30", "B"),
    ("3.5324", "88.31", "A"),
]


@pytest.mark.parametrize(("nrr", "converted", "letter"), REGULATION)
def test_the_regulations_interval_ends(nrr: str, converted: str, letter: str) -> None:
    assert round2(Decimal(nrr) * 25) == Decimal(converted)
    assert band(Decimal(converted)) == letter


def _uniform(nrr: Fraction) -> list[dict[str, int | None]]:
    """Responses that give every element exactly ``nrr``: some answer all ``low + 1``, the rest all
    ``low`` (e.g. 3.5324 = 8831/2500: 1331 answer 4 everywhere, 1169 answer 3)."""
    low = int(nrr)
    high = nrr.numerator - low * nrr.denominator
    return [dict.fromkeys(ELEMENT_KEYS, low + 1)] * high + [dict.fromkeys(ELEMENT_KEYS, low)] * (
        nrr.denominator - high
    )


@pytest.mark.parametrize(("nrr", "converted", "letter"), REGULATION)
def test_responses_with_those_nrrs_get_the_right_band(nrr: str, converted: str, letter: str) -> None:
    result = compute_ikm(_uniform(Fraction(nrr)))
    assert result is not None
    assert all(s.nrr == Fraction(nrr) for s in result.elements)
    assert result.ikm == Decimal(converted)
    assert result.band == letter


@pytest.mark.parametrize(
    ("value", "letter"),
    [("88.30", "B"), ("88.31", "A"), ("76.60", "C"), ("76.61", "B"), ("64.99", "D"), ("65.00", "C"),
     ("100", "A"), ("25", "D")],
)  # fmt: skip
def test_band_boundaries(value: str, letter: str) -> None:
    assert band(Decimal(value)) == letter


def test_half_up_rounding() -> None:
    assert round(Decimal("88.305"), 2) == Decimal("88.30")  # Python's round(): half to even, band B
    assert round2(Decimal("88.305")) == Decimal("88.31")
    assert band(Decimal("88.305")) == "A" and band(88.305) == "A"
    assert band(Decimal("88.3049")) == "B"
    # 88.305 exactly from responses: NRR 3.5322 = 17661/5000 (2661 answer 4 everywhere, 2339 answer 3)
    result = compute_ikm(_uniform(Fraction(17661, 5000)))
    assert result is not None and result.index * 25 == Fraction("88.305")
    assert result.ikm == Decimal("88.31") and result.band == "A"


def test_skipped_elements() -> None:
    first = {**dict.fromkeys(ELEMENT_KEYS, 4), "u9": None}
    second = {**dict.fromkeys(ELEMENT_KEYS, 2), "u8": None}
    result = compute_ikm([first, second, dict.fromkeys(ELEMENT_KEYS)])  # the third answered nothing
    assert result is not None
    assert result.respondents == 2
    nrr = {s.key: s.nrr for s in result.elements}
    assert nrr["u8"] == 4 and nrr["u9"] == 2 and nrr["u1"] == 3
    assert {s.key: s.respondents for s in result.elements}["u9"] == 1
    assert result.index == Fraction(7 * 3 + 4 + 2, 9)  # = 3
    assert result.ikm == Decimal("75.00") and result.band == "C"

    # An element nobody answered leaves the index: the weight becomes 1/8.
    without_u9 = [{**r, "u9": None} for r in _responses(COUNTS)]
    partial = compute_ikm(without_u9)
    assert partial is not None and not partial.complete
    assert len(partial.elements) == 8 and partial.weight == Fraction(1, 8)
    assert partial.index == (Fraction("30.25") - Fraction("3.20")) / 8  # 27.05 / 8 = 3.38125
    assert partial.ikm == Decimal("84.53")  # 84.53125


def test_the_extremes() -> None:
    best = compute_ikm([dict.fromkeys(ELEMENT_KEYS, 4)] * 3)
    worst = compute_ikm([dict.fromkeys(ELEMENT_KEYS, 1)] * 3)
    assert best is not None and best.ikm == Decimal("100.00") and best.band == "A"
    assert worst is not None and worst.ikm == Decimal("25.00") and worst.band == "D"
    assert compute_ikm([]) is None
    assert compute_ikm([dict.fromkeys(ELEMENT_KEYS)]) is None
    with pytest.raises(ValueError, match="u3"):
        compute_ikm([{"u3": 5}])
