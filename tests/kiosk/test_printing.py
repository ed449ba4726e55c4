"""The ticket printer: exact ESC/POS bytes (python-escpos's named constants), the wording in both
languages, the config, the file/dummy/network transports, and end to end on the emupos emulator."""

from __future__ import annotations

import io
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from escpos.constants import (
    ESC,
    GS,
    HW_INIT,
    PAPER_FULL_CUT,
    QR_ECLEVEL_M,
    QR_MODEL_2,
    RT_STATUS_ONLINE,
    TXT_SIZE,
    TXT_STYLE,
)
from escpos.printer import Usb
from PIL import Image

from kiosk.options import KioskOptions
from kiosk.ports import PrinterStatus, PrintFailed, TicketText
from kiosk.printing import QR_MODULE_DOTS, PrinterConfig, TicketPrinter, render_ticket
from kiosk.ticket_text import ascii_safe, format_issued
from shared.config import ConfigError, load_settings
from shared.feedback_channels import FeedbackChannels
from tests.kiosk.emupos_env import REPO, Emulator
from tests.support import free_port

JAKARTA = ZoneInfo("Asia/Jakarta")
ISSUED = datetime(2026, 11, 24, 9, 15, tzinfo=JAKARTA)  # a Tuesday
ARTIFACTS = REPO / "artifacts" / "kiosk"
DUMMY = PrinterConfig(kind="dummy")
TULANG_BAWANG = FeedbackChannels(
    email="bps1808@bps.go.id", whatsapp="0813-8600-1808", web="tulangbawangkab.bps.go.id"
)


def ticket(language: str = "id", **changes: object) -> TicketText:
    fields: dict[str, object] = {
        "office_name": "BPS Kabupaten Tulang Bawang",
        "service_name": "Konsultasi Statistik",
        "code": "A-001",
        "issued_at": ISSUED,
        "ahead": 3,
        "estimated_wait_min": 12,
        "language": language,
        "complaint_channels": TULANG_BAWANG.lines(language),
    }
    fields.update(changes)
    return TicketText(**fields)  # type: ignore[arg-type]


def gs_k_qr(fn: int, data: bytes, m: bytes = b"") -> bytes:
    """GS ( k pL pH cn fn [m] data for a QR code (cn = '1'), as the Epson reference lays it out."""
    return GS + b"(k" + (len(data) + len(m) + 2).to_bytes(2, "little") + b"1" + bytes([fn]) + m + data


def size(width: int, height: int) -> bytes:
    return TXT_SIZE + bytes([TXT_STYLE["width"][width] + TXT_STYLE["height"][height]])


# --- the bytes -------------------------------------------------------------------------------


def test_ticket_starts_with_init_and_ends_with_feed_and_full_cut() -> None:
    out = render_ticket(ticket(), DUMMY)
    assert out.startswith(HW_INIT)
    assert out.endswith(ESC + b"d" + bytes([6]) + PAPER_FULL_CUT)
    assert out.count(PAPER_FULL_CUT) == 1


def test_code_is_printed_triple_size_bold_then_size_and_bold_reset() -> None:
    out = render_ticket(ticket(), DUMMY)
    assert size(3, 3) + TXT_STYLE["bold"][True] + b"A-001\n" + size(1, 1) + TXT_STYLE["bold"][False] in out


def test_long_code_on_narrow_paper_falls_back_to_double_size() -> None:
    out = render_ticket(ticket(code="ABC-0042"), PrinterConfig(kind="dummy", width_chars=20))
    assert size(2, 2) + TXT_STYLE["bold"][True] + b"ABC-0042\n" in out


