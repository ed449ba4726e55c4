"""The spoken guide heard or not (issue 18): espeak-ng makes each sentence's WAV, a player plays it,
and a player that fails (no sound card) is logged once and reported in the kiosk's status, as the
wall display reports its voice. Fakes only at the hardware edge: the player (a script that keeps
what it was given and fails as aplay does without a card) and, for the command lines, the process
starter; espeak-ng is the real one."""

from __future__ import annotations

import logging
import shutil
import threading
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from kiosk.guide_health import GuideHealth
from kiosk.guide_voice import NO_PLAYER
from kiosk.spoken_guide import EspeakVoice, ScreenGuide
from kiosk.touch.hub_client import MqttHubClient
from shared.config import Settings
from tests.kiosk.test_viewmodel import VALID, fill, make
from tests.support import Broker, Probe, console_client, wait_until

NO_CARD = "aplay: main:831: audio open error: No such file or directory"

FAILING_PLAYER = """#!/bin/sh
# The sound card, faked at the hardware edge: keep the WAV it was given, then fail as aplay does
# on a machine with no sound card (ALSA's noise first, aplay's own words last).
n=$(ls "{kept}" | wc -l)
cp "$1" "{kept}/got-$n.wav"
echo "ALSA lib confmisc.c:855:(parse_card) cannot find card '0'" >&2
echo "{no_card}" >&2
exit 1
"""


def failing_player(tmp_path: Path) -> tuple[Path, Path]:
    """The player script and the folder where it keeps each WAV it got."""
    kept = tmp_path / "kept"
    kept.mkdir()
    script = tmp_path / "aplay"  # stands for aplay: its words are named once
    script.write_text(FAILING_PLAYER.format(kept=kept, no_card=NO_CARD), encoding="utf-8")
    script.chmod(0o755)
    return script, kept


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


@needs_espeak
def test_a_player_that_fails_is_logged_once_and_reported_without_what_was_typed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The visitor turns the guide on, chooses a service, types the guestbook and sends it: three
    screens read aloud, each WAV handed to the player, each play failed. The kiosk's status hears
    "ready" at start, then "failed" with aplay's own words once; the log says it once; neither holds
    what was typed or what was read aloud."""
    script, kept = failing_player(tmp_path)
    vm, hub, _printer = make()
    health = GuideHealth(hub.report_audio)
    voice = EspeakVoice(player=(str(script),), on_outcome=health.heard)
    assert voice.problem() is None
    health.set("ready")
    ScreenGuide(vm, voice)
    caplog.set_level(logging.INFO)

    vm.toggle_spoken_guide()  # the welcome screen's question
    wait_until(lambda: len(list(kept.iterdir())) == 1, 30, "the welcome sentence at the player")
    wait_until(lambda: len(hub.audio_reports) == 2, 30, "the failure reported")
    vm.choose_service("A")
    wait_until(lambda: len(list(kept.iterdir())) == 2, 30, "the guestbook's sentence at the player")
    fill(vm)
    vm.submit_form()
    wait_until(lambda: len(list(kept.iterdir())) == 3, 30, "the consent's sentence at the player")
    wait_until(lambda: not list(voice._dir.iterdir()), 30, "the last sentence over (its WAV removed)")

    assert hub.audio_reports == [("ready", None), ("failed", NO_CARD)]
    for got in sorted(kept.iterdir()):  # what the player got: espeak-ng's speech, a real WAV
        with wave.open(str(got), "rb") as wav:
            assert wav.getnchannels() == 1 and wav.getnframes() > wav.getframerate() // 2, got
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        f"kiosk: the spoken guide is not heard: {NO_CARD}; the screens still show everything"
    ]
    logged = caplog.text
    assert all(value not in logged for value in VALID.values())
    assert "Selamat datang" not in logged and "Buku tamu" not in logged  # nothing read aloud either


@needs_espeak
def test_the_guide_heard_again_says_so_and_a_missing_player_is_known_at_start(tmp_path: Path) -> None:
    player = tmp_path / "sound-card"  # a card again: keeps the WAV, plays, ends well
    player.write_text('#!/bin/sh\ntest -s "$1"\n', encoding="utf-8")
    player.chmod(0o755)
    reports: list[tuple[str, str | None]] = []
    health = GuideHealth(lambda audio, detail: reports.append((audio, detail)))
    health.set("failed", NO_CARD)
    voice = EspeakVoice(player=(str(player),), on_outcome=health.heard)
    voice.say("Selamat datang.", "id")
    wait_until(lambda: len(reports) == 2, 30, "the sentence heard")
    assert reports == [("failed", NO_CARD), ("ok", None)]
    assert (
        EspeakVoice(player=("no-such-player-here",)).problem()
        == "audio_command 'no-such-player-here' is not found"
    )
    nothing = EspeakVoice()
    nothing.player = None  # a kiosk with none of aplay, paplay, pw-play
    assert nothing.problem() == NO_PLAYER


class FakeProcess:
    """A process at the edge: espeak-ng's ends at once; a player plays until it is terminated."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.returncode: int | None = None
        self.terminated = False
        self._ended = threading.Event()
        if "-w" in command:  # espeak-ng writing the WAV
            self.returncode = 0
            self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[None, bytes]:
        assert self._ended.wait(timeout)
        return None, b""

    def terminate(self) -> None:
        self.terminated = True
        self.returncode = -15
        self._ended.set()


