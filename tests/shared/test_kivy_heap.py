"""``shared.kivy_base.heap``: what an app built at its start is kept out of full collections, and
what it builds later is still collected. Run in a child interpreter: a freeze in this test process
would change the collector for every later test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import gc, json, weakref
from shared.kivy_base.heap import freeze_startup_objects

class Node:
    pass

built_at_start = [Node() for _ in range(5000)]
frozen = freeze_startup_objects()

a, b = Node(), Node()          # a visit's objects: a reference cycle dropped after the freeze
a.other, b.other = b, a
gone = weakref.ref(a)
del a, b
gc.collect()
print(json.dumps({"frozen": frozen, "count": gc.get_freeze_count(), "cycle_collected": gone() is None,
                  "start_alive": len(built_at_start)}))
"""


def test_the_start_is_frozen_and_a_later_cycle_is_still_collected() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    facts = json.loads(done.stdout)
    assert facts["frozen"] == facts["count"] >= 5000  # the 5,000 built first, and more
    assert facts["cycle_collected"] is True
    assert facts["start_alive"] == 5000
