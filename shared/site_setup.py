"""The setup a supervisor changes without a technician: five groups, their seed from the TOML, their
checks, and the ``Settings`` they make. Pure: no I/O (``shared.store.site_setup`` stores them,
``broker.hub.site_setup`` applies them live).

Groups and their JSON values:

- ``running_text``: ``{"id": "...", "en": "..."}``, the display's running text in each language;
- ``opening_hours``: ``{"mon": "08:00-12:00, 13:00-15:30", ..., "sun": "closed"}`` (the format of
  ``[timing.opening_hours]``: a gap between two ranges is a break);
- ``calendar``: ``{"collective_leave": [{"date": "2026-12-24", "name": "..."}], "special_days":
  [{"date": "2026-12-31", "hours": "08:00-12:00", "name": "..."}]}`` (one-date entries; a period
  of ``[[timing.special_days]]`` with ``from``/``to`` stays in the TOML);
- ``services``: ``{"A": {"name": "...", "name_en": "...", "active": true}}``; a prefix the TOML
  does not have is a service added on the console, and ``"removed": true`` marks one removed
  there (kept so the TOML's seed does not bring it back);
- ``desks``: ``{"1": {"name": "Meja 1", "services": ["A"]}}``; an id the TOML does not have is a
  desk added on the console (its keypad or counter device still needs an MQTT account from a
  technician: docs/console.md).

On first boot each group is seeded from the TOML; afterwards the database wins. A service or desk
added to the TOML later joins the stored ones (its seed) until it is saved on the console.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.config import ConfigError, Settings
from shared.domain.queue import Desk, Service
from shared.domain.timing import CLOSED_WORDS, DEFAULT_HOURS, WEEKDAYS, parse_ranges

GROUPS = ("running_text", "opening_hours", "calendar", "services", "desks")
TEXT_MAX = 300  # characters of a running text
NAME_MAX = 60  # characters of a service or desk name, or of a day's name
DAYS_MAX = 200  # collective-leave and special days kept at once
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class SetupError(ValueError):
    """A value a supervisor typed that cannot be used. ``code`` picks the message on the page,
    ``field`` says which input, ``values`` fill the message."""

    def __init__(self, code: str, field: str = "", **values: object) -> None:
        super().__init__(f"{code} ({field}): {values}" if values else f"{code} ({field})")
        self.code = code
        self.field = field
        self.values = values


# --- the seed: each group as the TOML has it ----------------------------------------------------


def seed(settings: Settings) -> dict[str, Any]:
    """Every group's value from the TOML (first boot), in the shape it is stored in."""
    display = settings.section("display")
    timing = settings.section("timing")
    week = timing.get("opening_hours")
    week = dict(week) if isinstance(week, Mapping) else dict(DEFAULT_HOURS)
    raw_services = {
        str(s.get("prefix")): s for s in settings.raw.get("services", []) if isinstance(s, Mapping)
    }
    leave = timing.get("collective_leave", [])
    specials = timing.get("special_days", [])
    return {
        "running_text": {
            "id": str(display.get("running_text", "")).replace("\n", " ").strip(),
            "en": str(display.get("running_text_en", "")).replace("\n", " ").strip(),
        },
        "opening_hours": {day: _canonical_day(week.get(day, "closed")) for day in WEEKDAYS},
        "calendar": {
            "collective_leave": [
                {"date": str(day), "name": ""} for day in (leave if isinstance(leave, list) else [])
            ],
            "special_days": [
                {
                    "date": str(e["date"]),
                    "hours": _canonical_day(e.get("hours", "closed")),
                    "name": str(e.get("name", "")),
                }
                for e in (specials if isinstance(specials, list) else [])
                if isinstance(e, Mapping) and "date" in e
            ],
        },
        "services": {
            s.prefix: {
                "name": s.name,
                "name_en": str(raw_services.get(s.prefix, {}).get("name_en", s.name)),
                "active": True,
            }
            for s in settings.services
        },
        "desks": {d.id: {"name": d.name, "services": list(d.services)} for d in settings.desks},
    }


def _canonical_day(text: object) -> str:
    text = str(text).strip()
    return "closed" if text.lower() in CLOSED_WORDS else text


# --- the Settings the groups make ---------------------------------------------------------------


