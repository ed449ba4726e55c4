"""The welcome screen with six services and the priority lane fits the kiosk's screens without
scrolling (a visitor who has never seen a kiosk will not scroll): each card whole, above the
"Aa" bar, at least a touch target tall, in both languages, with and without "Aa". The real app
through ``kiosk_driver`` (screenshots in ``artifacts/kiosk/welcome_fit/SIZE``); the arithmetic of
``kiosk.card_fit`` on its own below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.card_fit import MIN_ROW_PX, CardText, column_choices, plan_cards
from tests.kiosk.test_kiosk_app import ARTIFACTS, SIZES, run_app

RECORDS = ("welcome_id", "welcome_en", "welcome_id_large", "welcome_en_large")


def _problems(fit: dict[str, Any]) -> list[str]:
    found = []
    if fit["content_height"] > fit["view_height"] + 1:
        found.append(f"scrolls: {fit['content_height']:.0f} in {fit['view_height']:.0f}")
    for card in fit["cards"]:
        x0, y0, x1, y1 = card["box"]
        label = card["text"][:40]
        if y0 < fit["bar_top"] - 1 or y1 > fit["window"][1] + 1:
            found.append(f"{label!r} is not wholly between the bar and the top ({y0:.0f}-{y1:.0f})")
        if y1 - y0 < MIN_ROW_PX - 1:
            found.append(f"{label!r} is only {y1 - y0:.0f} px tall")
        if card["texture"][1] > y1 - y0 + 1 or card["texture"][0] > x1 - x0 + 1:
            found.append(f"{label!r}: its text {card['texture']} is cut in {x1 - x0:.0f}x{y1 - y0:.0f}")
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("size", SIZES)
def test_six_services_and_the_priority_lane_fit_without_scrolling(tmp_path: Path, size: str) -> None:
    out = ARTIFACTS / "welcome_fit" / size
    result = run_app(tmp_path, "welcome_fit", size=size, out=out, timeout=240)  # nothing cut or overlapping
    records = result["records"]
    assert sorted(records) == sorted(RECORDS)
    for name in RECORDS:
        fit = records[name]["fit"]
        assert len(fit["cards"]) == 7
        priority = fit["cards"][-1]["text"]
        assert ("Layanan prioritas" if "_id" in name else "Priority service") in priority
        # The rating button follows the language the visitor picked here (it kept the survey's own).
        assert fit["rate"] == (
            "Beri penilaian / Sampaikan pengaduan" if "_id" in name else "Give a rating / Make a complaint"
        )
        assert _problems(fit) == [], f"{size} {name}"
        assert fit["fits"], f"{size} {name}"


# --- the arithmetic ------------------------------------------------------------------------------


def _measure(title: str, subtitle: str, title_px: float, sub_px: float, wrap: float) -> float | None:
    """A stand-in for Kivy's text layout: characters 0.55 em wide, lines 1.15 em tall."""
    height = 0.0
    for text, px in ((title, title_px), (subtitle, sub_px)):
        if max(len(w) for w in text.split()) * 0.55 * px > wrap:
            return None
        per_line = max(1, int(wrap // (0.55 * px)))
        height += -(-len(text) // per_line) * 1.15 * px
    return height


SERVICE = CardText("Konsultasi Statistik", "Ambil nomor antrean", 28)
PRIORITY = CardText(
    "Layanan prioritas",
    "Untuk lansia, penyandang disabilitas, ibu hamil, dan pengunjung yang membawa anak kecil",
    24,
    "Lansia, disabilitas, ibu hamil, membawa anak kecil",
)


def test_columns_on_a_wide_screen_keep_rows_even_and_a_tall_one_starts_as_a_list() -> None:
    assert column_choices(2, True)[0] == 2
    assert column_choices(4, True)[0] == 2  # two rows of two, not three and one
    assert column_choices(7, True)[0] == 4  # two rows of four
    assert column_choices(7, False) == [1, 2, 3]


def test_the_full_subtitle_and_full_size_while_there_is_room() -> None:
    plan = plan_cards([SERVICE, SERVICE, PRIORITY], 1200, 600, 1.0, True, 20, _measure)
    assert plan.fits and plan.scale == 1.0 and not plan.short and plan.cols == 3


def test_less_room_smaller_text_then_the_short_subtitle_and_never_below_a_touch_target() -> None:
    cards = [SERVICE] * 6 + [PRIORITY]
    roomy = plan_cards(cards, 1200, 600, 1.0, True, 20, _measure)
    tight = plan_cards(cards, 1200, 250, 1.0, True, 20, _measure)
    assert roomy.fits and not roomy.short
    assert tight.fits and (tight.scale < roomy.scale or tight.short)
    assert tight.height(20) <= 250 and tight.row_height >= MIN_ROW_PX
    hopeless = plan_cards(cards, 1200, 100, 1.0, True, 20, _measure)
    assert not hopeless.fits and hopeless.row_height >= MIN_ROW_PX  # it scrolls rather than cut
