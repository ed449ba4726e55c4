"""The hub's WAL checkpoints run off the command path: its commits never checkpoint, its own
thread does (``shared.store.checkpoint``)."""

from __future__ import annotations

import threading
from pathlib import Path

from shared.store.checkpoint import Checkpointer
from shared.store.db import make_engine, write_transaction


def fill(engine, pages: int) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (data BLOB)")
    for _ in range(pages // 10):
        with write_transaction(engine) as session:
            for _ in range(10):
                session.connection().exec_driver_sql("INSERT INTO filler VALUES (randomblob(4000))")


def test_commits_leave_the_checkpoint_to_the_checkpointer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'antre.db'}")
    checkpoints = Checkpointer(engine)
    fill(engine, 1500)  # past SQLite's 1,000-page mark, where a commit would checkpoint itself
    busy, frames, copied = checkpoints.checkpoint()
    assert frames > 1000, "no commit checkpointed: the log holds every frame since the start"
    assert (busy, copied) == (0, frames)
    stop = threading.Event()
    thread = checkpoints.start(stop)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    engine.dispose()


def test_without_it_a_commit_checkpoints_on_the_command_path(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'antre.db'}")
    fill(engine, 1500)
    raw = engine.raw_connection()
    try:
        frames = raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    finally:
        raw.close()
    assert frames < 1000, "SQLite's own autocheckpoint ran inside a commit"
    engine.dispose()