def test_native_qr_commands_carry_the_ticket_code_and_its_day() -> None:
    out = render_ticket(ticket(), DUMMY)
    qr = (
        gs_k_qr(65, bytes([48 + QR_MODEL_2, 0]))  # fn 65: model 2
        + gs_k_qr(67, bytes([QR_MODULE_DOTS]))  # fn 67: module size in dots
        + gs_k_qr(69, bytes([48 + QR_ECLEVEL_M]))  # fn 69: error correction M
        + gs_k_qr(80, b"A-001/2026-11-24", m=b"0")  # fn 80: store the data: code/business day
        + gs_k_qr(81, b"", m=b"0")  # fn 81: print the symbol
    )
    assert qr in out
    assert b"\x1d(k\x13\x001P0A-001/2026-11-24" in out  # the same store command, spelled out
    assert TXT_STYLE["align"]["center"] in out.split(qr)[0]  # centres the native QR on the printer


def test_qr_as_image_for_printers_without_native_qr() -> None:
    out = render_ticket(ticket(), PrinterConfig(kind="dummy", native_qr=False))
    assert b"(k" not in out
    assert GS + b"v0" in out  # a raster image instead


def test_text_is_plain_ascii_with_no_code_table_switch() -> None:
    out = render_ticket(ticket(service_name="Perpustakaan – “Data” ±"), DUMMY)
    assert b'Perpustakaan - "Data" +/-\n' in out
    assert out.count(ESC + b"t") == out.count(ESC + b"t\x00") == 1  # PC437, set once by python-escpos


def test_ascii_safe() -> None:
    assert ascii_safe("± 12 menit") == "+/- 12 menit"
    assert ascii_safe("Café Ñusantara\x1b@\n") == "Cafe Nusantara@"  # ESC and LF are dropped
    assert ascii_safe("数据") == "??"


# --- the wording -----------------------------------------------------------------------------


def test_indonesian_wording() -> None:
    out = render_ticket(ticket("id"), DUMMY)
    for line in (
        "BPS Kabupaten Tulang Bawang",
        "Nomor Antrean",
        "Konsultasi Statistik",
        "Selasa, 24 November 2026 09:15 WIB",
        "Di depan Anda: 3 orang",
        "Perkiraan waktu tunggu: +/- 12 menit",
        "Layanan ini tidak dipungut biaya",
        "Keluhan, pengaduan, dan apresiasi:",
        "Kotak saran di ruang layanan",
        "Web: tulangbawangkab.bps.go.id",
        "Email: bps1808@bps.go.id",
        "WhatsApp: 0813-8600-1808",
        "LAPOR!: lapor.go.id",
    ):
        assert f"{line}\n".encode() in out, line
    for channel in ("tulangbawangkab.bps.go.id", "bps1808@bps.go.id", "0813-8600-1808", "lapor.go.id"):
        assert channel.encode() in out


def test_english_wording() -> None:
    out = render_ticket(ticket("en"), DUMMY)
    for line in (
        "Queue number",
        "Tuesday, 24 November 2026 09:15 WIB",
        "Ahead of you: 3 visitors",
        "Estimated wait: about 12 min",
        "This service is free of charge",
        "Suggestion box in the service room",
        "LAPOR!: lapor.go.id",
    ):
        assert f"{line}\n".encode() in out, line
    assert b"Nomor Antrean" not in out


@pytest.mark.parametrize(("ahead", "id_text", "en_text"), [
    (0, "Tidak ada antrean di depan Anda", "No one is ahead of you"),
    (1, "Di depan Anda: 1 orang", "Ahead of you: 1 visitor"),
])  # fmt: skip
def test_ahead_wording(ahead: int, id_text: str, en_text: str) -> None:
    assert id_text.encode() in render_ticket(ticket("id", ahead=ahead), DUMMY)
    assert en_text.encode() in render_ticket(ticket("en", ahead=ahead), DUMMY)


def test_estimated_wait_is_left_out_when_unknown() -> None:
    assert b"Perkiraan" not in render_ticket(ticket("id", estimated_wait_min=None), DUMMY)
    assert b"Estimated" not in render_ticket(ticket("en", estimated_wait_min=None), DUMMY)


