"""Log lines that cannot be forged, through the running hub (also part of ``bench/faults.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults import forged

pytestmark = pytest.mark.e2e


def test_forged_ids_and_user_text_reach_the_log_escaped_cut_and_counted(tmp_path: Path) -> None:
    outcome = forged.run(tmp_path)
    assert outcome.failed() == [], "\n".join([*outcome.figures, *(label for label, _ in outcome.checks)])
