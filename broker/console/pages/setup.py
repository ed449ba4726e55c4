"""7. Setup a supervisor may change without a technician (supervisor and technician): the display's
running text, opening hours and breaks, collective leave and special days, the services' names and
whether they take tickets, a service added or removed, the desks' names and what they serve, a desk
added. A form per group or action; each change runs on the hub's worker
(``broker.hub.site_setup.SiteSetup.change_many``), is applied live and logged; the change log is at
the bottom of the page. A desk added exists in the hub at once (an officer signs in there on a
counter); its keypad or counter device needs an MQTT account, which only a technician can give
(the page shows the commands: docs/console.md)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from broker.console.context import context_of
from broker.console.pages.setup_texts import SETUP
from broker.console.web import render, require, words
from shared import site_setup
from shared.config import Settings
from shared.domain.timing import WEEKDAYS
from shared.store import site_setup as store

ROLES = ("supervisor", "technician")
FIELD_MAX = 2000  # characters of one form field (a textarea of days)
LOG_ROWS = 50
# The forms that add or remove: each changes one or two groups at once (SiteSetup.change_many).
ACTIONS = ("add_service", "remove_service", "add_desk")


def _groups(settings: Settings, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored groups over the TOML's seed. ``services`` holds the removed ones too (marked
    ``removed``: the page leaves them out, a save keeps them); ``desks`` every desk, in order."""
    groups = {**site_setup.seed(settings), **stored}
    groups["services"] = site_setup.service_entries(settings, groups["services"])
    groups["desks"] = site_setup.desk_entries(settings, groups["desks"])
    return groups


def _live(groups: dict[str, Any]) -> list[str]:
    """The prefixes of the services that exist (the forms' rows and the desks' choices)."""
    return [p for p, e in groups["services"].items() if not e.get("removed")]


def _fields(groups: dict[str, Any]) -> dict[str, str]:
    """The form's inputs as the stored groups fill them."""
    fields: dict[str, str] = {
        "text_id": groups["running_text"]["id"],
        "text_en": groups["running_text"]["en"],
        "collective_leave": "\n".join(
            f"{e['date']} {e['name']}".strip() for e in groups["calendar"]["collective_leave"]
        ),
        "special_days": "\n".join(
            f"{e['date']} {_day_text(e['hours'])} {e['name']}".strip()
            for e in groups["calendar"]["special_days"]
        ),
    }
    for day in WEEKDAYS:
        fields[f"hours_{day}"], fields[f"breaks_{day}"] = site_setup.split_day(groups["opening_hours"][day])
    for prefix, entry in groups["services"].items():
        if entry.get("removed"):
            continue
        fields[f"name_{prefix}"], fields[f"name_en_{prefix}"] = entry["name"], entry["name_en"]
        fields[f"active_{prefix}"] = "on" if entry["active"] else ""
    for desk, entry in groups["desks"].items():
        fields[f"desk_name_{desk}"] = entry["name"]
        for prefix in entry["services"]:
            fields[f"desk_services_{desk}_{prefix}"] = "on"
    return fields


def _day_text(hours: str) -> str:
    return "tutup" if hours == "closed" else hours.replace(" ", "")


def _value(group: str, form: FormData, groups: dict[str, Any]) -> Any:
    """The group's new value from the form (``SetupError`` when a field cannot be used)."""

    def get(name: str) -> str:
        return str(form.get(name, ""))[:FIELD_MAX]

    if group == "running_text":
        return site_setup.running_text(get("text_id"), get("text_en"))
    if group == "opening_hours":
        return {day: site_setup.day_hours(day, get(f"hours_{day}"), get(f"breaks_{day}")) for day in WEEKDAYS}
    if group == "calendar":
        return {
            "collective_leave": site_setup.leave_days(get("collective_leave")),
            "special_days": site_setup.special_days(get("special_days")),
        }
    if group == "services":
        entries = {
            prefix: site_setup.service_entry(
                prefix, get(f"name_{prefix}"), get(f"name_en_{prefix}"), bool(form.get(f"active_{prefix}"))
            )
            for prefix in _live(groups)
        }
        site_setup.services_value(entries)
        return {p: entries.get(p, e) for p, e in groups["services"].items()}  # the removed ones kept
    if group == "add_service":
        return site_setup.added_service(
            groups, get("new_prefix"), get("name_new"), get("name_en_new"), _strings(form, "new_desks")
        )
    if group == "remove_service":
        return {"services": site_setup.removed_service(groups, get("remove"))}
    if group == "add_desk":
        desks = site_setup.added_desk(groups, get("new_desk_id"), get("desk_name_new"),
                                      _strings(form, "desk_services_new"))  # fmt: skip
        return {"desks": desks}
    known = _live(groups)
    return {
        desk: site_setup.desk_entry(
            desk, get(f"desk_name_{desk}"), _strings(form, f"desk_services_{desk}"), known
        )
        for desk in groups["desks"]
    }


def _strings(form: FormData, name: str) -> list[str]:
    return [str(v)[:16] for v in form.getlist(name)][:16]


