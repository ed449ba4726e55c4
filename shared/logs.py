"""Logging for every Antre process: one format on a terminal, another under systemd.

On a terminal (or in a test's log file) a line carries its own time. Under systemd, journald
stamps each line already, so a second timestamp would only be noise: the line starts with a
``<N>`` syslog priority instead, which journald turns into the entry's priority (so
``journalctl -p warning -u antre-hub`` works). systemd tells a process that its output goes to the
journal through ``$JOURNAL_STREAM`` (``device:inode`` of that stream); it is checked against the
real stderr because a child whose output was redirected elsewhere inherits the variable.

Never log personal data (names, ID numbers, phone numbers, e-mails, purposes): log ticket codes,
desks and request ids only.

Lines cannot be forged: whatever a client sent (a request id with a newline and an ESC, say) is
written escaped, a message is cut at ``MAX_MESSAGE_CHARS``, and every further line of a record (a
traceback) is indented, so only a record's first line starts at the margin. A flood of the same
line (one refusal per junk message) is limited per logger and message template: the first
``RepeatLimiter.burst`` in a minute are written, the rest counted and reported once in the next
line of that kind.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

TERMINAL_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOURNAL_FORMAT = "%(name)s: %(message)s"

MAX_MESSAGE_CHARS = 600
CONTINUATION = "    | "  # the start of every further line of one record

# sd-daemon(3) priorities: the prefix journald reads at the start of each line.
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


def writes_to_journal(stream: TextIO | None = None, env: dict[str, str] | None = None) -> bool:
    """True when ``stream`` (default stderr) is the journal stream systemd gave this process."""
    value = (os.environ if env is None else env).get("JOURNAL_STREAM", "")
    device, _, inode = value.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        info = os.fstat((stream or sys.stderr).fileno())
    except (OSError, ValueError, AttributeError):
        return False  # no real file descriptor (a test's captured stream)
    return info.st_dev == int(device) and info.st_ino == int(inode)


def escape(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` on one line, every control, format or separator character written as an escape
    (``\\n``, ``\\x1b``, ``\\u2028``), cut at ``limit`` characters with the number left out."""
    if len(text) > limit:
        text = f"{text[:limit]}...(+{len(text) - limit} chars)"
    if text.isprintable():
        return text
    return "".join(ch if ch == " " or ch.isprintable() else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch in "\n\r\t":
        return repr(ch)[1:-1]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class SafeFormatter(logging.Formatter):
    """A formatter whose lines cannot be forged: the message escaped and cut, every further line
    of a record (a traceback, whose last line may quote a client's text) indented and escaped."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.msg, record.args
        record.msg, record.args = escape(record.getMessage()), None
        try:
            text = super().format(record)
        finally:
            record.msg, record.args = saved
        first, *rest = text.split("\n")
        return "\n".join([first, *(CONTINUATION + escape(line, 4 * MAX_MESSAGE_CHARS) for line in rest)])


class JournalFormatter(SafeFormatter):
    """``<6>name: message``; every line of a traceback gets the prefix too, so it stays one level."""

    def __init__(self) -> None:
        super().__init__(JOURNAL_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{_priority(record.levelno)}>"
        return "\n".join(prefix + line for line in super().format(record).splitlines())


class RepeatLimiter(logging.Filter):
    """Lets the first ``burst`` records of one kind (logger, level, message template) through in
    each ``window_s``; the rest are counted, and the next record of that kind written after the
    window says how many were left out. Warnings and below only: errors are always written."""

    def __init__(self, burst: int = 5, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.burst = burst
        self.window_s = window_s
        self.clock = clock
        self._seen: dict[tuple[str, int, str], list[float]] = {}  # key -> [window start, written, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        seen = self._seen.get(key)
        if seen is None or now - seen[0] >= self.window_s:
            dropped = int(seen[2]) if seen else 0
            self._seen[key] = [now, 1, 0]
            if len(self._seen) > 1000:  # templates are few; ids never reach the key
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window_s}
            if dropped:
                record.msg = f"{record.msg} ({dropped} more like this left out in the last minute)"
            return True
        if seen[1] < self.burst:
            seen[1] += 1
            return True
        seen[2] += 1
        return False


def _priority(levelno: int) -> int:
    for level in sorted(_PRIORITY, reverse=True):
        if levelno >= level:
            return _PRIORITY[level]
    return 7


def formatter(stream: TextIO | None = None) -> logging.Formatter:
    """The right formatter for ``stream`` (default stderr)."""
    return JournalFormatter() if writes_to_journal(stream) else SafeFormatter(TERMINAL_FORMAT)


def configure(level: int = logging.INFO, *, force: bool = False) -> None:
    """Like ``logging.basicConfig(level, format)`` with the format picked for where stderr goes."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(handler.stream))
    handler.addFilter(RepeatLimiter())
    logging.basicConfig(level=level, handlers=[handler], force=force)
