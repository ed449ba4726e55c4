"""4. Online requests: record one (WhatsApp, email, website, social media), the list (overdue first,
then due today, then the rest; contacts masked), one request with its full contact and its thread,
the officer's replies and the visitor's messages, closing, and the automatic close after 7 days
without a visitor reply shown ahead (when) and after (that it happened).

Lists are read with ``ctx.read``; every change and every detail view (recorded in the access log)
runs on the hub's worker through ``broker.hub.casework`` (``shared.store.online``'s rules).
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
    fields_of,
    on_worker,
    page_number,
    pages,
    request_id,
    when,
)  # fmt: skip
from broker.console.pages.online_texts import TEXTS
from broker.console.web import render, require, words
from broker.hub.staff import StaffResult
from shared.store import online

RECORD_FIELDS = ("channel", "contact", "subject", "complete_at", "request_id")
ACT_FIELDS = ("text", "at", "request_id")
DONE = ("recorded", "reply", "message", "close")
_FIELD_OF = {"bad_channel": "channel", "bad_contact": "contact", "bad_subject": "subject",
             "empty_text": "text", "bad_text": "text"}  # fmt: skip
_WORDS_OF = {"empty_text": "err_text_empty", "bad_text": "err_text_long"}


async def listing(request: Request) -> Response:
    await require(request, *ROLES)
    ctx = context_of(request)
    show = "closed" if request.query_params.get("show") == "closed" else "open"
    number = page_number(request)
    today = ctx.staff.hub.clock().astimezone(ctx.settings.tz).date()
    close_after = casework(ctx).policy.close_after

    def query(session: Any) -> tuple[list[dict[str, Any]], int]:
        rows, count = online.worklist(session, today, show == "closed", PAGE_SIZE, (number - 1) * PAGE_SIZE)
        items = [
            {"number": r.number, "channel": r.channel, "contact": online.mask_contact(r.channel, r.contact),
             "subject": r.subject, "due_date": r.due_date, "status": r.status,
             "urgency": online.urgency(r, today), "closes_at": online.closes_at(r, close_after),
             "closed_at": r.closed_at, "close_reason": r.close_reason}
            for r in rows
        ]  # fmt: skip
        return items, count

    items, count = await ctx.read(query)
    return render(
        request, "online.html", TEXTS, items=items, count=count, show=show, page=number,
        pages=pages(count), days=close_after.days, **_formatters(request),
    )  # fmt: skip


async def record_page(request: Request) -> Response:
    await require(request, *ROLES)
    form = {"channel": "whatsapp", "request_id": request_id()}
    return render(request, "online_new.html", TEXTS, form=form, errors={}, error="", channels=online.CHANNELS)


async def record_submit(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    form = fields_of(await request.form(), RECORD_FIELDS)
    result = await on_worker(ctx, lambda: casework(ctx).online_record(user.id, form))
    if result.status in (200, 201):
        return RedirectResponse(f"/online/{quote(result.body['number'])}?done=recorded", status_code=303)
    errors, error = _errors(result, words(request, TEXTS), "complete_at")
    return render(request, "online_new.html", TEXTS, status=result.status, form=form, errors=errors,
                  error=error, channels=online.CHANNELS)  # fmt: skip


async def detail(request: Request) -> Response:
    user = await require(request, *ROLES)
    return await _detail(request, user.id)


async def act(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    number, action = request.path_params["number"], request.path_params["action"]
    form = fields_of(await request.form(), ACT_FIELDS)
    result = await on_worker(ctx, lambda: casework(ctx).online_act(user.id, number, action, form))
    if result.status == 200:
        return RedirectResponse(f"/online/{quote(number)}?done={action}", status_code=303)
    return await _detail(request, user.id, action=action, form=form, failed=result)


async def _detail(
    request: Request, officer_id: str, action: str = "", form: dict[str, str] | None = None,
    failed: StaffResult | None = None,
) -> Response:  # fmt: skip
    ctx = context_of(request)
    number = request.path_params["number"]
    t = words(request, TEXTS)
    result = await on_worker(ctx, lambda: casework(ctx).online_detail(officer_id, number))
    if result.status != 200:
        message = t("not_found") if result.status in (400, 404) else t("busy")
        return render(request, "message.html", status=result.status, message=message)
    errors, error = _errors(failed, t, "at") if failed is not None else ({}, "")
    done = request.query_params.get("done", "") if failed is None else ""
    fresh = {"request_id": request_id()}
    # The form that failed keeps what was typed (and its request id); the other starts empty.
    forms = {"reply": fresh, "message": fresh}
    if failed is not None and action in forms:
        forms[action] = form or fresh
    return render(
        request, "online_request.html", TEXTS, status=failed.status if failed else 200,
        r=result.body["request"], forms=forms, failed_action=action if failed else "", errors=errors,
        error=error, done=t(f"done_{done}", number=number) if done in DONE else "",
        days=casework(ctx).policy.close_after.days, **_formatters(request),
    )  # fmt: skip


def _errors(result: StaffResult, t: Any, time_field: str) -> tuple[dict[str, str], str]:
    """The store's refusal as the reader's words, beside the field it is about."""
    code = result.body.get("error", {}).get("code", "")
    field = _FIELD_OF.get(code) or (time_field if code == "bad_time" else "")
    if field:
        return {field: t(_WORDS_OF.get(code, f"err_{code}"))}, t("fix_below")
    if code == "closed":
        return {}, t("err_closed")
    return {}, t("busy") if result.status >= 500 else t("server_error")


def _formatters(request: Request) -> dict[str, Any]:
    tz = context_of(request).settings.tz
    return {"when": lambda value: when(value, tz), "day": lambda value: value.strftime("%d-%m-%Y")}


ROUTES = [
    Route("/online", listing, methods=["GET"]),
    Route("/online/new", record_page, methods=["GET"]),
    Route("/online/new", record_submit, methods=["POST"]),
    Route("/online/{number}", detail, methods=["GET"]),
    Route("/online/{number}/{action}", act, methods=["POST"]),
]