def effective(settings: Settings, groups: Mapping[str, Any]) -> Settings:
    """``settings`` (from the TOML) with the stored groups in place: the services and desks (the
    TOML's, those added on the console, less those removed there; a removed service is dropped
    from the desks that served it), their names and what each desk serves, ``[timing]``'s week,
    collective leave and one-date special days, ``[display] running_text``. ``ConfigError`` when
    the result cannot be used (no service left, a desk serving none or an unknown one)."""
    values = {**seed(settings), **{k: v for k, v in groups.items() if k in GROUPS}}
    services = live_services(settings, values["services"])
    if not services:
        raise ConfigError("no service is left")
    new_services = tuple(Service(prefix, str(entry["name"])) for prefix, entry in services.items())
    removed = set(service_entries(settings, values["services"])) - set(services)
    new_desks = []
    for desk_id, entry in desk_entries(settings, values["desks"]).items():
        served = [str(p) for p in entry["services"]]
        unknown = set(served) - set(services) - removed
        if unknown:
            raise ConfigError(f"desk {desk_id} serves unknown services {sorted(unknown)}")
        kept = tuple(p for p in served if p in services)
        if not kept:
            raise ConfigError(f"desk {desk_id} would serve no service")
        new_desks.append(Desk(desk_id, str(entry["name"]), kept))
    raw = dict(settings.raw)
    timing = dict(settings.section("timing"))
    timing["opening_hours"] = dict(values["opening_hours"])
    calendar = values["calendar"]
    timing["collective_leave"] = [e["date"] for e in calendar["collective_leave"]]
    periods = [e for e in timing.get("special_days", []) if isinstance(e, Mapping) and "date" not in e]
    timing["special_days"] = periods + [
        {"date": e["date"], "hours": e["hours"], **({"name": e["name"]} if e["name"] else {})}
        for e in calendar["special_days"]
    ]
    raw["timing"] = timing
    raw["display"] = {**settings.section("display"), "running_text": values["running_text"]["id"]}
    try:
        new = dataclasses.replace(settings, services=new_services, desks=tuple(new_desks), raw=raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    from shared.timing_config import opening_hours  # here: the commands that find nothing changed skip it

    opening_hours(new)  # raises ConfigError on a bad week or day
    return new


def service_entries(settings: Settings, stored: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every service the setup knows, removed ones too: the TOML's seed (its order) under the
    stored entries, then the ones added on the console in prefix order."""
    seeded = seed(settings)["services"]
    merged = {**seeded, **{str(p): dict(e) for p, e in stored.items()}}
    return {p: merged[p] for p in [*seeded, *sorted(set(merged) - set(seeded))]}


def live_services(settings: Settings, stored: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that exist (not removed), in ``service_entries``' order."""
    return {p: e for p, e in service_entries(settings, stored).items() if not e.get("removed")}


def desk_entries(settings: Settings, stored: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every desk: the TOML's seed under the stored entries, in desk order ("2" before "10")."""
    merged = {**seed(settings)["desks"], **{str(d): dict(e) for d, e in stored.items()}}
    return {d: merged[d] for d in sorted(merged, key=desk_order)}


def desk_order(desk: str) -> tuple[int, int, str]:
    return (0, int(desk), "") if desk.isdigit() else (1, 0, desk)


def inactive_services(groups: Mapping[str, Any]) -> frozenset[str]:
    """The prefixes switched off: the kiosks' requests for them are refused; the visitors already
    waiting are still called."""
    services = groups.get("services", {})
    return frozenset(p for p, s in services.items() if not s.get("active", True) or s.get("removed"))


# --- checks of what a supervisor typed (the page's forms) ---------------------------------------


def running_text(text_id: str, text_en: str) -> dict[str, str]:
    value = {"id": " ".join(text_id.split()), "en": " ".join(text_en.split())}
    for lang, text in value.items():
        if len(text) > TEXT_MAX:
            raise SetupError("text_too_long", f"text_{lang}", max=TEXT_MAX)
    return value


def _clock(text: str, day: str, field: str) -> tuple[int, int]:
    match = _TIME.match(text.strip())
    if not match:
        raise SetupError("bad_time", f"{field}_{day}", value=text.strip()[:20])
    h, m = int(match.group(1)), int(match.group(2))
    if h > 24 or m > 59 or (h == 24 and m):
        raise SetupError("bad_time", f"{field}_{day}", value=text.strip()[:20])
    return h, m


def _span(text: str, day: str, field: str) -> tuple[tuple[int, int], tuple[int, int]]:
    parts = text.split("-")
    if len(parts) != 2:
        raise SetupError("bad_range", f"{field}_{day}", value=text.strip()[:20])
    start, end = _clock(parts[0], day, field), _clock(parts[1], day, field)
    if end <= start:
        raise SetupError("end_before_start", f"{field}_{day}", value=text.strip()[:20])
    return start, end


def _hhmm(t: tuple[int, int]) -> str:
    return f"{t[0]:02d}:{t[1]:02d}"


def day_hours(day: str, hours: str, breaks: str) -> str:
    """One weekday from the form: ``hours`` "08:00-15:30" (empty or "tutup": closed) and ``breaks``
    "12:00-13:00" (several with commas) inside them -> the stored ranges string."""
    if hours.strip().lower() in CLOSED_WORDS:
        if breaks.strip():
            raise SetupError("break_when_closed", f"breaks_{day}")
        return "closed"
    opens, closes = _span(hours, day, "hours")
    cuts = sorted(_span(b, day, "breaks") for b in breaks.split(",") if b.strip())
    ranges, start = [], opens
    for b_start, b_end in cuts:
        if b_start <= start or b_end >= closes:
            raise SetupError("break_outside", f"breaks_{day}", value=f"{_hhmm(b_start)}-{_hhmm(b_end)}")
        ranges.append(f"{_hhmm(start)}-{_hhmm(b_start)}")
        start = b_end
    ranges.append(f"{_hhmm(start)}-{_hhmm(closes)}")
    text = ", ".join(ranges)
    parse_ranges(text, day)  # the same check the clocks make (never fails after the above)
    return text


def split_day(text: str) -> tuple[str, str]:
    """A stored day's ranges -> the form's (hours, breaks): the gaps between ranges are breaks."""
    if text.strip().lower() in CLOSED_WORDS:
        return "", ""
    spans = [part.strip().split("-") for part in text.split(",")]
    hours = f"{spans[0][0]}-{spans[-1][1]}"
    breaks = ", ".join(f"{a[1]}-{b[0]}" for a, b in itertools.pairwise(spans))
    return hours, breaks


def _date(text: str, field: str, line: int) -> str:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise SetupError("bad_date", field, line=line, value=text.strip()[:20]) from exc
    if not 2000 <= day.year <= 2100:
        raise SetupError("bad_date", field, line=line, value=text.strip()[:20])
    return day.isoformat()


def leave_days(text: str) -> list[dict[str, str]]:
    """One line per day: ``2026-12-24 Cuti bersama Natal`` (the name may be left out)."""
    found: dict[str, dict[str, str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        text, _, name = line.strip().partition(" ")
        day = _date(text, "collective_leave", n)
        found[day] = {"date": day, "name": _name(name, "collective_leave", n)}
    return _limited([found[d] for d in sorted(found)], "collective_leave")


def special_days(text: str) -> list[dict[str, str]]:
    """One line per day: ``2026-12-31 08:00-12:00 Setengah hari`` or ``2027-01-02 tutup Libur``;
    several ranges with commas and no spaces (``08:00-11:30,13:00-15:00``)."""
    found: dict[str, dict[str, str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(None, 2)
        if len(parts) < 2:
            raise SetupError("bad_special_day", "special_days", line=n)
        day = _date(parts[0], "special_days", n)
        hours = parts[1].strip()
        if hours.lower() in CLOSED_WORDS:
            hours = "closed"
        else:
            try:
                hours = ", ".join(r.strip() for r in hours.split(","))
                parse_ranges(hours, day)
            except ValueError as exc:
                raise SetupError("bad_special_day", "special_days", line=n) from exc
        found[day] = {"date": day, "hours": hours, "name": _name(parts[2] if len(parts) > 2 else "",
                                                                 "special_days", n)}  # fmt: skip
    return _limited([found[d] for d in sorted(found)], "special_days")


def _name(text: str, field: str, line: int) -> str:
    name = " ".join(text.split())
    if len(name) > NAME_MAX:
        raise SetupError("name_too_long", field, line=line, max=NAME_MAX)
    return name


def _limited(days: list[dict[str, str]], field: str) -> list[dict[str, str]]:
    if len(days) > DAYS_MAX:
        raise SetupError("too_many_days", field, max=DAYS_MAX)
    return days


def service_entry(prefix: str, name: str, name_en: str, active: bool) -> dict[str, Any]:
    name, name_en = " ".join(name.split()), " ".join(name_en.split())
    if not name:
        raise SetupError("name_missing", f"name_{prefix}")
    for field, text in ((f"name_{prefix}", name), (f"name_en_{prefix}", name_en)):
        if len(text) > NAME_MAX:
            raise SetupError("name_too_long", field, line=0, max=NAME_MAX)
    return {"name": name, "name_en": name_en or name, "active": active}


def services_value(entries: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    if not any(e["active"] for e in entries.values()):
        raise SetupError("no_active_service", "services")
    return dict(entries)


def desk_entry(desk: str, name: str, served: list[str], known: list[str]) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name:
        raise SetupError("name_missing", f"desk_name_{desk}")
    if len(name) > NAME_MAX:
        raise SetupError("name_too_long", f"desk_name_{desk}", line=0, max=NAME_MAX)
    chosen = [p for p in known if p in served]
    if not chosen:
        raise SetupError("desk_no_service", f"desk_services_{desk}", desk=name)
    return {"name": name, "services": chosen}


# --- a service or desk added, a service removed (the page's "add" and "remove" forms) -----------

_NEW_PREFIX = re.compile(r"^[A-Z]{1,3}$")  # as shared.domain.queue_model's prefixes
NEW_DESK = re.compile(r"^[A-Za-z0-9_-]{1,16}$")  # as its desk ids


def added_service(
    groups: Mapping[str, Any], prefix: str, name: str, name_en: str, desks: list[str]
) -> dict[str, Any]:
    """The ``services`` and ``desks`` values with service ``prefix`` added (or brought back, when
    it was removed), served at ``desks``. ``groups``: the groups as the page shows them."""
    prefix = prefix.strip().upper()
    if not _NEW_PREFIX.match(prefix):
        raise SetupError("bad_prefix", "new_prefix", value=prefix[:10])
    services = {p: dict(e) for p, e in groups["services"].items()}
    if prefix in services and not services[prefix].get("removed"):
        raise SetupError("prefix_taken", "new_prefix", value=prefix)
    entry = service_entry("new", name, name_en, True)
    chosen = [d for d in groups["desks"] if d in desks]
    if not chosen:
        raise SetupError("service_no_desk", "new_desks")
    services[prefix] = entry
    new_desks = {d: dict(e) for d, e in groups["desks"].items()}
    for desk in chosen:
        new_desks[desk]["services"] = [*(p for p in new_desks[desk]["services"] if p != prefix), prefix]
    return {"services": services, "desks": new_desks}


def removed_service(groups: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The ``services`` value with ``prefix`` marked removed (kept: the TOML's seed must not bring
    it back). Whether visitors still wait for it is the hub's check (``broker.hub.site_setup``)."""
    services = {p: dict(e) for p, e in groups["services"].items()}
    if prefix not in services or services[prefix].get("removed"):
        raise SetupError("unknown_service", "remove", value=prefix[:10])
    live = [p for p, e in services.items() if not e.get("removed") and p != prefix]
    if not any(services[p].get("active", True) for p in live):
        raise SetupError("no_active_service", "services")
    for entry in groups["desks"].values():
        if not [p for p in entry["services"] if p in live]:
            raise SetupError("desk_only_service", "remove", desk=entry["name"], value=prefix)
    services[prefix] = {**services[prefix], "active": False, "removed": True}
    return services


def added_desk(groups: Mapping[str, Any], desk: str, name: str, served: list[str]) -> dict[str, Any]:
    """The ``desks`` value with a new desk ``desk`` serving ``served``."""
    desk = desk.strip()
    if not NEW_DESK.match(desk):
        raise SetupError("bad_desk_id", "new_desk_id", value=desk[:20])
    if desk in groups["desks"]:
        raise SetupError("desk_taken", "new_desk_id", value=desk)
    known = [p for p, e in groups["services"].items() if not e.get("removed")]
    entry = desk_entry("new", name, served, known)
    return {**{d: dict(e) for d, e in groups["desks"].items()}, desk: entry}
