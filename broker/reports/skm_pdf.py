"""The SKM report as a PDF (reportlab, A4), in the monthly report's style (``pdf._Doc``): the result,
the nine elements, the sample, the respondents, the comparison, complaints, the follow-up plan and a
signature block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from broker.reports.pdf import _Doc
from broker.reports.skm_data import SkmFigures
from broker.reports.skm_texts import (
    CONVERSION,
    element_name,
    profile_answer,
    profile_item_name,
    sample_line,
    t,
)
from broker.reports.texts import ikm_method, number, percent, period_text, short_date, stamp
from shared.domain.skm import band_name


def write(figures: SkmFigures, path: Path, language: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    doc = _Doc(language)
    _head(doc, figures)
    _elements(doc, figures)
    _sample(doc, figures)
    _respondents(doc, figures)
    _comparison(doc, figures)
    _complaints(doc, figures)
    _followup(doc, figures)
    _signature(doc, figures)
    when = period_text(figures.period, language, figures.to_date)
    footer = f"{figures.office} - {t('skm_title', language)}, {when}"

    def on_page(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{t('page', language)} {template.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, author=figures.office, title=f"{t('skm_title', language)} {when}",
    )  # fmt: skip
    document.build(doc.story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def _head(doc: _Doc, f: SkmFigures) -> None:
    lg = doc.lg
    doc.para(t("skm_title", lg), "title")
    doc.para(f"{f.office}<br/>{t('period', lg)}: <b>{period_text(f.period, lg, f.to_date)}</b>", "sub")
    doc.para(f"{t('generated', lg)} {stamp(f.generated_at)}. {t('skm_no_personal', lg)}", "note")
    doc.para(t("skm_basis", lg), "note")
    if f.to_date is not None:
        doc.para(t("in_progress", lg).format(day=short_date(f.to_date, lg)), "body")
    doc.space(3)
    ikm = f.ikm
    if ikm is None:
        doc.para(f"<b>{t('no_ratings', lg)}</b>", "big")
        return
    doc.para(f"{t('ikm', lg)}: <b>{number(float(ikm.ikm), 2, lg)}</b> - {t('quality', lg).lower()} "
             f"<b>{ikm.band} ({band_name(ikm.band, lg)})</b>", "big")  # fmt: skip
    doc.space(2)
    doc.table([t("result", lg), ""], [
        [t("ikm", lg), number(float(ikm.ikm), 2, lg)],
        [t("quality", lg), f"{ikm.band} ({band_name(ikm.band, lg)})"],
        [t("respondents", lg), number(ikm.respondents, 0, lg)],
        [t("minimum_sample", lg), number(f.minimum_sample, 0, lg)],
    ], [85, 89])  # fmt: skip
    doc.para(sample_line(f.respondents, f.minimum_sample, f.population, lg), "body")


def _elements(doc: _Doc, f: SkmFigures) -> None:
    lg = doc.lg
    ikm = f.ikm
    if ikm is None:
        return
    start = len(doc.story)
    doc.para(f"1. {t('per_element', lg)}", "h1")
    rows = []
    for e in ikm.elements:
        counts = f.element_counts.get(e.key, {})
        rows.append([
            _cell(doc, f"{e.key.upper()} {element_name(e.key, lg)}"), number(e.respondents, 0, lg),
            *(number(counts.get(s, 0), 0, lg) for s in (1, 2, 3, 4)), number(float(e.nrr), 3, lg),
            number(float(e.nrr * ikm.weight), 4, lg), number(float(e.converted), 2, lg), e.band,
        ])  # fmt: skip
    rows.append([t("total", lg), "", "", "", "", "", "", number(float(ikm.index), 4, lg),
                 number(float(ikm.ikm), 2, lg), ikm.band])  # fmt: skip
    table = doc.table([t("element", lg), t("answered_element", lg), "1", "2", "3", "4", t("nrr", lg),
                       t("weighted", lg), t("converted", lg), t("band_short", lg)],
                      rows, [55, 18, 7, 7, 7, 7, 17, 21, 18, 11])  # fmt: skip
    table.setStyle([("FONT", (0, len(rows)), (-1, len(rows)), "Helvetica-Bold", 8.5)])
    doc.para(ikm_method(ikm, lg), "body")
    doc.para(t("method_text", lg) + ("" if ikm.complete else " " + t("ikm_partial", lg)), "note")
    doc.keep_together(start)
    doc.para(t("conversion", lg), "h2")
    doc.table([t("nrr_interval", lg), t("ikm_interval", lg), t("quality", lg)],
              [[ni if lg != "en" else ni.replace(",", "."), nik if lg != "en" else nik.replace(",", "."),
                f"{band} ({band_name(band, lg)})"] for ni, nik, band in CONVERSION],
              [50, 55, 45])  # fmt: skip


def _cell(doc: _Doc, text: str) -> object:
    """A table cell that wraps (a long element name in a narrow column)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    return Paragraph(text, ParagraphStyle("cell", parent=doc.styles["body"], fontSize=8.5, leading=10))


