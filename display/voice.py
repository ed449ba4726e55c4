"""The call, heard: a chime and an Indonesian voice, offline, one announcement at a time.

``VoiceRenderer`` makes one WAV per sentence (a synthesised two-tone chime, then espeak-ng's
Indonesian voice), cached by text. ``Announcer`` plays them strictly one after another from a
queue, so calls that arrive together are heard in turn, never on top of each other.
"""

from __future__ import annotations

import array
import hashlib
import logging
import math
import queue
import shutil
import subprocess
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 22050  # espeak-ng's native sample rate: no resampling when joining
INSTALL_HINT = "espeak-ng is not installed; install it with:  sudo apt-get install -y espeak-ng"


class VoiceUnavailable(RuntimeError):
    pass


class PlaybackFailed(RuntimeError):
    """The audio player ran and failed (no sound card, a device busy, a wrong output)."""


def run_player(args: list[str]) -> None:
    """Run a player to the end; a failure raises ``PlaybackFailed`` with the player's own words.

    Its output used to be captured and dropped: "no soundcards found" vanished and a lobby whose TV
    audio was misrouted went mute without a trace."""
    done = subprocess.run(args, check=False, capture_output=True, timeout=60)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[-1] if said else f"exit status {done.returncode}"
        raise PlaybackFailed(f"{Path(args[0]).name}: {reason}"[:200])


def chime_samples(volume: float) -> array.array[int]:
    """A soft "ding-dong" (E6 then C6, each fading out), 0.9 s."""
    out = array.array("h")
    for freq, seconds in ((1318.5, 0.4), (1046.5, 0.5)):
        n = int(RATE * seconds)
        for i in range(n):
            fade = math.exp(-4.0 * i / n)
            out.append(int(32767 * 0.45 * volume * fade * math.sin(2 * math.pi * freq * i / RATE)))
    out.extend([0] * int(RATE * 0.15))
    return out


def _read_mono16(path: Path) -> array.array[int]:
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, RATE):
            raise VoiceUnavailable(f"unexpected WAV format from espeak-ng in {path}")
        samples = array.array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
        return samples


def _write_mono16(path: Path, samples: array.array[int]) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())


@dataclass
class VoiceRenderer:
    cache_dir: Path
    volume: float = 1.0  # 0..1, applied to the samples
    voice: str = "id"
    words_per_minute: int = 140  # a little slower than espeak's default: a lobby is not a headset

    def espeak(self) -> str:
        found = shutil.which("espeak-ng")
        if not found:
            raise VoiceUnavailable(INSTALL_HINT)
        return found

    def render(self, sentence: str) -> Path:
        """The WAV for ``sentence`` (chime + speech), made once and kept in the cache."""
        key = hashlib.sha1(
            f"{self.voice}|{self.words_per_minute}|{self.volume}|{sentence}".encode()
        ).hexdigest()
        target = self.cache_dir / f"call-{key[:16]}.wav"
        if target.exists():
            return target
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        speech = target.with_suffix(".speech.wav")
        subprocess.run(
            [self.espeak(), "-v", self.voice, "-s", str(self.words_per_minute), "-w", str(speech), sentence],
            check=True, capture_output=True, timeout=20,
        )  # fmt: skip
        samples = chime_samples(self.volume)
        spoken = _read_mono16(speech)
        if self.volume != 1.0:
            spoken = array.array("h", (int(s * self.volume) for s in spoken))
        samples.extend(spoken)
        partial = target.with_suffix(".part")
        _write_mono16(partial, samples)
        partial.replace(target)  # a display restarting mid-write never plays half a file
        speech.unlink(missing_ok=True)
        return target


def default_player(command: str | None = None) -> Callable[[Path], None]:
    """Play a WAV to the end (blocking) with ``aplay`` (ALSA), ``paplay`` or ``pw-play``."""
    chosen = command or next((c for c in ("aplay", "paplay", "pw-play") if shutil.which(c)), None)
    if chosen is None:
        raise VoiceUnavailable("no audio player found; install one with:  sudo apt-get install -y alsa-utils")

    def play(path: Path) -> None:
        run_player([chosen, "-q", str(path)] if Path(chosen).name == "aplay" else [chosen, str(path)])

    return play


Outcome = Callable[[str | None], None]
"""Told after each announcement: ``None`` when it was heard, else why it was not."""


class Announcer:
    """Speaks queued sentences one at a time on a background thread."""

    def __init__(
        self, renderer: VoiceRenderer, player: Callable[[Path], None], on_outcome: Outcome | None = None
    ) -> None:
        self.renderer = renderer
        self.player = player
        self.on_outcome = on_outcome
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def say(self, sentence: str) -> None:
        self._queue.put(sentence)

    def pending(self) -> int:
        return self._queue.qsize()

    def close(self, timeout: float = 5) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (sentence := self._queue.get()) is not None:
            problem: str | None = None
            try:
                self.player(self.renderer.render(sentence))
            except (PlaybackFailed, VoiceUnavailable) as exc:
                problem = str(exc)  # the health report says it (display.audio_health), once per change
            except subprocess.SubprocessError as exc:
                problem = f"the voice could not be made: {type(exc).__name__}"
            except Exception as exc:
                # A voice that fails must not stop the display from showing calls.
                log.exception("announcement failed")
                problem = f"announcement failed: {type(exc).__name__}"
            if self.on_outcome is not None:
                self.on_outcome(problem)
