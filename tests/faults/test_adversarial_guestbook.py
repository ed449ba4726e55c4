"""Adversarial guestbook entries, in short form (the full run of 2,000: ``bench/faults.py``)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.faults import adversarial
from tests.faults.lobby import has_control_or_format

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(600)  # a bound for a stuck run on a busy machine, not a figure
def test_every_adversarial_entry_is_answered_and_nothing_unclean_is_stored(tmp_path: Path) -> None:
    outcome = adversarial.run(tmp_path, count=200)
    assert outcome.failed() == [], "\n".join([*outcome.figures, *(label for label, _ in outcome.checks)])


def test_the_entries_carry_what_they_claim() -> None:
    """The generator is not tame: its entries hold each kind of spoiled text (checked offline)."""
    raw = b"\n".join(body for _rid, body in adversarial.entries(300))
    text = raw.decode("utf-8", errors="surrogateescape")
    assert has_control_or_format(text.replace("\n", " "))  # format or control characters, raw
    for escape in (b"\\u202e", b"\\ufeff", b"\\u061c", b"\\ud83d", b"\\u001b"):
        assert escape in raw or escape.decode("unicode_escape").encode("utf-8", "surrogatepass") in raw, (
            escape
        )
    assert any(unicodedata.category(ch) == "Nd" and not ch.isascii() for ch in text)
