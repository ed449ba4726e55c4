"""What a process's memory is made of, from inside it: Python objects by type (after a full
collection), Kivy widgets and clock events, and glibc's own books (``mallinfo2``: bytes in use
versus bytes held free in the arenas, and how many arenas). The soak and the kiosk's memory
check read these to tell objects that pile up (a leak to fix at its cause) from a heap that only
fragments (the allocator's arenas holding freed memory)."""

from __future__ import annotations

import ctypes
import gc
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def rss_mb(pid: int | str = "self") -> float:
    """VmRSS of ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for {pid}")


def malloc_facts() -> dict[str, float]:
    """glibc's heap in MB: ``in_use`` (allocated, not freed), ``free_held`` (freed but kept in the
    arenas), ``mmapped``, and ``arenas`` (a count, from ``malloc_info``). Empty off glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    mb = 1024 * 1024
    return {
        "in_use": info.uordblks / mb,
        "free_held": info.fordblks / mb,
        "mmapped": info.hblkhd / mb,
        "arenas": float(_arena_count(libc)),
    }


def _arena_count(libc: Any) -> int:
    """``malloc_info`` writes one ``<heap nr=...>`` per arena; read it through a memory stream."""
    try:
        libc.open_memstream.restype = ctypes.c_void_p
        buf, size = ctypes.c_char_p(), ctypes.c_size_t()
        stream = libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
        libc.malloc_info(0, ctypes.c_void_p(stream))
        libc.fclose(ctypes.c_void_p(stream))
        text = ctypes.string_at(buf, size.value).decode("ascii", "replace")
        libc.free(buf)
    except (OSError, AttributeError):
        return 0
    return len(re.findall(r"<heap nr=", text))


def object_facts(top: int = 12) -> dict[str, Any]:
    """Live Python objects after a full collection: the total (and apart, those frozen at the
    start), the commonest types, and (when Kivy is loaded) the widgets alive and the clock's
    scheduled events."""
    gc.collect()
    objects = gc.get_objects()
    types = Counter(type(o).__name__ for o in objects)
    # Objects the app froze at its start (``shared.kivy_base.heap``) are not walked by the collector
    # and not listed by ``gc.get_objects()``: counted apart, the widgets below are those built since.
    facts: dict[str, Any] = {
        "objects": len(objects),
        "frozen": gc.get_freeze_count(),
        "top_types": dict(types.most_common(top)),
    }
    if "kivy.uix.widget" in sys.modules:
        from kivy.uix.widget import Widget

        # By type, not isinstance: a dead weak proxy raises on isinstance.
        facts["widgets"] = sum(1 for o in objects if issubclass(type(o), Widget))
    if "kivy.clock" in sys.modules:
        from kivy.clock import Clock

        facts["clock_events"] = len(Clock.get_events())
    del objects
    return facts


def traced_facts(top: int = 8) -> dict[str, Any]:
    """With ``PYTHONTRACEMALLOC`` set: the MB Python's own allocations hold (bytes and strings
    included, which the collector does not track) and the lines that hold the most."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        return {}
    current, _peak = tracemalloc.get_traced_memory()
    stats = tracemalloc.take_snapshot().statistics("lineno")[:top]
    return {
        "traced_mb": current / 1024 / 1024,
        "traced_top": {str(s.traceback[0]): round(s.size / 1024 / 1024, 2) for s in stats},
    }


def heap_facts() -> dict[str, Any]:
    """All of the above, with this process's RSS."""
    return {"rss_mb": rss_mb(), "malloc": malloc_facts(), **object_facts(), **traced_facts()}
