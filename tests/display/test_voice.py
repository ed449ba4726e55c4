"""The call as heard: Indonesian wording, a real WAV, announcements in turn."""

from __future__ import annotations

import array
import shutil
import threading
import time
import wave
from pathlib import Path

import pytest

from display.speech import call_sentence, number_words, spoken_code, spoken_desk
from display.voice import RATE, Announcer, VoiceRenderer


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (19, "sembilan belas"),
        (20, "dua puluh"), (21, "dua puluh satu"), (99, "sembilan puluh sembilan"), (100, "seratus"),
        (101, "seratus satu"), (111, "seratus sebelas"), (250, "dua ratus lima puluh"),
        (999, "sembilan ratus sembilan puluh sembilan"), (1000, "seribu"), (1001, "seribu satu"),
        (2024, "dua ribu dua puluh empat"), (12345, "dua belas ribu tiga ratus empat puluh lima"),
    ],
)  # fmt: skip
def test_numbers_are_said_the_indonesian_way(n: int, words: str) -> None:
    assert number_words(n) == words


def test_the_call_sentence() -> None:
    assert call_sentence("A-012", "Meja 2") == "Nomor antrean A dua belas, silakan menuju meja dua"
    assert spoken_code("A-001") == "A satu"
    assert spoken_code("PD-007") == "Pe De tujuh"
    assert spoken_desk("Meja 10") == "meja sepuluh"
    assert call_sentence("B-003", "Meja 1", "en") == "Ticket number B 003, please go to Meja 1"


def test_a_priority_call_is_said_to_be_one() -> None:
    assert (
        call_sentence("A-012", "Meja 2", priority=True)
        == "Nomor antrean prioritas A dua belas, silakan menuju meja dua"
    )
    assert (
        call_sentence("B-003", "Meja 1", "en", priority=True)
        == "Priority ticket number B 003, please go to Meja 1"
    )
    assert "prioritas" not in call_sentence("A-012", "Meja 2")  # an ordinary call stays as it was


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def _samples(path: Path) -> tuple[array.array, float]:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        samples = array.array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
        return samples, wav.getnframes() / RATE


@needs_espeak
def test_the_announcement_is_a_real_wav_with_chime_and_voice(tmp_path: Path) -> None:
    path = VoiceRenderer(tmp_path).render(call_sentence("A-012", "Meja 2"))
    samples, seconds = _samples(path)
    assert 3.0 < seconds < 9.0, seconds  # a chime (0.9 s) and a sentence of about 3 s
    chime = samples[: int(RATE * 0.8)]
    speech = samples[int(RATE * 1.1) :]
    rms = lambda part: (sum(s * s for s in part) / len(part)) ** 0.5  # noqa: E731
    assert rms(chime) > 1000, "the chime is silent"
    assert rms(speech) > 500, "the voice is silent"
    assert VoiceRenderer(tmp_path).render(call_sentence("A-012", "Meja 2")) == path  # cached


@needs_espeak
def test_volume_scales_the_sound(tmp_path: Path) -> None:
    loud, _ = _samples(VoiceRenderer(tmp_path / "a", volume=1.0).render("Nomor antrean A satu"))
    soft, _ = _samples(VoiceRenderer(tmp_path / "b", volume=0.25).render("Nomor antrean A satu"))
    assert max(map(abs, soft)) < 0.3 * max(map(abs, loud))


class RecordingSpeaker:
    """The hardware edge: records what was played, when, and whether two ever overlapped."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.played: list[Path] = []
        self.overlaps = 0
        self._busy = threading.Lock()
        self.seconds = seconds

    def __call__(self, path: Path) -> None:
        if not self._busy.acquire(blocking=False):
            self.overlaps += 1
            self._busy.acquire()
        try:
            self.played.append(path)
            time.sleep(self.seconds)
        finally:
            self._busy.release()


@needs_espeak
def test_calls_arriving_together_are_announced_in_turn(tmp_path: Path) -> None:
    renderer = VoiceRenderer(tmp_path)
    speaker = RecordingSpeaker()
    announcer = Announcer(renderer, speaker)
    sentences = [call_sentence(f"A-00{n}", f"Meja {n}") for n in range(1, 5)]
    for sentence in sentences:
        announcer.say(sentence)
    announcer.say(sentences[0])  # a recall of the first
    deadline = time.monotonic() + 20
    while len(speaker.played) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    announcer.close()
    assert speaker.played == [renderer.render(s) for s in [*sentences, sentences[0]]]
    assert speaker.overlaps == 0
