"""The site key the hub seals the access log with, read once at start.

An installed hub (``/etc/antre`` exists) is strict: its key is made by ``antre setup --role hub``
and kept on paper in the office safe; a missing or damaged key stops the hub with a sentence
saying so, because a new key made quietly would start a second chain and could not open the
backups made under the first. On a developer's machine (no ``/etc/antre``) the hub makes the key
beside the database the first time (``<data dir>/antre.key``, or ``ANTRE_KEY_FILE``), as the other
commands that write the access log do.
"""

from __future__ import annotations

import logging

from shared.config import Settings
from shared.store import keys

log = logging.getLogger(__name__)


def installed() -> bool:
    return keys.INSTALLED_KEY_FILE.parent.is_dir()


def hub_key(settings: Settings) -> keys.SiteKey:
    """The site key; ``RuntimeError`` in plain words when an installed hub has none to read."""
    path = keys.key_file(settings)
    try:
        if installed():
            return keys.read_key(path)
        key, created = keys.load_or_create(path)
    except keys.KeyFileError as exc:
        raise RuntimeError(f"the hub cannot write its access log: {exc}") from exc
    if created:
        log.warning("made a new site key at %s (a developer's machine: no /etc/antre)", path)
    return key
