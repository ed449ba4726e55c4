"""``antre backup``, ``antre restore``, ``antre purge`` and ``antre forget``: the technician's
maintenance commands (docs/backup.md). Only argparse at import time; the work loads when a command
runs. Messages name counts, files and dates, never a visitor's data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
HUB_STOP_HINT = (
    "stop it first (on an installed lobby: sudo systemctl stop antre-hub; "
    "by hand: Ctrl-C in the window of `antre up` or `antre hub`), then run this again"
)


def add_parsers(sub: Any) -> None:
    """Register ``backup``, ``restore``, ``purge`` and ``forget`` on ``antre``'s subparsers."""
    backup = sub.add_parser(
        "backup", help="copy the database now (safe while the hub runs), keep the newest N"
    )
    backup.add_argument("--to", metavar="DIR", help="backup folder (default: <data_dir>/backups)")
    backup.add_argument("--keep", type=int, default=14, metavar="N", help="backups to keep (default 14)")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="put a backup in place of the database (the hub stopped)")
    restore.add_argument("file", metavar="FILE", help="a backup made by antre backup")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing the database")
    restore.set_defaults(func=cmd_restore)

    purge = sub.add_parser("purge", help="erase visitors' personal data older than the retention period")
    purge.add_argument(
        "--older-than-days", type=int, metavar="N", help="default: [retention] guest_days, or 365"
    )
    purge.add_argument("--dry-run", action="store_true", help="count what would be erased, change nothing")
    purge.set_defaults(func=cmd_purge)

    forget = sub.add_parser("forget", help="erase one visitor's data on their request")
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--id-number", metavar="NIK", help="the ID number (NIK, SIM, passport) they gave")
    who.add_argument("--email", metavar="EMAIL", help="the email address they gave")
    forget.set_defaults(func=cmd_forget)


def _fail(command: str, message: str, status: int = 1) -> int:
    print(f"antre {command}: {message}", file=sys.stderr)
    return status


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} kB"


