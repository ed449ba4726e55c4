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
    assert formatter.format(_record(logging.INFO, "a\nb")) == "<6>antre.test: a\n<6>b"
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
