"""User-facing text catalogues: one shape and one translate function for every app.

Each app keeps its own words in its ``texts.py`` as a ``Catalog`` and calls ``t(language, key,
**values)``. Indonesian is the default and the fallback: an unknown language shows Indonesian, a
key missing in English shows the Indonesian text, and a key missing everywhere shows the key
itself (a visible bug on screen, never a crash in front of a visitor).
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")


class Catalog:
    """Texts by language and key, with ``{name}`` placeholders filled by ``t``."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]]) -> None:
        if DEFAULT_LANGUAGE not in texts:
            raise ValueError("a catalogue needs the Indonesian texts")
        self.texts = texts

    def language(self, language: str) -> str:
        """``language`` when the catalogue has it, Indonesian otherwise."""
        return language if language in self.texts else DEFAULT_LANGUAGE

    def has(self, language: str, key: str) -> bool:
        return key in self.texts[self.language(language)]

    def t(self, language: str, key: str, **values: object) -> str:
        """The text of ``key`` in ``language``, its placeholders filled from ``values``."""
        text = self.texts[self.language(language)].get(key)
        if text is None:
            text = self.texts[DEFAULT_LANGUAGE].get(key, key)
        return text.format(**values) if values else text
