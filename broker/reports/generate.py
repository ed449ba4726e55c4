"""One report (monthly or SKM) in one format (PDF or XLSX): read, write, and its download name.

Used by the console's report page (``broker.console.pages.reports``) and ``antre report --skm``.
The figures are read with a caller's session; writing is CPU work with no database and no I/O but a
temporary file, run by the console off its event loop.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from broker.reports.data import Period
    from shared.config import Settings

KINDS = ("monthly", "skm")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(MEDIA_TYPES)
_STEMS = {("monthly", "id"): "laporan-bulanan", ("monthly", "en"): "monthly-report",
          ("skm", "id"): "laporan-skm", ("skm", "en"): "skm-report"}  # fmt: skip
# matplotlib's pyplot keeps global state, and two renderings at once would also halve each other's
# speed on the hub's two cores: one report is written at a time per process.
_WRITING = threading.Lock()


def read_figures(kind: str, session: Session, settings: Settings, period: Period, now: datetime) -> Any:
    """The figures of the ``kind`` report (``figures.Figures`` or ``skm_data.SkmFigures``)."""
    if kind == "skm":
        from broker.reports import skm_data

        return skm_data.build(skm_data.read(session, period), settings, now)
    from broker.reports import data, figures

    return figures.build(data.read(session, settings, period), settings, now)


def write(kind: str, figures: Any, fmt: str, path: Path, language: str) -> Path:
    """Write one file of the ``kind`` report to ``path``."""
    if fmt not in MEDIA_TYPES or kind not in KINDS:
        raise ValueError(f"no {kind} report as {fmt}")
    with _WRITING:
        if kind == "skm":
            from broker.reports import skm_pdf, skm_xlsx

            return (skm_pdf if fmt == "pdf" else skm_xlsx).write(figures, path, language)
        from broker.reports import charts, pdf, xlsx

        images = charts.render(figures, language)
        return (pdf if fmt == "pdf" else xlsx).write(figures, images, path, language)


def render_bytes(kind: str, figures: Any, fmt: str, language: str) -> bytes:
    """The file's bytes (written to a temporary folder that is removed at once)."""
    with tempfile.TemporaryDirectory(prefix="antre-report-") as folder:
        path = write(kind, figures, fmt, Path(folder) / f"report.{fmt}", language)
        return path.read_bytes()


def download_name(kind: str, period: Period, fmt: str, language: str) -> str:
    """``laporan-bulanan-2026-11.pdf``, ``laporan-skm-2026-11.xlsx`` (English: ``monthly-report-...``,
    ``skm-report-...``); a range that is not a whole month: both dates."""
    from broker.reports.texts import is_month

    span = f"{period.start:%Y-%m}" if is_month(period) else f"{period.start}_{period.end}"
    return f"{_STEMS[(kind, 'en' if language == 'en' else 'id')]}-{span}.{fmt}"
