"""The display's voice set-up: on, off, or silent with one clear log line when it cannot speak."""

from __future__ import annotations

import logging
import shutil
import stat
import time
from pathlib import Path

import pytest

from display.options import display_config
from display.sound import make_announcer
from shared.config import settings_from_mapping

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def _config(tmp_path: Path, **display: object):  # type: ignore[no-untyped-def]
    table = {"voice_cache": str(tmp_path / "voice"), **display}
    return display_config(settings_from_mapping({"display": table}))


def test_voice_off_in_config_or_on_the_command_line(tmp_path: Path) -> None:
    assert make_announcer(_config(tmp_path, voice=False)) is None
    assert make_announcer(_config(tmp_path, voice=True), voice_on=False) is None


@needs_espeak
def test_a_missing_audio_command_is_logged_once_and_the_display_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="display.sound"):
        assert make_announcer(_config(tmp_path, audio_command="no-such-player-antre")) is None
    assert [r.getMessage() for r in caplog.records] == [
        "audio_command 'no-such-player-antre' is not found; calls are shown but not heard"
    ]


@needs_espeak
def test_the_configured_command_gets_each_wav(tmp_path: Path) -> None:
    played = tmp_path / "played.txt"
    script = tmp_path / "speaker.sh"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{played}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    announcer = make_announcer(_config(tmp_path, audio_command=f"{script} --quiet", volume=0.5))
    assert announcer is not None
    announcer.say("Nomor antrean A satu, silakan menuju meja satu")
    deadline = time.monotonic() + 20
    while not played.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    announcer.close()
    args = played.read_text(encoding="utf-8").split()
    assert args[0] == "--quiet" and args[1].endswith(".wav") and Path(args[1]).stat().st_size > 10_000
