"""Adversarial guestbook entries through the hub: every one answered, nothing unclean stored.

Each entry is a valid guest with one or two fields spoiled: invisible and format characters
(U+061C, U+FEFF, U+2060, U+00AD, zero-width joiners, bidi overrides and isolates, tags),
controls (NUL, BEL, ESC, newline, DEL, NEL), line and paragraph separators, non-ASCII digits in
the NIK (Arabic-Indic, Devanagari, fullwidth), lone surrogates, huge strings, wrong JSON types,
missing fields; and some harmless variety that must be accepted (emoji, accents, NBSP). Ten
kiosks send them at a kiosk's pace, each sent again with the same request id until answered.
Then the database is read directly: no stored text may hold a control or format character, and
a KTP number only ASCII digits.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from tests.faults.lobby import SITE, Asked, Client, Outcome, has_control_or_format, lobby, new_id

KIOSKS = 10
PER_KIOSK_PER_S = 8.0  # under the intake's refusal budget (10 a second per sender)

GUEST: dict[str, Any] = {
    "name": "Siti Aminah",
    "id_type": "ktp",
    "id_number": "1808014101900001",
    "email": "siti@example.id",
    "phone": "081234567890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
    "consent": True,
}
TEXT_FIELDS = ("name", "email", "phone", "institution", "purpose", "id_number")
INVISIBLE = [
    "\u061c",
    "\ufeff",
    "\u2060",
    "\u00ad",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u180e",
    "\U000e0041",
    "\u2061",
    "\u034f\u200b",
]
BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a"]
CONTROLS = ["\x00", "\x07", "\x1b[2J", "\n", "\r", "\t", "\x7f", "\x85", "\x1b]0;pwn\x07", "\x08"]
SEPARATORS = ["\u2028", "\u2029"]
DIGITS = ["٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "０１２３４５６７８９", "۰۱۲۳۴۵۶۷۸۹", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]
HARMLESS = ["😀", "Siti 👩🏽", "José", "Zoë", "Nguyễn", "Müller", "Ana\u00a0Maria", "e\u0301"]
WRONG = [123, 1.5, None, True, [], ["Siti"], {"x": 1}, "", " "]


def entries(count: int, seed: int = 14) -> list[tuple[str, bytes]]:
    """``count`` kiosk requests as (request id, raw JSON), each with a spoiled or odd guest."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        guest = dict(GUEST)
        guest["id_number"] = str(1808014101900001 + n % 9)  # not all valid NIKs: refusals too
        spoil(rng, guest)
        if rng.random() < 0.3:
            spoil(rng, guest)
        request_id = f"gb-{n}-{new_id()[:8]}"
        body = {"v": 1, "request_id": request_id, "service": rng.choice("AB"), "guest": guest}
        out.append(
            (request_id, json.dumps(body, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass"))
        )
    return out


def spoil(rng: random.Random, guest: dict[str, Any]) -> None:
    name = rng.choice(TEXT_FIELDS)
    value = str(guest.get(name) or "")
    at = rng.randrange(len(value) + 1)
    kind = rng.randrange(10)
    if kind == 0:
        guest[name] = value[:at] + rng.choice(INVISIBLE) + value[at:]
    elif kind == 1:
        guest[name] = value[:at] + rng.choice(BIDI) + value[at:]
    elif kind == 2:
        guest[name] = value[:at] + rng.choice(CONTROLS) + value[at:]
    elif kind == 3:
        guest[name] = value[:at] + rng.choice(SEPARATORS) + value[at:]
    elif kind == 4:  # a NIK written with another script's digits, all or some of them
        digits = rng.choice(DIGITS)
        number = str(guest.get("id_number") or GUEST["id_number"])
        mixed = "".join(digits[int(d)] if rng.random() < 0.5 else d for d in number if d.isdigit())
        guest["id_type"], guest["id_number"] = "ktp", mixed
    elif kind == 5:  # a lone surrogate (JSON's "\ud83d" escape): not Unicode text at all
        guest[name] = value[:at] + rng.choice(["\ud83d", "\udc00", "\udfff"]) + value[at:]
    elif kind == 6:
        guest[name] = value + "x" * rng.choice([101, 600, 5000, 40_000, 70_000])
    elif kind == 7:
        guest[rng.choice([*TEXT_FIELDS, "id_type", "consent"])] = rng.choice(WRONG)
    elif kind == 8:
        guest.pop(rng.choice(["name", "id_type", "id_number", "email", "purpose", "consent"]), None)
    else:
        guest[rng.choice(["name", "institution", "purpose"])] = rng.choice(HARMLESS) + " " + value


def run(workdir: Path, count: int = 2000) -> Outcome:
    out = Outcome(f"{count} adversarial guestbook entries through the hub ({KIOSKS} kiosks)")
    todo = entries(count)
    results: list[Asked] = []
    lock = threading.Lock()
    started = time.monotonic()
    with lobby(workdir) as place:
        client = Client(place.port, "guestbook", [f"antre/{SITE}/kiosk/+/response"])
        client.connected.wait(5)
        shares = [todo[k::KIOSKS] for k in range(KIOSKS)]
        workers = [
            threading.Thread(target=_kiosk, args=(client, f"gb-kiosk-{k}", share, results, lock), daemon=True)
            for k, share in enumerate(shares)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(900)
        client.close()
        place.stop()
        rows = place.query("SELECT name, id_type, id_number, email, phone, institution, purpose FROM guests")
        tickets_with_guest = place.query("SELECT count(*) FROM tickets WHERE guest_id IS NOT NULL")[0][0]
    seconds = time.monotonic() - started
    unanswered = [a for a in results if a.answer is None]
    tickets = [a for a in results if a.ticket]
    codes: dict[str, int] = {}
    for asked in results:
        if asked.answer is not None and not asked.ticket:
            codes[str(asked.error)] = codes.get(str(asked.error), 0) + 1
    unclean = [row for row in rows if any(has_control_or_format(str(v)) for v in row)]
    bad_nik = [row for row in rows if row[1] == "ktp" and not (row[2].isascii() and row[2].isdigit())]
    retries = sum(a.tries - 1 for a in results)
    out.figures += [
        f"  {len(results)} sent in {seconds:.1f} s ({retries} sent again); {len(tickets)} tickets, "
        f"{len(results) - len(tickets) - len(unanswered)} refusals",
        "  refusals: " + ", ".join(f"{code} {n}" for code, n in sorted(codes.items(), key=lambda kv: -kv[1])),
        f"  guests stored: {len(rows)}",
    ]
    out.check(
        f"every entry answered ({len(unanswered)} unanswered of {count})",
        not unanswered and len(results) == count,
    )
    out.check(
        f"0 stored with a control or format character ({len(unclean)} of {len(rows)} rows)", not unclean
    )
    out.check(f"0 KTP numbers stored with other than ASCII digits ({len(bad_nik)})", not bad_nik)
    out.check(
        f"every ticket answered has its guest stored ({tickets_with_guest} / {len(tickets)})",
        tickets_with_guest == len(tickets) == len(rows),
    )
    out.check("some entries accepted, some refused (the run proves both ways)", 0 < len(tickets) < count)
    no_internal = codes.get("internal_error", 0) == 0
    out.check(f"no internal_error answers ({codes.get('internal_error', 0)})", no_internal)
    return out


def _kiosk(
    client: Client, kiosk: str, share: list[tuple[str, bytes]], results: list[Asked], lock: threading.Lock
) -> None:
    for request_id, raw in share:
        started = time.monotonic()
        asked = client.request(
            f"kiosk/{kiosk}/request", {"request_id": request_id}, raw=raw, retry_s=2.0, timeout=60
        )
        with lock:
            results.append(asked)
        time.sleep(max(0.0, 1 / PER_KIOSK_PER_S - (time.monotonic() - started)))