def test_the_ticket_prints_the_channels_of_the_office_configured_and_no_other(tmp_path: Path) -> None:
    config = tmp_path / "metro.toml"
    config.write_text(
        'site = "metro"\noffice_name = "BPS Kota Metro"\n'
        '[feedback]\nemail = "bps1872@bps.go.id"\nwhatsapp = "0812-7000-1872"\nsuggestion_box = false\n'
    )
    options = KioskOptions.from_settings(load_settings(str(config)))
    out = render_ticket(ticket(office_name=options.office_name,
                               complaint_channels=options.feedback.lines("id")), DUMMY)  # fmt: skip
    assert b"BPS Kota Metro\n" in out
    assert b"Email: bps1872@bps.go.id\nWhatsApp: 0812-7000-1872\nLAPOR!: lapor.go.id\n" in out
    for other in (b"bps1808", b"0813-8600-1808", b"tulangbawang", b"Kotak saran"):
        assert other not in out


def test_an_office_that_names_no_channel_prints_only_the_national_one(tmp_path: Path) -> None:
    config = tmp_path / "plain.toml"
    config.write_text('site = "x"\n')
    lines = KioskOptions.from_settings(load_settings(str(config))).feedback.lines("en")
    assert lines == ("Suggestion box in the service room", "LAPOR!: lapor.go.id")


def test_the_old_kiosk_channel_list_is_refused_with_where_to_put_it(tmp_path: Path) -> None:
    config = tmp_path / "old.toml"
    config.write_text('site = "x"\n[kiosk]\ncomplaint_channels = ["WA 0812"]\n')
    with pytest.raises(ConfigError, match=r"\[feedback\]"):
        KioskOptions.from_settings(load_settings(str(config)))


