"""``antre complaints ...`` and ``antre online rate`` end to end, in a subprocess on an SQLite file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.store.db import make_engine
from shared.store.models import ComplaintRow, RatingRow

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def antre(tmp_path: Path):  # type: ignore[no-untyped-def]
    config = tmp_path / "antre.toml"
    config.write_text('timezone = "Asia/Jakarta"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env |= {
        "ANTRE_DB_URL": f"sqlite:///{tmp_path / 'antre.db'}",
        "ANTRE_CONFIG": str(config),
        "ANTRE_DATA_DIR": str(tmp_path / "data"),
    }

    def run(*args: str, status: int = 0) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "deploy.cli.main", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == status, f"antre {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout if status == 0 else done.stderr

    run("db", "upgrade")
    run.db_url = env["ANTRE_DB_URL"]  # type: ignore[attr-defined]
    return run


def _rows(url: str, model):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.scalars(select(model).order_by(model.id)).all()
    engine.dispose()
    return rows


def test_a_complaint_is_recorded_answered_and_closed(antre) -> None:  # type: ignore[no-untyped-def]
    out = antre("complaints", "add", "--text", "Ruang tunggu panas", "--email", "Budi@Example.id")
    number = re.search(r"ADU-\d{8}-001", out).group(0)  # type: ignore[union-attr]
    listing = antre("complaints", "list")
    assert number in listing and "open" in listing
    assert "Ruang tunggu" not in listing and "budi@" not in listing  # a listing shows no text or contact
    shown = antre("complaints", "show", number)
    assert "Ruang tunggu panas" in shown and "budi@example.id" in shown  # for the officer following up
    antre("complaints", "answer", number, "--text", "Kipas angin dipasang", "--officer", "demo")
    assert "answered" in antre("complaints", "list")
    antre("complaints", "close", number.lower())
    assert number not in antre("complaints", "list") and number in antre("complaints", "list", "--all")
    error = antre("complaints", "answer", number, "--text", "lagi", status=1)
    assert "closed" in error
    [row] = _rows(antre.db_url, ComplaintRow)
    assert (row.status, row.followup, row.answered_by, row.contact_email) == (
        "closed", "Kipas angin dipasang", "demo", "budi@example.id",
    )  # fmt: skip
    assert row.answered_at is not None and row.closed_at >= row.answered_at


def test_bad_contact_and_unknown_numbers_are_refused_plainly(antre) -> None:  # type: ignore[no-untyped-def]
    error = antre("complaints", "add", "--text", "x", "--email", "budi@", status=1)
    assert "--email: email_invalid" in error and "budi@" not in error.replace("--email", "")
    assert "no complaint ADU-20261125-009" in antre("complaints", "show", "ADU-20261125-009", status=1)
    assert "not a complaint number" in antre("complaints", "show", "12", status=1)


def test_an_online_request_gets_one_rating_and_a_complaint(antre) -> None:  # type: ignore[no-untyped-def]
    out = antre("online", "add", "--channel", "email", "--contact", "siti@example.id", "--subject", "Data")
    number = re.search(r"OL-\d{8}-\d{3}", out).group(0)  # type: ignore[union-attr]
    assert "8 of 9" in antre("online", "rate", number, "--overall", "4", "--scores", "4,4,3,-,4,4,4,3,4")
    assert "already been rated" in antre("online", "rate", number, "--overall", "5", status=1)
    assert "nine values" in antre("online", "rate", "OL-20990101-001", "--scores", "4,4", status=1)
    antre("complaints", "add", "--online", number, "--text", "Balasan lambat", "--kind", "suggestion")
    [rating] = _rows(antre.db_url, RatingRow)
    assert (rating.source, rating.overall, rating.u3, rating.u4, rating.u9) == ("online", 4, 3, None, 4)
    [complaint] = _rows(antre.db_url, ComplaintRow)
    assert (complaint.source, complaint.kind, complaint.online_request_id) == ("online", "suggestion", 1)
