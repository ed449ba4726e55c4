"""The console's period charts as inline SVG markup: drawn on the server, no script, no matplotlib.

Each function takes ``PeriodFigures`` and returns one ``<svg>`` element as a string, ready to put
in a page as it is (the template marks it safe): every text in it is escaped here. Accessible:
``role="img"`` named by its ``<title>`` and described by a ``<desc>`` that states the figures in
words; each series differs by pattern or line style and is labelled, never by colour alone; the
colours have at least 4.5:1 contrast on white. The width follows the page (``viewBox``, no fixed
size). Labels are Indonesian by default, English with ``language="en"``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from html import escape

from broker.reports.period import DayPoint, PeriodFigures
from broker.reports.texts import number, period_text, short_date

# key -> (Indonesian, English)
TEXTS: dict[str, tuple[str, str]] = {
    "no_data": ("Belum ada data", "No data yet"),
    "per_day": ("Pengunjung per hari dan standar 10 menit", "Visitors per day and the 10-minute standard"),
    "met": ("Memenuhi", "Met"),
    "breached": ("Melewati", "Missed"),
    "not_called": ("Tidak dipanggil", "Not called"),
    "waits": ("Median waktu tunggu per hari", "Median wait per day"),
    "raw_wait": ("Ambil tiket s.d. dipanggil", "Ticket to call"),
    "clock": ("Jam standar 10 menit", "10-minute clock"),
    "limit": ("Batas {minutes} menit", "{minutes}-minute limit"),
    "minutes": ("menit", "minutes"),
    "per_hour": ("Kedatangan per jam", "Arrivals per hour"),
    "tickets": ("tiket", "tickets"),
    "day_summary": ("{day}: {met} memenuhi, {breached} melewati, {other} tidak dipanggil.",
                    "{day}: {met} met, {breached} missed, {other} not called."),
    "wait_summary": ("{day}: median {raw} menit (ambil tiket s.d. dipanggil), {clock} menit (jam standar).",
                     "{day}: median {raw} minutes (ticket to call), {clock} minutes (standard's clock)."),
    "hour_summary": ("Pukul {hour}.00: {n} tiket.", "{hour}:00: {n} tickets."),
}  # fmt: skip

WIDTH, HEIGHT = 640, 260
EMPTY_HEIGHT = 80
MAX_BAR = 48  # a day or a few: bars no wider than this
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 40, 44  # plot margins: axis labels left, legend on top, days below
INK = "#212121"  # text and axes: 16:1 on white
GRID = "#bdbdbd"
MET = "#1b5e20"  # dark green, 7.9:1
BREACHED = "#b71c1c"  # dark red, 6.6:1, drawn hatched
OTHER = "#616161"  # grey, 6.2:1, drawn dotted
RAW = "#0d47a1"  # dark blue, 9.4:1: solid line, round markers
CLOCK = "#4a148c"  # dark purple, 11:1: dashed line, square markers
FONT = 'font-family="sans-serif" font-size="11"'
SMALL = 'font-family="sans-serif" font-size="9"'
BIG = 'font-family="sans-serif" font-size="14"'


def t(key: str, language: str) -> str:
    pair = TEXTS[key]
    return pair[1] if language == "en" else pair[0]


def _e(text: object) -> str:
    """Escaped for text and attribute values alike."""
    return escape(str(text), quote=True)


def _svg(
    chart_id: str, title: str, desc: str, body: Iterable[str], defs: str = "", height: int = HEIGHT
) -> str:
    cid = _e(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'class="chart" id="{cid}">'
        f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(desc)}</desc>'
        f"{defs}{''.join(body)}</svg>"
    )


def _empty(chart_id: str, title: str, language: str) -> str:
    body = [
        f'<text x="{LEFT}" y="20" {FONT} font-weight="bold" fill="{INK}">{_e(title)}</text>',
        f'<text x="{WIDTH / 2}" y="{EMPTY_HEIGHT - 20}" {BIG} text-anchor="middle" '
        f'fill="{INK}">{_e(t("no_data", language))}</text>',
    ]
    return _svg(chart_id, title, t("no_data", language), body, height=EMPTY_HEIGHT)


def _scale_max(value: float) -> float:
    """A round top for the axis (1, 2, 5 x 10^n) at or above ``value``."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if factor * step >= value:
            return factor * step
    return 10 * step  # pragma: no cover


def _axis(top_value: float, language: str, unit: str = "") -> list[str]:
    """Horizontal grid lines with their values at 0, 1/2 and the top of the plot."""
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        value = number(top_value * fraction, 0 if top_value >= 2 else 1, language)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}" '
                     f'stroke-width="{1 if fraction else 1.5}"/>'
                     f'<text x="{LEFT - 4}" y="{y + 4:.1f}" {FONT} text-anchor="end" fill="{INK}">'
                     f"{_e(value)}{_e(unit)}</text>")  # fmt: skip
    return parts


