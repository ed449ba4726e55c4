"""The console's report page against a real hub: October 2026 (``tests.broker.reports.report_seed``:
7 visits, 3 online requests received, 4 SKM respondents, IKM 88.66, band A) written into the hub's
database, then each report downloaded in each format and opened."""

from __future__ import annotations

import html
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shared.store.db import make_engine
from tests.broker.reports import report_seed
from tests.console.browser import ISSUE_SIZES, wait_for_text
from tests.support import console_client, console_secret

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def seeded_hub(console_hub: Any, tmp_path: Path) -> str:
    """The console's base URL, its database holding the known October 2026."""
    _hub, base = console_hub
    engine = make_engine(f"sqlite:///{tmp_path / 'hub' / 'antre.db'}")
    try:
        with Session(engine) as session, session.begin():
            report_seed._fill(session)
    finally:
        engine.dispose()
    return base


def _pdf_text(body: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "download.pdf"
    path.write_bytes(body)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _cells(body: bytes, sheet: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def _value(rows: list[list[Any]], label: str) -> Any:
    return next(row[1] for row in rows if row and row[0] == label)


def _get(client: Any, kind: str, fmt: str, month: str = "2026-10", lang: str = "id") -> Any:
    return client.get("/reports/download", params={"kind": kind, "month": month, "lang": lang, "format": fmt},
                      timeout=120)  # fmt: skip


def test_a_supervisor_downloads_both_reports_in_both_formats(seeded_hub: str, tmp_path: Path) -> None:
    with console_client(seeded_hub, "sari") as client:
        page = client.get("/reports")
        assert page.status_code == 200
        assert 'action="/reports/download"' in page.text and "sedang berjalan" in page.text

        monthly_pdf = _get(client, "monthly", "pdf")
        assert monthly_pdf.status_code == 200, monthly_pdf.text[:300]
        assert monthly_pdf.headers["content-type"] == "application/pdf"
        disposition = monthly_pdf.headers["content-disposition"]
        assert disposition == 'attachment; filename="laporan-bulanan-2026-10.pdf"'
        text = _pdf_text(monthly_pdf.content, tmp_path)
        assert "Laporan Bulanan" in text and "Oktober 2026" in text and "88,66" in text

        monthly_xlsx = _get(client, "monthly", "xlsx")
        assert monthly_xlsx.status_code == 200 and monthly_xlsx.headers["content-type"] == XLSX
        assert 'filename="laporan-bulanan-2026-10.xlsx"' in monthly_xlsx.headers["content-disposition"]
        assert _value(_cells(monthly_xlsx.content, "Ringkasan"), "Kunjungan (tiket)") == 7

        skm_pdf = _get(client, "skm", "pdf")
        assert skm_pdf.status_code == 200 and skm_pdf.headers["content-type"] == "application/pdf"
        assert 'filename="laporan-skm-2026-10.pdf"' in skm_pdf.headers["content-disposition"]
        text = _pdf_text(skm_pdf.content, tmp_path)
        # 7 visits + 3 online requests = 10 -> the table's first row: everyone, 10.
        assert "88,66" in text and "A (Sangat baik)" in text
        assert "4 responden dari sampel minimum 10 untuk populasi 10" in text

        skm_xlsx = _get(client, "skm", "xlsx", lang="en")
        assert skm_xlsx.status_code == 200 and skm_xlsx.headers["content-type"] == XLSX
        assert 'filename="skm-report-2026-10.xlsx"' in skm_xlsx.headers["content-disposition"]
        summary = _cells(skm_xlsx.content, "Summary")
        assert f"{_value(summary, 'Satisfaction index (IKM)'):.2f}" == report_seed.IKM
        assert _value(summary, "Respondents") == 4


def test_an_officer_may_not_open_reports(console_hub: Any) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as client:
        assert client.get("/reports").status_code == 403
        denied = _get(client, "monthly", "pdf")
        assert denied.status_code == 403 and "supervisor" in denied.text
        assert "content-disposition" not in denied.headers


def test_a_bad_month_is_answered_with_the_form_and_a_clear_message(console_hub: Any) -> None:
    _hub, base = console_hub
    with console_client(base, "sari") as client:
        bad = _get(client, "skm", "xlsx", month="2026-13")
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
        assert 'Bulan "2026-13" tidak dikenal. Pilih bulan dalam bentuk TTTT-BB' in html.unescape(bad.text)
        assert '<option value="2026-13" selected>' in bad.text  # what was typed is kept
        assert 'value="skm" checked' in bad.text and 'value="xlsx" checked' in bad.text
        future = _get(client, "monthly", "pdf", month="2999-01")
        assert future.status_code == 400 and "belum dimulai" in future.text
        odd = _get(client, "weekly", "pdf")
        assert odd.status_code == 400 and "tidak dikenal" in odd.text
        script = _get(client, "monthly", "pdf", month="<script>")
        assert script.status_code == 400 and "<script>" not in script.text


def test_the_last_complete_month_is_the_default_and_the_running_month_is_marked(console_hub: Any) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    _hub, base = console_hub
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta")).date()  # the test site's zone
    last = today.replace(day=1) - timedelta(days=1)
    with console_client(base, "sari") as client:
        page = client.get("/reports")
        assert f'<option value="{last:%Y-%m}" selected>' in page.text
        assert f'<option value="{today:%Y-%m}">' in page.text and "(sedang berjalan)" in page.text
        running = _get(client, "skm", "xlsx", month=f"{today:%Y-%m}")
        assert running.status_code == 200
        cells = " ".join(str(v) for row in _cells(running.content, "Ringkasan") for v in row if v is not None)
        assert "Periode masih berjalan" in cells and "Belum ada penilaian SKM" in cells


@pytest.mark.parametrize("size", ISSUE_SIZES)
def test_a_report_is_downloaded_in_chromium(seeded_hub: str, page_at: Any, screenshot: Any, size: Any,
                                            tmp_path: Path) -> None:  # fmt: skip
    page = page_at(size, base_url=seeded_hub)
    page.goto("/signin?next=/reports")
    page.fill("#officer", "sari")
    page.fill("#secret", console_secret("sari"))
    page.click("button[type=submit]")
    wait_for_text(page, "Pilih laporan, bulan, bahasa dan format")
    assert "(sedang berjalan)" in page.inner_text("#month")
    page.check("input[name=kind][value=skm]")
    page.select_option("#month", "2026-10")
    page.check("input[name=format][value=pdf]")
    screenshot(page, "reports", size, full_page=True)
    with page.expect_download(timeout=120_000) as started:
        page.click("form[action='/reports/download'] button[type=submit]")
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename == "laporan-skm-2026-10.pdf"
    text = _pdf_text(Path(download.path()).read_bytes(), tmp_path)
    assert "Laporan Survei Kepuasan Masyarakat (SKM)" in text and "88,66" in text
    assert page.url.endswith("/reports")  # a download leaves the page where it was
