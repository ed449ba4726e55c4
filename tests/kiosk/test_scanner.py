"""A scanner's keystrokes at the welcome screen: gathered, handed over on Enter, dropped when slow
or when a field has the focus."""

from __future__ import annotations

from kiosk.scanner import ScanBuffer


def _buffer(active: bool = True):  # type: ignore[no-untyped-def]
    scans: list[str] = []
    now = [0.0]
    buffer = ScanBuffer(scans.append, lambda: active, clock=lambda: now[0])
    return buffer, scans, now


def test_a_fast_burst_then_enter_is_one_scan() -> None:
    buffer, scans, now = _buffer()
    for char in "A-012/2026-11-25":
        buffer.on_textinput(None, char)
        now[0] += 0.01
    buffer.on_key_down(None, 13, 40, None, [])
    assert scans == ["A-012/2026-11-25"]
    buffer.on_key_down(None, 13, 40, None, [])  # Enter alone: nothing
    assert scans == ["A-012/2026-11-25"]


def test_a_pause_starts_afresh_and_an_inactive_screen_takes_nothing() -> None:
    buffer, scans, now = _buffer()
    buffer.on_textinput(None, "xyz")
    now[0] += 2
    buffer.on_textinput(None, "A-013")
    buffer.on_key_down(None, 271, 88, None, [])  # keypad Enter
    assert scans == ["A-013"]
    idle, idle_scans, _ = _buffer(active=False)
    idle.on_textinput(None, "A-014")
    idle.on_key_down(None, 13, 40, None, [])
    assert idle_scans == []
