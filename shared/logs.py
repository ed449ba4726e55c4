"""Logging for every Antre process: one format on a terminal, another under systemd.

On a terminal (or in a test's log file) a line carries its own time. Under systemd, journald
stamps each line already, so a second timestamp would only be noise: the line starts with a
``<N>`` syslog priority instead, which journald turns into the entry's priority (so
``journalctl -p warning -u antre-hub`` works). systemd tells a process that its output goes to the
journal through ``$JOURNAL_STREAM`` (``device:inode`` of that stream); it is checked against the
real stderr because a child whose output was redirected elsewhere inherits the variable.

Never log personal data (names, ID numbers, phone numbers, e-mails, purposes): log ticket codes,
desks and request ids only.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

TERMINAL_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOURNAL_FORMAT = "%(name)s: %(message)s"

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


class JournalFormatter(logging.Formatter):
    """``<6>name: message``; every line of a traceback gets the prefix too, so it stays one level."""

    def __init__(self) -> None:
        super().__init__(JOURNAL_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{_priority(record.levelno)}>"
        return "\n".join(prefix + line for line in super().format(record).splitlines())


def _priority(levelno: int) -> int:
    for level in sorted(_PRIORITY, reverse=True):
        if levelno >= level:
            return _PRIORITY[level]
    return 7


def formatter(stream: TextIO | None = None) -> logging.Formatter:
    """The right formatter for ``stream`` (default stderr)."""
    return JournalFormatter() if writes_to_journal(stream) else logging.Formatter(TERMINAL_FORMAT)


def configure(level: int = logging.INFO, *, force: bool = False) -> None:
    """Like ``logging.basicConfig(level, format)`` with the format picked for where stderr goes."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(handler.stream))
    logging.basicConfig(level=level, handlers=[handler], force=force)
