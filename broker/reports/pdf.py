"""The report as a PDF (reportlab, A4): the summary first, then one section per part, the charts
beside their tables, and the day-by-day table as an appendix."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from broker.reports.figures import Compliance, Figures
from broker.reports.pdf_lanes import lanes_section, summary_rows
from broker.reports.texts import (
    ikm_method,
    mmss,
    number,
    percent,
    period_text,
    short_date,
    stamp,
    t,
    title,
)
from shared.domain.calendar_words import DAYS
from shared.domain.skm import BY_KEY, band_name

HEADER_BG = "#dde7f0"
GRID = "#b0bec5"


class _Doc:
    """The flowables and styles of one document."""

    def __init__(self, language: str) -> None:
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

        self.lg = language
        base = getSampleStyleSheet()
        self.styles = {
            "title": ParagraphStyle("t", parent=base["Title"], fontSize=17, leading=21, alignment=0),
            "sub": ParagraphStyle("s", parent=base["Normal"], fontSize=11, leading=14),
            "h1": ParagraphStyle("h1", parent=base["Heading2"], fontSize=13, spaceBefore=10, spaceAfter=4),
            "h2": ParagraphStyle("h2", parent=base["Heading4"], fontSize=10, spaceBefore=6, spaceAfter=2),
            "body": ParagraphStyle("b", parent=base["Normal"], fontSize=9, leading=11.5),
            "note": ParagraphStyle(
                "n", parent=base["Normal"], fontSize=7.5, leading=9.5, textColor="#555555"
            ),
            "big": ParagraphStyle("big", parent=base["Normal"], fontSize=13, leading=17),
        }
        self.story: list[Any] = []

    def para(self, text: str, style: str = "body") -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(text, self.styles[style]))

    def space(self, mm: float = 3) -> None:
        from reportlab.lib.units import mm as unit
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, mm * unit))

    def table(self, header: list[str], rows: list[list[str]], widths: list[float], add: bool = True) -> Any:
        """A grid with a shaded header; columns after the first right-aligned."""
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Table, TableStyle

        table = Table([header, *rows], colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_BG)),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID)),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))  # fmt: skip
        if add:
            self.story.append(table)
            self.space(2)
        return table

    def keep_together(self, start: int) -> None:
        """Keep the flowables added since ``len(story) == start`` on one page."""
        from reportlab.platypus import KeepTogether

        self.story[start:] = [KeepTogether(self.story[start:])]

    def side_by_side(self, *tables: Any) -> None:
        from reportlab.platypus import Table

        row = Table([list(tables)], hAlign="LEFT")
        row.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        self.story.append(row)
        self.space(2)

    def image(self, png: bytes, width_mm: float = 170) -> None:
        from reportlab.lib.units import mm
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        width, height = ImageReader(io.BytesIO(png)).getSize()
        self.story.append(Image(io.BytesIO(png), width_mm * mm, width_mm * mm * height / width))
        self.space(2)


def write(figures: Figures, charts: dict[str, bytes], path: Path, language: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    doc = _Doc(language)
    _summary(doc, figures)
    _visitors(doc, figures, charts)
    _waits(doc, figures, charts)
    if figures.lanes is not None:
        lanes_section(doc, figures.lanes, "3")
    _online(doc, figures)
    _skm(doc, figures, charts)
    _complaints(doc, figures)
    doc.story.append(PageBreak())
    _appendix(doc, figures)
    when = period_text(figures.period, language, figures.to_date)
    footer = f"{figures.office} - {title(figures.period, language)}, {when}"

    def on_page(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{t('page', language)} {template.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, author=figures.office,
        title=f"{title(figures.period, language)} {when}",
    )  # fmt: skip
    document.build(doc.story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def _summary(doc: _Doc, f: Figures) -> None:
    lg = doc.lg
    doc.para(title(f.period, lg), "title")
    doc.para(f"{f.office}<br/>{t('period', lg)}: <b>{period_text(f.period, lg, f.to_date)}</b>", "sub")
    doc.para(f"{t('generated', lg)} {stamp(f.generated_at)}. {t('no_personal', lg)}", "note")
    if f.to_date is not None:
        doc.para(t("in_progress", lg).format(day=short_date(f.to_date, lg)), "body")
    if f.empty:
        doc.space(2)
        doc.para(f"<b>{t('empty', lg)}</b>", "big")
    doc.space(4)
    ikm = f.ikm
    c = f.compliance
    rows = [
        [t("visits", lg), number(f.visits, 0, lg)],
        [t("unique_guests", lg), number(f.unique_guests, 0, lg)],
        [f"{t('raw_wait', lg)}: {t('median', lg)} / {t('p90', lg)}",
         f"{mmss(f.raw_wait.median)} / {mmss(f.raw_wait.p90)} {t('minutes', lg)}" if f.raw_wait.count
         else "-"],
        [f"{t('standard', lg)}: {t('met', lg).lower()}",
         f"{percent(c.share, lg)} ({number(c.met, 0, lg)} / {number(c.decided, 0, lg)})"],
        [f"{t('online', lg)}: {t('online_met', lg).lower()}",
         f"{percent(f.online.share, lg)} ({f.online.met} / {f.online.met + f.online.late})"],
        [t("ikm", lg), f"{number(float(ikm.ikm), 2, lg)}  {ikm.band} ({band_name(ikm.band, lg)}), "
                       f"{number(ikm.respondents, 0, lg)} {t('respondents', lg).lower()}" if ikm else "-"],
        [t("complaints_total", lg), f"{f.complaints.total} ({t('open', lg).lower()} "
                                    f"{f.complaints.by_status.get('open', 0)})"],
    ]  # fmt: skip
    if f.lanes is not None:
        rows[2:2] = summary_rows(f.lanes, lg)
    doc.table([t("summary", lg), ""], rows, [85, 89])


def _visitors(doc: _Doc, f: Figures, charts: dict[str, bytes]) -> None:
    lg = doc.lg
    doc.para(f"1. {t('visitors', lg)}", "h1")
    doc.image(charts["visitors_per_day"])
    services = doc.table([t("service", lg), t("count", lg)],
                         [[f"{p} {n}", number(c, 0, lg)] for p, n, c in f.services]
                         + [[t("total", lg), number(f.visits, 0, lg)]], [52, 18], add=False)  # fmt: skip
    extra = doc.table([t("figure", lg), t("count", lg)],
                      [[t("unique_guests", lg), number(f.unique_guests, 0, lg)],
                       [t("without_guestbook", lg), number(f.without_guestbook, 0, lg)]], [70, 18],
                      add=False)  # fmt: skip
    doc.side_by_side(services, extra)
    tables = [
        doc.table([t(header, lg), t("count", lg), "%"],
                  [[t(c, lg), number(n, 0, lg), percent(n / whole if whole else None, lg)]
                   for c, n in items], [42, 14, 14], add=False)
        for header, items in (("purpose", f.purposes), ("institution", f.institutions))
        for whole in [sum(n for _c, n in items)]
    ]  # fmt: skip
    doc.side_by_side(*tables)
    doc.para(t("classified_note", lg), "note")


def _waits(doc: _Doc, f: Figures, charts: dict[str, bytes]) -> None:
    lg = doc.lg
    doc.para(f"2. {t('waits_section', lg)}", "h1")
    doc.table([t("figure", lg), t("samples", lg), t("median", lg), t("p90", lg), t("max", lg)],
              [[t(key, lg), number(st.count, 0, lg), mmss(st.median), mmss(st.p90), mmss(st.max)]
               for key, st in (("raw_wait", f.raw_wait), ("clock_at_call", f.clock_at_call),
                               ("idle_desk", f.idle_desk))],
              [66, 26, 26, 26, 26])  # fmt: skip
    doc.para(f"{t('minutes_note', lg)} {t('idle_desk_note', lg)}", "note")
    doc.image(charts["waits"])
    doc.para(t("standard", lg), "h2")
    c = f.compliance
    counts = [t("called", lg), t("met", lg), t("breached", lg), "%"]
    doc.table([t("figure", lg), *counts, t("not_called", lg).replace(", ", ",\n")],
              [[t("total", lg), *_counts(c, lg), number(c.not_called, 0, lg)]],
              [40, 22, 22, 22, 22, 46])  # fmt: skip
    widths = [58, 22, 22, 22, 22]
    desks = [[r.label or r.key or "-", *_counts(r, lg)] for r in f.by_desk]
    doc.table([t("desk", lg), *counts], desks, widths)
    doc.table([t("officer", lg), *counts],
              [[f"{r.label} ({r.key})" if r.key else t("not_signed_in", lg), *_counts(r, lg)]
               for r in f.by_officer], widths)  # fmt: skip
    doc.para(f"{t('standard_note', lg)} {t('not_called_note', lg)}", "note")


def _counts(c: Compliance, lg: str) -> list[str]:
    return [number(c.called, 0, lg), number(c.met, 0, lg), number(c.breached, 0, lg), percent(c.share, lg)]


def _online(doc: _Doc, f: Figures) -> None:
    lg = doc.lg
    o = f.online
    doc.para(f"4. {t('online', lg)}", "h1")
    doc.table(
        [t("figure", lg), t("count", lg)],
        [
            *(
                [t(key, lg), number(n, 0, lg)]
                for key, n in (
                    ("online_received", o.received),
                    ("online_due", o.due),
                    ("online_met", o.met),
                    ("online_late", o.late),
                    ("online_pending", o.pending),
                )
            ),
            [t("met_share", lg), percent(o.share, lg)],
        ],
        [80, 24],
    )


def _skm(doc: _Doc, f: Figures, charts: dict[str, bytes]) -> None:
    lg = doc.lg
    start = len(doc.story)
    doc.para(f"5. {t('skm', lg)}", "h1")
    ikm = f.ikm
    if ikm is None:
        doc.para(t("no_ratings", lg))
    else:
        doc.para(f"{t('ikm', lg)}: <b>{number(float(ikm.ikm), 2, lg)}</b> - {t('band', lg).lower()} "
                 f"<b>{ikm.band} ({band_name(ikm.band, lg)})</b>, {number(ikm.respondents, 0, lg)} "
                 f"{t('respondents', lg).lower()}", "big")  # fmt: skip
        doc.space(2)
        rows = []
        for e in ikm.elements:
            counts = f.element_counts.get(e.key, {})
            rows.append(
                [
                    f"{e.key.upper()} {BY_KEY[e.key].name(lg)}",
                    number(e.respondents, 0, lg),
                    *(number(counts.get(s, 0), 0, lg) for s in (1, 2, 3, 4)),
                    number(float(e.nrr), 3, lg),
                    number(float(e.converted), 2, lg),
                    e.band,
                ]
            )
        header = [t("element", lg), t("respondents", lg), "1", "2", "3", "4", t("nrr", lg),
                  t("converted", lg), t("band_short", lg)]  # fmt: skip
        doc.table(header, rows, [48, 20, 11, 11, 11, 11, 20, 22, 14])
        doc.para(ikm_method(ikm, lg), "body")
        doc.para(t("ikm_note", lg) + ("" if ikm.complete else " " + t("ikm_partial", lg)), "note")
        doc.keep_together(start)
        doc.image(charts["ikm"], 160)
    doc.para(t("overall", lg), "h2")
    total = f.overall_count
    doc.table([t("face", lg), *(str(s) for s, _n in f.overall), t("total", lg), t("mean", lg)],
              [[t("count", lg), *(number(n, 0, lg) for _s, n in f.overall), number(total, 0, lg),
                number(f.overall_mean, 2, lg)],
               ["%", *(percent(n / total if total else None, lg) for _s, n in f.overall), "", ""]],
              [24, 18, 18, 18, 18, 18, 18, 18])  # fmt: skip


def _complaints(doc: _Doc, f: Figures) -> None:
    lg = doc.lg
    c = f.complaints
    doc.para(f"6. {t('complaints', lg)}", "h1")
    statuses = [[t(k, lg), number(n, 0, lg)] for k, n in [*c.by_status.items(), ("total", c.total)]]
    status = doc.table([t("status", lg), t("count", lg)], statuses, [30, 16], add=False)
    kinds = doc.table(
        [t("kind", lg), t("count", lg)],
        [[t(k, lg), number(n, 0, lg)] for k, n in c.by_kind.items()] or [["-", "0"]],
        [30, 16],
        add=False,
    )
    hours = [number(None if v is None else v / 3600, 1, lg) for v in (c.answer.median, c.answer.max)]
    answer = doc.table([t("answer_time", lg), ""], [[t("answered_count", lg), number(c.answered, 0, lg)],
                                                    [t("median", lg), hours[0]], [t("max", lg), hours[1]]],
                       [50, 16], add=False)  # fmt: skip
    doc.side_by_side(status, kinds, answer)


def _appendix(doc: _Doc, f: Figures) -> None:
    lg = doc.lg
    doc.para(f"{t('appendix', lg)}: {t('per_day', lg).lower()}", "h1")
    prefixes = [p for p, _n, _c in f.services]
    rows = []
    for d in f.days:
        c = d.compliance
        day = f"{DAYS[lg][d.day.weekday()][:3]}, {short_date(d.day, lg)}"
        services = [number(d.by_service.get(p, 0), 0, lg) for p in prefixes]
        rows.append([day, *services, number(d.total, 0, lg), *(_counts(c, lg)[1:] if c else ["", "", ""])])
    service_w = [14] * len(prefixes)
    table = doc.table([t("day", lg), *prefixes, t("total", lg), t("met", lg), t("breached", lg), "% 10 min"],
                      rows, [40, *service_w, 18, 22, 22, 22])  # fmt: skip
    for index, d in enumerate(f.days, start=1):
        if d.day.weekday() >= 5:  # weekends in grey
            table.setStyle([("TEXTCOLOR", (0, index), (-1, index), "#9e9e9e")])
