"""The public-service satisfaction survey (SKM) of PermenPAN-RB No. 14/2017, and its index (IKM).

Pure: no I/O. The regulation (Lampiran, "Pengolahan Data Survei") computes:

- per element (unsur) the mean of the perception scores 1-4 of those who answered it (NRR);
- each element weighs the same: 1 / number of elements (9 elements: "1/9 = 0,11");
- the unit's index = sum of NRR x weight (between 1 and 4), converted to 25-100 by x 25 (IKM);
- the quality band of the converted value: A 88,31-100,00 (sangat baik), B 76,61-88,30 (baik),
  C 65,00-76,60 (kurang baik), D 25,00-64,99 (tidak baik); the same bands on the 1-4 scale are
  3,5324-4,00, 3,0644-3,532, 2,60-3,064 and 1,00-2,5996 (the converted bands divided by 25).

The weight is exactly 1/9, not the printed 0,11: with 0,11 a unit rated 4 on everything would
score 99, yet the regulation's own range and band A end at 100,00. Values are rounded to two
decimals half up (as the regulation prints them) before the band is read, so 88,305 is A.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

SCALE = (1, 2, 3, 4)
OVERALL_SCALE = (1, 2, 3, 4, 5)  # the one-tap faces, kept apart from the regulation's index


@dataclass(frozen=True)
class Element:
    """One SKM element: its key, name, question and the four answers (1 worst .. 4 best)."""

    key: str
    name_id: str
    name_en: str
    question_id: str
    question_en: str
    answers_id: tuple[str, str, str, str]
    answers_en: tuple[str, str, str, str]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id

    def question(self, language: str) -> str:
        return self.question_en if language == "en" else self.question_id

    def answers(self, language: str) -> tuple[str, str, str, str]:
        return self.answers_en if language == "en" else self.answers_id


# The nine elements in the regulation's order, with its questionnaire's answer wording.
ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1", "Persyaratan", "Requirements",
        "Apakah persyaratan layanan sesuai dengan yang diumumkan?",
        "Did the requirements match what is announced?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not at all", "Partly", "Yes", "Fully"),
    ),
    Element(
        "u2", "Prosedur", "Procedure",
        "Apakah prosedur layanan mudah?",
        "Was the procedure easy?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
        ("Not easy", "Not very easy", "Easy", "Very easy"),
    ),
    Element(
        "u3", "Waktu pelayanan", "Service time",
        "Apakah Anda dilayani dengan cepat?",
        "Were you served quickly?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
        ("Not quick", "Not very quick", "Quick", "Very quick"),
    ),
    Element(
        "u4", "Biaya/tarif", "Cost",
        "Bagaimana biaya layanan ini? (Layanan ini gratis.)",
        "How was the cost of this service? (This service is free.)",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
        ("Very expensive", "Rather expensive", "Cheap", "Free"),
    ),
    Element(
        "u5", "Produk layanan", "Service product",
        "Apakah hasil layanan sesuai dengan yang dijanjikan?",
        "Did you get what the service promises?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not at all", "Partly", "Yes", "Fully"),
    ),
    Element(
        "u6", "Kompetensi petugas", "Officer competence",
        "Apakah petugas menguasai data dan layanannya?",
        "Did the officer know the data and the service?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
        ("Not competent", "Not very competent", "Competent", "Very competent"),
    ),
    Element(
        "u7", "Perilaku petugas", "Officer conduct",
        "Apakah petugas sopan dan ramah?",
        "Was the officer polite and friendly?",
        ("Tidak sopan", "Kurang sopan", "Sopan dan ramah", "Sangat sopan dan ramah"),
        ("Not polite", "Not very polite", "Polite and friendly", "Very polite and friendly"),
    ),
    Element(
        "u8", "Penanganan pengaduan", "Complaint handling",
        "Bagaimana penanganan pengaduan, saran dan masukan?",
        "How are complaints and suggestions handled?",
        ("Tidak ada", "Ada tapi tidak berfungsi", "Kurang maksimal", "Dikelola dengan baik"),
        ("There is none", "Exists but does not work", "Works partly", "Well handled"),
    ),
    Element(
        "u9", "Sarana dan prasarana", "Facilities",
        "Bagaimana sarana dan prasarana (ruang, kursi, toilet)?",
        "How are the facilities (room, seats, toilets)?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
        ("Poor", "Fair", "Good", "Very good"),
    ),
)  # fmt: skip
ELEMENT_KEYS = tuple(e.key for e in ELEMENTS)
BY_KEY = {e.key: e for e in ELEMENTS}

# (lowest converted value, band, Indonesian name, English name); read from the top.
BANDS: tuple[tuple[Decimal, str, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat baik", "Very good"),
    (Decimal("76.61"), "B", "Baik", "Good"),
    (Decimal("65.00"), "C", "Kurang baik", "Fair"),
    (Decimal("25.00"), "D", "Tidak baik", "Poor"),
)
_CENT = Decimal("0.01")


def round2(value: Fraction | Decimal | float) -> Decimal:
    """Two decimals, half up (the regulation's tables; Python's round() would round half to even)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def band(converted: Decimal | float) -> str:
    """The quality band (A-D) of a converted value (25-100), read after rounding to 2 decimals."""
    value = round2(Decimal(str(converted)))
    for lowest, letter, _id, _en in BANDS:
        if value >= lowest:
            return letter
    return "D"


