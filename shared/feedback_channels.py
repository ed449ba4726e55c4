"""The office's complaint channels, one setting for every place that names them.

```toml
[feedback]                        # printed on the ticket, shown beside the complaint form
email = "bps1808@bps.go.id"       # the office's own address
whatsapp = "0813-8600-1808"
web = "tulangbawangkab.bps.go.id"
lapor = "lapor.go.id"             # the national channel (LAPOR! SP4N); this is its default
suggestion_box = true             # a suggestion box stands in the service room
```

No office's own contact is built in: an office that names none shows only the national channel
and the suggestion box, never another office's address.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import ConfigError, Settings

_TEXT_KEYS = ("email", "whatsapp", "web", "lapor")
_BOX = {"id": "Kotak saran di ruang layanan", "en": "Suggestion box in the service room"}


@dataclass(frozen=True)
class FeedbackChannels:
    """Where a visitor can take a complaint or a suggestion (the service standard's channels)."""

    email: str = ""
    whatsapp: str = ""
    web: str = ""
    lapor: str = "lapor.go.id"
    suggestion_box: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackChannels:
        section = settings.section("feedback")
        values: dict[str, str | bool] = {}
        for key in _TEXT_KEYS:
            if key in section:
                value = section[key]
                if not isinstance(value, str):
                    raise ConfigError(f'[feedback] {key} must be text, e.g. {key} = "..."')
                values[key] = value.strip()
        if "suggestion_box" in section:
            if not isinstance(section["suggestion_box"], bool):
                raise ConfigError("[feedback] suggestion_box must be true or false")
            values["suggestion_box"] = section["suggestion_box"]
        return cls(**values)  # type: ignore[arg-type]

    def lines(self, language: str) -> tuple[str, ...]:
        """One line per channel, as a ticket prints them (``Email: ...``), in ``language``."""
        out: list[str] = []
        if self.suggestion_box:
            out.append(_BOX["en" if language == "en" else "id"])
        for label, value in (("Web", self.web), ("Email", self.email), ("WhatsApp", self.whatsapp),
                             ("LAPOR!", self.lapor)):  # fmt: skip
            if value:
                out.append(f"{label}: {value}")
        return tuple(out)

    def remote(self) -> tuple[str, ...]:
        """The channels a visitor can reach from outside the lobby (the complaint form's "other
        channels"): ``LAPOR! lapor.go.id``, ``email ...``, ``WhatsApp ...``."""
        named = (
            ("LAPOR!", self.lapor),
            ("email", self.email),
            ("WhatsApp", self.whatsapp),
            ("web", self.web),
        )
        return tuple(f"{label} {value}" for label, value in named if value)
