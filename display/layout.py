"""Sizes for the wall, as plain arithmetic on the window size (no Kivy): readable from 6 m.

Every size is a fraction of the window's 16:9 height (``unit``: the height of the widest 16:9 box
that fits, so 1366x768, 1920x1080 and 3840x2160 look the same, and a 4:3 or a portrait screen gets
the sizes of the 16:9 picture its width holds rather than text that spills out). A portrait screen
stacks the board over the sidebar instead of beside it. The "now serving" board picks the grid
(columns x rows) that gives the ticket codes the biggest font that still fits its tile in both
directions; with up to 8 open desks on a 16:9 screen the code's
font is at least 12% of the window height (its rendered line about 14%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A Roboto line is 1.18 em high (Kivy's texture for one line); the boxes leave a little air.
CODE_LINE = 1.22  # the code label's height, in em of the code
NAME_LINE = 1.3  # the desk name label's height, in em of the name
NAME_RATIO = 0.38  # the desk name's font, relative to the code's
CODE_FILL_W = 0.92  # the code may use this much of a tile's width
TILE_PAD_VH = 0.6  # inside each tile, all round
MAX_CODE_VH = 24.0  # one or two open desks: big, not absurd

# The frame of the screen, in % of the window height ("vh"); widths in % of the window width.
HEADER_VH = 10.0
MARQUEE_VH = 6.0
PAD_VH = 1.2
BOARD_TITLE_VH = 4.5
SIDEBAR_W = 0.32


@dataclass(frozen=True)
class Grid:
    cols: int
    rows: int
    code_font: float  # px
    name_font: float  # px


def grid_for(board_w: float, board_h: float, desks: int, code_em: float, window_h: float) -> Grid:
    """The columns and rows for ``desks`` tiles in a ``board_w`` x ``board_h`` area, and the fonts.

    ``code_em`` is the width of the widest ticket code in em (e.g. 2.77 for a bold ``A-012``);
    ``window_h`` is the window's 16:9 height (``unit_px * 100``), which gaps and the cap follow.
    """
    desks = max(1, desks)
    gap = PAD_VH / 100 * window_h
    inner = 2 * TILE_PAD_VH / 100 * window_h
    cap = MAX_CODE_VH / 100 * window_h
    best: Grid | None = None
    for cols in range(1, desks + 1):
        rows = math.ceil(desks / cols)
        tile_w = (board_w - gap * (cols - 1)) / cols
        tile_h = (board_h - gap * (rows - 1)) / rows
        if tile_w <= 0 or tile_h <= 0:
            continue
        by_width = (tile_w - inner) * CODE_FILL_W / code_em
        by_height = (tile_h - inner) / (CODE_LINE + NAME_LINE * NAME_RATIO)
        font = min(by_width, by_height, cap)
        # Prefer the bigger font; between equals, fewer empty tiles (then fewer rows).
        if best is None or font > best.code_font + 0.5:
            best = Grid(cols, rows, font, font * NAME_RATIO)
    assert best is not None  # cols == 1 always fits something
    return best


PORTRAIT_BOARD_SHARE = 0.5  # a portrait screen: the board's share of the height below the header


def unit_px(width: float, height: float) -> float:
    """1% of the window's 16:9 height, in pixels: what every ``app.vh`` size in the .kv files uses."""
    return min(height, width * 9 / 16) / 100


@dataclass(frozen=True)
class Frame:
    """Pixel sizes of the fixed parts for a window of ``width`` x ``height``."""

    width: float
    height: float

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def vh(self, percent: float) -> float:
        return unit_px(self.width, self.height) * percent

    @property
    def pad(self) -> float:
        return self.vh(PAD_VH)

    @property
    def main_h(self) -> float:
        return self.height - self.vh(HEADER_VH) - self.vh(MARQUEE_VH) - 2 * self.pad

    @property
    def board_h(self) -> float:
        """The board's height, title included."""
        if self.portrait:
            return (self.main_h - self.pad) * PORTRAIT_BOARD_SHARE
        return self.main_h

    @property
    def sidebar_w(self) -> float:
        return self.width - 2 * self.pad if self.portrait else self.width * SIDEBAR_W

    @property
    def sidebar_h(self) -> float:
        return self.main_h - self.board_h - self.pad if self.portrait else self.main_h

    @property
    def board_w(self) -> float:
        return self.width - 2 * self.pad if self.portrait else self.width - self.sidebar_w - 3 * self.pad

    @property
    def board_grid_h(self) -> float:
        return self.board_h - self.vh(BOARD_TITLE_VH)

    def board(self, desks: int, code_em: float) -> Grid:
        return grid_for(self.board_w, self.board_grid_h, desks, code_em, self.vh(100))

    def call_code_font(self, code_em: float) -> float:
        """The latest call's code in the sidebar card: big, within the card's width and height."""
        card_h = self.sidebar_h * 0.47
        return min(self.vh(17), (self.sidebar_w - 4 * self.pad) / code_em, card_h * 0.45)
