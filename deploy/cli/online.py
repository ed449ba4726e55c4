"""``antre online ...`` and ``antre sla``: the officer's and the head's commands for the clocks.

Only argparse at import time (``antre --help`` stays fast); the database parts load when a command
runs. Output names requests by number; the contact is shown masked, never in full.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from typing import Any


def add_parsers(sub: Any) -> Any:
    """Register ``online`` and ``sla`` on ``antre``'s subparsers; the ``online`` actions are
    returned for other modules to add theirs (``online rate``)."""
    online = sub.add_parser("online", help="online requests (WhatsApp, email, social media, web)")
    actions = online.add_subparsers(dest="online_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="record a complete request; prints its number and due date")
    add.add_argument("--channel", required=True, choices=["whatsapp", "email", "social", "web"])
    add.add_argument("--contact", required=True, help="phone number, email or account (kept private)")
    add.add_argument("--subject", required=True, help="what the visitor asks about")
    add.add_argument("--complete-at", help="when it became complete, ISO 8601 (default now)")
    add.add_argument("--officer", help="your officer id")
    add.set_defaults(func=run_in_transaction(_add))

    for name, text in (("reply", "record an officer's reply"), ("message", "record a visitor's message")):
        action = actions.add_parser(name, help=text)
        action.add_argument("number", help="the request number, e.g. OL-20261124-001")
        action.add_argument("--text", default="", help="the message (kept private)")
        action.add_argument("--at", help="when it was sent, ISO 8601 (default now)")
        if name == "reply":
            action.add_argument("--officer", help="your officer id")
        action.set_defaults(func=run_in_transaction(_message))

    close = actions.add_parser("close", help="close a finished consultation")
    close.add_argument("number")
    close.set_defaults(func=run_in_transaction(_close))

    listing = actions.add_parser("list", help="open requests (or only those due today / overdue)")
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--due", action="store_true", help="not answered and due today")
    which.add_argument("--overdue", action="store_true", help="not answered and past the due date")
    listing.set_defaults(func=run_in_transaction(_list))

    auto = actions.add_parser("autoclose", help="close requests with no visitor reply for 7 days")
    auto.set_defaults(func=run_in_transaction(_autoclose))

    sla = sub.add_parser("sla", help="one day against the service standard (walk-in and online)")
    sla.add_argument("--date", help="business day YYYY-MM-DD (default today, office time)")
    sla.add_argument("--json", action="store_true", help="JSON instead of the table")
    sla.add_argument("--lang", choices=["id", "en"], default="id", help="language of the table (default id)")
    sla.set_defaults(func=run_in_transaction(_sla, write=False))
    return actions


def run_in_transaction(command: Any, write: bool = True) -> Any:
    """Wrap a command: settings, engine and one transaction; errors as one clear line."""

    def run(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import OperationalError, ProgrammingError
        from sqlalchemy.orm import Session

        from shared.config import load_settings
        from shared.domain.queue import QueueError
        from shared.store.db import make_engine, write_transaction
        from shared.store.online import OnlineError
        from shared.store.site_setup import effective_settings

        settings = load_settings(args.config)
        engine = make_engine(settings.db_url)
        try:
            if write:
                with write_transaction(engine) as session:
                    return int(command(args, effective_settings(session, settings), session))
            with Session(engine) as session:
                return int(command(args, effective_settings(session, settings), session))
        except (OnlineError, QueueError) as exc:
            print(f"antre {args.command}: {exc.message}", file=sys.stderr)
            return 1
        except (OperationalError, ProgrammingError) as exc:
            from deploy.cli.db_problems import is_empty, not_ready_message

            message = f"antre {args.command}: {not_ready_message(settings, engine, exc, args.config)}"
            if not write and is_empty(engine):  # a read-only look at a fresh database: nothing to show
                print(message)
                return 0
            print(message, file=sys.stderr)
            return 1
        finally:
            engine.dispose()

    return run


def _when(text: str | None, settings: Any) -> datetime | None:
    """An ISO 8601 time; without an offset it is office time."""
    if not text:
        return None
    from shared.store.online import OnlineError

    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise OnlineError("bad_time", f"{text!r} is not an ISO 8601 time like 2026-11-24T10:00") from exc
    return value if value.tzinfo else value.replace(tzinfo=settings.tz)


def _local(at: datetime, settings: Any) -> str:
    return at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M %Z")


def _add(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import online

    policy = online.OnlinePolicy.from_settings(settings)
    row = online.add_request(
        session, policy, channel=args.channel, contact=args.contact, subject=args.subject,
        now=datetime.now(UTC), complete_at=_when(args.complete_at, settings), officer_id=args.officer,
    )  # fmt: skip
    print(f"{row.number} recorded ({row.channel}); complete {_local(row.complete_at, settings)}; "
          f"due {row.due_date:%A %Y-%m-%d} ({policy.due_working_days} working days)")  # fmt: skip
    return 0


def _message(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import online

    at, now = _when(args.at, settings), datetime.now(UTC)
    if args.online_command == "reply":
        row = online.reply(session, args.number, now, text=args.text, at=at, officer_id=args.officer)
    else:
        row = online.visitor_message(session, args.number, now, text=args.text, at=at)
    who = "reply" if args.online_command == "reply" else "visitor message"
    print(f"{row.number}: {who} recorded; status {row.status}")
    return 0


def _close(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import online

    row = online.close(session, args.number, datetime.now(UTC))
    print(f"{row.number}: closed ({row.close_reason})")
    return 0


def _list(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import online
    from shared.store.online import mask_contact

    today = datetime.now(UTC).astimezone(settings.tz).date()
    if args.due:
        rows, title = online.due_today(session, today), f"not answered, due today ({today})"
    elif args.overdue:
        rows, title = online.overdue(session, today), f"not answered, overdue on {today}"
    else:
        rows, title = online.open_requests(session), "open requests"
    print(f"{len(rows)} {title}")
    if rows:
        print(f"{'number':<17}{'channel':<10}{'status':<10}{'due':<12}{'':<9}{'contact':<18}subject")
    for row in rows:
        flag = _flag(row, today)
        subject = row.subject if len(row.subject) <= 40 else row.subject[:39] + "…"
        print(f"{row.number:<17}{row.channel:<10}{row.status:<10}{row.due_date.isoformat():<12}{flag:<9}"
              f"{mask_contact(row.channel, row.contact):<18}{subject}")  # fmt: skip
    return 0


def _flag(row: Any, today: date) -> str:
    if row.answered_at is not None:
        return ""
    return "OVERDUE" if row.due_date < today else "TODAY" if row.due_date == today else ""


def _autoclose(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import online

    closed = online.auto_close(session, datetime.now(UTC), online.close_after_from(settings))
    print(f"closed {len(closed)} (no visitor reply): {', '.join(closed)}" if closed else "nothing to close")
    return 0


def _sla(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from broker.reports.sla import as_json, build_report
    from broker.reports.sla_text import render_text

    now = datetime.now(UTC)
    try:
        day = date.fromisoformat(args.date) if args.date else now.astimezone(settings.tz).date()
    except ValueError:
        print(f"antre sla: --date must look like 2026-11-24, got {args.date!r}", file=sys.stderr)
        return 2
    report = build_report(session, settings, day, now)
    if args.json:
        print(json.dumps(as_json(report), ensure_ascii=False, indent=2))
    else:
        print(render_text(report, settings.office_name, args.lang), end="")
    return 0
