"""The display's voice, set up from ``[display]``: an ``Announcer`` or, when it cannot speak, none.

A wall display that cannot make a sound still shows every call: a missing espeak-ng or audio
player is logged once at start (with the install hint) and the display goes on silently.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from display.options import DisplayConfig
from display.voice import INSTALL_HINT, Announcer, VoiceRenderer, VoiceUnavailable, default_player

log = logging.getLogger(__name__)


def command_player(command: tuple[str, ...]) -> Callable[[Path], None]:
    """Play a WAV with a configured command line: ``[*command, path]``, waiting until it ends."""

    def play(path: Path) -> None:
        subprocess.run([*command, str(path)], check=False, capture_output=True, timeout=60)

    return play


def make_announcer(config: DisplayConfig, voice_on: bool = True) -> Announcer | None:
    if not (config.voice and voice_on):
        log.info("voice is off")
        return None
    if shutil.which("espeak-ng") is None:
        log.warning("%s; calls are shown but not spoken", INSTALL_HINT)
        return None
    if config.audio_command is not None:
        if shutil.which(config.audio_command[0]) is None:
            log.warning(
                "audio_command %r is not found; calls are shown but not heard", config.audio_command[0]
            )
            return None
        player = command_player(config.audio_command)
    else:
        try:
            player = default_player()
        except VoiceUnavailable as exc:
            log.warning("%s; calls are shown but not heard", exc)
            return None
    assert config.voice_cache is not None  # display_config always sets it
    renderer = VoiceRenderer(config.voice_cache, volume=config.volume, voice=config.language)
    return Announcer(renderer, player)
