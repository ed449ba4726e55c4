"""The timing service in a real hub over a real Mosquitto, with the wall clock jumped under it by
libfaketime (FAKETIME_DONT_FAKE_MONOTONIC=1: only the wall clock moves, as NTP would move it)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support import HubProcess, Probe, hub_env, site_config, wait_until

LIBFAKETIME = next(
    (p for p in ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                 "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1") if os.path.exists(p)),
    None,
)  # fmt: skip
TIMING = """
[timing]
warning_s = 2
breach_s = 4
[timing.opening_hours]
mon = "00:00-24:00"
tue = "00:00-24:00"
wed = "00:00-24:00"
thu = "00:00-24:00"
fri = "00:00-24:00"
sat = "00:00-24:00"
sun = "00:00-24:00"
"""


def _faked_hub(tmp_path: Path, broker, clock_file: Path) -> HubProcess:
    workdir = tmp_path / "hub"
    workdir.mkdir()
    config = site_config(workdir / "antre.toml", desks=2, extra=TIMING)
    env = hub_env(config, broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir)
    env |= {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME_TIMESTAMP_FILE": str(clock_file),
        "FAKETIME_NO_CACHE": "1",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "TZ": "UTC",  # the timestamps below are UTC; the office is at UTC+7
    }
    return HubProcess(workdir, env)


def _set_wall_clock(clock_file: Path, stamp: str) -> None:
    """Replace the faked time at once: libfaketime re-reads the file on every call
    (FAKETIME_NO_CACHE), and a file caught half-written reads as no faked time at all, today's real
    date, which rolls the hub's business day under the test."""
    scratch = clock_file.with_suffix(".new")
    scratch.write_text(f"@{stamp}\n")
    os.replace(scratch, clock_file)


@pytest.mark.skipif(LIBFAKETIME is None, reason="libfaketime is not installed (apt-get install -y faketime)")
@pytest.mark.parametrize("jump", ["+1h", "-10m"])
def test_a_wall_clock_jump_during_a_wait_neither_raises_nor_hides_an_alert(tmp_path, broker, jump) -> None:
    clock_file = tmp_path / "faketime"
    _set_wall_clock(clock_file, "2026-11-24 02:00:00")  # 09:00 WIB on a Tuesday in the hub's world
    hub = _faked_hub(tmp_path, broker, clock_file)
    hub.start()
    probe = Probe(broker.port)
    try:
        wait_until(lambda: bool(probe.on("queue/A/state")), 60, "the hub")
        # Counted from the request's sending: the hub stamps the ticket after that, so the alerts
        # cannot come sooner than 2 and 4 s after it, however late the answer is delivered.
        issued = time.monotonic()
        assert probe.issue("A")["ticket"] == "A-001"
        time.sleep(0.5)
        # The hub's wall clock now jumps (the real time of the test goes on undisturbed).
        _set_wall_clock(clock_file, "2026-11-24 03:00:00" if jump == "+1h" else "2026-11-24 01:50:00")
        warning = probe.wait_for("alert/sla", lambda p: p["level"] == "warning", timeout=30)
        warned = time.monotonic() - issued
        breach = probe.wait_for("alert/sla", lambda p: p["level"] == "breach", timeout=30)
        breached = time.monotonic() - issued
    except BaseException:
        print(hub.log_text()[-6000:])  # shown with the failure: where the hub stood
        raise
    finally:
        probe.close()
        hub.stop()
    assert warning["ticket"] == breach["ticket"] == "A-001"
    # Effects, not timings: the jump neither brought an alert early (an hour forward would have
    # made both at once) nor hid it (ten minutes back would have held both for ten minutes); how
    # late a busy machine delivers them is not the question.
    assert warned >= 1.9, f"warning after {warned:.2f} s of real waiting"
    assert breached >= 3.9, f"breach after {breached:.2f} s of real waiting"
    assert 2 <= warning["clock_s"] < 60 and 4 <= breach["clock_s"] < 60
    assert breach["at"].startswith("2026-11-24T10:0" if jump == "+1h" else "2026-11-24T08:5")
