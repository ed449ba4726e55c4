"""The report's charts as PNG bytes (matplotlib, Agg backend): one rendering for the XLSX and the PDF."""

from __future__ import annotations

import io
from typing import Any

from broker.reports.figures import HISTOGRAM_MINUTES, Figures
from broker.reports.texts import is_month, number, period_text, t
from shared.domain.skm import BY_KEY, band_name

BAND_COLOURS = {"A": "#2e7d32", "B": "#7cb342", "C": "#f9a825", "D": "#c62828"}
SERVICE_COLOURS = ("#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#9e9d24", "#5d4037")
DPI = 150


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _png(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    return out.getvalue()


def render(figures: Figures, language: str) -> dict[str, bytes]:
    """``visitors_per_day``, ``waits`` and (when there are ratings) ``ikm``: PNG bytes."""
    plt = _pyplot()
    charts = {
        "visitors_per_day": visitors_per_day(plt, figures, language),
        "waits": waits(plt, figures, language),
    }
    if figures.ikm is not None:
        charts["ikm"] = ikm(plt, figures, language)
    return charts


def visitors_per_day(plt: Any, figures: Figures, language: str) -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    x = list(range(len(figures.days)))
    bottom = [0] * len(x)
    for index, (prefix, name, total) in enumerate(figures.services):
        if not total:
            continue
        heights = [row.by_service.get(prefix, 0) for row in figures.days]
        ax.bar(x, heights, bottom=bottom, color=SERVICE_COLOURS[index % len(SERVICE_COLOURS)],
               label=f"{prefix} {name}", width=0.8)  # fmt: skip
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    upright = max(bottom, default=0) >= 100 and len(x) > 10  # long numbers under narrow bars
    for xi, total in zip(x, bottom, strict=True):
        if total:
            ax.annotate(number(total, 0, language), (xi, total), ha="center", va="bottom", fontsize=6,
                        xytext=(0, 1), textcoords="offset points", rotation=90 if upright else 0)  # fmt: skip
    ax.margins(y=0.12)
    ax.set_ylim(0, max(1, ax.get_ylim()[1]))  # no negative axis for an empty month
    whole_month = is_month(figures.period)
    labels = [str(row.day.day) if whole_month else f"{row.day.day}/{row.day.month}" for row in figures.days]
    ax.set_xticks(x, labels, fontsize=7)
    for tick, row in zip(ax.get_xticklabels(), figures.days, strict=True):
        if row.day.weekday() >= 5:
            tick.set_color("#9e9e9e")
    ax.set_xlim(-0.7, len(x) - 0.3)
    ax.set_ylabel(t("visitors", language))
    when = period_text(figures.period, language, figures.to_date)
    ax.set_title(f"{t('per_day', language)}, {when}", loc="left")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", alpha=0.3)
    if any(total for _p, _n, total in figures.services):
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _png(fig)


def waits(plt: Any, figures: Figures, language: str) -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    minutes = [m for m, _raw, _clock in figures.histogram]
    ax.bar([m + 0.29 for m in minutes], [raw for _m, raw, _c in figures.histogram], width=0.42,
           color="#90caf9", label=t("raw_wait", language))  # fmt: skip
    ax.bar([m + 0.71 for m in minutes], [c for _m, _r, c in figures.histogram], width=0.42,
           color="#1565c0", label=t("clock_at_call", language))  # fmt: skip
    limit = figures.breach_s / 60
    ax.axvline(limit, color="#c62828", linestyle="--", linewidth=1.5)
    ax.annotate(f"{number(limit, 0, language)} {t('minutes', language)}", (limit, 1),
                xycoords=("data", "axes fraction"), xytext=(3, -10), textcoords="offset points",
                color="#c62828", fontsize=8)  # fmt: skip
    ticks = list(range(0, HISTOGRAM_MINUTES + 1, 5))
    ax.set_xticks(ticks, [f"{m}" if m < HISTOGRAM_MINUTES else f"{m}+" for m in ticks])
    ax.set_xlim(0, HISTOGRAM_MINUTES + 1)
    ax.set_ylim(0, max(1, ax.get_ylim()[1]))
    ax.set_xlabel(t("minutes", language))
    ax.set_ylabel(t("calls", language))
    ax.set_title(t("histogram", language), loc="left")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2)
    return _png(fig)


def ikm(plt: Any, figures: Figures, language: str) -> bytes:
    assert figures.ikm is not None
    scores = list(reversed(figures.ikm.elements))  # the first element on top
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(scores) + 1.2))
    values = [float(s.converted) for s in scores]
    ax.barh(range(len(scores)), values, color=[BAND_COLOURS[s.band] for s in scores], height=0.7)
    for y, score in enumerate(scores):
        value = float(score.converted)
        ax.annotate(f"{number(value, 2, language)} ({score.band})", (value, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)  # fmt: skip
    ax.set_yticks(range(len(scores)), [f"{s.key.upper()} {BY_KEY[s.key].name(language)}" for s in scores])
    total = float(figures.ikm.ikm)
    ax.axvline(total, color="#424242", linestyle=":", linewidth=1)
    ax.set_xlim(25, 105)
    ax.set_xlabel(t("converted", language))
    ax.annotate(f"IKM {number(total, 2, language)} ({figures.ikm.band})", (total, 1), xytext=(-3, 2),
                xycoords=("data", "axes fraction"), textcoords="offset points", ha="right", fontsize=7,
                color="#424242")  # fmt: skip
    ax.set_title(t("ikm_per_element", language), loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in BAND_COLOURS.values()]
    labels = [f"{letter} {band_name(letter, language)}" for letter in BAND_COLOURS]
    ax.legend(handles, labels, frameon=False, fontsize=7, ncol=4, loc="upper center",
              bbox_to_anchor=(0.5, -0.22))  # fmt: skip
    return _png(fig)