def _legend(items: list[tuple[str, str]]) -> list[str]:
    """``items``: (swatch markup at 0,0 of a 12x12 box, label) in a row above the plot."""
    parts, x = [], LEFT
    for swatch, label in items:
        parts.append(f'<g transform="translate({x},{TOP - 22})">{swatch}'
                     f'<text x="16" y="10" {FONT} fill="{INK}">{_e(label)}</text></g>')  # fmt: skip
        x += 28 + 7 * len(label)
    return parts


def _when(figures: PeriodFigures, language: str) -> str:
    """The period as the report writes it; one day as that day alone."""
    if figures.single_day:
        return short_date(figures.period.start, language)
    return period_text(figures.period, language, figures.to_date)


def _day_label(day: DayPoint, many: bool) -> str:
    return str(day.day.day) if many else f"{day.day.day}/{day.day.month}"


def _label_every(count: int, room: float) -> int:
    """Show every n-th category label so that labels about 22 px wide do not overlap."""
    return max(1, math.ceil(22 / max(room, 0.1)))


def visitors_per_day_svg(figures: PeriodFigures, language: str = "id", chart_id: str = "chart-days") -> str:
    """Per day, the queue passes stacked by the 10-minute standard: met (solid), missed (hatched),
    not called (dotted), the total written above each bar. (A transferred visitor has a pass in
    each service, as in the report's standard table.)"""
    title = f"{t('per_day', language)}, {_when(figures, language)}"
    days = figures.days
    if figures.empty or not days:
        return _empty(chart_id, title, language)
    cid = _e(chart_id)
    defs = (
        f'<defs><pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{BREACHED}"/></pattern>'
        f'<pattern id="{cid}-dots" width="4" height="4" patternUnits="userSpaceOnUse">'
        f'<rect width="4" height="4" fill="#ffffff"/><circle cx="2" cy="2" r="1.2" fill="{OTHER}"/>'
        f"</pattern></defs>"
    )  # fmt: skip
    fills = (f'fill="{MET}"', f'fill="url(#{cid}-hatch)" stroke="{BREACHED}"',
             f'fill="url(#{cid}-dots)" stroke="{OTHER}"')  # fmt: skip
    totals = [d.met + d.breached + d.not_called for d in days]
    top = _scale_max(max(totals))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(days)
    bar = min(MAX_BAR, max(1.0, slot * 0.7))
    every = _label_every(len(days), slot)
    body = [f'<text x="{LEFT}" y="12" {FONT} font-weight="bold" fill="{INK}">{_e(title)}</text>']
    body += _axis(top, language)
    keys = ("met", "breached", "not_called")
    body += _legend([(f'<rect width="12" height="12" {fill}/>', t(key, language))
                     for fill, key in zip(fills, keys, strict=True)])  # fmt: skip
    for index, (day, total) in enumerate(zip(days, totals, strict=True)):
        x = LEFT + index * slot + (slot - bar) / 2
        base = TOP + plot_h
        summary = t("day_summary", language).format(day=day.day.isoformat(), met=day.met,
                                                    breached=day.breached, other=day.not_called)  # fmt: skip
        body.append(f"<g><title>{_e(summary)}</title>")
        for value, fill in zip((day.met, day.breached, day.not_called), fills, strict=True):
            if value:
                h = plot_h * value / top
                base -= h
                body.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" {fill}/>')
        body.append("</g>")
        if total and slot >= 7 * len(str(total)) + 6:  # room for the number; else in the title only
            text = _e(number(total, 0, language))
            body.append(f'<text x="{x + bar / 2:.1f}" y="{base - 3:.1f}" {SMALL} '
                        f'text-anchor="middle" fill="{INK}">{text}</text>')  # fmt: skip
        if index % every == 0:
            label = _day_label(day, len(days) > 7)
            weight = ' fill-opacity="0.7"' if day.day.weekday() >= 5 else ""
            body.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 16}" {FONT} text-anchor="middle" '
                        f'fill="{INK}"{weight}>{_e(label)}</text>')  # fmt: skip
    desc = " ".join(
        t("day_summary", language).format(day=d.day.isoformat(), met=d.met, breached=d.breached,
                                          other=d.not_called)
        for d in days if d.met + d.breached + d.not_called
    )  # fmt: skip
    return _svg(chart_id, title, desc, body, defs)


