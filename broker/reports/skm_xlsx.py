"""The SKM report as an XLSX workbook (openpyxl), in the monthly report's style (``xlsx._Sheet``): a
summary sheet, the elements with the raw answer counts, and the respondents and complaints. Numbers
stay numbers (NRR to 4 decimals as a number format, not rounded text)."""

from __future__ import annotations

from pathlib import Path

from broker.reports.skm_data import SkmFigures
from broker.reports.skm_texts import (
    CONVERSION,
    element_name,
    profile_answer,
    profile_item_name,
    sample_line,
    t,
)
from broker.reports.texts import ikm_method, period_text, short_date, stamp
from broker.reports.xlsx import _Sheet
from shared.domain.skm import band_name


def write(figures: SkmFigures, path: Path, language: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    lg = language
    _summary(_Sheet(book, t("summary", lg), lg), figures)
    _elements(_Sheet(book, t("per_element", lg), lg), figures)
    _respondents(_Sheet(book, t("respondents", lg), lg), figures)
    _complaints(_Sheet(book, t("complaints", lg), lg), figures)
    book.save(path)
    return path


def _summary(s: _Sheet, f: SkmFigures) -> None:
    lg = s.language
    s.heading(t("skm_title", lg), 14)
    s.heading(f.office)
    s.note(t("skm_basis", lg))
    s.table([t("figure", lg), t("value", lg)], [
        [t("period", lg), period_text(f.period, lg, f.to_date)],
        [t("generated", lg), stamp(f.generated_at)],
    ])  # fmt: skip
    if f.to_date is not None:
        s.note(t("in_progress", lg).format(day=short_date(f.to_date, lg)))
    ikm = f.ikm
    if ikm is None:
        s.heading(t("no_ratings", lg))
    s.table([t("figure", lg), t("value", lg)], [
        [t("ikm", lg), (float(ikm.ikm) if ikm else None, "0.00")],
        [t("quality", lg), f"{ikm.band} ({band_name(ikm.band, lg)})" if ikm else "-"],
        [t("respondents", lg), f.respondents],
        [t("population_visits", lg), f.visits],
        [t("population_online", lg), f.online],
        [t("population", lg), f.population],
        [t("minimum_sample", lg), f.minimum_sample],
    ])  # fmt: skip
    s.note(sample_line(f.respondents, f.minimum_sample, f.population, lg))
    s.note(t("sample_note", lg))
    before = f.previous_ikm
    s.row += 1
    s.heading(t("comparison", lg))
    s.table([t("period", lg), t("ikm", lg), t("quality", lg), t("respondents", lg)], [
        [period_text(f.previous_period, lg), float(before.ikm) if before else None,
         before.band if before else "-", before.respondents if before else 0],
        [period_text(f.period, lg, f.to_date), float(ikm.ikm) if ikm else None,
         ikm.band if ikm else "-", f.respondents],
    ], {2: "0.00"})  # fmt: skip
    s.note(t("skm_no_personal", lg))
    s.widths(44, 30, 18, 14)


def _elements(s: _Sheet, f: SkmFigures) -> None:
    lg = s.language
    ikm = f.ikm
    s.heading(t("per_element", lg))
    if ikm is None:
        s.note(t("no_ratings", lg))
        return
    rows = []
    for e in ikm.elements:
        counts = f.element_counts.get(e.key, {})
        rows.append([e.key.upper(), element_name(e.key, lg), e.respondents,
                     *(counts.get(score, 0) for score in (1, 2, 3, 4)), float(e.nrr),
                     float(e.nrr * ikm.weight), float(e.converted), e.band])  # fmt: skip
    rows.append([t("total", lg), "", None, None, None, None, None, None, float(ikm.index),
                 float(ikm.ikm), ikm.band])  # fmt: skip
    s.table([t("element", lg), "", t("answered_element", lg), "1", "2", "3", "4", t("nrr", lg),
             t("weighted", lg), t("converted", lg), t("band_short", lg)], rows,
            {8: "0.0000", 9: "0.0000", 10: "0.00"})  # fmt: skip
    s.note(ikm_method(ikm, lg))
    s.note(t("method_text", lg))
    if not ikm.complete:
        s.note(t("ikm_partial", lg))
    s.row += 1
    s.heading(t("conversion", lg))
    s.table([t("nrr_interval", lg), t("ikm_interval", lg), t("quality", lg)],
            [[ni, nik, f"{band} ({band_name(band, lg)})"] for ni, nik, band in CONVERSION])  # fmt: skip
    s.heading(t("followup", lg))
    s.note(t("followup_text", lg))
    s.table([t("element", lg), "", t("nrr", lg), t("plan", lg)],
            [[e.key.upper(), element_name(e.key, lg), float(e.nrr), ""] for e in f.weakest],
            {3: "0.0000"})  # fmt: skip
    s.widths(10, 44, 11, 7, 7, 7, 7, 11, 13, 12, 8)


def _respondents(s: _Sheet, f: SkmFigures) -> None:
    lg = s.language
    s.heading(t("profile", lg))
    s.note(t("profile_note", lg))
    s.row += 1
    for item in f.profile:
        s.heading(profile_item_name(item.key, lg))
        s.table([t("answer", lg), t("count", lg), "%"],
                [[profile_answer(item.key, line.key, lg), line.count, (line.share, "0.0%")]
                 for line in item.lines])  # fmt: skip
    s.heading(t("service_used", lg))
    total = f.respondents
    s.table([t("service", lg), "", t("count", lg), "%"],
            [[p or "-", name or t("online_service", lg), n, (n / total if total else None, "0.0%")]
             for p, name, n in f.by_service])  # fmt: skip
    s.heading(t("by_source", lg))
    s.table([t("source", lg), t("count", lg)], [[t(f"src_{k}", lg), n] for k, n in f.by_source])
    s.widths(30, 30, 12, 10)


def _complaints(s: _Sheet, f: SkmFigures) -> None:
    lg = s.language
    c = f.complaints
    s.heading(t("complaints_summary", lg))
    s.table([t("status", lg), t("count", lg)], [*([t(k, lg), n] for k, n in c.by_status.items()),
                                              [t("total", lg), c.total]])  # fmt: skip
    s.table([t("kind", lg), t("count", lg)], [[t(k, lg), n] for k, n in c.by_kind.items()])
    hours = [None if v is None else round(v / 3600, 2) for v in (c.answer.median, c.answer.max)]
    s.table([t("answer_time", lg), t("value", lg)],
            [[t("answered_count", lg), c.answered], [t("median", lg), (hours[0], "0.00")],
             [t("max", lg), (hours[1], "0.00")]])  # fmt: skip
    s.note(t("complaints_note", lg))
    s.widths(34, 12, 12, 12)
