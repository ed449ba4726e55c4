"""The ``[display]`` table of the config file, checked.

```toml
[display]
id = "lobby-tv"            # this screen's MQTT client id suffix (default: the host name)
language = "id"            # "id" (Bahasa Indonesia) or "en"
logo = "/etc/antre/logo-bps.png"
running_text = "Selamat datang di Pelayanan Statistik Terpadu BPS Kabupaten Tulang Bawang"
voice = true
volume = 0.8               # 0..1
audio_command = "aplay"    # default: aplay, paplay or pw-play, whichever is installed
flash_seconds = 8
recent_calls = 5
```

The opening hours come from the hub's retained ``site/schedule`` (the console's setup page) once it
has arrived; ``[timing]`` (``shared.timing_config``) stands in before that and for the dates it does
not list. Outside them the wall says the office is closed and when it opens (``display.opening``).
"""

from __future__ import annotations

import shlex
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from display import texts
from shared.config import ConfigError, Settings
from shared.contract import topics as contract
from shared.domain.timing import OpeningHours
from shared.timing_config import opening_hours

_KEYS = {
    "id", "language", "logo", "running_text", "running_text_en", "voice", "volume", "audio_command",
    "flash_seconds", "recent_calls", "voice_cache",
}  # fmt: skip


@dataclass(frozen=True)
class DisplayConfig:
    client_id: str
    display_id: str = "display"  # [display] id (default: the host name), in display/{id}/status
    language: str = "id"
    logo: Path | None = None
    running_text: str = ""
    voice: bool = True
    volume: float = 1.0
    audio_command: tuple[str, ...] | None = None
    flash_seconds: float = 8.0
    recent_calls: int = 5
    voice_cache: Path | None = None
    hours: OpeningHours | None = None  # [timing]: the fallback of the hub's site/schedule; None: always open


def _display_id(value: object) -> str:
    raw = str(value) if value is not None else socket.gethostname()
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in raw)[:40] or "display"


def _client_id(site: str, value: object) -> str:
    return f"antre-display-{site}-{_display_id(value)}"


def display_config(settings: Settings) -> DisplayConfig:
    section: Mapping[str, Any] = settings.section("display")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(f"[display] has unknown keys {unknown}; known: {sorted(_KEYS)}")
    try:
        language = texts.check_language(str(section.get("language", "id")))
    except ValueError as exc:
        raise ConfigError(f"[display] {exc}") from None
    volume = section.get("volume", 1.0)
    if isinstance(volume, bool) or not isinstance(volume, int | float) or not 0 <= volume <= 1:
        raise ConfigError(f"[display] volume must be a number from 0 to 1, got {volume!r}")
    voice = section.get("voice", True)
    if not isinstance(voice, bool):
        raise ConfigError(f"[display] voice must be true or false, got {voice!r}")
    flash = section.get("flash_seconds", 8.0)
    if isinstance(flash, bool) or not isinstance(flash, int | float) or not 0 <= flash <= 120:
        raise ConfigError(f"[display] flash_seconds must be 0-120, got {flash!r}")
    recent = section.get("recent_calls", 5)
    if type(recent) is not int or not 0 <= recent <= 10:
        raise ConfigError(f"[display] recent_calls must be a whole number 0-10, got {recent!r}")
    command = section.get("audio_command")
    if command is not None and (not isinstance(command, str) or not shlex.split(command)):
        raise ConfigError('[display] audio_command must be a command line, e.g. "aplay"')
    logo = section.get("logo")
    cache = section.get("voice_cache")
    text_key = "running_text_en" if language == "en" else "running_text"
    return DisplayConfig(
        client_id=_client_id(settings.site, section.get("id")),
        display_id=_display_id(section.get("id")),
        language=language,
        logo=Path(str(logo)).expanduser() if logo else None,
        # Until the hub's display/running_text arrives (set on the console, seeded from these keys).
        running_text=" ".join(str(section.get(text_key, "") or section.get("running_text", "")).split()),
        voice=voice,
        volume=float(volume),
        audio_command=tuple(shlex.split(command)) if command else None,
        flash_seconds=float(flash),
        recent_calls=recent,
        voice_cache=Path(str(cache)).expanduser() if cache else settings.data_dir / "voice-cache",
        hours=opening_hours(settings),
    )


def running_text_from(raw: bytes, language: str) -> str | None:
    """The text of ``display/running_text`` for a display in ``language`` (the other language's
    when that one is empty); ``None`` for a message that is not one (it is ignored)."""
    try:
        payload = contract.decode(raw)
    except contract.PayloadError:
        return None
    texts_by_lang = {lang: payload.get(lang) for lang in ("id", "en")}
    if not all(isinstance(t, str) for t in texts_by_lang.values()):
        return None
    other = "en" if language == "id" else "id"
    chosen = texts_by_lang.get(language) or texts_by_lang[other]
    return " ".join(str(chosen).split())
