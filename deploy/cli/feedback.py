"""``antre complaints ...`` and ``antre online rate``: staff follow complaints up and record what
online visitors rated or complained about.

A listing shows numbers, status and age only; ``show`` prints one complaint's text and contact for
the officer who follows it up (personal data on a staff screen, never in a log). Individual
ratings are never shown: the report gives the figures.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from deploy.cli.online import run_in_transaction

ELEMENT_COUNT = 9


def add_parsers(sub: Any, online_actions: Any | None = None) -> None:
    """Register ``complaints`` on ``antre``'s subparsers (and ``rate`` under ``antre online``)."""
    complaints = sub.add_parser("complaints", help="complaints and suggestions: list, follow up, close")
    actions = complaints.add_subparsers(dest="complaints_command", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="open and answered complaints (--all: closed ones too)")
    listing.add_argument("--all", action="store_true")
    listing.set_defaults(func=run_in_transaction(_list, write=False))

    show = actions.add_parser("show", help="one complaint: text, contact, follow-up")
    show.add_argument("number", help="e.g. ADU-20261125-001")
    show.add_argument("--officer", help="your officer id (recorded in the access log)")
    # A write transaction: showing the contact is recorded in the access log.
    show.set_defaults(func=run_in_transaction(_show))

    add = actions.add_parser("add", help="record a complaint given by phone, letter or an online visitor")
    add.add_argument("--text", required=True)
    add.add_argument("--kind", choices=["complaint", "suggestion"], default="complaint")
    add.add_argument("--online", metavar="OL-NUMBER", help="the online request it is about")
    for name in ("name", "email", "phone"):
        add.add_argument(f"--{name}", default="", help=f"the visitor's {name} (optional, kept private)")
    add.add_argument("--officer", help="your officer id")
    add.set_defaults(func=run_in_transaction(_add))

    answer = actions.add_parser("answer", help="record the follow-up given to the visitor")
    answer.add_argument("number")
    answer.add_argument("--text", required=True, help="what was done or answered")
    answer.add_argument("--officer", help="your officer id")
    answer.set_defaults(func=run_in_transaction(_answer))

    close = actions.add_parser("close", help="close a complaint that needs nothing more")
    close.add_argument("number")
    close.add_argument("--officer", help="your officer id")
    close.set_defaults(func=run_in_transaction(_close))

    if online_actions is not None:
        rate = online_actions.add_parser("rate", help="record the rating an online visitor gave")
        rate.add_argument("number", help="the request number, e.g. OL-20261124-001")
        rate.add_argument("--overall", type=int, choices=range(1, 6), help="the overall face, 1-5")
        rate.add_argument(
            "--scores", help="the nine SKM elements u1..u9 as 1-4, comma-separated, '-' for skipped"
        )
        rate.add_argument("--officer", help="your officer id")
        rate.set_defaults(func=run_in_transaction(_rate_online))


def _now() -> datetime:
    return datetime.now(UTC)


def _list(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import complaints

    statuses = complaints.STATUSES if args.all else (complaints.OPEN, complaints.ANSWERED)
    rows = complaints.listing(session, statuses)
    print(f"{len(rows)} complaint(s)")
    if rows:
        print(f"{'number':<18}{'kind':<12}{'source':<8}{'status':<10}{'received':<18}answered in")
    for row in rows:
        received = row.created_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        took = _duration(row.answered_at - row.created_at) if row.answered_at else "-"
        print(f"{row.number:<18}{row.kind:<12}{row.source:<8}{row.status:<10}{received:<18}{took}")
    return 0


def _duration(delta: Any) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


def _show(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from deploy.ops.audit import record
    from shared.store import complaints
    from shared.store.access_log import DETAIL_VIEW

    row = complaints.get(session, args.number)
    if row.contact_name or row.contact_email or row.contact_phone or row.text:
        record(session, settings, DETAIL_VIEW, f"complaint {row.number}", _now(), args.officer)
    print(f"{row.number}  {row.kind}  {row.status}  via {row.source}")
    print(f"received  {row.created_at.astimezone(settings.tz):%Y-%m-%d %H:%M}")
    contact = ", ".join(v for v in (row.contact_name, row.contact_email, row.contact_phone) if v)
    print(f"contact   {contact or '(none given)'}")
    print(f"\n{row.text}\n")
    if row.followup:
        print(f"follow-up ({row.answered_at.astimezone(settings.tz):%Y-%m-%d %H:%M}):\n{row.followup}")
    return 0


def _add(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.contract.feedback_requests import Contact, contact_problems
    from shared.domain.queue import QueueError
    from shared.store import complaints

    now = _now()
    day = now.astimezone(settings.tz).date()
    text = args.text.strip()
    if not text:
        raise QueueError("bad_request", "--text must say what the complaint is")
    if args.online:
        row = complaints.from_online(session, args.online.upper(), text, args.kind, day, now, args.officer)
    else:
        email = args.email.strip().lower()
        problems = contact_problems(args.name.strip(), email, args.phone.strip())
        if problems:
            listed = ", ".join(f"--{k}: {v}" for k, v in sorted(problems.items()))
            raise QueueError("bad_request", f"the contact is not valid ({listed})")
        contact = Contact(args.name.strip(), email, args.phone.strip())
        row = complaints.add(
            session, text=text, kind=args.kind, source="staff", day=day, now=now, contact=contact,
            recorded_by=args.officer,
        )  # fmt: skip
    print(f"{row.number} recorded")
    return 0


def _answer(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import complaints

    row = complaints.answer(session, args.number, args.text, args.officer, _now())
    print(f"{row.number}: follow-up recorded ({row.status})")
    return 0


def _close(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import complaints

    row = complaints.close(session, args.number, args.officer, _now())
    print(f"{row.number}: closed")
    return 0


def parse_scores(text: str | None) -> dict[str, int]:
    """``"4,4,3,-,4,4,4,3,4"`` -> ``{"u1": 4, ...}`` without the skipped ones."""
    from shared.domain.queue import QueueError

    if not text:
        return {}
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != ELEMENT_COUNT or any(p not in ("-", "1", "2", "3", "4") for p in parts):
        raise QueueError("bad_rating", "--scores needs nine values 1-4 (or - for skipped), comma-separated")
    return {f"u{i}": int(p) for i, p in enumerate(parts, start=1) if p != "-"}


def _rate_online(args: argparse.Namespace, settings: Any, session: Any) -> int:
    from shared.store import ratings

    row = ratings.rate_online(
        session, args.number.upper(), args.overall, parse_scores(args.scores), args.officer, _now()
    )
    given = sum(getattr(row, f"u{i}") is not None for i in range(1, ELEMENT_COUNT + 1))
    print(f"{args.number.upper()}: rating recorded ({given} of {ELEMENT_COUNT} elements)")
    return 0
