"""The report as an XLSX workbook (openpyxl): one sheet per part, numbers as numbers, the charts as
images beside their tables. Waits are in minutes (decimal), shares as percentages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from broker.reports.figures import Compliance, Figures
from broker.reports.texts import ikm_method, period_text, short_date, stamp, t, title
from broker.reports.xlsx_lanes import lanes_sheet, summary_rows
from shared.domain.skm import BY_KEY, band_name

MINUTES = "0.00"
PERCENT = "0.0%"


class _Sheet:
    """Writes tables down a worksheet, a blank row between them."""

    def __init__(self, book: Any, name: str, language: str) -> None:
        self.ws = book.create_sheet(name[:31])
        self.language = language
        self.row = 1

    def heading(self, text: str, size: int = 12) -> None:
        from openpyxl.styles import Font

        cell = self.ws.cell(self.row, 1, text)
        cell.font = Font(bold=True, size=size)
        self.row += 1

    def note(self, text: str) -> None:
        from openpyxl.styles import Font

        self.ws.cell(self.row, 1, text).font = Font(italic=True, color="666666")
        self.row += 1

    def table(self, header: list[str], rows: list[list[Any]], formats: dict[int, str] | None = None) -> None:
        from openpyxl.styles import Font, PatternFill

        for col, text in enumerate(header, start=1):
            cell = self.ws.cell(self.row, col, text)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
        self.row += 1
        for values in rows:
            for col, value in enumerate(values, start=1):
                fmt = formats.get(col) if formats else None
                if isinstance(value, tuple):  # (value, number format) for one cell
                    value, fmt = value
                cell = self.ws.cell(self.row, col, value)
                if fmt and isinstance(value, int | float):
                    cell.number_format = fmt
            self.row += 1
        self.row += 1

    def image(self, png: bytes, anchor: str, width_px: int = 720) -> int:
        """Place a chart with its top left at ``anchor``; returns how many rows it covers."""
        from openpyxl.drawing.image import Image

        picture = Image(io.BytesIO(png))
        scale = width_px / picture.width
        picture.width, picture.height = width_px, int(picture.height * scale)
        self.ws.add_image(picture, anchor)
        return picture.height // 20 + 1  # default rows are 20 px high

    def widths(self, *widths: int) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = width


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def write(figures: Figures, charts: dict[str, bytes], path: Path, language: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    lg = language
    _summary(_Sheet(book, t("summary", lg), lg), figures)
    _visitors(_Sheet(book, t("visitors", lg), lg), figures, charts)
    _waits(_Sheet(book, t("waits", lg), lg), figures, charts)
    _standard(_Sheet(book, "Standar 10 menit" if lg != "en" else "10-minute standard", lg), figures)
    if figures.lanes is not None:
        lanes_sheet(_Sheet(book, t("lanes_sheet", lg), lg), figures.lanes)
    _online(_Sheet(book, "Online", lg), figures)
    _skm(_Sheet(book, "SKM", lg), figures, charts)
    _complaints(_Sheet(book, t("complaints", lg), lg), figures)
    book.save(path)
    return path


def _summary(s: _Sheet, f: Figures) -> None:
    lg = s.language
    s.heading(title(f.period, lg), 14)
    s.heading(f.office)
    if f.empty:
        s.heading(t("empty", lg))
    s.table([t("figure", lg), t("value", lg)], [
        [t("period", lg), period_text(f.period, lg, f.to_date)],
        [t("generated", lg), stamp(f.generated_at)],
    ])  # fmt: skip
    if f.to_date is not None:
        s.note(t("in_progress", lg).format(day=short_date(f.to_date, lg)))
    ikm = f.ikm
    s.table([t("figure", lg), t("value", lg)], [
        [t("visits", lg), f.visits],
        [t("unique_guests", lg), f.unique_guests],
        [f"{t('raw_wait', lg)}: {t('median', lg)} ({t('minutes', lg)})", _min(f.raw_wait.median)],
        [f"{t('standard', lg)}: {t('met_share', lg)}", (f.compliance.share, PERCENT)],
        [f"{t('online', lg)}: {t('online_met', lg)}", (f.online.share, PERCENT)],
        [t("ikm", lg), (float(ikm.ikm) if ikm else None, "0.00")],
        [t("band", lg), f"{ikm.band} ({band_name(ikm.band, lg)})" if ikm else "-"],
        [t("respondents", lg), ikm.respondents if ikm else 0],
        [t("complaints_total", lg), f.complaints.total],
        *(summary_rows(f.lanes, lg) if f.lanes is not None else []),
    ])  # fmt: skip
    s.note(t("no_personal", lg))
    s.widths(48, 28)


def _visitors(s: _Sheet, f: Figures, charts: dict[str, bytes]) -> None:
    lg = s.language
    prefixes = [p for p, _n, _c in f.services]
    s.heading(t("per_day", lg))
    rows = [[d.day, *(d.by_service.get(p, 0) for p in prefixes), d.total] for d in f.days]
    first = s.row + 1
    totals = [t("total", lg), *(c for _p, _n, c in f.services), f.visits]
    s.table([t("day", lg), *prefixes, t("total", lg)], [*rows, totals])
    for r in range(first, first + len(rows)):
        s.ws.cell(r, 1).number_format = "yyyy-mm-dd"
    s.image(charts["visitors_per_day"], f"{_col(len(prefixes) + 4)}1")
    s.heading(t("per_service", lg))
    s.table([t("service", lg), "", t("count", lg)], [[p, n, c] for p, n, c in f.services])
    for key, header, items in (("per_purpose", "purpose", f.purposes), ("per_institution", "institution",
                                                                         f.institutions)):  # fmt: skip
        s.heading(t(key, lg))
        whole = sum(n for _c, n in items)  # visits with a guestbook entry
        rows = [[t(c, lg), n, n / whole if whole else None] for c, n in items]
        s.table([t(header, lg), t("count", lg), t("percent", lg)], rows, {3: PERCENT})
    s.table([t("figure", lg), t("count", lg)], [[t("unique_guests", lg), f.unique_guests],
                                              [t("without_guestbook", lg), f.without_guestbook]])  # fmt: skip
    s.note(t("classified_note", lg))
    s.widths(26, 10, 10, 10)


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _waits(s: _Sheet, f: Figures, charts: dict[str, bytes]) -> None:
    lg = s.language
    s.heading(t("waits", lg))
    m = t("minutes", lg)
    s.table([t("figure", lg), t("samples", lg), f"{t('median', lg)} ({m})", f"{t('p90', lg)} ({m})",
             f"{t('max', lg)} ({m})"],
            [[t(key, lg), st.count, _min(st.median), _min(st.p90), _min(st.max)]
             for key, st in (("raw_wait", f.raw_wait), ("clock_at_call", f.clock_at_call),
                             ("idle_desk", f.idle_desk))],
            {3: MINUTES, 4: MINUTES, 5: MINUTES})  # fmt: skip
    s.note(t("minutes_note", lg))
    s.note(t("idle_desk_note", lg))
    s.row += 1
    s.heading(t("histogram", lg))
    last = f.histogram[-1][0]
    s.table([t("minutes", lg), t("raw_wait", lg), t("clock_at_call", lg)],
            [[f"{mi}-{mi + 1}" if mi < last else f">= {mi}", r, c] for mi, r, c in f.histogram])  # fmt: skip
    s.image(charts["waits"], "G1")
    s.widths(36, 12, 14, 12, 14)


def _compliance_rows(rows: list[Compliance], label: Any) -> list[list[Any]]:
    return [[*label(c), c.called, c.met, c.breached, c.share] for c in rows]


def _standard(s: _Sheet, f: Figures) -> None:
    lg = s.language
    counts = [t("called", lg), t("met", lg), t("breached", lg), t("met_share", lg)]
    c = f.compliance
    s.heading(t("standard", lg))
    s.table([t("figure", lg), t("value", lg)], [
        [t("passes", lg), c.passes], [t("called", lg), c.called], [t("met", lg), c.met],
        [t("breached", lg), c.breached], [t("not_called", lg), c.not_called],
        [t("met_share", lg), (c.share, PERCENT)],
    ])  # fmt: skip
    s.note(t("standard_note", lg))
    s.note(t("not_called_note", lg))
    s.row += 1
    s.heading(t("by_desk", lg))
    s.table([t("desk", lg), "", *counts],
            _compliance_rows(f.by_desk, lambda r: [r.key, r.label]), {6: PERCENT})  # fmt: skip
    s.heading(t("by_officer", lg))
    s.table([t("officer_id", lg), t("officer", lg), *counts],
            _compliance_rows(f.by_officer, lambda r: [r.key or t("not_signed_in", lg), r.label]),
            {6: PERCENT})  # fmt: skip
    s.heading(t("by_day_standard", lg))
    days = [d.compliance for d in f.days if d.compliance is not None]
    s.table([t("day", lg), *counts], _compliance_rows(days, lambda r: [r.key]), {5: PERCENT})
    s.widths(16, 22, 11, 11, 11, 14)


def _online(s: _Sheet, f: Figures) -> None:
    lg = s.language
    o = f.online
    s.heading(t("online", lg))
    s.table([t("figure", lg), t("count", lg)], [
        [t("online_received", lg), o.received], [t("online_due", lg), o.due], [t("online_met", lg), o.met],
        [t("online_late", lg), o.late], [t("online_pending", lg), o.pending],
        [t("met_share", lg), (o.share, PERCENT)],
    ])  # fmt: skip
    s.widths(44, 12)


def _skm(s: _Sheet, f: Figures, charts: dict[str, bytes]) -> None:
    lg = s.language
    s.heading(t("skm", lg))
    ikm = f.ikm
    if ikm is None:
        s.note(t("no_ratings", lg))
    else:
        s.table([t("figure", lg), t("value", lg)], [
            [t("ikm", lg), float(ikm.ikm)], [t("band", lg), f"{ikm.band} ({band_name(ikm.band, lg)})"],
            [t("respondents", lg), ikm.respondents],
        ], {2: "0.00"})  # fmt: skip
        rows = []
        for e in ikm.elements:
            counts = f.element_counts.get(e.key, {})
            rows.append([e.key.upper(), BY_KEY[e.key].name(lg), e.respondents,
                         *(counts.get(score, 0) for score in (1, 2, 3, 4)),
                         round(float(e.nrr), 4), float(e.converted), e.band])  # fmt: skip
        header = [t("element", lg), "", t("respondents", lg), "1", "2", "3", "4", t("nrr", lg),
                  t("converted", lg), t("band", lg)]  # fmt: skip
        s.table(header, rows, {8: "0.0000", 9: "0.00"})
        s.note(ikm_method(ikm, lg))
        s.note(t("ikm_note", lg))
        if not ikm.complete:
            s.note(t("ikm_partial", lg))
        s.row += s.image(charts["ikm"], f"A{s.row}") + 1
    s.heading(t("overall", lg))
    total = f.overall_count
    s.table([t("face", lg), t("count", lg), t("percent", lg)],
            [[score, n, n / total if total else None] for score, n in f.overall], {3: PERCENT})  # fmt: skip
    s.table([t("figure", lg), t("value", lg)], [[t("mean", lg), f.overall_mean], [t("total", lg), total]],
            {2: "0.00"})  # fmt: skip
    s.widths(16, 24, 12, 7, 7, 7, 7, 11, 12, 14)


def _complaints(s: _Sheet, f: Figures) -> None:
    lg = s.language
    c = f.complaints
    s.heading(t("complaints", lg))
    s.table([t("status", lg), t("count", lg)], [*([t(k, lg), n] for k, n in c.by_status.items()),
                                              [t("total", lg), c.total]])  # fmt: skip
    s.table([t("kind", lg), t("count", lg)], [[t(k, lg), n] for k, n in c.by_kind.items()])
    hours = [None if v is None else round(v / 3600, 2) for v in (c.answer.median, c.answer.max)]
    s.table([t("answer_time", lg), t("value", lg)],
            [[t("answered_count", lg), c.answered], [t("median", lg), (hours[0], "0.00")],
             [t("max", lg), (hours[1], "0.00")]])  # fmt: skip
    s.widths(34, 12, 12, 12)