def waits_per_day_svg(figures: PeriodFigures, language: str = "id", chart_id: str = "chart-waits") -> str:
    """Per day, the median raw wait (solid line, round markers) and the median of the standard's
    clock at the call (dashed line, square markers), in minutes, under the limit (dotted line)."""
    title = f"{t('waits', language)}, {_when(figures, language)}"
    points = [d for d in figures.days if d.median_wait_s is not None]
    if not points:
        return _empty(chart_id, title, language)
    limit_min = figures.breach_s / 60
    highest = max(max(d.median_wait_s or 0, d.median_clock_s or 0) for d in points) / 60
    top = _scale_max(max(highest, limit_min) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(figures.days)
    every = _label_every(len(figures.days), slot)
    index_of = {d.day: i for i, d in enumerate(figures.days)}

    def xy(day: DayPoint, seconds: float) -> tuple[float, float]:
        return LEFT + (index_of[day.day] + 0.5) * slot, TOP + plot_h * (1 - seconds / 60 / top)

    body = [f'<text x="{LEFT}" y="12" {FONT} font-weight="bold" fill="{INK}">{_e(title)}</text>']
    body += _axis(top, language, "")
    y_limit = TOP + plot_h * (1 - limit_min / top)
    limit_text = t("limit", language).format(minutes=number(limit_min, 0, language))
    body.append(f'<line x1="{LEFT}" y1="{y_limit:.1f}" x2="{WIDTH - RIGHT}" y2="{y_limit:.1f}" '
                f'stroke="{BREACHED}" stroke-width="1.5" stroke-dasharray="2 3"/>'
                f'<text x="{WIDTH - RIGHT}" y="{y_limit - 4:.1f}" {FONT} text-anchor="end" '
                f'fill="{BREACHED}">{_e(limit_text)}</text>')  # fmt: skip
    body += _legend([
        (f'<line x1="0" y1="6" x2="12" y2="6" stroke="{RAW}" stroke-width="2"/>'
         f'<circle cx="6" cy="6" r="3" fill="{RAW}"/>', t("raw_wait", language)),
        (f'<line x1="0" y1="6" x2="12" y2="6" stroke="{CLOCK}" stroke-width="2" stroke-dasharray="4 2"/>'
         f'<rect x="3" y="3" width="6" height="6" fill="{CLOCK}"/>', t("clock", language)),
    ])  # fmt: skip
    series = (("median_wait_s", RAW, "", False), ("median_clock_s", CLOCK, ' stroke-dasharray="6 3"', True))
    for attr, colour, dash, square in series:
        coords = [xy(d, getattr(d, attr)) for d in points]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, y in coords:
            body.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
                        if square else
                        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')  # fmt: skip
    many = len(figures.days) > 7
    for index, day in enumerate(figures.days):
        if index % every == 0:
            x = LEFT + (index + 0.5) * slot
            body.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" {FONT} text-anchor="middle" '
                        f'fill="{INK}">{_e(_day_label(day, many))}</text>')  # fmt: skip
    body.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" {FONT} fill="{INK}">{_e(t("minutes", language))}</text>')
    desc = " ".join(
        t("wait_summary", language).format(day=d.day.isoformat(),
                                           raw=number((d.median_wait_s or 0) / 60, 1, language),
                                           clock=number((d.median_clock_s or 0) / 60, 1, language))
        for d in points
    )  # fmt: skip
    return _svg(chart_id, title, f"{limit_text}. {desc}", body)


def arrivals_per_hour_svg(figures: PeriodFigures, language: str = "id", chart_id: str = "chart-hours") -> str:
    """Tickets issued per hour of the day (office time), over the period; the hours shown run from
    the first to the last with arrivals, at least the hours 08 to 15."""
    title = f"{t('per_hour', language)}, {_when(figures, language)}"
    busy = [h for h, n in figures.hours if n]
    if not busy:
        return _empty(chart_id, title, language)
    first, last = min([*busy, 8]), max([*busy, 15])
    shown = [(h, n) for h, n in figures.hours if first <= h <= last]
    top = _scale_max(max(n for _h, n in shown))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(shown)
    bar = min(MAX_BAR, slot * 0.8)
    body = [f'<text x="{LEFT}" y="12" {FONT} font-weight="bold" fill="{INK}">{_e(title)}</text>']
    body += _axis(top, language)
    for index, (hour, n) in enumerate(shown):
        x = LEFT + index * slot + (slot - bar) / 2
        h = plot_h * n / top
        summary = t("hour_summary", language).format(hour=f"{hour:02d}", n=n)
        body.append(f'<g><title>{_e(summary)}</title><rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
                    f'width="{bar:.1f}" height="{h:.1f}" fill="{RAW}"/></g>')  # fmt: skip
        if n:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h - h - 3:.1f}" {SMALL} '
                        f'text-anchor="middle" fill="{INK}">{_e(number(n, 0, language))}</text>')  # fmt: skip
        body.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 16}" {FONT} text-anchor="middle" '
                    f'fill="{INK}">{hour:02d}</text>')  # fmt: skip
    body.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" {FONT} fill="{INK}">{_e(t("tickets", language))}</text>')
    desc = " ".join(t("hour_summary", language).format(hour=f"{h:02d}", n=n) for h, n in shown if n)
    return _svg(chart_id, title, desc, body)


def period_charts(figures: PeriodFigures, language: str = "id") -> dict[str, str]:
    """Every chart of the period page: ``days``, ``waits``, ``hours`` -> SVG markup."""
    return {
        "days": visitors_per_day_svg(figures, language),
        "waits": waits_per_day_svg(figures, language),
        "hours": arrivals_per_hour_svg(figures, language),
    }
