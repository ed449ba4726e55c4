"""The period page's SVG charts: well-formed XML, accessible, escaped, in both languages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest

from broker.reports import svg_charts
from broker.reports.data import Period
from broker.reports.figures import Compliance, Online
from broker.reports.period import DayPoint, OnlinePeriod, PeriodFigures
from broker.reports.sla import Stats
from broker.reports.svg_charts import (
    arrivals_per_hour_svg,
    period_charts,
    visitors_per_day_svg,
    waits_per_day_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def make(start: date, end: date, days: list[DayPoint], hours: dict[int, int]) -> PeriodFigures:
    passes = sum(d.met + d.breached + d.not_called for d in days)
    met, breached = sum(d.met for d in days), sum(d.breached for d in days)
    return PeriodFigures(
        period=Period(start, end), generated_at=datetime(2026, 11, 30, 14, tzinfo=UTC), to_date=None,
        breach_s=600.0, visits=passes, services=[],
        compliance=Compliance(None, "", passes, met + breached, met, breached, passes - met - breached),
        idle_desk=Stats(0, None, None, None), raw_wait=Stats(0, None, None, None),
        clock_at_call=Stats(0, None, None, None), days=days,
        hours=[(h, hours.get(h, 0)) for h in range(24)],
        online=OnlinePeriod(0, Online(0, 0, 0, 0, 0), 0, 0, 0),
    )  # fmt: skip


def month() -> PeriodFigures:
    first = date(2026, 11, 1)
    days = []
    for n in range(30):
        day = first + timedelta(days=n)
        if day.weekday() < 5:
            days.append(DayPoint(day, 400 + n, 350 + n, 40, 10, 240.0 + n, 180.0 + n))
        else:
            days.append(DayPoint(day, 0, 0, 0, 0, None, None))
    return make(first, date(2026, 11, 30), days, {8: 1200, 9: 1300, 15: 600})


def one_day() -> PeriodFigures:
    day = date(2026, 11, 2)
    return make(day, day, [DayPoint(day, 7, 5, 2, 1, 300.0, 300.0)], {8: 3, 9: 2, 10: 2})


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # raises on anything not well-formed
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("draw", [visitors_per_day_svg, waits_per_day_svg, arrivals_per_hour_svg])
@pytest.mark.parametrize("figures", [month(), one_day()], ids=["month", "day"])
def test_each_chart_is_an_accessible_svg(draw, figures: PeriodFigures) -> None:
    root = parse(draw(figures))
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ") and root.get("width") == "100%"  # follows the page
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None and title.text and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert texts(root)  # labels written as text, not only drawn


def test_visitors_per_day_in_indonesian() -> None:
    root = parse(visitors_per_day_svg(month()))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Pengunjung per hari dan standar 10 menit, November 2026"
    labels = texts(root)
    assert {"Memenuhi", "Melewati", "Tidak dipanggil"} <= set(labels)
    assert "1" in labels and "30" not in labels  # every other day labelled on a month
    # Missed and not called are patterned, not only coloured: their fills are the patterns.
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert patterns == {"chart-days-hatch", "chart-days-dots"}
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert {"url(#chart-days-hatch)", "url(#chart-days-dots)"} <= fills
    # Each day's bar says its figures on hover and to a screen reader.
    day_titles = [g.find(f"{SVG}title") for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert day_titles[0].text == "2026-11-01: 0 memenuhi, 0 melewati, 0 tidak dipanggil."  # type: ignore[union-attr]
    assert "2026-11-02: 351 memenuhi, 40 melewati, 10 tidak dipanggil." in (root.findtext(f"{SVG}desc") or "")


def test_one_day_in_english() -> None:
    charts = period_charts(one_day(), "en")
    assert set(charts) == {"days", "waits", "hours"}
    days = parse(charts["days"])
    assert days.findtext(f"{SVG}title") == "Visitors per day and the 10-minute standard, 2 November 2026"
    assert {"Met", "Missed", "Not called", "8", "2/11"} <= set(texts(days))  # 8 written above the bar
    waits = parse(charts["waits"])
    assert "10-minute limit" in texts(waits)
    assert "2026-11-02: median 5.0 minutes (ticket to call)" in (waits.findtext(f"{SVG}desc") or "")
    hours = parse(charts["hours"])
    assert {"08", "09", "10", "15", "3", "2"} <= set(texts(hours))
    assert hours.findtext(f"{SVG}desc") == "08:00: 3 tickets. 09:00: 2 tickets. 10:00: 2 tickets."


def test_numbers_are_written_the_indonesian_way() -> None:
    hours = parse(arrivals_per_hour_svg(month()))
    assert "1.300" in texts(hours)
    assert "1,300" in texts(parse(arrivals_per_hour_svg(month(), "en")))


@pytest.mark.parametrize(("language", "words"), [("id", "Belum ada data"), ("en", "No data yet")])
def test_an_empty_period_says_so(language: str, words: str) -> None:
    empty = make(date(2026, 12, 1), date(2026, 12, 31), [], {})
    for markup in period_charts(empty, language).values():
        root = parse(markup)
        assert words in texts(root) and root.findtext(f"{SVG}desc") == words
        assert root.find(f"{SVG}rect") is None
    day = date(2026, 12, 1)
    no_calls = make(day, day, [DayPoint(day, 1, 0, 0, 1, None, None)], {9: 1})
    assert words in texts(parse(waits_per_day_svg(no_calls, language)))


def test_every_text_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    nasty = '<script>alert("x")</script> & co'
    monkeypatch.setitem(svg_charts.TEXTS, "met", (nasty, nasty))
    monkeypatch.setitem(svg_charts.TEXTS, "per_day", (nasty, nasty))
    monkeypatch.setitem(svg_charts.TEXTS, "no_data", (nasty, nasty))
    for figures in (one_day(), make(date(2026, 12, 1), date(2026, 12, 1), [], {})):
        markup = visitors_per_day_svg(figures, chart_id='x" onload="alert(1)')
        assert "<script>" not in markup and 'onload="' not in markup
        root = parse(markup)
        assert nasty in texts(root) or root.findtext(f"{SVG}title", "").startswith(nasty)
        assert root.get("id") == 'x" onload="alert(1)'  # an attribute value, harmless
