"""3. Complaints: receive one (walk-in, phone, letter, online), the list (open first, oldest first,
with the median time to answer), one complaint with its text and contact, answer, close.

Lists are read with ``ctx.read``; every change and every detail view (it is recorded in the access
log) runs on the hub's worker through ``broker.hub.casework``. The rules are the store's
(``shared.store.complaints``): the page only turns its problem codes into words.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from broker.console.context import context_of
from broker.console.pages.casework_view import (
    PAGE_SIZE,
    ROLES,
    casework,
    duration,
    fields_of,
    on_worker,
    page_number,
    pages,
    request_id,
    when,
)  # fmt: skip
from broker.console.pages.complaints_texts import TEXTS
from broker.console.web import language, render, require, words
from broker.hub.staff import StaffResult
from shared.store import complaints

FILTERS = {
    "active": (complaints.OPEN, complaints.ANSWERED),
    "open": (complaints.OPEN,),
    "answered": (complaints.ANSWERED,),
    "closed": (complaints.CLOSED,),
    "all": complaints.STATUSES,
}
RECEIVE_FIELDS = ("via", "kind", "text", "name", "email", "phone", "online", "request_id")
DONE = ("received", "answered", "closed")


async def listing(request: Request) -> Response:
    await require(request, *ROLES)
    ctx = context_of(request)
    show = request.query_params.get("show", "active")
    show = show if show in FILTERS else "active"
    number = page_number(request)
    statuses = FILTERS[show]

    def query(session: Any) -> tuple[list[dict[str, Any]], int, Any]:
        rows, count = complaints.page(session, statuses, PAGE_SIZE, (number - 1) * PAGE_SIZE)
        items = [
            {"number": r.number, "kind": r.kind, "source": r.source, "status": r.status,
             "created_at": r.created_at, "time_to_answer": complaints.time_to_answer(r)}
            for r in rows
        ]  # fmt: skip
        return items, count, complaints.median_time_to_answer(session, statuses)

    items, count, median = await ctx.read(query)
    now = ctx.staff.hub.clock()
    return render(
        request, "complaints.html", TEXTS, items=items, count=count, median=median, show=show,
        filters=tuple(FILTERS), page=number, pages=pages(count), now=now, **_formatters(request),
    )  # fmt: skip


async def receive_page(request: Request) -> Response:
    await require(request, *ROLES)
    form = {"via": "walkin", "kind": "complaint", "request_id": request_id()}
    return render(request, "complaint_new.html", TEXTS, form=form, errors={}, error="")


async def receive_submit(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    form = fields_of(await request.form(), RECEIVE_FIELDS)
    result = await on_worker(ctx, lambda: casework(ctx).complaint_receive(user.id, form))
    if result.status in (200, 201):
        number = result.body["number"]
        return RedirectResponse(f"/complaints/{quote(number)}?done=received", status_code=303)
    t = words(request, TEXTS)
    errors, error = _errors(result, t)
    return render(request, "complaint_new.html", TEXTS, status=result.status, form=form, errors=errors,
                  error=error)  # fmt: skip


async def detail(request: Request) -> Response:
    user = await require(request, *ROLES)
    return await _detail(request, user.id)


async def answer(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    number = request.path_params["number"]
    form = fields_of(await request.form(), ("text", "request_id"))
    result = await on_worker(ctx, lambda: casework(ctx).complaint_answer(user.id, number, form))
    if result.status == 200:
        return RedirectResponse(f"/complaints/{quote(number)}?done=answered", status_code=303)
    return await _detail(request, user.id, form=form, failed=result)


async def close(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    number = request.path_params["number"]
    form = fields_of(await request.form(), ("request_id",))
    result = await on_worker(ctx, lambda: casework(ctx).complaint_close(user.id, number, form))
    if result.status == 200:
        return RedirectResponse(f"/complaints/{quote(number)}?done=closed", status_code=303)
    return await _detail(request, user.id, failed=result)


async def _detail(
    request: Request, officer_id: str, form: dict[str, str] | None = None, failed: StaffResult | None = None
) -> Response:
    ctx = context_of(request)
    number = request.path_params["number"]
    t = words(request, TEXTS)
    result = await on_worker(ctx, lambda: casework(ctx).complaint_detail(officer_id, number))
    if result.status != 200:
        message = t("not_found") if result.status in (400, 404) else t("busy")
        return render(request, "message.html", status=result.status, message=message)
    errors, error = _errors(failed, t) if failed is not None else ({}, "")
    done = request.query_params.get("done", "") if failed is None else ""
    form = {**(form or {}), "request_id": request_id()} if failed is None else (form or {})
    return render(
        request, "complaint.html", TEXTS, status=failed.status if failed else 200,
        c=result.body["complaint"], form=form, errors=errors, error=error,
        done=t(f"done_{done}", number=number) if done in DONE else "", **_formatters(request),
    )  # fmt: skip


def _errors(result: StaffResult | None, t: Any) -> tuple[dict[str, str], str]:
    """The store's problem codes as the reader's words: per field, and one line above the form."""
    if result is None:
        return {}, ""
    error = result.body.get("error", {})
    code = error.get("code", "")
    errors: dict[str, str] = {}
    for name, problem in error.get("fields", {}).items():
        key = f"err_{name}_{problem}" if name == "text" else f"err_{name}"
        errors[name] = t(key)
    if code == "unknown_request":
        errors["online"] = t("err_online_unknown")
    elif code == "bad_request":
        errors["text"] = t("err_answer_required")
    elif code == "too_long":
        errors["text"] = t("err_answer_too_long")
    if errors:
        return errors, t("fix_below")
    if code == "complaint_closed":
        return {}, t("err_closed")
    return {}, t("busy") if result.status >= 500 else t("server_error")


def _formatters(request: Request) -> dict[str, Any]:
    tz = context_of(request).settings.tz
    lang = language(request)
    return {"when": lambda value: when(value, tz), "duration": lambda value: duration(value, lang)}


ROUTES = [
    Route("/complaints", listing, methods=["GET"]),
    Route("/complaints/new", receive_page, methods=["GET"]),
    Route("/complaints/new", receive_submit, methods=["POST"]),
    Route("/complaints/{number}", detail, methods=["GET"]),
    Route("/complaints/{number}/answer", answer, methods=["POST"]),
    Route("/complaints/{number}/close", close, methods=["POST"]),
]
