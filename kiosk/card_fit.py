"""How the welcome screen's big choices (the services and the priority lane) share the room they
have: how many columns, how tall each row, how large their text and, only where nothing else fits,
the priority lane's shorter subtitle. Pure arithmetic over a ``measure`` the caller gives (Kivy's
text layout in ``kiosk.welcome_grid``), so the screen never has to scroll: a visitor who has never
seen a kiosk will not."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PAD = 28.0  # a button's text margin, both sides together (x app.u), as kiosk/touch's KButton
COMFORT_ROW = 150.0  # a row's height when there is room (x app.u)
MIN_ROW_PX = 90.0  # the smallest touch target: 15 mm on the densest kiosk panel (10.1" 1280x800)
SCALES = (1.0, 0.9, 0.8, 0.7, 0.63, 0.56)  # the text's size, smaller only where it must
MIN_SCALE = 0.7  # of ordinary text: "Aa" (x1.25) may go down to the same size, no further
MAX_COLUMNS = 4


@dataclass(frozen=True)
class CardText:
    title: str
    subtitle: str
    subtitle_px: float  # at scale 1, already x app.u
    short_subtitle: str = ""  # a shorter complete sentence ("": none)

    def sub(self, short: bool) -> str:
        return self.short_subtitle if short and self.short_subtitle else self.subtitle


@dataclass(frozen=True)
class Plan:
    cols: int
    rows: int
    col_width: float
    row_height: float
    scale: float
    short: bool
    fits: bool  # False: no arrangement fits the room (the screen then scrolls rather than cut)
    room: float = 0.0  # the room it was planned for

    def height(self, spacing: float) -> float:
        return self.rows * self.row_height + max(0, self.rows - 1) * spacing


# (title, subtitle, title_px, subtitle_px, wrap width) -> the text's height; None: a word is wider
Measure = Callable[[str, str, float, float, float], float | None]


def column_choices(count: int, landscape: bool) -> list[int]:
    """The column counts to try, the best-looking first: in portrait a list (then two columns);
    on a wide screen up to three a row, four from seven choices on (two rows of four)."""
    if not landscape:
        return [c for c in (1, 2, 3) if c <= max(1, count)]
    rows = math.ceil(count / 3) if count <= 6 else math.ceil(count / MAX_COLUMNS)
    best = math.ceil(count / max(1, rows))
    choices = [best]
    for cols in [*range(best + 1, min(count, MAX_COLUMNS) + 1), *range(best - 1, 0, -1)]:
        if all(math.ceil(count / cols) != math.ceil(count / c) for c in choices):
            choices.append(cols)  # only layouts with a different number of rows
    return choices


def plan_cards(
    cards: Sequence[CardText],
    width: float,
    room: float,
    u: float,
    landscape: bool,
    spacing: float,
    measure: Measure,
    larger: float = 1.0,
) -> Plan:
    """The first arrangement (scale, then columns, then the short subtitle) in which every card's
    text fits its button and every row is at least a touch target tall, within ``room``. ``larger``
    is how much "Aa" enlarges ``u``: its text gets as small as ordinary text's smallest, not less."""
    count = max(1, len(cards))
    title_px = u * (36 if landscape else 42)
    pad = PAD * u
    best: Plan | None = None
    for short in (False, True):
        if short and not any(c.short_subtitle for c in cards):
            break
        for scale in [s for s in SCALES if s * larger >= MIN_SCALE - 1e-9]:
            for cols in column_choices(count, landscape):
                rows = math.ceil(count / cols)
                col_width = (width - (cols - 1) * spacing) / cols
                needed = _tallest(cards, col_width - pad, title_px * scale, scale, short, measure)
                if needed is None:
                    continue
                row = max(needed + pad, MIN_ROW_PX)
                row_room = (room - (rows - 1) * spacing) / rows
                plan = Plan(cols, rows, col_width, row, scale, short, row <= row_room, room)
                if plan.fits:
                    row = min(row_room, max(row, COMFORT_ROW * u))
                    return Plan(cols, rows, col_width, row, scale, short, True, room)
                if best is None or plan.height(spacing) < best.height(spacing):
                    best = plan
    if best is None:  # not even one word fits: one column, whatever it takes
        return Plan(1, count, width, max(MIN_ROW_PX, COMFORT_ROW * u), MIN_SCALE / larger, True, False, room)
    return best


def _tallest(
    cards: Sequence[CardText], wrap: float, title_px: float, scale: float, short: bool, measure: Measure
) -> float | None:
    tallest = 0.0
    for card in cards:
        height = measure(card.title, card.sub(short), title_px, card.subtitle_px * scale, wrap)
        if height is None:
            return None
        tallest = max(tallest, height)
    return tallest