def _form_fields(group: str, form: FormData, groups: dict[str, Any]) -> dict[str, str]:
    """What the user typed into ``group``'s form, to show it again beside the error."""
    typed = {
        str(k): str(v)[:FIELD_MAX]
        for k, v in form.multi_items()
        if "desk_services" not in k and k != "new_desks"
    }
    if group == "services":
        for prefix in _live(groups):
            typed.setdefault(f"active_{prefix}", "")
    if group == "add_service":
        chosen = _strings(form, "new_desks")
        typed.update({f"new_desks_{d}": "on" if d in chosen else "" for d in groups["desks"]})
    if group == "add_desk":
        chosen = _strings(form, "desk_services_new")
        typed.update({f"desk_services_new_{p}": "on" if p in chosen else "" for p in _live(groups)})
    if group == "desks":
        for desk in groups["desks"]:
            chosen = _strings(form, f"desk_services_{desk}")
            for prefix in _live(groups):
                typed[f"desk_services_{desk}_{prefix}"] = "on" if prefix in chosen else ""
    return typed


def _describe(old: Any, new: Any) -> list[str]:
    """A change in a few short lines: each part that differs, before -> after."""

    def short(value: Any) -> str:
        if value in ("", None, [], {}):
            return "\u2014"  # an em dash: nothing there
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 120 else text[:117] + "..."

    if isinstance(old, dict) and isinstance(new, dict):
        return [
            f"{key}: {short(old.get(key, ''))} \u2192 {short(new.get(key, ''))}"
            for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)
        ]
    return [f"{short(old)} \u2192 {short(new)}"]


async def _page(
    request: Request,
    status: int = 200,
    fields: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    flash: str = "",
    error: str = "",
    new_desk: str = "",
) -> Response:
    """The page: every group's form (``fields`` over the stored values), the change log."""
    ctx = context_of(request)

    def query(session: Any) -> tuple[dict[str, Any], list[store.Change]]:
        return store.load(session), store.changes(session, LOG_ROWS)

    stored, log = await ctx.read(query)
    groups = _groups(ctx.settings, stored)
    shown = _fields(groups)
    if fields is not None:
        shown.update(fields)
    tz = ctx.settings.tz
    changes = [
        {"at": c.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), "actor": c.actor, "key": c.key,
         "lines": _describe(c.old, c.new)}
        for c in log
    ]  # fmt: skip
    live = _live(groups)
    return render(request, "setup.html", SETUP, status=status, fields=shown, errors=errors or {},
                  flash=flash, error=error, weekdays=WEEKDAYS, services=live,
                  service_names={p: groups["services"][p]["name"] for p in live},
                  desks=list(groups["desks"]), changes=changes, new_desk=new_desk,
                  device_id=_device_id(new_desk) if new_desk else "")  # fmt: skip


def _device_id(desk: str) -> str:
    """The ``[[devices]]`` id the page suggests for a new desk's counter (docs/security.md)."""
    return f"meja-{desk}"


async def setup_page(request: Request) -> Response:
    await require(request, *ROLES)
    t = words(request, SETUP)
    params = request.query_params
    done, group = params.get("done", ""), params.get("group", "")
    flash, new_desk = "", ""
    if group in site_setup.GROUPS and done in ("done", "unchanged"):
        flash = t(done, group=t(f"group_{group}"))
    elif group in ACTIONS and done == "done":
        value = params.get("what", "")[:16]
        flash = t(f"done_{group}", value=value)
        new_desk = value if group == "add_desk" and site_setup.NEW_DESK.match(value) else ""
    return await _page(request, flash=flash, new_desk=new_desk)


async def setup_submit(request: Request) -> Response:
    user = await require(request, *ROLES)
    group = request.path_params["group"]
    if group not in site_setup.GROUPS and group not in ACTIONS:
        return Response(status_code=404)
    ctx = context_of(request)
    t = words(request, SETUP)
    form = await request.form()
    groups = _groups(ctx.settings, await ctx.read(store.load))
    try:
        value = _value(group, form, groups)
    except site_setup.SetupError as exc:
        message = t(f"err_{exc.code}", **exc.values)
        field = exc.field if exc.field else group
        return await _page(request, 400, _form_fields(group, form, groups), {field: message},
                           error=t("fix_errors"))  # fmt: skip
    keeper = ctx.extras.get("setup")
    if keeper is None:
        return await _page(request, 503, _form_fields(group, form, groups), error=t("err_unavailable"))
    values = value if group in ACTIONS else {group: value}
    try:
        result = await ctx.on_worker(lambda: keeper.change_many(values, user.id))
    except TimeoutError:
        return await _page(request, 503, _form_fields(group, form, groups), error=t("busy"))
    if result.status == 409:
        message = t(
            "err_service_busy", value=result.body.get("service", ""), count=result.body.get("count", 0)
        )
        return await _page(request, 409, _form_fields(group, form, groups), {"remove": message},
                           error=message)  # fmt: skip
    if result.status != 200:
        detail = str(result.body.get("error", {}).get("message", ""))
        return await _page(request, 400, _form_fields(group, form, groups),
                           error=t("err_invalid", detail=detail))  # fmt: skip
    if group in ACTIONS:
        what = {
            "add_service": str(form.get("new_prefix", "")).strip().upper(),
            "remove_service": str(form.get("remove", "")),
            "add_desk": str(form.get("new_desk_id", "")).strip(),
        }
        anchor = "desks" if group == "add_desk" else "services"
        return RedirectResponse(f"/setup?done=done&group={group}&what={quote(what[group][:16])}#{anchor}",
                                status_code=303)  # fmt: skip
    done = "done" if result.body.get("changed") else "unchanged"
    return RedirectResponse(f"/setup?done={done}&group={group}#{group}", status_code=303)


ROUTES = [
    Route("/setup", setup_page, methods=["GET"]),
    Route("/setup/{group}", setup_submit, methods=["POST"]),
]
