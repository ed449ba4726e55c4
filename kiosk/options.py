"""The kiosk's settings, read from ``Settings`` and its ``[kiosk]`` section.

```toml
[kiosk]
id = "k1"                      # this kiosk's id in the topics (kiosk/{id}/request)
minutes_per_visitor = 10       # estimated wait = visitors ahead x this (0: no estimate)
idle_timeout_s = 60            # back to the welcome screen, everything typed forgotten
ticket_screen_s = 20           # how long a printed ticket stays on the screen
language = "id"                # "id" or "en"
spoken_guide = "offer"         # "off", "offer" (a button turns it on) or "on": screens read aloud
spoken_voice = ""              # espeak-ng voice; default: the visitor's language ("id", "en")
audio_command = "aplay"        # plays the guide's WAV (path appended); default: aplay, paplay or pw-play
printer = { kind = "dummy" }   # see kiosk.printing
```

The services (its buttons) come from the hub's retained ``site/services`` once it has arrived
(``KioskViewModel.use_services``: a service added or switched off on the console's setup page),
``[[services]]`` before that. The opening hours come from the hub's retained ``site/schedule`` once
it has arrived; ``[timing]`` (``shared.timing_config``) stands in before that and for the dates it
does not list. Outside them the welcome screen is closed (``kiosk.closed``).

The ticket's complaint channels are the office's ``[feedback]`` (``shared.feedback_channels``).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from shared.config import DEFAULT_SERVICES, ConfigError, Settings
from shared.domain.queue import Service
from shared.domain.timing import OpeningHours
from shared.feedback_channels import FeedbackChannels
from shared.texts import DEFAULT_LANGUAGE, LANGUAGES
from shared.timing_config import opening_hours

SPOKEN_GUIDE = ("off", "offer", "on")


@dataclass(frozen=True)
class KioskOptions:
    office_name: str = "BPS Kabupaten Tulang Bawang"
    services: tuple[Service, ...] = DEFAULT_SERVICES
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    kiosk_id: str = "k1"
    minutes_per_visitor: int = 10
    idle_timeout_s: float = 60.0
    ticket_screen_s: float = 20.0
    language: str = DEFAULT_LANGUAGE
    feedback: FeedbackChannels = field(default_factory=FeedbackChannels)  # [feedback]: ticket, complaint form
    hours: OpeningHours | None = None  # [timing], the fallback of site/schedule; None: always open
    spoken_guide: str = "offer"  # off | offer | on (kiosk.spoken_guide)
    spoken_voice: str = ""  # espeak-ng's -v; "" follows the visitor's language
    audio_command: tuple[str, ...] | None = None  # the guide's player ([*command, wav]); None: found
    names_en: Mapping[str, str] = field(default_factory=dict)  # prefix -> English name, if one is set

    def __post_init__(self) -> None:
        if not self.services:
            raise ConfigError("the kiosk needs at least one service")
        if self.language not in LANGUAGES:
            raise ConfigError(f"[kiosk] language must be one of {', '.join(LANGUAGES)}")
        if self.minutes_per_visitor < 0:
            raise ConfigError("[kiosk] minutes_per_visitor must be 0 or more")
        if self.idle_timeout_s <= 0 or self.ticket_screen_s <= 0:
            raise ConfigError("[kiosk] idle_timeout_s and ticket_screen_s must be more than 0")
        if self.spoken_guide not in SPOKEN_GUIDE:
            raise ConfigError(f"[kiosk] spoken_guide must be one of {', '.join(SPOKEN_GUIDE)}")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> KioskOptions:
        section = settings.section("kiosk")
        values: dict[str, Any] = {
            "office_name": settings.office_name,
            "services": settings.services,
            "tz": settings.tz,
            "kiosk_id": str(section.get("id", "k1")),
            "minutes_per_visitor": _number(section, "minutes_per_visitor", 10, int),
            "idle_timeout_s": _number(section, "idle_timeout_s", 60.0, float),
            "ticket_screen_s": _number(section, "ticket_screen_s", 20.0, float),
            "language": str(section.get("language", DEFAULT_LANGUAGE)),
            "feedback": FeedbackChannels.from_settings(settings),
            "hours": opening_hours(settings),
            "spoken_guide": str(section.get("spoken_guide", "offer")),
            "spoken_voice": str(section.get("spoken_voice", "")),
            "audio_command": _command(section),
            "names_en": {
                str(item["prefix"]): str(item["name_en"])
                for item in settings.raw.get("services", [])
                if isinstance(item, Mapping) and item.get("prefix") and item.get("name_en")
            },
        }
        if "complaint_channels" in section:
            raise ConfigError(
                "[kiosk] complaint_channels is no longer read: name the office's channels once in "
                "[feedback] (email, whatsapp, web, lapor, suggestion_box)"
            )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def service_name(self, prefix: str, language: str = DEFAULT_LANGUAGE) -> str:
        name = next((s.name for s in self.services if s.prefix == prefix), prefix)
        return self.names_en.get(prefix, name) if language == "en" else name


def _command(section: Mapping[str, Any]) -> tuple[str, ...] | None:
    command = section.get("audio_command")
    if command is not None and (not isinstance(command, str) or not shlex.split(command)):
        raise ConfigError('[kiosk] audio_command must be a command line, e.g. "aplay"')
    return tuple(shlex.split(command)) if command else None


def _number(section: Mapping[str, Any], key: str, default: float, kind: type) -> Any:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"[kiosk] {key} must be a number, got {value!r}")
    return kind(value)