def _sample(doc: _Doc, f: SkmFigures) -> None:
    lg = doc.lg
    doc.para(f"2. {t('sample', lg)}", "h1")
    doc.table([t("figure", lg), t("count", lg)], [
        [t("population_visits", lg), number(f.visits, 0, lg)],
        [t("population_online", lg), number(f.online, 0, lg)],
        [t("population", lg), number(f.population, 0, lg)],
        [t("minimum_sample", lg), number(f.minimum_sample, 0, lg)],
        [t("respondents", lg), number(f.respondents, 0, lg)],
    ], [90, 30])  # fmt: skip
    doc.para(sample_line(f.respondents, f.minimum_sample, f.population, lg), "body")
    doc.para(t("sample_note", lg), "note")


def _respondents(doc: _Doc, f: SkmFigures) -> None:
    """The respondent profile: each item's answers (count, % of the respondents, *tidak diisi*
    counted), then the service used and how they rated."""
    lg = doc.lg
    start = len(doc.story)
    doc.para(f"3. {t('profile', lg)}", "h1")
    doc.para(t("profile_note", lg), "note")
    doc.space(1)
    tables = [
        doc.table([profile_item_name(item.key, lg), t("count", lg), "%"],
                  [[profile_answer(item.key, line.key, lg), number(line.count, 0, lg),
                    percent(line.share, lg)] for line in item.lines], [46, 14, 16], add=False)
        for item in f.profile
    ]  # fmt: skip
    for pair in (tables[0:2], tables[2:4]):
        doc.side_by_side(*pair)
    total = f.respondents
    share = [None if not total else n / total for _p, _name, n in f.by_service]
    services = doc.table([t("service_used", lg), t("count", lg), "%"],
                         [[f"{p} {name}" if p else t("online_service", lg), number(n, 0, lg),
                           percent(s, lg)] for (p, name, n), s in zip(f.by_service, share, strict=True)]
                         or [["-", "0", "-"]], [46, 14, 16], add=False)  # fmt: skip
    sources = doc.table([t("source", lg), t("count", lg)],
                        [[t(f"src_{s}", lg), number(n, 0, lg)] for s, n in f.by_source], [50, 16],
                        add=False)  # fmt: skip
    doc.side_by_side(services, sources)
    doc.keep_together(start)


def _comparison(doc: _Doc, f: SkmFigures) -> None:
    lg = doc.lg
    doc.para(f"4. {t('comparison', lg)}", "h1")
    now, before = f.ikm, f.previous_ikm

    def cells(ikm: Any) -> list[str]:
        if ikm is None:
            return ["-", "-", "0"]
        return [number(float(ikm.ikm), 2, lg), f"{ikm.band} ({band_name(ikm.band, lg)})",
                number(ikm.respondents, 0, lg)]  # fmt: skip

    change = "-" if now is None or before is None else f"{float(now.ikm - before.ikm):+.2f}"
    if lg != "en":
        change = change.replace(".", ",")
    doc.table([t("period", lg), t("ikm", lg), t("quality", lg), t("respondents", lg)], [
        [f"{t('previous', lg)}: {period_text(f.previous_period, lg)}", *cells(before)],
        [f"{t('this_period', lg)}: {period_text(f.period, lg, f.to_date)}", *cells(now)],
        [t("change", lg), change, "", ""],
    ], [70, 40, 40, 24])  # fmt: skip


def _complaints(doc: _Doc, f: SkmFigures) -> None:
    lg = doc.lg
    c = f.complaints
    doc.para(f"5. {t('complaints_summary', lg)}", "h1")
    status = doc.table([t("status", lg), t("count", lg)],
                       [[t(k, lg), number(n, 0, lg)] for k, n in [*c.by_status.items(), ("total", c.total)]],
                       [30, 16], add=False)  # fmt: skip
    kinds = doc.table([t("kind", lg), t("count", lg)],
                      [[t(k, lg), number(n, 0, lg)] for k, n in c.by_kind.items()], [30, 16],
                      add=False)  # fmt: skip
    hours = [number(None if v is None else v / 3600, 1, lg) for v in (c.answer.median, c.answer.max)]
    answer = doc.table([t("answer_time", lg), ""], [[t("answered_count", lg), number(c.answered, 0, lg)],
                                                    [t("median", lg), hours[0]], [t("max", lg), hours[1]]],
                       [50, 16], add=False)  # fmt: skip
    doc.side_by_side(status, kinds, answer)
    doc.para(t("complaints_note", lg), "note")


def _followup(doc: _Doc, f: SkmFigures) -> None:
    lg = doc.lg
    if not f.weakest:
        return
    start = len(doc.story)
    doc.para(f"6. {t('followup', lg)}", "h1")
    doc.para(t("followup_text", lg), "body")
    doc.space(1)
    table = doc.table([t("element", lg), t("nrr", lg), t("converted", lg), t("plan", lg)],
                      [[_cell(doc, f"{e.key.upper()} {element_name(e.key, lg)}"), number(float(e.nrr), 3, lg),
                        number(float(e.converted), 2, lg), ""] for e in f.weakest],
                      [62, 18, 20, 74])  # fmt: skip
    table.setStyle([("BOTTOMPADDING", (0, 1), (-1, -1), 14)])  # room to write the plan by hand
    doc.keep_together(start)


def _signature(doc: _Doc, f: SkmFigures) -> None:
    from reportlab.platypus import Table

    lg = doc.lg
    doc.space(8)
    block = [[t("signature", lg)], [f"{t('head', lg)} {f.office}"], [""], [""], [""], [t("name_line", lg)]]
    table = Table(block, colWidths=[80 * 2.83465], hAlign="RIGHT")
    table.setStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9)])
    doc.story.append(table)
