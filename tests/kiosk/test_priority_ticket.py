"""The printed ticket of the priority lane: the mark (a white-on-black "P" beside the code and a
"PRIORITAS" line, configurable), and the caption under every ticket's QR code. Exact ESC/POS bytes."""

from __future__ import annotations

import pytest
from escpos.constants import GS, TXT_SIZE, TXT_STYLE

from kiosk.printing import PrinterConfig, TicketPrinter, render_ticket
from shared.config import ConfigError
from tests.kiosk.emupos_env import Emulator
from tests.kiosk.test_printing import ARTIFACTS, DUMMY, decode_qr, ticket

INVERT_ON, INVERT_OFF = GS + b"B\x01", GS + b"B\x00"


def size(width: int, height: int) -> bytes:
    return TXT_SIZE + bytes([TXT_STYLE["width"][width] + TXT_STYLE["height"][height]])


def test_a_priority_ticket_has_a_black_p_badge_before_its_code_and_a_prioritas_line() -> None:
    out = render_ticket(ticket("id", priority=True), DUMMY)
    badge = size(3, 3) + TXT_STYLE["bold"][True] + INVERT_ON + b" P " + INVERT_OFF + b" A-001\n"
    assert badge in out
    assert size(2, 2) + TXT_STYLE["bold"][True] + INVERT_ON + b" PRIORITAS " + INVERT_OFF + b"\n" in out
    # the code still stands alone on its line after the badge: "A-001", as every other ticket has it
    assert out.index(b"A-001\n") > out.index(b" P ")


def test_the_mark_is_in_english_on_an_english_ticket() -> None:
    out = render_ticket(ticket("en", priority=True), DUMMY)
    assert INVERT_ON + b" PRIORITY " + INVERT_OFF in out
    assert b"PRIORITAS" not in out


def test_an_ordinary_ticket_has_no_mark_and_no_inverted_print() -> None:
    out = render_ticket(ticket("id"), DUMMY)
    assert INVERT_ON not in out and b"PRIORITAS" not in out
    assert size(3, 3) + TXT_STYLE["bold"][True] + b"A-001\n" in out


def test_the_mark_can_be_turned_off_in_the_printer_settings() -> None:
    config = PrinterConfig.from_mapping({"kind": "dummy", "priority_mark": False})
    out = render_ticket(ticket("id", priority=True), config)
    assert INVERT_ON not in out and b"PRIORITAS" not in out
    assert render_ticket(ticket("id"), config) == out  # the same ticket as an ordinary one
    with pytest.raises(ConfigError, match="priority_mark must be true or false"):
        PrinterConfig.from_mapping({"kind": "dummy", "priority_mark": "yes"})


def test_the_badge_fits_58mm_paper_and_a_long_code_falls_back_to_a_smaller_size() -> None:
    narrow = render_ticket(ticket("id", priority=True), PrinterConfig(kind="dummy", paper_mm=58))
    assert size(3, 3) + TXT_STYLE["bold"][True] + INVERT_ON + b" P " in narrow  # (3 + 1 + 5) x 3 <= 32
    narrow_paper = PrinterConfig(kind="dummy", paper_mm=58)
    long_code = render_ticket(ticket("id", code="ABC-0042", priority=True), narrow_paper)
    badge = INVERT_ON + b" P " + INVERT_OFF + b" ABC-0042\n"
    assert size(2, 2) + TXT_STYLE["bold"][True] + badge in long_code


@pytest.mark.parametrize(("language", "caption"), [
    ("id", b"Setelah dilayani, pindai kode ini di layar penilaian untuk menilai layanan kami"),
    ("en", b"After your visit, scan this code at the rating screen to rate our service"),
])  # fmt: skip
def test_the_qr_code_says_what_it_is_for_right_under_it(language: str, caption: bytes) -> None:
    out = render_ticket(ticket(language), DUMMY)
    after_qr = out.split(GS + b"(k\x03\x001Q0")[1]  # fn 81: print the symbol
    printed = b" ".join(line for line in after_qr.split(b"\n")[:4] if line and line[0:1].isalpha())
    assert caption in printed  # wrapped at 42 columns; the words in order, nothing between


def test_the_emulator_prints_the_mark_and_the_caption_and_the_qr_still_reads(emupos: Emulator) -> None:
    printer = TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1", port=emupos.port))
    printer.print_ticket(ticket("id", code="A-012", priority=True))
    png, text, meta = emupos.wait_for_receipt()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ticket-priority-id.png").write_bytes(png)
    assert meta["boundary"] == "cut"
    assert "PRIORITAS" in text and "A-012" in text
    assert "pindai kode ini di layar penilaian" in " ".join(text.split())
    assert decode_qr(png) == ["A-012/2026-11-24"]  # the mark changes nothing the QR holds
