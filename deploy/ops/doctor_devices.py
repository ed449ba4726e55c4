"""``antre doctor``'s checks of the lobby devices' own reports: the kiosk's printer and spoken
guide and the wall display's voice, read from their retained status topics."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from deploy.ops.doctor_base import BrokerProbe, Check
from shared.contract import topics as contract
from shared.contract.records import parse_display_status, parse_kiosk_status

T = TypeVar("T")

PRINTER_WORDS = {
    "paper_out": "the ticket printer is out of paper. Fix: put in a new roll",
    "offline": "the kiosk cannot reach its printer. Fix: check its power and cable, then [kiosk.printer]",
    "unknown": "the kiosk cannot tell its printer's state (a file or dummy printer, or no status support)",
}


def _retained_status(
    probe: BrokerProbe, topic: str, name: str, parse: Callable[[bytes], T], missing: str, device: str
) -> T | Check:
    """A device's retained status record, or the check line that says why it cannot be read."""
    if not probe.connected or topic in probe.denied:
        return Check("UNKNOWN", name, f"could not tell: cannot read {topic}")
    raw = probe.retained.get(topic)
    if raw is None:
        return Check("PROBLEM", name, missing)
    try:
        return parse(raw)
    except contract.PayloadError:
        return Check("UNKNOWN", name, f"could not read the {device}'s status on {topic}")


def check_printer(probe: BrokerProbe, topic: str) -> Check:
    status = _retained_status(
        probe, topic, "printer", parse_kiosk_status,
        "the kiosk has not reported its printer. Fix: is antre-kiosk running?", "kiosk",
    )  # fmt: skip
    if isinstance(status, Check):
        return status
    state = status.printer
    if state == "ready":
        return Check("OK", "printer", "the ticket printer is ready")
    return Check("UNKNOWN" if state == "unknown" else "PROBLEM", "printer", PRINTER_WORDS.get(state, state))


def check_spoken_guide(probe: BrokerProbe, topic: str) -> Check | None:
    """The kiosk's spoken guide, as the kiosk reported it beside its printer (``None``: not told,
    or the status cannot be read: the printer's line says so)."""
    status = _retained_status(probe, topic, "spoken guide", parse_kiosk_status, "", "kiosk")
    if isinstance(status, Check) or status.audio is None:
        return None
    if status.audio in ("ok", "ready"):
        return Check(
            "OK", "spoken guide", "heard" if status.audio == "ok" else "ready (nothing read aloud yet)"
        )
    if status.audio == "off":
        return Check("OK", "spoken guide", 'turned off ([kiosk] spoken_guide = "off")')
    return Check(
        "PROBLEM",
        "spoken guide",
        f"the kiosk's screens are not read aloud: {status.audio_detail or 'no reason given'}. Fix: check "
        "the kiosk's sound output and `aplay -l` (docs/hardware.md), or [kiosk] audio_command",
    )


def check_voice(probe: BrokerProbe, topic: str) -> Check:
    """The wall display's voice, as the display reported it (retained ``display/{id}/status``)."""
    status = _retained_status(
        probe, topic, "voice", parse_display_status,
        "the display has not reported its voice. Fix: is antre-display running?", "display",
    )  # fmt: skip
    if isinstance(status, Check):
        return status
    if status.audio == "ok":
        return Check("OK", "voice", "the last call was heard")
    if status.audio == "ready":
        return Check("OK", "voice", "ready (no call announced since the display started)")
    if status.audio == "off":
        return Check("WARN", "voice", "turned off ([display] voice = false or --no-voice)")
    return Check(
        "PROBLEM",
        "voice",
        f"calls are shown but not heard: {status.detail or 'no reason given'}. Fix: check the TV's audio "
        "input and `aplay -l` (docs/hardware.md), or [display] audio_command",
    )