def test_dates_in_both_languages_and_time_zones() -> None:
    monday = datetime(2026, 11, 23, 7, 5, tzinfo=JAKARTA)
    assert format_issued(monday, "id") == "Senin, 23 November 2026 07:05 WIB"
    assert format_issued(monday + timedelta(days=6), "en") == "Sunday, 29 November 2026 07:05 WIB"
    makassar = datetime(2027, 8, 6, 14, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    assert format_issued(makassar, "id") == "Jumat, 6 Agustus 2027 14:00 WITA"
    jayapura = datetime(2027, 1, 2, 8, 30, tzinfo=ZoneInfo("Asia/Jayapura"))
    assert format_issued(jayapura, "id") == "Sabtu, 2 Januari 2027 08:30 WIT"
    assert format_issued(datetime(2027, 5, 5, 8, 0, tzinfo=UTC), "en").endswith("08:00 UTC+00:00")
    assert format_issued(datetime(2027, 5, 5, 8, 0), "id") == "Rabu, 5 Mei 2027 08:00"


def test_58mm_paper_wraps_at_32_columns() -> None:
    out = render_ticket(ticket(), PrinterConfig(kind="dummy", paper_mm=58))
    assert TXT_STYLE["bold"][False] + b"-" * 32 + b"\n" in out
    assert b"-" * 33 not in out
    assert b"Selasa, 24 November 2026 09:15\nWIB\n" in out


# --- the config ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "message"), [
    ({}, "kind is missing"),
    ({"kind": "bluetooth"}, "kind must be one of usb, network, serial, file, dummy"),
    ({"kind": "network"}, "kind network needs host"),
    ({"kind": "network", "host": "10.0.0.9", "port": 70000}, "port must be 1-65535"),
    ({"kind": "network", "host": "10.0.0.9", "port": "9100"}, "port must be a whole number"),
    ({"kind": "network", "host": "10.0.0.9", "port": True}, "port must be a whole number"),
    ({"kind": "usb"}, "kind usb needs vendor_id and product_id"),
    ({"kind": "usb", "vendor_id": "zz", "product_id": "0e15"}, "vendor_id must be hex"),
    ({"kind": "usb", "vendor_id": 0x10000, "product_id": 1}, "vendor_id must be 0x0000-0xFFFF"),
    ({"kind": "serial"}, "kind serial needs device"),
    ({"kind": "file"}, "kind file needs path"),
    ({"kind": "dummy", "paper_mm": 76}, "paper_mm must be 58 or 80"),
    ({"kind": "dummy", "width_chars": 8}, "width_chars must be 16-64"),
    ({"kind": "dummy", "profile": "TM-NOPE"}, "unknown profile 'TM-NOPE'"),
    ({"kind": "dummy", "timeout_s": 0}, "timeout_s must be more than 0"),
    ({"kind": "dummy", "native_qr": "yes"}, "native_qr must be true or false"),
    ({"kind": "dummy", "hots": "x"}, "unknown setting(s) ['hots']"),
])  # fmt: skip
def test_config_errors_say_what_is_wrong(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        PrinterConfig.from_mapping(raw)
    assert message in str(caught.value)


def test_config_from_mapping() -> None:
    usb = PrinterConfig.from_mapping({"kind": "usb", "vendor_id": "0x04b8", "product_id": "0e15"})
    assert (usb.vendor_id, usb.product_id, usb.columns) == (0x04B8, 0x0E15, 42)
    net = PrinterConfig.from_mapping({"kind": "network", "host": "192.168.1.50", "timeout_s": 2})
    assert (net.port, net.timeout_s) == (9100, 2.0)
    narrow = PrinterConfig.from_mapping({"kind": "serial", "device": "/dev/ttyUSB0", "paper_mm": 58})
    assert (narrow.baudrate, narrow.columns) == (9600, 32)
    assert (
        PrinterConfig.from_mapping({"kind": "dummy", "width_chars": 48, "profile": "TM-T20II"}).columns == 48
    )


def test_usb_needs_pyusb() -> None:
    config = PrinterConfig(kind="usb", vendor_id=0x04B8, product_id=0x0E15)
    if Usb.is_usable():
        assert TicketPrinter(config).config == config
    else:
        with pytest.raises(ConfigError, match=r"python-escpos\[usb\]"):
            TicketPrinter(config)


# --- file, dummy and network transports ----------------------------------------------------


def test_dummy_printer_records_every_ticket() -> None:
    printer = TicketPrinter(DUMMY)
    printer.print_ticket(ticket(code="A-001"))
    printer.print_ticket(ticket(code="A-002", language="en"))
    assert printer.printed == [
        render_ticket(ticket(code="A-001"), DUMMY),
        render_ticket(ticket("en", code="A-002"), DUMMY),
    ]
    assert printer.status() is PrinterStatus.UNKNOWN


def test_file_printer_appends_the_bytes(tmp_path: Path) -> None:
    target = tmp_path / "tickets.bin"
    config = PrinterConfig(kind="file", path=str(target))
    printer = TicketPrinter(config)
    printer.print_ticket(ticket(code="A-001"))
    printer.print_ticket(ticket(code="A-002"))
    expected = render_ticket(ticket(code="A-001"), config) + render_ticket(ticket(code="A-002"), config)
    assert target.read_bytes() == expected
    assert printer.status() is PrinterStatus.UNKNOWN
    assert printer.printed == []  # only the dummy keeps copies


def test_file_printer_that_cannot_open_fails_and_creates_nothing_under_dev(tmp_path: Path) -> None:
    with pytest.raises(PrintFailed) as caught:
        TicketPrinter(PrinterConfig(kind="file", path=str(tmp_path / "no" / "such" / "dir"))).print_ticket(
            ticket()
        )
    assert caught.value.problem == PrinterStatus.OFFLINE
    unplugged = Path("/dev/antre-test-unplugged-lp0")
    with pytest.raises(PrintFailed):
        TicketPrinter(PrinterConfig(kind="file", path=str(unplugged))).print_ticket(ticket())
    assert not unplugged.exists()


def test_network_printer_on_a_closed_port_is_offline_quickly() -> None:
    printer = TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1", port=free_port(), timeout_s=3))
    started = time.monotonic()
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintFailed) as caught:
        printer.print_ticket(ticket())
    assert caught.value.problem == PrinterStatus.OFFLINE
    assert time.monotonic() - started < 3


