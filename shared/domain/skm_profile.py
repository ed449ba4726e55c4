"""The SKM respondent profile (PermenPAN-RB No. 14/2017, the questionnaire's "Profil"): sex, age,
education and occupation, each one answer or none. Pure: no I/O.

The regulation's sample questionnaire asks them in this order (jenis kelamin L/P; umur in years;
pendidikan SD .. S3; pekerjaan PNS, TNI, POLRI, swasta, wirausaha, lainnya) and then the service
used (jenis layanan), which the report takes from the rated ticket instead of asking. The age is
asked as a band, never in years: the report counts bands, and a band tells less about a person.
Every item may be left unanswered ("tidak diisi"); answers are stable keys, the words are here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    key: str
    text_id: str
    text_en: str

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_id


@dataclass(frozen=True)
class Item:
    """One profile question: its key, name, question and answers (in the questionnaire's order)."""

    key: str
    name_id: str
    name_en: str
    question_id: str
    question_en: str
    answers: tuple[Answer, ...]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id

    def question(self, language: str) -> str:
        return self.question_en if language == "en" else self.question_id

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.answers)

    def answer(self, key: str) -> Answer:
        return next(a for a in self.answers if a.key == key)


ITEMS: tuple[Item, ...] = (
    Item("sex", "Jenis kelamin", "Sex", "Jenis kelamin Anda?", "Your sex?", (
        Answer("male", "Laki-laki", "Male"),
        Answer("female", "Perempuan", "Female"),
    )),
    Item("age", "Umur", "Age", "Berapa umur Anda?", "How old are you?", (
        Answer("under_20", "Di bawah 20 tahun", "Under 20"),
        Answer("20_29", "20-29 tahun", "20-29"),
        Answer("30_39", "30-39 tahun", "30-39"),
        Answer("40_49", "40-49 tahun", "40-49"),
        Answer("50_plus", "50 tahun ke atas", "50 or over"),
    )),
    Item("education", "Pendidikan", "Education", "Pendidikan terakhir Anda?",
         "Your highest education?", (
        Answer("sd", "SD", "Primary (SD)"),
        Answer("smp", "SMP", "Junior secondary (SMP)"),
        Answer("sma", "SMA/SMK", "Senior secondary (SMA)"),
        Answer("d1_d3", "D1-D3", "Diploma (D1-D3)"),
        Answer("d4_s1", "D4/S1", "Bachelor (D4/S1)"),
        Answer("s2", "S2", "Master (S2)"),
        Answer("s3", "S3", "Doctorate (S3)"),
    )),
    Item("occupation", "Pekerjaan", "Occupation", "Pekerjaan Anda?", "Your occupation?", (
        Answer("pns_tni_polri", "PNS/TNI/Polri", "Civil servant/military/police"),
        Answer("private", "Pegawai swasta", "Private employee"),
        Answer("self_employed", "Wiraswasta", "Self-employed"),
        Answer("student", "Pelajar/Mahasiswa", "Student"),
        Answer("other", "Lainnya", "Other"),
    )),
)  # fmt: skip
ITEM_KEYS = tuple(i.key for i in ITEMS)
BY_KEY = {i.key: i for i in ITEMS}
MOST_ANSWERS = max(len(i.answers) for i in ITEMS)


def problem(profile: Mapping[str, object]) -> str | None:
    """What is wrong with a profile (item key -> answer key), in plain English, or None."""
    if not profile:
        return "profile must give at least one answer"
    for key, value in profile.items():
        item = BY_KEY.get(key)
        if item is None:
            # The sender's key is not echoed: it is text from outside (the logs stay clean).
            return f"profile holds an unknown item (items: {', '.join(ITEM_KEYS)})"
        if not isinstance(value, str) or value not in item.keys:
            return f"profile.{key} must be one of {', '.join(item.keys)}"
    return None
