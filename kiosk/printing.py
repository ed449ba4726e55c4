"""The kiosk's ticket printer: python-escpos over usb, network, serial, a file, or a recording dummy.

A ticket is rendered once into bytes (``render_ticket``, on escpos's ``Dummy``), then sent in one
write over a connection opened for that ticket and closed after it, so a printer that was
unplugged or restarted works again at the next ticket without restarting the kiosk.
"""

from __future__ import annotations

import contextlib
import os
import textwrap
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, cast

from escpos.capabilities import CAPABILITIES
from escpos.constants import QR_ECLEVEL_M, RT_MASK_NOPAPER, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial, Usb

from kiosk.ports import PrinterStatus, PrintFailed, TicketText
from kiosk.ticket_text import TicketWording, ascii_safe, wording
from shared.config import ConfigError

Kind = Literal["usb", "network", "serial", "file", "dummy"]
KINDS: tuple[Kind, ...] = ("usb", "network", "serial", "file", "dummy")
COLUMNS_BY_PAPER_MM = {80: 42, 58: 32}  # font A; 42 also fits the 48-column 80 mm models
QR_MODULE_DOTS = 8  # ~1 mm per module at 203 dpi: a phone or the kiosk camera reads it at arm's length
STATUS_READ_TIMEOUT_S = 0.5  # a real printer answers DLE EOT in milliseconds
RULE = "-"
PRIORITY_BADGE = " P "  # printed white on black before a priority ticket's code


