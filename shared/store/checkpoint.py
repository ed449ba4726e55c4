"""The hub's WAL checkpoints, off the command path.

SQLite in WAL mode copies the log back into the database file (a checkpoint, two disk flushes)
whenever the log passes 1,000 pages, inside the commit that crossed the mark: one command in a
few hundred waits for it, and the command path's p99 follows the checkpoint. The hub turns that
off on its own connections and a thread of its own runs a PASSIVE checkpoint every second instead:
it copies what no reader needs any more and never takes the write lock, so commands go on while
it runs. Durability does not change: a commit is durable once its WAL frames are flushed
(``synchronous=FULL``), whatever the checkpoint does later.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

EVERY_S = 1.0


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


class Checkpointer:
    """Checkpoints ``engine``'s SQLite WAL from its own thread (does nothing on other databases)."""

    def __init__(self, engine: Engine, every_s: float = EVERY_S) -> None:
        self.engine = engine
        self.every_s = every_s
        self.enabled = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
        if self.enabled:
            event.listen(engine, "connect", _no_autocheckpoint)
            engine.dispose()  # connections opened before this get the setting too

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, log frames, frames copied), as SQLite reports them."""
        raw = self.engine.raw_connection()  # no BEGIN: a checkpoint must not take the write lock
        try:
            cursor = raw.cursor()
            row = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            cursor.close()
        finally:
            raw.close()
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    def run(self, stop: threading.Event) -> None:
        """Checkpoint every ``every_s`` until ``stop`` is set (the hub's thread body)."""
        while self.enabled and not stop.wait(self.every_s):
            try:
                self.checkpoint()
            except Exception:  # a busy or failing disk: the next round tries again; commits go on
                log.warning("WAL checkpoint failed; will try again", exc_info=True)

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="wal-checkpoint", daemon=True)
        thread.start()
        return thread
