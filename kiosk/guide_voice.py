"""The spoken guide's audio edge: espeak-ng makes a WAV of the sentence, a player plays it.

espeak-ng straight to the sound card said nothing when there was none: it exits 0 with ALSA's
complaints on its stderr, and the guide went silent without a trace. A player (``aplay``,
``paplay`` or ``pw-play``, or ``[kiosk] audio_command``) exits non-zero with its own words, as
the wall display's does (``display.voice``), and ``on_outcome`` hears them once per sentence read
to its end: ``None`` when heard, else why not (``kiosk.guide_health`` turns that into the kiosk's
status). A sentence stopped by a new screen tells nothing.

The work runs on one short-lived thread per sentence, so ``say`` never blocks the screen.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
WORDS_PER_MINUTE = 140  # a little slower than espeak-ng's default, as the wall display speaks
PLAYERS = ("aplay", "paplay", "pw-play")
NO_PLAYER = "no audio player found; install one with:  sudo apt-get install -y alsa-utils"
Outcome = Callable[[str | None], None]


def default_player() -> tuple[str, ...] | None:
    """The first installed of ``PLAYERS`` (``aplay`` quiet), or ``None``."""
    found = next((p for p in PLAYERS if shutil.which(p)), None)
    if found is None:
        return None
    return (found, "-q") if found == "aplay" else (found,)


class _Sentence:
    """One sentence on its way: the process running now, and whether a new screen stopped it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: Any = None
        self.stopped = False

    def run(self, start: Callable[..., Any], command: list[str], **kwargs: Any) -> Any:
        """Start ``command`` unless stopped (then ``None``)."""
        with self.lock:
            if self.stopped:
                return None
            self.process = start(command, **kwargs)
            return self.process

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()


class EspeakVoice:
    """``kiosk.spoken_guide.Voice`` on espeak-ng and a player. ``voice``: espeak-ng's ``-v``
    (default: the visitor's language, ``id`` or ``en``); ``player``: the command a WAV's path is
    appended to (default: ``default_player``); ``start`` starts a process (a test seam)."""

    def __init__(
        self,
        voice: str = "",
        *,
        executable: str | None = None,
        player: Sequence[str] | None = None,
        on_outcome: Outcome | None = None,
        start: Callable[..., Any] = subprocess.Popen,
    ) -> None:
        self.voice = voice
        self.executable = executable or shutil.which("espeak-ng") or "espeak-ng"
        self.player = tuple(player) if player else default_player()
        self.on_outcome = on_outcome
        self._start = start
        self._running: _Sentence | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="antre-guide-")  # removed at exit
        self._dir = Path(self._tmp.name)
        self._count = 0

    @staticmethod
    def available() -> bool:
        return shutil.which("espeak-ng") is not None

    def problem(self) -> str | None:
        """Why nothing can be heard, known before anything is said (``None``: nothing known)."""
        if self.player is None:
            return NO_PLAYER
        if shutil.which(self.player[0]) is None:
            return f"audio_command {self.player[0]!r} is not found"
        return None

    def say(self, text: str, language: str) -> None:
        self.stop()
        sentence = self._running = _Sentence()
        self._count += 1
        wav = self._dir / f"guide-{self._count}.wav"  # each sentence's own: removed once played
        speak = [self.executable, "-v", self.voice or language, "-s", str(WORDS_PER_MINUTE), "-w", str(wav)]
        threading.Thread(
            target=self._read_aloud,
            args=(sentence, [*speak, "--", text], wav),
            name="spoken-guide",
            daemon=True,
        ).start()

    def stop(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.stop()

    def _read_aloud(self, sentence: _Sentence, speak: list[str], wav: Path) -> None:
        try:
            problem = self._play(sentence, speak, wav)
        except Exception as exc:  # the guide must never take the kiosk down
            log.exception("kiosk: the spoken guide failed")
            problem = f"the spoken guide failed: {type(exc).__name__}"
        finally:
            wav.unlink(missing_ok=True)
        if sentence.stopped or self.on_outcome is None:
            return
        self.on_outcome(problem)

    def _play(self, sentence: _Sentence, speak: list[str], wav: Path) -> str | None:
        """Make the WAV, then play it: ``None`` when heard (or stopped), else why not."""
        if self.player is None:
            return NO_PLAYER
        try:
            made = sentence.run(self._start, speak, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if made is None:
                return None
            _out, err = made.communicate(timeout=30)
            if made.returncode != 0 and not sentence.stopped:
                return _words("espeak-ng", err, made.returncode)
            playing = sentence.run(
                self._start, [*self.player, str(wav)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            if playing is None:
                return None
            _out, err = playing.communicate(timeout=120)
        except OSError as exc:  # espeak-ng or the player gone
            return f"{Path(exc.filename or '?').name}: {exc.strerror or exc}"[:200]
        except subprocess.TimeoutExpired:
            sentence.stop()
            return "the spoken guide's sentence did not end"
        if playing.returncode != 0 and not sentence.stopped:
            return _words(Path(self.player[0]).name, err, playing.returncode)
        return None


def _words(program: str, stderr: bytes | None, code: int) -> str:
    """A program's own last words (its stderr's last line, named once), or its exit status."""
    said = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
    last = said[-1].strip() if said else f"exit status {code}"
    return (last if last.startswith(f"{program}:") else f"{program}: {last}")[:200]