def test_espeak_ng_writes_the_visitors_language_and_a_new_sentence_stops_the_last() -> None:
    started: list[FakeProcess] = []
    outcomes: list[str | None] = []

    def start(command: list[str], **_kwargs: Any) -> FakeProcess:
        started.append(FakeProcess(command))
        return started[-1]

    voice = EspeakVoice(executable="/usr/bin/espeak-ng", player=("aplay", "-q"), start=start,
                        on_outcome=outcomes.append)  # fmt: skip
    voice.say("Selamat datang.", "id")
    wait_until(lambda: len(started) == 2, 10, "the first sentence playing")
    voice.say("Welcome.", "en")
    wait_until(lambda: len(started) == 4, 10, "the second sentence playing")
    first_wav, second_wav = started[0].command[6], started[2].command[6]
    assert [p.command for p in started] == [
        ["/usr/bin/espeak-ng", "-v", "id", "-s", "140", "-w", first_wav, "--", "Selamat datang."],
        ["aplay", "-q", first_wav],
        ["/usr/bin/espeak-ng", "-v", "en", "-s", "140", "-w", second_wav, "--", "Welcome."],
        ["aplay", "-q", second_wav],
    ]
    assert first_wav != second_wav
    assert started[1].terminated and not started[3].terminated
    voice.stop()
    assert started[3].terminated
    time.sleep(0.2)
    assert outcomes == [], "a sentence stopped by a new screen tells nothing"
    configured = EspeakVoice("id+f3", executable="espeak-ng", player=("aplay",), start=start)
    configured.say("Halo", "en")
    wait_until(lambda: len(started) == 6, 10, "a configured voice's sentence")
    assert started[4].command[2] == "id+f3"  # a configured voice wins
    configured.stop()  # its player would otherwise play on until the thread's timeout
    assert started[5].terminated


@needs_espeak
def test_the_console_shows_the_kiosks_guide_failed(tmp_path: Path, console_hub: Any, broker: Broker) -> None:
    """Through the real broker and hub: the kiosk's MQTT client reports the guide's health in its
    retained status, and the console's device list marks the kiosk's voice as failed."""
    _hub, base = console_hub
    script, kept = failing_player(tmp_path)
    client = MqttHubClient(Settings(mqtt_url=broker.url, data_dir=tmp_path), "k1")
    client.start()
    try:
        wait_until(lambda: client.connected, 10, "the kiosk's connection")
        health = GuideHealth(client.report_audio)
        health.set("ready")
        EspeakVoice(player=(str(script),), on_outcome=health.heard).say("Selamat datang.", "id")
        wait_until(lambda: health.audio == "failed", 30, "the guide's failure")

        def kiosk_row() -> str:
            with console_client(base, "budi") as console:
                board = console.get("/lobby/board").text
            start = board.find('data-device="kiosk/k1"')
            return board[start : board.find("</tr>", start)] if start >= 0 else ""

        wait_until(lambda: "Suara gagal" in kiosk_row(), 30, "the console's device list")
        assert f'title="{NO_CARD}"' in kiosk_row()  # the player's words, on the badge
        assert list(kept.iterdir())  # the player got the sentence
    finally:
        client.stop()
        probe = Probe(broker.port)
        probe.client.publish(probe.t("kiosk/k1/status"), b"", qos=1, retain=True).wait_for_publish(5)
        probe.close()