# --- backup and restore ----------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    from deploy.ops.audit import NEW_KEY_NOTE, site_key
    from deploy.ops.backup import BackupError, pg_dump_route, sqlite_path, take_backup
    from shared.config import load_settings
    from shared.store.keys import KeyFileError

    settings = load_settings(args.config)
    try:
        db_path = sqlite_path(settings.db_url)
        if db_path is None:
            # Not a silent success: a timer running this on a PostgreSQL site must show a failure.
            return _fail("backup", pg_dump_route(settings.db_url), status=2)
        to_dir = Path(args.to).expanduser() if args.to else settings.data_dir / "backups"
        key, key_path, created = site_key(settings)
        if created:
            print(NEW_KEY_NOTE.format(path=key_path), file=sys.stderr)
        if to_dir.resolve() == key_path.parent.resolve():
            return _fail(
                "backup", f"the backups would sit beside the site key {key_path}; choose another --to"
            )
        result = take_backup(db_path, to_dir, args.keep, key=key)
    except (BackupError, KeyFileError) as exc:
        return _fail("backup", str(exc))
    print(
        f"backup written: {result.path} ({_size(result.size)}, copied in {result.seconds * 1000:.0f} ms, "
        f"integrity check ok, encrypted with site key {key.key_id})"
    )
    removed = f"removed {len(result.removed)} older, " if result.removed else ""
    print(f"{removed}keeping the newest {args.keep} in {to_dir}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from deploy.ops.audit import technician
    from deploy.ops.backup import BackupError, restore, sqlite_path
    from deploy.ops.erasure_replay import Reapplied, ledger_file, reapply
    from shared.config import load_settings
    from shared.store.keys import KeyFileError, key_file, read_key

    settings = load_settings(args.config)
    try:
        db_path = sqlite_path(settings.db_url)
    except BackupError as exc:
        return _fail("restore", str(exc))
    if db_path is None:
        return _fail("restore", "the database is PostgreSQL: restore it with pg_restore (docs/backup.md)", 2)
    running = hub_answers(settings)
    if running:
        return _fail("restore", f"the hub is running (its staff API answers on {running}); {HUB_STOP_HINT}")
    backup = Path(args.file).expanduser()

    def confirm(revision: str) -> bool:
        if args.yes:
            return True
        if not sys.stdin.isatty():
            print("antre restore: add --yes to replace the database without asking", file=sys.stderr)
            return False
        answer = input(f"Replace {db_path} with {backup.name} (schema {revision})? [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    key_path = key_file(settings)
    try:
        key = read_key(key_path) if key_path.exists() else None
    except KeyFileError as exc:
        return _fail("restore", str(exc))
    replayed: list[Reapplied] = []

    def prepare(incoming: Path) -> None:
        # The erasures made since this backup was taken are made again before it goes in place.
        if key is not None:
            now = datetime.now(UTC)
            try:
                replayed.append(reapply(incoming, db_path, ledger_file(key_path), key, technician(), now))
            except (SQLAlchemyError, sqlite3.Error) as exc:
                first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                raise BackupError(f"the erasures could not be re-applied to the backup ({first})") from exc

    try:
        result = restore(backup, db_path, confirm=confirm, key=key, prepare=prepare)
    except BackupError as exc:
        return _fail("restore", str(exc))
    if result is None:
        print("nothing changed")
        return 1
    if replayed:
        done = replayed[0]
        print(
            f"erasures re-applied: {done.entries} in the ledger, {done.report.guests} guestbook entries "
            f"and {done.report.online_requests} online requests in the backup erased again"
        )
    else:
        print(f"no site key at {key_path}: erasures made since the backup could not be re-applied")
    print(
        f"restored {backup} into {result.database} (it passed the integrity check; schema {result.revision})"
    )
    if result.aside:
        kept = " (with its -wal file beside it)" if result.wal_aside else ""
        print(
            f"the database that was there before is kept as {result.aside}{kept}; delete it when all is well"
        )
    else:
        print("there was no database there before")
    print("start the hub again; it brings the schema up to date if the backup is older than this Antre")
    return 0


def hub_answers(settings: Any) -> str | None:
    """``host:port`` when something answers on the hub's staff API address, else ``None``.

    The hub opens that port for as long as it runs (``[hub] staff_api``), and only one process can
    listen on it, so a connection that succeeds means a hub is up. SQLite itself cannot tell: a
    running hub holds no lock between commands, and a file moved away under it would keep taking
    its writes. (Something else on that port would be mistaken for the hub: the message says so.)
    """
    import socket

    from broker.hub.process import staff_api_address

    host, port = staff_api_address(settings)
    host = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    try:
        with socket.create_connection((host, port), timeout=1):
            return f"{host}:{port}"
    except OSError:
        return None


# --- retention -------------------------------------------------------------------------------


class _Rollback(Exception):
    """Carries a dry run's result out of its transaction, which is then rolled back."""

    def __init__(self, result: object) -> None:
        self.result = result


def _transaction(command: str, settings: Any, work: Callable[[Any], T], keep: bool) -> tuple[T, Any] | int:
    """``work(session)`` in one write transaction (rolled back unless ``keep``), then the space
    given back when something was kept. An error becomes one line and a status."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from deploy.ops.retention import RetentionError, reclaim_space
    from shared.store.db import make_engine, write_transaction

    engine = make_engine(settings.db_url)
    try:
        try:
            with write_transaction(engine) as session:
                result = work(session)
                if not keep:
                    raise _Rollback(result)
        except _Rollback as rolled_back:
            return rolled_back.result, None  # type: ignore[return-value]
        return result, reclaim_space(engine)
    except RetentionError as exc:
        return _fail(command, str(exc), 2)
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        return _fail(command, f"the database is not ready ({first}); run `antre db upgrade`")
    finally:
        engine.dispose()


def _reclaimed_line(reclaimed: Any) -> str:
    if reclaimed.error:
        return (
            f"the erasure is saved, but the space could not be reclaimed now ({reclaimed.error}): "
            "the old values stay in the file's free space until `antre purge` runs again"
        )
    if reclaimed.before is None:
        return "tables rewritten (VACUUM FULL): the erased values are gone from the database files"
    line = f"database compacted (VACUUM): {_size(reclaimed.before)} -> {_size(reclaimed.after)}"
    if not reclaimed.complete:
        line += "; another program was reading, so the WAL empties at its next checkpoint"
    return line


def cmd_purge(args: argparse.Namespace) -> int:
    from deploy.ops.audit import site_key, technician
    from deploy.ops.retention import guest_days, purge
    from shared.config import load_settings
    from shared.store import access_log
    from shared.store.keys import KeyFileError

    settings = load_settings(args.config)
    days = args.older_than_days if args.older_than_days is not None else guest_days(settings)
    if days < 1:
        return _fail("purge", "--older-than-days must be at least 1", 2)
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=days)

    try:
        key = None if args.dry_run else site_key(settings)[0]
    except KeyFileError as exc:  # the purge is owed all the same; it is only not logged
        print(f"antre purge: not recorded in the access log: {exc}", file=sys.stderr)
        key = None

    def work(session: Any) -> Any:
        report = purge(session, cutoff, now)
        # A line when someone's data went, not for each night's empty run of the timer.
        if key is not None and report.guests + report.online_requests + (report.complaints or 0):
            subject = f"before {cutoff:%Y-%m-%d}: {report.guests} entries, {report.answers} answers"
            access_log.record(session, key, technician(), access_log.PURGE, subject, now)
        return report

    outcome = _transaction("purge", settings, work, keep=not args.dry_run)
    if isinstance(outcome, int):
        return outcome
    report, reclaimed = outcome
    when = cutoff.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M %Z")
    verb = "would erase" if args.dry_run else "erased"
    complaints = "" if report.complaints is None else f", {report.complaints} complaints"
    print(
        f"{verb} the personal data recorded before {when} ({days} days): {report.guests} guestbook entries"
        f", {report.online_requests} online requests (closed before then){complaints}; "
        f"{'would remove' if args.dry_run else 'removed'} {report.lookups} returning-visitor lookups"
        f" and {report.answers} stored answers past their retry window"
    )
    if args.dry_run:
        print("dry run: nothing changed")
        return 0
    print(_reclaimed_line(reclaimed))
    return 1 if reclaimed.error else 0  # a timer shows the failure; the next run completes it


def cmd_forget(args: argparse.Namespace) -> int:
    from deploy.ops.audit import NEW_KEY_NOTE, site_key, technician
    from deploy.ops.erasure_replay import ledger_file
    from deploy.ops.retention import forget
    from shared.config import load_settings
    from shared.store import access_log, erasure
    from shared.store.keys import KeyFileError

    settings = load_settings(args.config)
    which = "ID number" if args.id_number is not None else "email"
    kind, value = (
        (erasure.ID_NUMBER, args.id_number) if args.id_number is not None else (erasure.EMAIL, args.email)
    )
    try:
        key, key_path, created = site_key(settings)
    except KeyFileError as exc:
        return _fail("forget", str(exc))
    if created:
        print(NEW_KEY_NOTE.format(path=key_path), file=sys.stderr)
    now = datetime.now(UTC)

    def work(session: Any) -> Any:
        report = forget(session, id_number=args.id_number, email=args.email)
        # The ledger: a restore of an older backup erases this visitor again (docs/backup.md).
        erasure.remember(session, key, kind, value, now)
        subject = access_log.subject_for(key, kind, value)
        access_log.record(session, key, technician(), access_log.ERASURE, subject, now)
        return report

    outcome = _transaction("forget", settings, work, keep=True)
    if isinstance(outcome, int):
        return outcome
    report, reclaimed = outcome
    try:
        erasure.append_to_file(ledger_file(key_path), kind, erasure.ledger_digest(key, kind, value), now)
    except OSError as exc:  # the erasure and the database's ledger are saved; only the copy failed
        print(
            f"antre forget: the ledger copy {ledger_file(key_path)} could not be written ({exc.strerror}); "
            "the database keeps the ledger, but a restore after losing the database would not see it",
            file=sys.stderr,
        )
    parts = [f"{report.guests} guestbook entries"]
    if args.email is not None:
        parts.append(f"{report.online_requests} online requests")
    if report.complaints is not None and (args.email is not None or report.complaints):
        parts.append(f"{report.complaints} complaints")  # by email, or made on their tickets
    print(f"erased {', '.join(parts)} matching that {which}, and {report.answers} stored lookup answers")
    print(_reclaimed_line(reclaimed))
    print(
        "backups made before now are encrypted and still hold them until they are rotated out; "
        "a restore of one erases them again (the erasure is in the ledger; docs/backup.md)"
    )
    return 1 if reclaimed.error else 0