def band_name(letter: str, language: str = "id") -> str:
    for _lowest, found, name_id, name_en in BANDS:
        if found == letter:
            return name_en if language == "en" else name_id
    raise ValueError(f"no band {letter!r}")


@dataclass(frozen=True)
class ElementScore:
    key: str
    respondents: int  # how many answered this element
    total: int  # sum of their scores
    nrr: Fraction  # total / respondents (exact)

    @property
    def converted(self) -> Decimal:
        return round2(self.nrr * 25)

    @property
    def band(self) -> str:
        return band(self.converted)


@dataclass(frozen=True)
class IkmResult:
    respondents: int  # responses with at least one element answered
    elements: tuple[ElementScore, ...]  # the elements that have answers, in the regulation's order
    index: Fraction  # sum of NRR x weight, 1-4 (exact)

    @property
    def weight(self) -> Fraction:
        return Fraction(1, len(self.elements)) if self.elements else Fraction(0)

    @property
    def ikm(self) -> Decimal:
        """The converted index, 25-100, two decimals."""
        return round2(self.index * 25)

    @property
    def band(self) -> str:
        return band(self.ikm)

    @property
    def complete(self) -> bool:
        """All nine elements have answers (otherwise the weight is 1/answered elements)."""
        return len(self.elements) == len(ELEMENTS)


def compute_ikm(responses: Iterable[Mapping[str, int | None]]) -> IkmResult | None:
    """The IKM of the given responses (each a mapping ``u1``..``u9`` -> 1-4 or None); ``None``
    when nobody answered any element."""
    totals = dict.fromkeys(ELEMENT_KEYS, 0)
    counts = dict.fromkeys(ELEMENT_KEYS, 0)
    respondents = 0
    for response in responses:
        answered = False
        for key in ELEMENT_KEYS:
            score = response.get(key)
            if score is None:
                continue
            if score not in SCALE:
                raise ValueError(f"{key} must be 1-4, got {score!r}")
            totals[key] += score
            counts[key] += 1
            answered = True
        respondents += answered
    scores = tuple(
        ElementScore(key, counts[key], totals[key], Fraction(totals[key], counts[key]))
        for key in ELEMENT_KEYS
        if counts[key]
    )
    if not scores:
        return None
    weight = Fraction(1, len(scores))
    return IkmResult(respondents, scores, sum((s.nrr * weight for s in scores), Fraction(0)))
