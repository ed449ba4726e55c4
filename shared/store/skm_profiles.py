"""The SKM respondent profiles: counted per business day and answer combination, apart from the
ratings (``SkmProfileCountRow``), so that no query can join a profile back to a visit or a visitor.

Works inside the caller's write transaction. One profile per rating is kept by a salted hash of the
rating's ref (``SkmProfileRefRow``), which cannot be matched to the rating's own ``ref_hash``; the
count rows get random ids, so their order says nothing about whose answers came first.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.skm_profile import ITEM_KEYS
from shared.store.models import RatingRow, SkmProfileCountRow, SkmProfileRefRow


def ref_hash(ref: str) -> str:
    """The profile's own hash of a rating_ref (salted: not ``ratings.ref_hash(ref)``)."""
    return hashlib.sha256(f"skm-profile:{ref}".encode()).hexdigest()


def given(session: Session, ref: str) -> bool:
    """Has the rating begun with ``ref`` given its profile already?"""
    return session.get(SkmProfileRefRow, ref_hash(ref)) is not None


def add(session: Session, rating: RatingRow, ref: str, profile: Mapping[str, str]) -> None:
    """Count ``profile`` (item -> answer key, already checked by the contract) for the rating begun
    with ``ref``; the caller (``ratings.give``) made sure it is its first and it has an answer."""
    session.add(SkmProfileRefRow(ref_hash=ref_hash(ref)))
    answers = {key: profile.get(key, "") for key in ITEM_KEYS}
    row = session.scalars(
        select(SkmProfileCountRow).where(
            SkmProfileCountRow.business_day == rating.business_day,
            *(getattr(SkmProfileCountRow, key) == value for key, value in answers.items()),
        )
    ).first()
    if row is None:
        row = SkmProfileCountRow(id=_random_id(session), business_day=rating.business_day, respondents=0,
                                 **answers)  # fmt: skip
        session.add(row)
    row.respondents += 1


def _random_id(session: Session) -> int:
    """A free random id (SQLite keeps rows in id order: sequential ids would tell the order)."""
    while True:
        candidate = secrets.randbelow(2**53 - 1) + 1  # a JSON-safe integer
        if session.get(SkmProfileCountRow, candidate) is None:
            return candidate


def counts(session: Session, start: date, end: date) -> dict[str, dict[str, int]]:
    """Item -> answer key -> respondents who gave it, over business days ``start``..``end``."""
    totals: dict[str, dict[str, int]] = {key: {} for key in ITEM_KEYS}
    rows = session.execute(
        select(*(getattr(SkmProfileCountRow, key) for key in ITEM_KEYS), SkmProfileCountRow.respondents)
        .where(SkmProfileCountRow.business_day.between(start, end))
    )  # fmt: skip
    for *answers, n in rows:
        for key, answer in zip(ITEM_KEYS, answers, strict=True):
            if answer:
                totals[key][answer] = totals[key].get(answer, 0) + int(n)
    return totals
