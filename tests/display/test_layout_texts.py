"""Plain parts of the display: the board's arithmetic, the words and dates, the config table."""

from __future__ import annotations

import math
import zlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from display import texts
from display.layout import (
    BADGE_GAP_EM,
    CARD_BADGE_VH,
    CARD_LINES_VH,
    CARD_SHARE,
    CODE_LINE,
    NAME_LINE,
    NAME_RATIO,
    Frame,
    grid_for,
    name_line,
)
from display.options import display_config
from shared.config import ConfigError, settings_from_mapping
from shared.kivy_base.screenshot import encode_png

SIZES = [(1366, 768), (1920, 1080), (3840, 2160)]
BOLD_CODE_EM = 2.77  # Roboto Bold "A-012" is 2.77 em wide


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("desks", range(1, 9))
def test_up_to_eight_desks_get_codes_of_at_least_12_percent_of_the_height(
    width: int, height: int, desks: int
) -> None:
    frame = Frame(width, height)
    grid = frame.board(desks, BOLD_CODE_EM)
    assert grid.cols * grid.rows >= desks
    assert grid.code_font >= 0.12 * height
    tile_w = (frame.board_w - frame.pad * (grid.cols - 1)) / grid.cols
    tile_h = (frame.board_grid_h - frame.pad * (grid.rows - 1)) / grid.rows
    assert grid.code_font * BOLD_CODE_EM < tile_w  # the code fits across its tile
    assert grid.code_font * (CODE_LINE + NAME_LINE * NAME_RATIO) < tile_h  # name and code fit down
    assert frame.call_code_font(BOLD_CODE_EM) * BOLD_CODE_EM < frame.sidebar_w


BADGE_EM = 5.02  # Roboto Bold "PRIORITAS"
NAME_EM = 3.55  # Roboto "Meja 10", the widest desk name of the tests


@pytest.mark.parametrize(("width", "height"), [*SIZES, (1080, 1920), (800, 600)])
@pytest.mark.parametrize("desks", range(1, 9))
def test_a_priority_badge_fits_beside_the_desk_name_without_shrinking_the_codes(
    width: int, height: int, desks: int
) -> None:
    frame = Frame(width, height)
    grid = frame.board(desks, BOLD_CODE_EM)
    plain = name_line(grid, NAME_EM, None)
    assert (plain.font, plain.badge_w) == (grid.name_font, 0)
    line = name_line(grid, NAME_EM, BADGE_EM)
    assert line.name_w >= NAME_EM * line.font + 3  # the name whole: Kivy shortens within 2 px of the box
    assert line.badge_w + BADGE_GAP_EM * line.font + line.name_w <= grid.inner_w + 2
    assert 0.8 * grid.name_font <= line.font <= grid.name_font  # about the name's size
    assert grid == frame.board(desks, BOLD_CODE_EM)  # the codes keep their size


@pytest.mark.parametrize(("width", "height"), [*SIZES, (1080, 1920), (800, 600)])
def test_the_call_card_makes_room_for_the_badge(width: int, height: int) -> None:
    frame = Frame(width, height)
    plain, marked = frame.call_code_font(BOLD_CODE_EM), frame.call_code_font(BOLD_CODE_EM, badge=True)
    card = (frame.sidebar_h - 2 * frame.pad) * CARD_SHARE
    assert marked * CODE_LINE <= card - frame.vh(CARD_LINES_VH + CARD_BADGE_VH)
    assert 0.85 * plain <= marked <= plain


def test_more_desks_than_fit_still_get_a_grid() -> None:
    grid = grid_for(1000, 600, 20, BOLD_CODE_EM, 768)
    assert grid.cols * grid.rows >= 20 and grid.code_font > 0 and math.isfinite(grid.code_font)


def test_indonesian_date_and_time() -> None:
    at = datetime(2026, 11, 24, 9, 5, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert texts.date_line(at, "id") == "Selasa, 24 November 2026"
    assert texts.clock_line(at, "id") == "09.05 WIB"
    assert texts.date_line(at, "en") == "Tuesday, 24 November 2026"
    assert texts.clock_line(at, "en") == "09:05 WIB"
    assert texts.clock_line(at.astimezone(ZoneInfo("Asia/Makassar")), "id") == "10.05 WITA"
    assert texts.clock_line(at.astimezone(ZoneInfo("Asia/Jayapura")), "id") == "11.05 WIT"
    assert texts.clock_line(at.astimezone(timezone(timedelta(hours=1), "CET")), "en") == "03:05 CET"
    assert texts.date_line(datetime(2027, 1, 3), "id") == "Minggu, 3 Januari 2027"


def test_every_text_exists_in_both_languages() -> None:
    assert texts.CATALOG.texts["id"].keys() == texts.CATALOG.texts["en"].keys()
    assert texts.t("id", "waiting_count", count=3) == "3 orang"
    assert texts.t("id", "overlay_title") == "Koneksi terputus — sedang menyambung kembali"


def test_the_display_table_of_the_config() -> None:
    config = display_config(settings_from_mapping({"display": {"id": "tv 1", "volume": 0.5, "voice": False}}))
    assert config.client_id == "antre-display-pst-tv-1"
    assert (config.volume, config.voice, config.language, config.audio_command) == (0.5, False, "id", None)
    command = display_config(settings_from_mapping({"display": {"audio_command": "paplay --volume 30000"}}))
    assert command.audio_command == ("paplay", "--volume", "30000")
    for bad in (
        {"volume": 2},
        {"volume": True},
        {"voice": "yes"},
        {"language": "jv"},
        {"flash_seconds": -1},
        {"recent_calls": 11},
        {"audio_command": ""},
        {"colour": "red"},
    ):
        with pytest.raises(ConfigError, match=r"\[display\]"):
            display_config(settings_from_mapping({"display": bad}))


def test_the_png_writer_keeps_rows_in_order_at_odd_widths() -> None:
    # 3 x 2 pixels, bottom row first as OpenGL gives them: white black grey, then red green blue.
    bottom = [255, 255, 255, 255, 0, 0, 0, 255, 128, 128, 128, 255]
    top = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]
    png = encode_png(3, 2, bytes(bottom + top))
    data = png[png.index(b"IDAT") + 4 :]
    rows = zlib.decompressobj().decompress(data)
    assert rows == b"\x00" + bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]) + b"\x00" + bytes(
        [255, 255, 255, 0, 0, 0, 128, 128, 128]
    )
