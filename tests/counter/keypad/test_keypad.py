"""Keypad mode: keystrokes through a pipe and through a pseudo-terminal, against a real Mosquitto
and the hub; the words go out on counter/{desk}/cmd and each answer comes back as one line."""

from __future__ import annotations

import os
import pty
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from counter.keypad import keys
from tests.counter.conftest import CounterSite, wait_retained
from tests.support import Probe

ROOT = Path(__file__).resolve().parents[3]


def test_keys_are_decoded_from_terminal_bytes() -> None:
    assert keys.decode(b"+\r0.*-/\n,") == ["+", "enter", "0", ".", "*", "-", "/", "enter", "."]
    # application keypad mode (ESC O x), and arrows (NumLock off) skipped whole
    assert keys.decode(b"\x1bOM\x1bOk\x1bOp\x1b[A\x1b[1;5C7") == ["enter", "+", "0", "7"]
    assert keys.decode(b"x\x04") == ["x", keys.QUIT]


class Keypad:
    """``python -m counter.app --keypad`` with its lines collected as they come."""

    def __init__(self, site: CounterSite, stdin: int | None, *extra: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
        env["ANTRE_MQTT_URL"] = site.broker.url
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "counter.app",
                "--keypad",
                "--config",
                str(site.config),
                "--desk",
                "1",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdin=stdin if stdin is not None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self.lines.put(raw.decode("utf-8").rstrip("\n"))

    def expect(self, fragment: str, timeout: float = 8, *, also: str = "\0") -> str:
        """The next line holding ``fragment`` (or ``also``); earlier lines are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no line with {fragment!r} in {timeout} s; saw {self.seen[-8:]}"
                ) from None
            self.seen.append(line)
            if fragment in line or also in line:
                return line

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def keypad(counter_site: CounterSite):  # type: ignore[no-untyped-def]
    started: list[Keypad] = []

    def start(*extra: str, stdin: int | None = None) -> Keypad:
        pad = Keypad(counter_site, stdin, *extra)
        started.append(pad)
        pad.expect("Tersambung ke server pesan.", also="Connected to the message server.")
        return pad

    yield start
    for pad in started:
        pad.stop()


def test_keypad_keys_through_a_pipe_drive_the_desk(counter_site: CounterSite, keypad, probe: Probe) -> None:
    port = counter_site.broker.port
    for service in ("A", "A"):
        probe.issue(service)
    pad = keypad("--debounce", "0")
    pad.send(b"+")
    assert pad.expect("A-001 dipanggil ke Meja 1.").split()[1] == "next"
    wait_retained(port, {"counter/1/state": {"status": "called"}, "queue/A/state": {"waiting": ["A-002"]}})

    pad.send(b"0")
    pad.expect("A-001 dipanggil ulang (1x).")
    pad.send(b".")
    pad.expect("Mulai melayani A-001.")
    wait_retained(port, {"counter/1/state": {"status": "serving"}})
    pad.send(b"0")
    pad.expect("Perintah ini tidak berlaku untuk pengunjung yang sedang dilayani.")  # recall after start
    pad.send(b"*")
    pad.expect("A-001 selesai dilayani.")
    pad.send(b"\n")
    pad.expect("A-002 dipanggil ke Meja 1.")

    # the desk actions: 1 parks A-002, 2 calls them back, 3 sends them back to the queue
    pad.send(b"1")
    assert pad.expect('Pengunjung A-002 ditunda. Panggil kembali dengan "Lanjutkan".').split()[1] == "hold"
    wait_retained(port, {"counter/1/state": {"status": "idle", "parked": ["A-002"]}})
    pad.send(b"/")
    assert "Meja 1: SIAP" in pad.expect("Meja 1:") and "ditunda: A-002" in pad.seen[-1]
    pad.send(b"2")
    pad.expect("A-002 dipanggil kembali ke Meja 1.")
    wait_retained(port, {"counter/1/state": {"status": "called", "ticket": "A-002", "parked": []}})
    pad.send(b"3")
    pad.expect("A-002 kembali ke antrean di tempatnya semula (0 orang di depannya).")
    wait_retained(port, {"counter/1/state": {"status": "idle"}, "queue/A/state": {"waiting": ["A-002"]}})
    pad.send(b"2")
    pad.expect("Pengunjung itu tidak sedang ditunda.")  # nobody parked: the refusal in words
    pad.send(b"+")
    pad.expect("A-002 dipanggil ke Meja 1.")
    time.sleep(0.3)  # the hub answers first, then publishes the desk's state
    pad.send(b"/")
    assert "Meja 1: DIPANGGIL A-002" in pad.expect("Meja 1:") and "0 menunggu" in pad.seen[-1]
    pad.send(b"-")
    pad.expect("A-002 dicatat tidak hadir.")
    wait_retained(port, {"counter/1/state": {"status": "idle"}})
    pad.send(b"+")
    assert pad.expect("Tidak ada pengunjung yang menunggu.").split()[1] == "error"
    pad.send(b"9")
    pad.expect("Tombol 9 tidak dipakai.")

    assert pad.process.stdin is not None
    pad.process.stdin.close()  # end of input: the keypad stops by itself
    assert pad.process.wait(10) == 0


def test_a_bouncing_key_calls_once_and_keys_are_ignored_while_disconnected(
    counter_site: CounterSite, keypad, probe: Probe
) -> None:
    for _ in range(3):
        probe.issue("A")
    pad = keypad()  # the default debounce (0.6 s)
    pad.send(b"++")
    pad.expect("A-001 dipanggil ke Meja 1.")
    time.sleep(1.0)
    assert not any("A-002" in line for line in pad.seen + list(pad.lines.queue))
    wait_retained(counter_site.broker.port, {"queue/A/state": {"count": 2}})

    counter_site.broker.stop()
    pad.expect("Koneksi terputus")
    pad.send(b"*")
    pad.expect("Tidak tersambung: tombol * diabaikan.")
    counter_site.broker.start()
    pad.expect("Tersambung ke server pesan.", timeout=15)
    time.sleep(0.7)
    pad.send(b"*")  # the hub also came back (it republishes and listens again)
    pad.expect("A-001 selesai dilayani.", timeout=15)


def test_keypad_on_a_terminal(counter_site: CounterSite, keypad, probe: Probe) -> None:
    probe.issue("A")
    master, slave = pty.openpty()
    try:
        pad = keypad("--lang", "en", stdin=slave)
        os.write(master, b"+")  # one key, no Enter after it: the terminal is in cbreak mode
        pad.expect("A-001 called to Meja 1.")
        os.write(master, b"*")
        pad.expect("A-001 finished.")
        os.write(master, b"q")
        assert pad.process.wait(10) == 0
    finally:
        os.close(master)
        os.close(slave)
