"""The ``[timing]`` settings, read the same way by the hub's clocks and by the reports."""

from __future__ import annotations

from shared.config import ConfigError, Settings
from shared.domain.timing import OpeningHours, SlaLimits


def sla_limits(settings: Settings) -> SlaLimits:
    """``[timing] warning_s / breach_s`` (default 480 and 600: 8 and 10 minutes)."""
    timing = settings.section("timing")
    try:
        return SlaLimits(float(timing.get("warning_s", 480)), float(timing.get("breach_s", 600)))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[timing]: {exc}") from exc


def opening_hours(settings: Settings) -> OpeningHours:
    """``[timing.opening_hours]``, e.g. ``mon = "08:00-15:30"`` (default: the PST office's hours)."""
    try:
        return OpeningHours.from_mapping(settings.tz, settings.section("timing").get("opening_hours"))
    except ValueError as exc:
        raise ConfigError(f"[timing.opening_hours]: {exc}") from exc
