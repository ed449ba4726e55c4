"""Backups of the SQLite database while the hub runs, and restoring one.

How a backup is taken, and why: SQLite's online backup API (``source.backup(dest)``) copies every
page in ONE step (``pages=-1``), inside one read transaction on the source. In WAL mode a reader
never blocks the hub's writes (they go on into the -wal file) and sees one committed state, so the
copy is consistent: every ticket committed before the step began is in it, nothing half-written
is. We do not copy in small steps: each commit by another process would restart the copy, and a
busy lobby could keep it restarting. ``VACUUM INTO`` would give the same snapshot but rebuilds
every table and index (more CPU on a Raspberry Pi) and SQLite does not fsync its output; a page
copy is plain, and a purge already VACUUMs the live file, so the copy carries no erased bytes.

Backups are single files ``antre-YYYYMMDD-HHMMSS.sqlite3`` named in UTC (so the names sort in
time order on any site and match the times stored inside), written under a temporary name, made
self-contained (rollback journal, not WAL), fsynced, checked with ``PRAGMA integrity_check`` and
only then renamed into place: a file with the final name is always a whole, checked backup.

Given the site key (``shared.store.keys``), the backup is encrypted (``deploy.ops.backup_crypto``)
and named ``...sqlite3.enc``: the plain snapshot is made and checked beside the live database (on
the same disk, which holds the same data anyway), and only ciphertext reaches the backup folder,
which may be a USB stick or a network share. ``restore`` decrypts and checks every chunk first.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from deploy.ops.backup_crypto import SUFFIX, DecryptError, decrypt_file, encrypt_file, is_encrypted
from shared.store.keys import SiteKey

NAME_FORMAT = "antre-%Y%m%d-%H%M%S.sqlite3"
# Encrypted backups end in .sqlite3.enc; plain ones made before encryption still rotate and restore.
NAME_PATTERN = re.compile(r"^antre-\d{8}-\d{6}\.sqlite3(\.enc)?$")
DEFAULT_KEEP = 14
BUSY_TIMEOUT_S = 30


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why in plain words (no personal data)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float  # the page copy only (the snapshot), without the check
    removed: list[Path] = field(default_factory=list)  # older backups rotated out


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    revision: str
    aside: Path | None  # where the database that was there before now is
    wal_aside: bool  # its -wal could not be folded in, so it was kept beside it


def sqlite_path(db_url: str) -> Path | None:
    """The database file of an SQLite URL; ``None`` for any other database."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory; there is nothing on disk to back up")
    return Path(url.database).expanduser()


def stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def take_backup(
    db_path: Path,
    to_dir: Path,
    keep: int = DEFAULT_KEEP,
    now: datetime | None = None,
    key: SiteKey | None = None,
) -> BackupResult:
    """Copy ``db_path`` into ``to_dir`` (consistent while the hub writes), check it, encrypt it
    with ``key`` (plain without one: tests and the old behaviour), rotate."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    if not db_path.is_file():
        raise BackupError(f"there is no database at {db_path}")
    now = now or datetime.now(UTC)
    to_dir.mkdir(parents=True, exist_ok=True)
    final = to_dir / (now.astimezone(UTC).strftime(NAME_FORMAT) + (SUFFIX if key else ""))
    if final.exists():
        raise BackupError(f"{final} already exists; wait a second and run it again")
    written = final.with_name(final.name + ".partial")
    # Encrypted: the plain snapshot stays beside the live database, never in the backup folder.
    partial = db_path.with_name(f".{final.name}.plain-partial") if key else written
    # Also what a backup killed half-way left: a plain snapshot must not outlive its backup.
    for leftover in (partial, written, *db_path.parent.glob(".antre-*.plain-partial")):
        leftover.unlink(missing_ok=True)
    try:
        started = time.monotonic()
        source = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S)
        try:
            partial.touch(mode=0o600)
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest, pages=-1)
                seconds = time.monotonic() - started
                # A backup must be one file: with WAL its latest pages could sit in a -wal beside it.
                dest.execute("PRAGMA journal_mode=DELETE")
            finally:
                dest.close()
        finally:
            source.close()
        _fsync(partial)
        problem = integrity_problem(partial)
        if problem:
            raise BackupError(
                f"the new backup failed its integrity check ({problem}); the database may be damaged"
            )
        if key is not None:
            encrypt_file(partial, written, key)
        os.replace(written, final)
        _fsync_dir(to_dir)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup could not be made: {exc}") from exc
    finally:
        for leftover in (partial, written):
            leftover.unlink(missing_ok=True)
    return BackupResult(final, final.stat().st_size, seconds, rotate(to_dir, keep))


def rotate(to_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; only files named like ours are touched."""
    ours = sorted(p for p in to_dir.iterdir() if NAME_PATTERN.match(p.name) and p.is_file())
    old = ours[:-keep] if keep > 0 else ours
    for path in old:
        path.unlink()
    return old


