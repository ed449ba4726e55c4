"""The rating screen's settings: ``[rate]`` and the office's complaint channels in ``[feedback]``.

```toml
[feedback]                       # shown beside the complaint form (shared.feedback_channels)
email = "bps1808@bps.go.id"
whatsapp = "0813-8600-1808"
lapor = "lapor.go.id"

[rate]
language = "id"
idle_timeout_s = 60              # no touch for this long: the survey ends, what was given is kept
thanks_s = 8                     # how long "Terima kasih" stays
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from shared.config import ConfigError, Settings
from shared.contract.feedback_requests import VIA
from shared.feedback_channels import FeedbackChannels
from shared.texts import DEFAULT_LANGUAGE, LANGUAGES

PROMPT_MAX_AGE_S = 600.0  # a prompt older than 10 minutes is not asked any more (docs/mqtt.md)


@dataclass(frozen=True)
class RatingOptions:
    via: str = "desk"  # "desk": a desk's rating screen; "kiosk": the kiosk's "give a rating"
    desk: str = ""  # the desk whose prompts a rating screen follows
    desk_name: str = ""  # its name, shown on the idle screen
    language: str = DEFAULT_LANGUAGE
    idle_timeout_s: float = 60.0
    thanks_s: float = 8.0
    prompt_max_age_s: float = PROMPT_MAX_AGE_S
    office_name: str = "BPS Kabupaten Tulang Bawang"
    channels: FeedbackChannels = field(default_factory=FeedbackChannels)
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))

    def __post_init__(self) -> None:
        if self.via not in VIA:
            raise ConfigError(f"via must be one of {', '.join(VIA)}")
        if self.language not in LANGUAGES:
            raise ConfigError(f"[rate] language must be one of {', '.join(LANGUAGES)}")
        if self.idle_timeout_s <= 0 or self.thanks_s <= 0:
            raise ConfigError("[rate] idle_timeout_s and thanks_s must be more than 0")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> RatingOptions:
        section = settings.section("rate")
        values: dict[str, Any] = {
            "language": str(section.get("language", DEFAULT_LANGUAGE)),
            "idle_timeout_s": _seconds(section, "idle_timeout_s", 60.0),
            "thanks_s": _seconds(section, "thanks_s", 8.0),
            "office_name": settings.office_name,
            "channels": FeedbackChannels.from_settings(settings),
            "tz": settings.tz,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _seconds(section: Mapping[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"[rate] {key} must be a number, got {value!r}")
    return float(value)
