"""Sizes for the wall, as plain arithmetic on the window size (no Kivy): readable from 6 m.

Every size is a fraction of the window's 16:9 height (``unit``: the height of the widest 16:9 box
that fits, so 1366x768, 1920x1080 and 3840x2160 look the same, and a 4:3 or a portrait screen gets
the sizes of the 16:9 picture its width holds rather than text that spills out). A portrait screen
stacks the board over the sidebar instead of beside it. The "now serving" board picks the grid
(columns x rows) that gives the ticket codes the biggest font that still fits its tile in both
directions; with up to 8 open desks on a 16:9 screen the code's
font is at least 12% of the window height (its rendered line about 14%).

A priority-lane ticket's mark (a "PRIORITAS" badge, docs/queue.md) takes no height from the codes:
on a tile it goes on the desk name's line, beside the name, the line's font made smaller only as
far as both fit across the tile (``name_line``); on the latest-call card it is a line of its own
above the code, whose font gives way for it (``Frame.call_code_font``); in the previous calls' rows
it follows the code at the tiles' scale of the row's font (sidebar.kv).
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
CARD_SHARE = 0.47  # the latest-call card's share of the sidebar's height (wall.kv)
CARD_LINES_VH = 2 * 1.2 + 4 + 8.5  # the card's padding, title and desk name lines (sidebar.kv)
CARD_BADGE_VH = 4.0  # the card's priority badge line
CARD_BADGE_FONT_VH = 2.8  # as the card's title


@dataclass(frozen=True)
class Grid:
    cols: int
    rows: int
    code_font: float  # px
    name_font: float  # px
    inner_w: float = 0.0  # px: a tile's width inside its padding, where the name line goes


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
            best = Grid(cols, rows, font, font * NAME_RATIO, tile_w - inner)
    assert best is not None  # cols == 1 always fits something
    return best


# The badge, in em of its line's font: bold text this much smaller, a pill this much wider, a gap.
BADGE_SCALE = 0.8
BADGE_PAD_EM = 0.35  # each side of the badge's text, in em of the badge's font
BADGE_GAP_EM = 0.4  # between the badge and the name
NAME_LINE_FILL = 0.95  # badge and name leave a little air at the tile's edges
NAME_LINE_MIN = 0.6
NAME_AIR, NAME_AIR_PX = 1.04, 6  # the name's line with a badge is never smaller than this share of its font


@dataclass(frozen=True)
class NameLine:
    font: float  # px: the desk name's and (times BADGE_SCALE) the badge's
    name_w: float  # px: the name's box (the whole line's width when there is no badge)
    badge_w: float  # px: the badge's box, 0 without one


def badge_width(font: float, text_em: float) -> float:
    """The badge's box for a line of ``font`` px, its text ``text_em`` wide (bold, em of the font)."""
    return BADGE_SCALE * font * (text_em + 2 * BADGE_PAD_EM)


def name_line(grid: Grid, name_em: float, badge_em: float | None) -> NameLine:
    """A desk tile's name line: the name alone, or the badge and the name side by side, centred.

    ``name_em``/``badge_em``: the width of the name (regular) and the badge's text (bold) in em;
    ``badge_em`` ``None`` means no badge. The font is the grid's name font, or smaller so that
    badge, gap and name fit the tile's width; past ``NAME_LINE_MIN`` the name is shortened instead.
    """
    if badge_em is None:
        return NameLine(grid.name_font, grid.inner_w, 0.0)
    # The name's box is its text's width (so the pair is centred) and some air: Kivy shortens a
    # text that comes within 2 px of its box, and measures a little wider at large sizes.
    per_font = BADGE_SCALE * (badge_em + 2 * BADGE_PAD_EM) + BADGE_GAP_EM + name_em * NAME_AIR
    usable = grid.inner_w * NAME_LINE_FILL
    font = max(NAME_LINE_MIN * grid.name_font, min(grid.name_font, (usable - NAME_AIR_PX) / per_font))
    badge = badge_width(font, badge_em)
    room = usable - badge - BADGE_GAP_EM * font  # less than the name's width: it is shortened
    return NameLine(font, max(0.0, min(name_em * font * NAME_AIR + NAME_AIR_PX, room)), badge)


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

    def call_code_font(self, code_em: float, badge: bool = False) -> float:
        """The latest call's code in the sidebar card: big, within the card's width and height;
        ``badge``: the card shows the priority badge's line too, and the code gives way for it."""
        card_h = self.sidebar_h * CARD_SHARE
        # The card's other lines (sidebar.kv): what the code's line has left of the card's height.
        code_line = (self.sidebar_h - 2 * self.pad) * CARD_SHARE - self.vh(CARD_LINES_VH)
        if badge:
            code_line -= self.vh(CARD_BADGE_VH)
        by_width = (self.sidebar_w - 4 * self.pad) / code_em
        return min(self.vh(17), by_width, card_h * 0.45, code_line / CODE_LINE)