def integrity_problem(path: Path) -> str | None:
    """``None`` when ``PRAGMA integrity_check`` says ok, else what is wrong (first lines)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return f"not an SQLite database: {exc}"
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows[:3])


def schema_revision(path: Path) -> str | None:
    """The Alembic revision recorded in the file, ``None`` when it has none (not Antre's)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not found:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        connection.close()


def known_revisions() -> set[str]:
    """Every schema revision this version of Antre knows (from its migration scripts)."""
    from alembic.script import ScriptDirectory

    from shared.store.db import MIGRATIONS_DIR

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    return {script.revision for script in scripts.walk_revisions()}


def check_backup(path: Path, shown_as: str | None = None) -> str:
    """The backup's schema revision, once it is a sound Antre database this version can use."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    name = shown_as or path.name
    problem = integrity_problem(path)
    if problem:
        raise BackupError(f"{name} is not a usable database ({problem})")
    revision = schema_revision(path)
    if revision is None:
        raise BackupError(f"{name} is an SQLite file but not an Antre database (it has no schema version)")
    if revision not in known_revisions():
        raise BackupError(
            f"{name} has schema version {revision}, which this Antre does not know "
            "(a newer Antre made it, or it is not Antre's); install that version to restore it"
        )
    return revision


def restore(
    backup: Path,
    db_path: Path,
    now: datetime | None = None,
    confirm: Callable[[str], bool] = lambda _revision: True,
    key: SiteKey | None = None,
    prepare: Callable[[Path], None] | None = None,
) -> RestoreResult | None:
    """Put ``backup`` in place of ``db_path``, keeping the current database aside. The hub must be
    stopped (the caller checks): it would keep writing into the file we move away. ``confirm`` is
    asked, with the backup's schema revision, once the backup has passed its checks; ``None``
    when it says no (nothing changed). An encrypted backup needs ``key``; a plain one (made before
    encryption) restores as it is. ``prepare(file)`` runs on the checked copy before it goes in
    (the erasures made since the backup are applied there), while the current database is still
    in place to be read."""
    now = now or datetime.now(UTC)
    if not backup.is_file():
        raise BackupError(f"there is no file at {backup}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = db_path.with_name(db_path.name + ".restore-partial")
    try:
        # Check the copy we will install, not only the original: what is checked is what goes in.
        if is_encrypted(backup):
            if key is None:
                raise BackupError(f"{backup.name} is encrypted and there is no site key to open it")
            try:
                decrypt_file(backup, incoming, key)
            except DecryptError as exc:
                raise BackupError(str(exc)) from exc
        else:
            shutil.copyfile(backup, incoming)
        _self_contained(incoming)
        _fsync(incoming)
        revision = check_backup(incoming, shown_as=backup.name)
        if not confirm(revision):
            return None
        if prepare is not None:
            prepare(incoming)
            _self_contained(incoming)
            _fsync(incoming)
        _same_owner_and_mode(incoming, db_path)
        aside, wal_aside = _set_aside(db_path, now)
        os.replace(incoming, db_path)
        _fsync_dir(db_path.parent)
    finally:
        for leftover in (incoming, *_sidecars(incoming)):
            leftover.unlink(missing_ok=True)
    return RestoreResult(db_path, revision, aside, wal_aside)


def _same_owner_and_mode(new: Path, old: Path) -> None:
    """The restored file gets the owner and mode of the database it replaces: restored by root
    (sudo), it would otherwise be root's, and the hub, running as its own user, could not write."""
    if not old.exists():
        return
    status = old.stat()
    os.chmod(new, stat.S_IMODE(status.st_mode))
    if (status.st_uid, status.st_gid) != (new.stat().st_uid, new.stat().st_gid):
        try:
            os.chown(new, status.st_uid, status.st_gid)
        except PermissionError as exc:
            raise BackupError(
                f"{old} belongs to another user; run the restore as that user (or with sudo)"
            ) from exc


def _self_contained(path: Path) -> None:
    """Our copy in rollback-journal mode: a backup taken from a live WAL file says "WAL" in its
    header, and opening it would leave -wal/-shm files beside it. Errors are left to the check."""
    try:
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        pass


def _set_aside(db_path: Path, now: datetime) -> tuple[Path | None, bool]:
    """Move the current database to ``<db>.before-restore-<stamp>``, its WAL folded in first so
    the kept file is whole on its own. Stale -wal/-shm never stay next to the restored file:
    SQLite would replay that old WAL onto the backup."""
    wal, shm = _sidecars(db_path)
    if not db_path.exists():
        wal.unlink(missing_ok=True)
        shm.unlink(missing_ok=True)
        return None, False
    aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp(now)}")
    wal_left = False
    try:
        connection = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S)
        try:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            wal_left = bool(busy)
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        wal_left = True  # a damaged database: keep every file of it as it is
    os.replace(db_path, aside)
    wal_kept = False
    for sidecar, suffix in ((wal, "-wal"), (shm, "-shm")):
        if not sidecar.exists():
            continue
        if wal_left and sidecar.stat().st_size > 0:
            os.replace(sidecar, aside.with_name(aside.name + suffix))
            wal_kept = wal_kept or suffix == "-wal"
        else:
            sidecar.unlink()
    return aside, wal_kept


def _sidecars(db_path: Path) -> tuple[Path, Path]:
    return db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the directory entry is on disk too.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def pg_dump_route(db_url: str) -> str:
    """What to run instead on PostgreSQL (docs/backup.md explains it); the password never shown."""
    # URL.set() cannot clear a field (None means "keep"); _replace is the documented tuple way.
    url = make_url(db_url)._replace(drivername="postgresql", password=None)
    target = url.render_as_string(hide_password=False)
    return (
        "antre backup copies SQLite databases only. For PostgreSQL use its own tools "
        "(password from ~/.pgpass or PGPASSWORD):\n"
        "  pg_dump --format=custom \\\n"
        f'    --file="/var/backups/antre/antre-$(date -u +%Y%m%d-%H%M%S).dump" "{target}"\n'
        "  # restore, with the hub stopped:\n"
        f'  pg_restore --clean --if-exists --no-owner --dbname="{target}" FILE.dump\n'
        "See docs/backup.md."
    )
