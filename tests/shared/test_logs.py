"""The log format follows where stderr goes: a timestamp on a terminal, a priority for journald."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from shared import logs


def _record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("antre.test", level, __file__, 1, message, None, None)


def test_journal_stream_is_recognised_only_for_the_real_stream(tmp_path: Path) -> None:
    with (tmp_path / "out").open("w") as stream:
        info = os.fstat(stream.fileno())
        assert logs.writes_to_journal(stream, {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"})
        # A child whose stderr was redirected inherits the variable but writes elsewhere.
        assert not logs.writes_to_journal(stream, {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino + 1}"})
        assert not logs.writes_to_journal(stream, {})
        assert not logs.writes_to_journal(stream, {"JOURNAL_STREAM": "garbage"})


def test_journal_lines_carry_a_priority_and_no_timestamp() -> None:
    formatter = logs.JournalFormatter()
    assert formatter.format(_record(logging.WARNING, "desk 2 lost")) == "<4>antre.test: desk 2 lost"
    assert formatter.format(_record(logging.INFO, "a\nb")) == "<6>antre.test: a\\nb"
    assert formatter.format(_record(logging.ERROR, "x")).startswith("<3>")


def test_a_process_under_systemd_logs_without_its_own_timestamp(tmp_path: Path) -> None:
    code = (
        "import logging, os, sys; st = os.fstat(2); "
        "os.environ['JOURNAL_STREAM'] = f'{st.st_dev}:{st.st_ino}'; "
        "from shared import logs; logs.configure(); logging.getLogger('antre.hub').warning('hub up')"
    )
    with (tmp_path / "err").open("w") as err:
        subprocess.run([sys.executable, "-c", code], stderr=err, check=True, timeout=30)
    assert (tmp_path / "err").read_text() == "<4>antre.hub: hub up\n"
    plain = subprocess.run(
        [sys.executable, "-c", "from shared import logs; import logging; logs.configure(); "
         "logging.getLogger('antre.hub').warning('hub up')"],
        capture_output=True, text=True, check=True, timeout=30,
        env={k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"},
    )  # fmt: skip
    assert plain.stderr.endswith(" WARNING antre.hub: hub up\n") and plain.stderr[:4].isdigit()


# --- lines that cannot be forged (issue 14) ------------------------------------------------------

FORGERY = "r1\n2026-12-02 10:00:00,000 CRITICAL hub: FORGED-LINE\x1b[2J\u2028\ud83d"


def test_a_forged_request_id_stays_on_its_own_line_escaped() -> None:
    for formatter in (logs.SafeFormatter(logs.TERMINAL_FORMAT), logs.JournalFormatter()):
        record = logging.LogRecord("hub", logging.WARNING, "x.py", 1, "rejected request %s", (FORGERY,), None)
        text = formatter.format(record)
        assert "\n" not in text and "\x1b" not in text and "\u2028" not in text
        assert "\\n2026-12-02" in text and "\\x1b[2J" in text and "\\ud83d" in text
        assert record.args == (FORGERY,), "the record itself is left as it was for other handlers"


def test_a_traceback_quoting_client_text_cannot_start_a_line_at_the_margin() -> None:
    formatter = logs.SafeFormatter(logs.TERMINAL_FORMAT)
    try:
        raise ValueError(f"bad name {FORGERY}")
    except ValueError:
        record = logging.LogRecord("hub", logging.ERROR, __file__, 1, "request failed", None, sys.exc_info())
    first, *rest = formatter.format(record).split("\n")
    assert first.endswith("ERROR hub: request failed")
    assert rest and all(line.startswith(logs.CONTINUATION) for line in rest)
    assert not any("\x1b" in line for line in rest)


def test_a_huge_message_is_cut_with_the_count_left_out() -> None:
    text = logs.SafeFormatter("%(message)s").format(_record(logging.INFO, "x" * 30_000))
    assert len(text) < 700 and text.endswith(f"...(+{30_000 - logs.MAX_MESSAGE_CHARS} chars)")


def test_repeats_of_one_refusal_are_counted_not_written() -> None:
    now = [0.0]
    limiter = logs.RepeatLimiter(burst=3, window_s=60, clock=lambda: now[0])

    def refusal(desk: str) -> logging.LogRecord:
        return logging.LogRecord("hub", logging.WARNING, "x.py", 1, "desk %s: rejected %s", (desk, "x"), None)

    written = [limiter.filter(refusal(str(i))) for i in range(1000)]
    assert written.count(True) == 3
    other = logging.LogRecord("hub", logging.WARNING, __file__, 1, "kiosk %s: rejected", ("k1",), None)
    assert limiter.filter(other), "another kind of line is not held back by the flood"
    error = logging.LogRecord("hub", logging.ERROR, __file__, 1, "desk %s: rejected %s", ("1", "x"), None)
    assert limiter.filter(error), "errors are always written"
    now[0] = 61.0
    later = refusal("9")
    assert limiter.filter(later)
    assert "997 more like this left out" in later.getMessage()
