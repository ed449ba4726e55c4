"""Broker and hub SIGKILLed during traffic with priority tickets in the mix, in short form (the full
run: ``bench/faults.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults import kills

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("victim", ["broker", "hub"])
def test_kills_during_traffic_lose_nothing_duplicate_nothing_and_keep_the_queue_order(
    victim: str, tmp_path: Path
) -> None:
    outcome = kills.run(tmp_path, victim, tickets=40, kills=2)
    print("\n".join([outcome.title, *outcome.figures]))  # the figures, with -s
    assert outcome.failed() == [], "\n".join([*outcome.figures, *(label for label, _ in outcome.checks)])