class SilentPrinter:
    """A TCP listener that reads everything and never answers: a printer (or a socat bridge to one)
    that cannot report its status."""

    def __init__(self, port: int) -> None:
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", port))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            while chunk := conn.recv(65536):
                self.received += chunk

    def close(self) -> bytes:
        self.thread.join(5)
        self.server.close()
        return bytes(self.received)


def test_printer_that_comes_back_prints_without_a_restart_and_silence_means_unknown() -> None:
    port = free_port()
    printer = TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout_s=3))
    with pytest.raises(PrintFailed):
        printer.print_ticket(ticket())
    silent = SilentPrinter(port)
    started = time.monotonic()
    printer.print_ticket(ticket())  # status unknown (no answer): the ticket is sent anyway
    assert time.monotonic() - started < 2
    assert silent.close() == RT_STATUS_ONLINE + render_ticket(ticket(), printer.config)
    silent = SilentPrinter(port)
    assert printer.status() is PrinterStatus.UNKNOWN
    silent.close()


# --- end to end on the emupos emulator -------------------------------------------------------


def decode_qr(png: bytes) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs zxing-cpp (pip install zxing-cpp)")
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("language", ["id", "en"])
def test_emulator_prints_the_ticket_and_the_qr_reads_back(emupos: Emulator, language: str) -> None:
    printer = TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1", port=emupos.port))
    assert printer.status() is PrinterStatus.READY
    printer.print_ticket(ticket(language, code="B-017", service_name="Perpustakaan"))
    png, text, meta = emupos.wait_for_receipt()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"ticket-{language}.png").write_bytes(png)
    assert meta["boundary"] == "cut"
    assert decode_qr(png) == ["B-017/2026-11-24"]
    assert "B-017" in text and "[qr B-017/2026-11-24]" in text
    title = "Nomor Antrean" if language == "id" else "Queue number"
    assert title in text


def test_emulator_paper_out_stops_the_ticket_and_nothing_comes_out_later(emupos: Emulator) -> None:
    printer = TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1", port=emupos.port))
    emupos.set_fault("paper-near-end")
    assert printer.status() is PrinterStatus.READY  # near end still prints
    emupos.set_fault("paper-out")
    assert printer.status() is PrinterStatus.PAPER_OUT
    with pytest.raises(PrintFailed) as caught:
        printer.print_ticket(ticket(code="A-005"))
    assert caught.value.problem == PrinterStatus.PAPER_OUT
    emupos.set_fault("paper-out", active=False)
    emupos.set_fault("paper-near-end", active=False)
    time.sleep(0.6)  # past emupos's job idle time: a held ticket would come out now
    assert emupos.receipt_ids() == []  # nothing was sent, so no late duplicate
    assert printer.status() is PrinterStatus.READY
    printer.print_ticket(ticket(code="A-005"))  # the reprint, same code
    _, text, _ = emupos.wait_for_receipt()
    assert "A-005" in text


def test_emulator_offline_then_gone_then_back(emupos: Emulator, emupos_bin: Path, tmp_path: Path) -> None:
    printer = TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1", port=emupos.port, timeout_s=3))
    emupos.set_fault("offline")
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintFailed) as caught:
        printer.print_ticket(ticket())
    assert caught.value.problem == PrinterStatus.OFFLINE
    emupos.stop()  # switched off
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintFailed):
        printer.print_ticket(ticket())
    workdir = tmp_path / "emupos-again"
    workdir.mkdir()
    again = Emulator(emupos_bin, workdir, port=emupos.port)  # switched on again, same address
    again.start()
    try:
        assert printer.status() is PrinterStatus.READY
        printer.print_ticket(ticket(code="A-009"))
        _, text, _ = again.wait_for_receipt()
        assert "A-009" in text
    finally:
        again.stop()
