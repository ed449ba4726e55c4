"""The display's voice set-up: on, off, or silent; and its health: a voice that fails is reported
(a warning once per change and the retained display status), never silently dropped."""

from __future__ import annotations

import logging
import shutil
import stat
import time
from pathlib import Path

import pytest

from display.audio_health import AudioHealth
from display.options import display_config
from display.sound import VoiceSetUp, make_announcer
from shared.config import settings_from_mapping
from tests.support import wait_until

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def _config(tmp_path: Path, **display: object):  # type: ignore[no-untyped-def]
    table = {"voice_cache": str(tmp_path / "voice"), **display}
    return display_config(settings_from_mapping({"display": table}))


def test_voice_off_in_config_or_on_the_command_line(tmp_path: Path) -> None:
    assert make_announcer(_config(tmp_path, voice=False)) == VoiceSetUp(None, "off")
    assert make_announcer(_config(tmp_path, voice=True), voice_on=False) == VoiceSetUp(None, "off")


@needs_espeak
def test_a_missing_audio_command_is_a_failed_voice_and_the_display_goes_on(tmp_path: Path) -> None:
    voice = make_announcer(_config(tmp_path, audio_command="no-such-player-antre"))
    assert voice == VoiceSetUp(None, "failed", "audio_command 'no-such-player-antre' is not found")


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "speaker.sh"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@needs_espeak
def test_a_player_that_fails_is_reported_with_its_own_words_once_and_recovery_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What a misrouted TV did: aplay said "no soundcards found" and the lobby went mute unseen."""
    mute = tmp_path / "mute"
    mute.touch()
    said = 'echo "aplay: no soundcards found..." >&2'
    script = _script(tmp_path, f'if [ -e "{mute}" ]; then {said}; exit 1; fi')
    published: list[dict[str, object]] = []
    health = AudioHealth("lobby-tv", published.append)
    voice = make_announcer(_config(tmp_path, audio_command=str(script)), on_outcome=health.heard)
    assert voice.audio == "ready" and voice.announcer is not None
    health.set(voice.audio, voice.detail)
    with caplog.at_level(logging.INFO, logger="display.audio_health"):
        for n in (1, 2, 3):  # three calls not heard: one report, one warning
            voice.announcer.say(f"Nomor antrean A {n}, silakan menuju meja satu")
        wait_until(lambda: len(published) >= 2 and voice.announcer.pending() == 0, 30, "three calls played")
        time.sleep(0.3)  # the last outcome, if it were to publish again
        mute.unlink()  # the technician fixes the audio
        voice.announcer.say("Nomor antrean A empat, silakan menuju meja satu")
        wait_until(lambda: len(published) >= 3, 30, "the voice heard again")
    voice.announcer.close()
    assert [(p["audio"], p["detail"]) for p in published] == [
        ("ready", None),
        ("failed", "speaker.sh: aplay: no soundcards found..."),
        ("ok", None),
    ]
    assert all(p["display"] == "lobby-tv" for p in published)
    assert [r.getMessage() for r in caplog.records] == [
        "the voice is not heard: speaker.sh: aplay: no soundcards found...; calls are shown but not spoken",
        "the voice works again (ok)",
    ]


@needs_espeak
def test_the_configured_command_gets_each_wav(tmp_path: Path) -> None:
    played = tmp_path / "played.txt"
    script = tmp_path / "speaker.sh"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{played}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    announcer = make_announcer(_config(tmp_path, audio_command=f"{script} --quiet", volume=0.5)).announcer
    assert announcer is not None
    announcer.say("Nomor antrean A satu, silakan menuju meja satu")
    deadline = time.monotonic() + 20
    while not played.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    announcer.close()
    args = played.read_text(encoding="utf-8").split()
    assert args[0] == "--quiet" and args[1].endswith(".wav") and Path(args[1]).stat().st_size > 10_000
