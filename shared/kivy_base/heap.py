"""Keeping what an app builds at its start out of the garbage collector's full collections.

A screen app builds its screens, keyboard layouts and their properties once: the kiosk holds a
quarter of a million Python objects before its first visitor. Each full (oldest-generation)
collection walked all of them, with the GIL held: in the kiosk up to 217 ms, more than once a
visit, and the printer's and the MQTT threads waited meanwhile (a ticket printed 170-240 ms late
once in eight visits; bench/README.md, "Soak"). ``gc.freeze()`` moves every object alive at that
moment to a generation the collector never walks. Done once, after a collection, two seconds
after the start (the first frames drawn, normally before any visitor): what the app builds later,
a visit's objects among them, is collected as before. Something alive then and dropped later is
still freed by its reference count; only a reference cycle among such objects would stay, once,
not per visit.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

SETTLE_AFTER_S = 2.0  # after the first frames: the start's lazily built widgets exist by then


def freeze_startup_objects() -> int:
    """Collect, then move every object alive now out of the collector's reach; how many."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("%d objects built at the start kept out of full collections", frozen)
    return frozen


def freeze_after_start(delay_s: float = SETTLE_AFTER_S) -> None:
    """``freeze_startup_objects`` on Kivy's main thread once ``delay_s`` has passed."""
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: freeze_startup_objects(), delay_s)
