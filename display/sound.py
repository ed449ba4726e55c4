"""The display's voice, set up from ``[display]``: an ``Announcer`` or, when it cannot speak, none.

A wall display that cannot make a sound still shows every call: a missing espeak-ng or audio
player, or a player that fails, is reported as the display's health (``display.audio_health``:
a warning in the log and the retained ``display/{id}/status`` the counters and the doctor read).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from display.options import DisplayConfig
from display.voice import (
    INSTALL_HINT,
    Announcer,
    Outcome,
    VoiceRenderer,
    VoiceUnavailable,
    default_player,
    run_player,
)

log = logging.getLogger(__name__)


def command_player(command: tuple[str, ...]) -> Callable[[Path], None]:
    """Play a WAV with a configured command line: ``[*command, path]``, waiting until it ends."""

    def play(path: Path) -> None:
        run_player([*command, str(path)])

    return play


@dataclass(frozen=True)
class VoiceSetUp:
    """The announcer (``None``: silent) and the voice's state at start, as the health report says it."""

    announcer: Announcer | None
    audio: str  # ready | off | failed (contract.AUDIO_STATES)
    detail: str | None = None


def make_announcer(
    config: DisplayConfig, voice_on: bool = True, on_outcome: Outcome | None = None
) -> VoiceSetUp:
    if not (config.voice and voice_on):
        log.info("voice is off")
        return VoiceSetUp(None, "off")
    if shutil.which("espeak-ng") is None:
        return VoiceSetUp(None, "failed", INSTALL_HINT)
    if config.audio_command is not None:
        if shutil.which(config.audio_command[0]) is None:
            return VoiceSetUp(None, "failed", f"audio_command {config.audio_command[0]!r} is not found")
        player = command_player(config.audio_command)
    else:
        try:
            player = default_player()
        except VoiceUnavailable as exc:
            return VoiceSetUp(None, "failed", str(exc))
    assert config.voice_cache is not None  # display_config always sets it
    renderer = VoiceRenderer(config.voice_cache, volume=config.volume, voice=config.language)
    return VoiceSetUp(Announcer(renderer, player, on_outcome), "ready")