@dataclass(frozen=True)
class PrinterConfig:
    """``[kiosk.printer]`` of the config file. Checked when built, by hand or ``from_mapping``."""

    kind: Kind
    host: str = ""  # network
    port: int = 9100  # network (raw TCP, "JetDirect")
    vendor_id: int | None = None  # usb
    product_id: int | None = None  # usb
    usb_in_ep: int = 0x82  # usb endpoints: python-escpos's defaults; some printers use 0x81/0x03
    usb_out_ep: int = 0x01
    device: str = ""  # serial, e.g. /dev/ttyUSB0
    baudrate: int = 9600  # serial
    path: str = ""  # file: a device file (/dev/usb/lp0) or a plain file tickets are appended to
    paper_mm: int = 80
    width_chars: int | None = None  # default by paper: 42 for 80 mm, 32 for 58 mm
    profile: str | None = None  # a python-escpos capabilities profile, e.g. "TM-T20II"
    timeout_s: float = 5.0  # connect and write
    native_qr: bool = True  # GS ( k on the printer; False sends the QR as an image (no QR support)
    priority_mark: bool = True  # priority ticket: a white-on-black "P" by the code, "PRIORITAS" under it

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ConfigError("[kiosk.printer]: " + "; ".join(problems))

    @property
    def columns(self) -> int:
        return self.width_chars or COLUMNS_BY_PAPER_MM[self.paper_mm]

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> PrinterConfig:
        """From a TOML table; ids may be ints or hex strings (``"0x04b8"``, ``"04b8"``)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(f"[kiosk.printer]: unknown setting(s) {unknown}; known: {sorted(known)}")
        if "kind" not in raw:
            raise ConfigError(f"[kiosk.printer]: kind is missing; one of {', '.join(KINDS)}")
        return cls(**{key: _parse(key, value) for key, value in raw.items()})


def _problems(c: PrinterConfig) -> list[str]:
    found: list[str] = []
    if c.kind not in KINDS:
        return [f"kind must be one of {', '.join(KINDS)}, got {c.kind!r}"]
    if c.kind == "network" and not c.host:
        found.append("kind network needs host")
    if not 1 <= c.port <= 65535:
        found.append(f"port must be 1-65535, got {c.port}")
    if c.kind == "usb" and (c.vendor_id is None or c.product_id is None):
        found.append('kind usb needs vendor_id and product_id (see lsusb, e.g. vendor_id = "0x04b8")')
    for name in ("vendor_id", "product_id", "usb_in_ep", "usb_out_ep"):
        value = getattr(c, name)
        if value is not None and not 0 <= value <= 0xFFFF:
            found.append(f"{name} must be 0x0000-0xFFFF, got {value}")
    if c.kind == "serial" and not c.device:
        found.append("kind serial needs device, e.g. /dev/ttyUSB0")
    if c.baudrate <= 0:
        found.append(f"baudrate must be positive, got {c.baudrate}")
    if c.kind == "file" and not c.path:
        found.append("kind file needs path")
    if c.paper_mm not in COLUMNS_BY_PAPER_MM:
        found.append(f"paper_mm must be 58 or 80, got {c.paper_mm}")
    if c.width_chars is not None and not 16 <= c.width_chars <= 64:
        found.append(f"width_chars must be 16-64, got {c.width_chars}")
    if c.profile is not None and c.profile not in CAPABILITIES["profiles"]:
        found.append(f"unknown profile {c.profile!r}; known: {', '.join(sorted(CAPABILITIES['profiles']))}")
    if not 0 < c.timeout_s <= 60:
        found.append(f"timeout_s must be more than 0 and at most 60, got {c.timeout_s}")
    return found


_TYPES: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(("kind", "host", "device", "path", "profile"), str),
    **dict.fromkeys(("port", "baudrate", "paper_mm", "width_chars"), int),
    **dict.fromkeys(("vendor_id", "product_id", "usb_in_ep", "usb_out_ep"), int),
    "timeout_s": (int, float),
    **dict.fromkeys(("native_qr", "priority_mark"), bool),
}
_USB_NUMBERS = ("vendor_id", "product_id", "usb_in_ep", "usb_out_ep")


def _parse(key: str, value: Any) -> Any:
    """One TOML value, type-checked (TOML has no hex, so USB numbers may be hex strings)."""
    if key in _USB_NUMBERS and isinstance(value, str):
        try:
            return int(value, 16)  # lsusb prints "04b8"; int(, 16) also takes "0x04b8"
        except ValueError:
            raise ConfigError(f'[kiosk.printer]: {key} must be hex like "0x04b8", got {value!r}') from None
    expected = _TYPES[key]
    # bool is an int in Python, but `port = true` is a mistake, not port 1.
    fits = isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool)
    if not fits:
        names = {str: "a string", int: "a whole number", bool: "true or false"}
        what = names.get(expected, "a number") if isinstance(expected, type) else "a number"
        raise ConfigError(f"[kiosk.printer]: {key} must be {what}, got {value!r}")
    return float(value) if key == "timeout_s" else value


def render_ticket(ticket: TicketText, config: PrinterConfig) -> bytes:
    """The exact ESC/POS bytes of one ticket, as ``TicketPrinter`` sends them."""
    out = Dummy(profile=config.profile)
    _layout(out, wording(ticket), config)
    return out.output


def _layout(p: Escpos, w: TicketWording, config: PrinterConfig) -> None:
    cols = config.columns
    p.hw("INIT")
    p.set(align="center", bold=True)
    _lines(p, w.office, cols)
    p.set(bold=False)
    p.textln(RULE * cols)
    _lines(p, w.title, cols)
    p.set(bold=True)
    _lines(p, w.service, cols)
    code = ascii_safe(w.code)
    marked = w.priority is not None and config.priority_mark
    width = len(code) + (len(PRIORITY_BADGE) + 1 if marked else 0)
    scale = next((s for s in (3, 2) if width * s <= cols), 1)  # as big as the paper allows
    p.set(custom_size=True, width=scale, height=scale, bold=True)
    if marked:
        _badge(p, PRIORITY_BADGE)
        p.text(" ")
    p.textln(code)
    p.set(custom_size=True, width=1, height=1, bold=False)
    if marked and w.priority:
        p.set(custom_size=True, width=2, height=2, bold=True)
        _badge(p, f" {ascii_safe(w.priority)} ")
        p.ln()
        p.set(custom_size=True, width=1, height=1, bold=False)
    _lines(p, w.issued, cols)
    _lines(p, w.ahead, cols)
    if w.wait is not None:
        _lines(p, w.wait, cols)
    # The QR holds the ticket code and its business day (A-001/2026-11-24): scanned at the kiosk to
    # rate the visit. A blank line each side is
    # its quiet zone; python-escpos does not centre a native QR, ESC a (set above) does.
    p.ln()
    p.qr(w.qr, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=config.native_qr, center=not config.native_qr)
    p.ln()
    _lines(p, w.qr_caption, cols)  # what the code is for, in plain words
    p.set(bold=True)
    _lines(p, w.free, cols)
    p.set(bold=False)
    p.textln(RULE * cols)
    _lines(p, w.complaints_heading, cols)
    for channel in w.complaints:
        _lines(p, channel, cols)
    p.cut()


def _badge(p: Escpos, text: str) -> None:
    """``text`` white on black (GS B 1): the priority mark reads at a glance, even on a faded roll."""
    p.set(invert=True)
    p.text(text)
    p.set(invert=False)


def _lines(p: Escpos, text: str, cols: int) -> None:
    for line in textwrap.wrap(ascii_safe(text), cols, break_on_hyphens=False) or [""]:
        p.textln(line)


class _AppendFile(File):
    """escpos ``File`` that appends (a plain file keeps every ticket) and never creates a file
    under /dev: with the printer unplugged, ``/dev/usb/lp0`` must stay missing, not become a file."""

    def open(self, raise_not_found: bool = True) -> None:
        flags = os.O_WRONLY | os.O_APPEND | (0 if self.devfile.startswith("/dev/") else os.O_CREAT)
        try:
            self.device = os.fdopen(os.open(self.devfile, flags, 0o644), "wb")
        except OSError as exc:
            raise DeviceNotFoundError(f"cannot open {self.devfile}: {exc}") from exc


class TicketPrinter:
    """``PrinterPort`` over python-escpos. ``printed`` holds every ticket of a ``dummy`` printer."""

    def __init__(self, config: PrinterConfig) -> None:
        if config.kind == "usb" and not Usb.is_usable():
            raise ConfigError("kind usb needs pyusb: pip install 'python-escpos[usb]'")
        if config.kind == "serial" and not Serial.is_usable():
            raise ConfigError("kind serial needs pyserial: pip install 'python-escpos[serial]'")
        self.config = config
        self.printed: list[bytes] = []
        self._lock = threading.Lock()  # one conversation with the printer at a time

    def status(self) -> PrinterStatus:
        """READY, PAPER_OUT or OFFLINE where the transport can ask (usb, network, serial);
        UNKNOWN for file and dummy, and for a printer that does not answer status requests."""
        if self.config.kind in ("file", "dummy"):
            return PrinterStatus.UNKNOWN
        with self._lock:
            try:
                printer = self._connect()
            except (EscposError, OSError):
                return PrinterStatus.OFFLINE
            try:
                return _ask_status(printer, self.config.kind, self.config.timeout_s)
            except (EscposError, OSError):
                return PrinterStatus.UNKNOWN  # connected, but no (readable) answer
            finally:
                _close(printer)

    def print_ticket(self, ticket: TicketText) -> None:
        try:
            data = render_ticket(ticket, self.config)
        except (EscposError, ValueError) as exc:  # a bug in the layout, not the printer
            raise PrintFailed(PrinterStatus.UNKNOWN, f"could not render the ticket: {exc}") from exc
        with self._lock:
            if self.config.kind == "dummy":
                self.printed.append(data)
                return
            try:
                printer = self._connect()
            except (EscposError, OSError) as exc:
                raise PrintFailed(PrinterStatus.OFFLINE, f"printer not reachable: {exc}") from exc
            try:
                self._check_before_printing(printer)
                printer._raw(data)
            except (EscposError, OSError) as exc:
                raise PrintFailed(PrinterStatus.OFFLINE, f"sending the ticket failed: {exc}") from exc
            finally:
                _close(printer)

    def _check_before_printing(self, printer: Escpos) -> None:
        # A printer without paper holds what it gets and prints it when a roll goes in, long after
        # the kiosk reprinted the ticket: so ask first, and send nothing if it cannot print.
        if self.config.kind in ("file", "dummy"):
            return
        try:
            found = _ask_status(printer, self.config.kind, self.config.timeout_s)
        except (EscposError, OSError):
            return  # it cannot say: print and let a write error tell
        if found in (PrinterStatus.PAPER_OUT, PrinterStatus.OFFLINE):
            raise PrintFailed(found, f"the printer reports {found.value}; nothing was sent")

    def _connect(self) -> Escpos:
        c = self.config
        printer: Escpos
        if c.kind == "network":
            printer = Network(c.host, c.port, timeout=c.timeout_s, profile=c.profile)
        elif c.kind == "usb":
            printer = Usb(
                c.vendor_id, c.product_id, timeout=int(c.timeout_s * 1000),  # pyusb counts milliseconds
                in_ep=c.usb_in_ep, out_ep=c.usb_out_ep, profile=c.profile,
            )  # fmt: skip
        elif c.kind == "serial":
            printer = Serial(devfile=c.device, baudrate=c.baudrate, timeout=c.timeout_s, profile=c.profile)
        else:
            printer = _AppendFile(devfile=c.path, profile=c.profile)
        printer.open()
        if c.kind == "serial":
            # pyserial writes block forever by default, e.g. on DSR/DTR flow control with no cable.
            cast(Any, printer.device).write_timeout = c.timeout_s
        return printer


def _ask_status(printer: Escpos, kind: str, timeout_s: float) -> PrinterStatus:
    """DLE EOT 1 (online) and DLE EOT 4 (roll paper), read with python-escpos's masks.

    Not ``paper_status()``: it reports "paper adequate" when the printer sends nothing back.
    """
    device = cast(Any, printer.device)
    if kind == "network":
        device.settimeout(STATUS_READ_TIMEOUT_S)
    elif kind == "serial":
        device.timeout = STATUS_READ_TIMEOUT_S  # read(16) waits this long for a 1-byte answer
    online = printer.query_status(RT_STATUS_ONLINE)
    paper = printer.query_status(RT_STATUS_PAPER) if online else b""
    if kind == "network":
        device.settimeout(timeout_s)  # back to the write timeout for the ticket that may follow
    if not online:
        return PrinterStatus.UNKNOWN
    if paper and paper[0] & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        return PrinterStatus.PAPER_OUT
    if online[0] & RT_MASK_ONLINE:
        return PrinterStatus.OFFLINE
    return PrinterStatus.READY


def _close(printer: Escpos) -> None:
    with contextlib.suppress(EscposError, OSError):
        printer.close()
