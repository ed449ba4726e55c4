"""The retention purge erases the visitors' personal data and leaves the monthly report as it was:
the report counts anonymous categories, which outlive the guestbook text (migration 0007)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deploy.cli.main import main
from deploy.ops.retention import purge
from shared.store.db import make_engine, write_transaction
from shared.store.models import GuestRow
from tests.broker.reports.report_seed import GUESTS, seed
from tests.broker.reports.test_report import CONFIG

_MADE_AT = re.compile(r"^(Dibuat.*|\d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB)$")


def _report_cells(config: Path, out: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    assert main(["--config", str(config), "report", "--month", "2026-10", "--out", str(out)]) == 0
    book = load_workbook(out / "laporan-pst-2026-10.xlsx")
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            # The lines saying when the report was made differ between the two runs.
            cells.append([v for v in row if not (isinstance(v, str) and _MADE_AT.match(v))])
    return cells


def test_the_report_is_the_same_after_the_purge(db_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("ANTRE_DB_URL", "ANTRE_CONFIG", "ANTRE_SITE"):
        monkeypatch.delenv(name, raising=False)
    seed(db_url)
    config = tmp_path / "antre.toml"
    config.write_text(f'[db]\nurl = "{db_url}"\n{CONFIG}', encoding="utf-8")
    before = _report_cells(config, tmp_path / "before")

    engine = make_engine(db_url)
    now = datetime.now(UTC)
    with write_transaction(engine) as session:
        erased = purge(session, cutoff=now, now=now)
    assert erased.guests == len(GUESTS) + 1  # Ahmad's two entries
    with Session(engine) as session:
        rows = session.scalars(select(GuestRow)).all()
    engine.dispose()
    assert {(r.name, r.email, r.institution) for r in rows} == {("", "", "")}
    assert {r.institution_type for r in rows} >= {"university", "government", "company", "school"}

    after = _report_cells(config, tmp_path / "after")
    assert after == before
    # The categories are really in the report: equal, and not by being empty.
    assert any(cell == "Perguruan tinggi" for row in before for cell in row)
    # People, not entries, before and after: 6 entries of 5 people, the NIKs blanked by the purge.
    distinct = next(row for row in after if row and row[0] == "Pengunjung berbeda (orang, buku tamu)")
    assert distinct[1] == 5
